use base64::Engine as _;
use serde_json::Value;

use super::{capacity_detail, old_on_condition_failure, Answer, Encoded};
use crate::error::Result;
use crate::model::Item;
use crate::ops::execute_statement::{invalid_token, Input, Output};
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
        next_token: body.str("NextToken").map(decode_token).transpose(),
        capacity: capacity_detail(body),
        old_on_condition_failure: old_on_condition_failure(body),
    })
}

/// NextToken: a page's LastEvaluatedKey as base64 of its JSON.
fn encode_token(last: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(last.to_string())
}

fn decode_token(token: &str) -> Result<Item> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| invalid_token())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| invalid_token())?;
    if !v.is_object() {
        return Err(invalid_token());
    }
    attr::decode_map(&v).map_err(|_| invalid_token())
}

pub fn encode(out: Output) -> Encoded {
    let token = out.last_evaluated_key.as_ref().map(|last| Value::String(encode_token(&encode_map(last))));
    Answer::default()
        .items("Items", Some(&out.items))
        .tree("NextToken", token)
        .item("LastEvaluatedKey", out.last_evaluated_key.as_ref())
        .capacity(out.capacity.as_ref())
        .encode()
}
