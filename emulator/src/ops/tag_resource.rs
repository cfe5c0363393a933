//! TagResource: adds or overwrites tags on a table or stream, all or nothing.

use super::tags::{checked, missing_list, tag_arn, tagged, too_many_tags, Tag, MAX_TAGS};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    pub resource_arn: Option<String>,
    /// `None` when the request has no Tags member.
    pub tags: Option<Vec<Tag>>,
}

/// TagResource answers with an empty body.
pub struct Output;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let arn = tag_arn(cx, input.resource_arn.as_deref())?;
    let tags = input.tags.ok_or_else(|| missing_list("tags"))?;
    if tags.is_empty() {
        return Err(Error::validation("Atleast one Tag needs to be provided as Input."));
    }
    let pairs = checked(&tags)?;
    let arn = tagged(cx, &arn, "TagResource")?;
    let existing = cx.ns.store.tags(&arn);
    let added = pairs.iter().filter(|(k, _)| !existing.iter().any(|(e, _)| e == k)).count();
    if existing.len() + added > MAX_TAGS {
        return Err(too_many_tags());
    }
    cx.ns.store.set_tags(&arn, pairs);
    Ok(Output)
}
