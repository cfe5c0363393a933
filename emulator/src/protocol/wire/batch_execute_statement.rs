use serde_json::{Map, Value};

use super::statements::{prepare, PARAMETERS, STATEMENT};
use super::{capacity_detail, old_on_condition_failure, Answer};
use crate::error::{Detail, ErrorKind, Result};
use crate::ops::batch_execute_statement::{Input, Output, StatementRequest, StatementResponse};
use crate::protocol::attr::encode_map;
use crate::protocol::shape::{
    field, required, validate, Field, Shape, RETURN_CONSUMED_CAPACITY, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const STATEMENT_REQUEST: Shape = Shape::Struct {
    java: "BatchStatementRequest",
    fields: &[
        required("Statement", STATEMENT),
        field("Parameters", PARAMETERS),
        field("ConsistentRead", Shape::Bool),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};

pub(crate) const SHAPE: &[Field] = &[
    required("Statements", Shape::List { member: &STATEMENT_REQUEST, min: 1, max: 25 }),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let statements = body
        .list("Statements")
        .iter()
        .map(|m| {
            let m = Body(m);
            StatementRequest {
                prepared: prepare(m),
                consistent_read: m.bool("ConsistentRead").unwrap_or(false),
                old_on_condition_failure: old_on_condition_failure(m),
            }
        })
        .collect();
    Ok(Input {
        statements,
        capacity: capacity_detail(body),
    })
}

/// The `Code` a statement's error answers with.
fn error_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceeded",
        ErrorKind::ResourceNotFound => "ResourceNotFound",
        ErrorKind::TransactionConflict => "TransactionConflict",
        ErrorKind::DuplicateItem => "DuplicateItem",
        ErrorKind::InternalServer => "InternalServerError",
        ErrorKind::AccessDenied => "AccessDenied",
        _ => "ValidationError",
    }
}

fn response(r: StatementResponse) -> Value {
    let mut answer = Answer::default().item("Item", r.item.as_ref());
    if let Some(table) = r.table {
        answer = answer.member("TableName", Value::String(table));
    }
    if let Some(e) = r.error {
        let mut err = Map::new();
        err.insert("Code".into(), Value::String(error_code(e.kind).into()));
        if let Some(m) = e.message {
            err.insert("Message".into(), Value::String(m));
        }
        if let Detail::Item(item) = e.detail {
            err.insert("Item".into(), encode_map(&item));
        }
        answer = answer.member("Error", Value::Object(err));
    }
    answer.value()
}

pub fn encode(out: Output) -> Value {
    Answer::default()
        .member("Responses", out.responses.into_iter().map(response).collect())
        .capacities(out.capacity.as_deref())
        .value()
}
