//! What the tag operations and CreateTable share: DynamoDB's tag rules, the tag limit, and the
//! table a tagged ARN names.

use std::sync::Arc;

use super::resources::{access_denied, ours};
use super::Cx;
use crate::error::{Error, Result};
use crate::store::Table;

/// The most tags a resource may carry.
pub const MAX_TAGS: usize = 50;

/// One tag as a request gives it; either part may be missing (DynamoDB then names it `null`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

impl Tag {
    /// Key and value, when both are present.
    pub fn pair(&self) -> Option<(&str, &str)> {
        Some((self.key.as_deref()?, self.value.as_deref()?))
    }
}

/// A required list missing (TagResource's Tags, UntagResource's TagKeys): DynamoDB reports it in
/// its counted form, by the member's name in its own model (`path`).
pub fn missing_list(path: &str) -> Error {
    Error::validation(format!(
        "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
    ))
}

pub fn too_many_tags() -> Error {
    Error::validation("Number of Tags exceed the current limit for the provided ResourceArn")
}

/// Letters and digits of any script, white space, and `+ - = . _ : / @`.
fn valid_tag_text(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "+-=._:/@".contains(c))
}

/// A tag key: 1 to 128 characters of the tag alphabet.
pub fn check_key(key: Option<&str>) -> Result<&str> {
    match key {
        Some(k) if (1..=128).contains(&k.chars().count()) && valid_tag_text(k) => Ok(k),
        other => Err(Error::validation(format!(
            "The Tag Key provided is invalid, Key: {}",
            other.unwrap_or("null")
        ))),
    }
}

/// A tag value: up to 256 characters of the tag alphabet.
pub fn check_value(value: Option<&str>) -> Result<&str> {
    match value {
        Some(v) if v.chars().count() <= 256 && valid_tag_text(v) => Ok(v),
        other => Err(Error::validation(format!(
            "The Tag Value provided is invalid, Value: {}",
            other.unwrap_or("null")
        ))),
    }
}

/// The table a well-formed ARN names. Another account's ARN is not ours to read (AccessDenied);
/// a missing table of ours is ResourceNotFound, except that ListTagsOfResource answers it with
/// AccessDenied too, as DynamoDB does.
pub fn table_for(cx: &Cx, arn: &str, op: &str) -> Result<Arc<Table>> {
    if !ours(cx, arn) {
        return Err(access_denied(cx, op, arn));
    }
    let name = arn
        .split_once(":table/")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or_default();
    let is_table_arn = !arn.contains("/stream/");
    match cx.ns.store.table(name).filter(|_| is_table_arn) {
        Some(t) => Ok(t),
        None if op == "ListTagsOfResource" => Err(access_denied(cx, op, arn)),
        None => Err(Error::resource_not_found(format!(
            "Requested resource not found: ResourcArn: {arn} not found"
        ))),
    }
}
