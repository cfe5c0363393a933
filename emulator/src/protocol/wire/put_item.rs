use super::{write_output, single_write, table_name, Encoded};
use crate::error::Result;
use crate::expr::Op;
use crate::ops::common::check_item_size;
use crate::ops::put_item::{Input, Output};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, CONDITIONAL_OPERATOR, EXPRESSION, EXPRESSION_NAMES,
    EXPECTED, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS, RETURN_VALUES,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Item", Shape::Item),
    field("Expected", EXPECTED),
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
    let (item, returns, exprs) = single_write(body, "Item", Op::PutItem, |item, r| {
        let r = r.old_or_none()?;
        check_item_size(item)?;
        Ok(r)
    })?;
    Ok(Input { table: table_name(body), item, returns, exprs })
}

pub fn encode(out: Output) -> Encoded {
    write_output(&out)
}
