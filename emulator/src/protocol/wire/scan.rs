use super::{page, read_input, Encoded};
use crate::error::{Error, Result};
use crate::expr::Op;
use crate::ops::scan::{Input, Output};
use crate::protocol::shape::{
    field, int, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES, CONDITIONAL_OPERATOR, EXPRESSION,
    EXPRESSION_NAMES, INDEX_NAME, FILTER_CONDITIONS, RETURN_CONSUMED_CAPACITY, SELECT,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("IndexName", INDEX_NAME),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("Limit", int(Some(1), None)),
    field("Select", SELECT),
    field("ScanFilter", FILTER_CONDITIONS),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ExclusiveStartKey", ATTRIBUTE_MAP),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("TotalSegments", int(Some(1), Some(1_000_000))),
    field("Segment", int(Some(0), Some(999_999))),
    field("ProjectionExpression", EXPRESSION),
    field("FilterExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ConsistentRead", Shape::Bool),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let (read, segment) = read_input(body, Op::Scan, || segment(body))?;
    Ok(Input { segment, read })
}

/// Segment and TotalSegments come together, with Segment < TotalSegments.
fn segment(body: Body) -> Result<Option<(u64, u64)>> {
    match (body.int("Segment"), body.int("TotalSegments")) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
        )),
        (None, Some(_)) => Err(Error::validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
        )),
        (Some(s), Some(t)) if s >= t => Err(Error::validation(format!(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {t}"
        ))),
        (Some(s), Some(t)) => Ok(Some((s as u64, t as u64))),
    }
}

pub fn encode(out: Output) -> Encoded {
    page(&out)
}
