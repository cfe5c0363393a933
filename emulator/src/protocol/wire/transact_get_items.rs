use serde_json::Value;

use super::multi::item_responses;
use super::{capacity_detail, expressions, table_name};
use crate::error::Result;
use crate::expr::Op;
use crate::model::Reading;
use crate::ops::transact_get_items::{GetRequest, Input, Output};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES, RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

const GET: Shape = Shape::Struct {
    java: "Get",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        field("ProjectionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
    ],
};
const TRANSACT_GET_ITEM: Shape = Shape::Struct {
    java: "TransactGetItem",
    fields: &[required("Get", GET)],
};
pub(crate) const SHAPE: &[Field] = &[
    required(
        "TransactItems",
        Shape::List {
            member: &TRANSACT_GET_ITEM,
            min: 1,
            max: 100,
        },
    ),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let mut gets = Vec::new();
    for get in body.list("TransactItems").iter().filter_map(|e| Body(e).child("Get")) {
        gets.push(GetRequest {
            exprs: expressions::parse_in_transaction(get, Op::GetItem)?,
            key: get.item_as("Key", Reading::BigDecimal)?.unwrap_or_default(),
            table: table_name(get),
        });
    }
    Ok(Input {
        gets,
        capacity: capacity_detail(body),
    })
}

pub fn encode(out: Output) -> Value {
    item_responses(&out.responses, out.capacity.as_deref())
}
