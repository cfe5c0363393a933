use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{capacity_detail, old_on_condition_failure, Answer, Encoded};
use crate::error::Result;
use crate::ops::execute_statement::{invalid_token, Input, Output, Resume};
use super::statements::{prepare, PARAMETERS, STATEMENT};
use crate::protocol::attr::{self, encode_map};
use crate::protocol::shape::{
    field, int, required, string, validate, Field, Shape, RETURN_CONSUMED_CAPACITY,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("Statement", STATEMENT),
    field("Parameters", PARAMETERS),
    field("ConsistentRead", Shape::Bool),
    field("NextToken", string(1, 32768)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("Limit", int(Some(1), None)),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let (statement, params) = prepare(body)?;
    Ok(Input {
        statement,
        params,
        consistent_read: body.bool("ConsistentRead").unwrap_or(false),
        limit: body.int("Limit").map(|l| l as usize),
        request: request_digest(body),
        next_token: body.str("NextToken").map(decode_token).transpose(),
        capacity: capacity_detail(body),
        old_on_condition_failure: old_on_condition_failure(body),
    })
}

/// The SHA-256 of the statement's text and its Parameters as sent, in hex.
fn request_digest(body: Body) -> String {
    let mut digest = Sha256::new();
    digest.update(body.str("Statement").unwrap_or_default());
    for param in body.list("Parameters") {
        digest.update([0]);
        digest.update(param.to_string());
    }
    hex::encode(digest.finalize())
}

/// NextToken: base64 of the JSON of the page's request digest and LastEvaluatedKey.
fn encode_token(next: &Resume) -> String {
    let token = json!({"Request": next.request, "Key": encode_map(&next.key)});
    base64::engine::general_purpose::STANDARD.encode(token.to_string())
}

fn decode_token(token: &str) -> Result<Resume> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| invalid_token())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| invalid_token())?;
    match (v.get("Request").and_then(Value::as_str), v.get("Key").filter(|k| k.is_object())) {
        (Some(request), Some(key)) => Ok(Resume {
            request: request.to_string(),
            key: attr::decode_map(key).map_err(|_| invalid_token())?,
        }),
        _ => Err(invalid_token()),
    }
}

pub fn encode(out: Output) -> Encoded {
    let token = out.next.as_ref().map(|next| Value::String(encode_token(next)));
    Answer::default()
        .items("Items", Some(&out.items))
        .tree("NextToken", token)
        .item("LastEvaluatedKey", out.next.as_ref().map(|n| &n.key))
        .capacity(out.capacity.as_ref())
        .encode()
}
