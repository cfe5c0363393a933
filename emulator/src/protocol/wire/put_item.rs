use serde_json::Value;

use super::{Answer, capacity_detail, collection_metrics_asked, expressions, old_on_condition_failure, return_values};
use crate::error::Result;
use crate::expr::Op;
use crate::ops::put_item::{Input, Output};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, CONDITIONAL_OPERATOR, EXPRESSION, EXPRESSION_NAMES,
    LEGACY_CONDITIONS, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS, RETURN_VALUES,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Item", ATTRIBUTE_MAP),
    field("Expected", LEGACY_CONDITIONS),
    field("ReturnValues", RETURN_VALUES),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ConditionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        item: body.item("Item")?.unwrap_or_default(),
        return_values: return_values(body).old_or_none()?,
        exprs: expressions::parse(body, Op::PutItem)?,
        table: body.str("TableName").unwrap_or_default().to_string(),
        capacity: capacity_detail(body),
        collection_metrics: collection_metrics_asked(body),
        old_on_condition_failure: old_on_condition_failure(body),
    })
}

pub fn encode(out: Output) -> Value {
    Answer::default()
        .capacity(out.capacity.as_ref())
        .collection_metrics(out.collection_metrics.as_ref())
        .item("Attributes", out.attributes.as_ref())
        .value()
}
