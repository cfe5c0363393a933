use serde_json::Value;

use super::statements::{prepare_within, PARAMETERS, STATEMENT};
use super::multi::{client_token, item_responses};
use super::{capacity_detail, old_on_condition_failure};
use crate::error::Result;
use crate::ops::execute_transaction::{at, Input, Output, TransactStatement};
use crate::protocol::shape::{
    field, required, string, validate, Field, Shape, RETURN_CONSUMED_CAPACITY, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const PARAMETERIZED_STATEMENT: Shape = Shape::Struct {
    java: "ParameterizedStatement",
    fields: &[
        required("Statement", STATEMENT),
        field("Parameters", PARAMETERS),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};

pub(crate) const SHAPE: &[Field] = &[
    required("TransactStatements", Shape::List { member: &PARAMETERIZED_STATEMENT, min: 1, max: 100 }),
    field("ClientRequestToken", string(1, 36)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let mut statements = Vec::new();
    for (i, m) in body.list("TransactStatements").iter().map(Body).enumerate() {
        let (statement, params) = prepare_within(m, at(i))?;
        statements.push(TransactStatement {
            statement,
            params,
            wants_old: old_on_condition_failure(m),
        });
    }
    Ok(Input {
        statements,
        capacity: capacity_detail(body),
        token: client_token(body, "TransactStatements"),
    })
}

pub fn encode(out: Output) -> Value {
    item_responses(&out.responses, out.capacity.as_deref())
}
