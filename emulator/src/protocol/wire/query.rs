use super::{page, read_input, Encoded};
use crate::error::{Error, Result};
use crate::expr::Op;
use crate::ops::query::{Input, Output};
use crate::protocol::shape::{
    field, int, required, check_types, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES, CONDITIONAL_OPERATOR, EXPRESSION,
    EXPRESSION_NAMES, INDEX_NAME, FILTER_CONDITIONS, RETURN_CONSUMED_CAPACITY, SELECT,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("IndexName", INDEX_NAME),
    field("Select", SELECT),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("Limit", Shape::Unechoed(&int(Some(1), None))),
    field("ConsistentRead", Shape::Bool),
    field("KeyConditions", FILTER_CONDITIONS),
    field("QueryFilter", FILTER_CONDITIONS),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ScanIndexForward", Shape::Bool),
    field("ExclusiveStartKey", ATTRIBUTE_MAP),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ProjectionExpression", EXPRESSION),
    field("FilterExpression", EXPRESSION),
    field("KeyConditionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
];

pub fn decode(body: Body) -> Result<Input> {
    // An unknown ConditionalOperator is refused on its own, before the other members' violations
    // and in the newer framework's bare words, whose value set is AWS's as captured (eu-west-2
    // and us-east-1, October 2026).
    if body.str("ConditionalOperator").is_some_and(|op| !["AND", "OR"].contains(&op)) {
        check_types(body.0, SHAPE)?;
        return Err(Error::validation(
            "Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]",
        ));
    }
    validate(body.0, SHAPE)?;
    let missing = || {
        Error::validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        )
    };
    let given = || match body.has("KeyConditionExpression") || body.has("KeyConditions") {
        true => Ok(()),
        false => Err(missing()),
    };
    let (mut read, ()) = read_input(body, Op::Query, given)?;
    Ok(Input {
        key_condition: read.exprs.key_condition.take().ok_or_else(missing)?,
        forward: body.bool("ScanIndexForward").unwrap_or(true),
        query_filter: body.has("QueryFilter"),
        read,
    })
}

pub fn encode(out: Output) -> Encoded {
    page(&out)
}
