//! What the tag operations and CreateTable share: DynamoDB's tag rules, the tag limit, and the
//! resource (table or stream) a tagged ARN names.

use super::resources::{access_denied, foreign, other_account, resource_arn};
use super::Cx;
use crate::error::{Error, Result};
use crate::store::Status;

/// The most tags a resource may carry.
pub const MAX_TAGS: usize = 50;

/// One tag as a request gives it; either part may be missing (DynamoDB then names it `null`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
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
fn check_key(key: Option<&str>) -> Result<&str> {
    match key {
        Some(k) if (1..=128).contains(&k.chars().count()) && valid_tag_text(k) => Ok(k),
        other => Err(Error::validation(format!(
            "The Tag Key provided is invalid, Key: {}",
            other.unwrap_or("null")
        ))),
    }
}

/// A key a request may set or remove: a valid key outside the `aws:` namespace, which AWS
/// reserves for its own tags in any letter case (TagResource, UntagResource and CreateTable alike).
pub fn user_key(key: Option<&str>) -> Result<&str> {
    let key = check_key(key)?;
    if key.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:")) {
        return Err(Error::validation(format!(
            "Tag Key cannot be prefixed with aws:, Key: {key}"
        )));
    }
    Ok(key)
}

/// A tag value: up to 256 characters of the tag alphabet.
fn check_value(value: Option<&str>) -> Result<&str> {
    match value {
        Some(v) if v.chars().count() <= 256 && valid_tag_text(v) => Ok(v),
        other => Err(Error::validation(format!(
            "The Tag Value provided is invalid, Value: {}",
            other.unwrap_or("null")
        ))),
    }
}

/// The tags a request sets (TagResource, CreateTable) as (key, value) pairs, each tag checked in
/// turn (its key, then its value, then whether an earlier tag had its key): the first fault is
/// the answer, and nothing is set.
pub fn checked(tags: &[Tag]) -> Result<Vec<(&str, &str)>> {
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(tags.len());
    for tag in tags {
        let key = user_key(tag.key.as_deref())?;
        let value = check_value(tag.value.as_deref())?;
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(Error::validation(format!(
                "Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}"
            )));
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// A tag operation's ResourceArn, first of the request's checks: an ARN naming another account, or
/// no account of ours at all (another service's, `arn:aws:s3:::bucket`), is AccessDenied before
/// its form is read further, as DynamoDB authorizes the caller on the ARN's account first
/// (ExtendDB's AWS-checked tagging tests); then `resources::resource_arn`'s form checks.
pub fn tag_arn(cx: &Cx, arn: Option<&str>) -> Result<String> {
    if arn.is_some_and(|a| foreign(cx, a)) {
        return Err(other_account());
    }
    resource_arn(cx, arn)
}

/// The ARN whose tags `arn` (of ours, checked by `tag_arn`) names: a table, or the stream a table
/// has enabled now (a stream carries tags of its own, apart from its table's). A missing one is
/// ResourceNotFound, except that ListTagsOfResource answers it with AccessDenied (the parity
/// suite, FIDELITY.md).
pub fn tagged(cx: &Cx, arn: &str, op: &str) -> Result<String> {
    let exists = if arn.contains("/stream/") {
        cx.ns
            .store
            .stream(arn, cx.now_millis)
            .is_some_and(|s| s.disabled_at().is_none())
    } else {
        // A table still CREATING is not there yet for the tag operations (DDB-TABLE-446).
        let table = cx.ns.store.table(cx.engine.table_name(arn));
        table.is_some_and(|t| t.status(cx.now_millis) != Status::Creating)
    };
    if exists {
        Ok(arn.to_string())
    } else if op == "ListTagsOfResource" {
        Err(access_denied(cx, op, arn))
    } else {
        Err(Error::resource_not_found(format!(
            "Requested resource not found: ResourceArn: {arn} not found"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: Option<&str>, value: Option<&str>) -> Tag {
        Tag {
            key: key.map(str::to_owned),
            value: value.map(str::to_owned),
        }
    }

    fn fault(tags: &[Tag]) -> String {
        checked(tags).unwrap_err().message.unwrap()
    }

    #[test]
    fn a_missing_key_or_value_is_named_null() {
        assert_eq!(fault(&[tag(None, None)]), "The Tag Key provided is invalid, Key: null");
        assert_eq!(
            fault(&[tag(None, Some("v"))]),
            "The Tag Key provided is invalid, Key: null"
        );
        assert_eq!(
            fault(&[tag(Some("k"), None)]),
            "The Tag Value provided is invalid, Value: null"
        );
    }

    #[test]
    fn the_aws_prefix_is_reserved_in_any_case() {
        for key in ["aws:foo", "AWS:foo", "Aws:x"] {
            assert_eq!(
                user_key(Some(key)).unwrap_err().message.unwrap(),
                format!("Tag Key cannot be prefixed with aws:, Key: {key}")
            );
        }
        for key in ["myaws:foo", "aws", "aws-x", "awsé:x"] {
            assert_eq!(user_key(Some(key)).unwrap(), key);
        }
    }

    #[test]
    fn each_tag_is_checked_in_turn_and_the_first_fault_answers() {
        let tags = [
            tag(Some("a"), Some("1")),
            tag(Some("a"), Some("100%")),
            tag(Some("b#"), Some("2")),
        ];
        assert_eq!(fault(&tags), "The Tag Value provided is invalid, Value: 100%");
        let tags = [tag(Some("a"), Some("1")), tag(Some("a"), Some("2"))];
        assert_eq!(
            fault(&tags),
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found a"
        );
        assert_eq!(checked(&[tag(Some("a"), Some(""))]).unwrap(), vec![("a", "")]);
    }
}
