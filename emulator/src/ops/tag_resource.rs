//! TagResource: adds or overwrites tags on a table, all or nothing. Also home of what the three tag
//! operations share: resolving a `ResourceArn` and DynamoDB's tag rules.

use std::sync::Arc;

use serde_json::{json, Value};

use super::Cx;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::shape::{field, string, validate, Field, Shape};
use crate::protocol::Body;
use crate::store::Table;

/// The most tags a resource may carry.
pub const MAX_TAGS: usize = 50;

pub const RESOURCE_ARN: Shape = string(1, 1283);

const SHAPE: &[Field] = &[
    field("ResourceArn", RESOURCE_ARN),
    field(
        "Tags",
        Shape::List {
            member: &Shape::Struct {
                java: "Tag",
                fields: &[
                    field("Key", string(0, usize::MAX)),
                    field("Value", string(0, usize::MAX)),
                ],
            },
            min: 0,
            max: usize::MAX,
        },
    ),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let arn = resource_arn(engine, body)?;
    let tags = body
        .get("Tags")
        .ok_or_else(|| null_member("tags"))?
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if tags.is_empty() {
        return Err(Error::validation("Atleast one Tag needs to be provided as Input."));
    }
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for tag in tags {
        let key = tag.get("Key").and_then(Value::as_str);
        let value = tag.get("Value").and_then(Value::as_str);
        let key = check_key(key)?;
        if key.starts_with("aws:") {
            return Err(Error::validation(format!(
                "Tag Key cannot be prefixed with aws:, Key: {key}"
            )));
        }
        let value = match value {
            Some(v) if v.chars().count() <= 256 && valid_tag_text(v) => v,
            other => {
                return Err(Error::validation(format!(
                    "The Tag Value provided is invalid, Value: {}",
                    other.unwrap_or("null")
                )))
            }
        };
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(Error::validation(format!(
                "Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}"
            )));
        }
        pairs.push((key, value));
    }
    let arn = engine.table_arn(&table_for(engine, &arn, "TagResource")?.name);
    let existing = engine.store.tags(&arn);
    let added = pairs
        .iter()
        .filter(|(k, _)| !existing.iter().any(|(e, _)| e == k))
        .count();
    if existing.len() + added > MAX_TAGS {
        return Err(too_many_tags());
    }
    let list: Vec<Value> = pairs
        .iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    engine.store.set_tags(&arn, &Value::Array(list));
    // DynamoDB answers with an empty body.
    Ok(Value::Null)
}

fn null_member(path: &str) -> Error {
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

/// The request's `ResourceArn`, checked for form the way DynamoDB checks it before anything else.
pub fn resource_arn(engine: &Engine, body: Body) -> Result<String> {
    let Some(arn) = body.str("ResourceArn") else {
        return Err(Error::validation("Invalid TableArn"));
    };
    let invalid = |what: &str| Error::invalid_parameter(format!("{what}{arn}"));
    if !arn.starts_with("arn:") {
        return Err(invalid("ARNs must start with 'arn:': "));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, partition, service, region, _account, resource] = parts[..] else {
        return Err(invalid("Provided Arn is not a DynamoDB resource arn: "));
    };
    if service != "dynamodb" {
        return Err(invalid("Provided Arn is not a DynamoDB resource arn: "));
    }
    let bad_table_arn =
        || Error::validation(format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}"));
    let Some(path) = resource.strip_prefix("table/") else {
        return Err(bad_table_arn());
    };
    let mut segments = path.split('/');
    let name = segments.next().unwrap_or_default();
    match (segments.next(), segments.next(), segments.next()) {
        (None, _, _) | (Some("stream"), Some(_), None) => {}
        _ => {
            return Err(invalid(
                "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ",
            ))
        }
    }
    let name_ok = (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if partition != "aws" || region != engine.region || !name_ok {
        return Err(bad_table_arn());
    }
    Ok(arn.to_string())
}

/// The table a well-formed ARN names. Another account's ARN is not ours to read (AccessDenied);
/// a missing table of ours is ResourceNotFound, except that ListTagsOfResource answers it with
/// AccessDenied too, as DynamoDB does.
pub fn table_for(engine: &Engine, arn: &str, op: &str) -> Result<Arc<Table>> {
    let denied = || {
        Error::new(
            ErrorKind::AccessDenied,
            format!(
                "User: arn:aws:iam::{}:root is not authorized to perform: dynamodb:{op} on resource: {arn}",
                engine.account_id
            ),
        )
    };
    let account = arn.split(':').nth(4).unwrap_or_default();
    if account != engine.account_id {
        return Err(denied());
    }
    let name = arn
        .split_once(":table/")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or_default();
    let is_table_arn = !arn.contains("/stream/");
    match engine.store.table(name).filter(|_| is_table_arn) {
        Some(t) => Ok(t),
        None if op == "ListTagsOfResource" => Err(denied()),
        None => Err(Error::resource_not_found(format!(
            "Requested resource not found: ResourcArn: {arn} not found"
        ))),
    }
}
