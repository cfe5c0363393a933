//! UntagResource: removes tag keys from a table or stream; keys it does not carry are ignored.

use super::tags::{missing_list, tag_arn, tagged, too_many_tags, user_key, MAX_TAGS};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    pub resource_arn: Option<String>,
    /// `None` when the request has no TagKeys member; a key may be missing (`null`) in the list.
    pub tag_keys: Option<Vec<Option<String>>>,
}

/// UntagResource answers with an empty body.
pub struct Output;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let arn = tag_arn(cx, input.resource_arn.as_deref())?;
    let keys = input.tag_keys.ok_or_else(|| missing_list("tagKeys"))?;
    if keys.is_empty() {
        return Err(Error::validation("Atleast one Tag Key needs to be provided as Input."));
    }
    if keys.len() > MAX_TAGS {
        return Err(too_many_tags());
    }
    let keys = keys
        .iter()
        .map(|k| user_key(k.as_deref()).map(str::to_owned))
        .collect::<Result<Vec<String>>>()?;
    let arn = tagged(cx, &arn, "UntagResource")?;
    cx.ns.store.untag(&arn, &keys);
    Ok(Output)
}
