use super::{write_output, single_write, table_name, Encoded};
use crate::error::Result;
use crate::expr::Op;
use crate::ops::update_item::{Input, Output};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_UPDATES, CONDITIONAL_OPERATOR, EXPRESSION, EXPRESSION_NAMES,
    EXPECTED, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS, RETURN_VALUES,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

/// In the order DynamoDB lists UpdateItem's violations, which is not the API reference's: the
/// conformance suite's AWS captures (eu-west-2 and us-east-1, October 2026) put
/// ReturnConsumedCapacity, the table name, ReturnValues and ConditionalOperator before the
/// missing Key. The order in full is that of Java's HashMap over the members' names (FIDELITY.md,
/// "The conformance suite's newer tests (session 15, nub2)"), which agrees with every capture.
pub(crate) const SHAPE: &[Field] = &[
    field("ConditionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("Expected", EXPECTED),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    required("TableName", Shape::TableRef),
    field("ReturnValues", RETURN_VALUES),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    field("AttributeUpdates", ATTRIBUTE_UPDATES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("UpdateExpression", EXPRESSION),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
    required("Key", ATTRIBUTE_MAP),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let (key, returns, exprs) = single_write(body, "Key", Op::UpdateItem, |_, r| Ok(r))?;
    Ok(Input { table: table_name(body), key, returns, exprs })
}

pub fn encode(out: Output) -> Encoded {
    write_output(&out)
}
