//! ListTagsOfResource: a table's or stream's tags in the order they were first set, all on one
//! page (a resource has at most 50).

use super::tags::{tag_arn, tagged};
use super::Cx;
use crate::error::Result;

pub struct Input {
    pub resource_arn: Option<String>,
}

pub struct Output {
    /// (key, value) pairs.
    pub tags: Vec<(String, String)>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let arn = tag_arn(cx, input.resource_arn.as_deref())?;
    let arn = tagged(cx, &arn, "ListTagsOfResource")?;
    Ok(Output { tags: cx.ns.store.tags(&arn) })
}
