use super::{capacity_detail, expressions, table_name, Answer, Encoded};
use crate::error::Result;
use crate::expr::Op;
use crate::ops::get_item::{Input, Output};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES, EXPRESSION, EXPRESSION_NAMES,
    RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Key", ATTRIBUTE_MAP),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("ConsistentRead", Shape::Bool),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ProjectionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    expressions::check_parameters(body, Op::GetItem)?;
    Ok(Input {
        key: body.item("Key")?.unwrap_or_default(),
        exprs: expressions::parse(body, Op::GetItem)?,
        table: table_name(body),
        consistent_read: body.bool("ConsistentRead").unwrap_or(false),
        capacity: capacity_detail(body),
    })
}

pub fn encode(out: Output) -> Encoded {
    Answer::default()
        .capacity(out.capacity.as_ref())
        .stored("Item", out.item.as_ref())
        .encode()
}
