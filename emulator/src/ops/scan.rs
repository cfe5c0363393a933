//! Scan: the whole table or index in storage order, optionally one segment of a parallel scan.
//! Segments are contiguous ranges of the partition hash token, so every item is in exactly one.

use std::ops::Bound;

use serde_json::Value;

use super::common::table;
use super::expressions;
use super::read::{collect, rows_between, PageSpec, Source};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::Op;
use crate::protocol::shape::{
    field, int, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES,
    CONDITIONAL_OPERATOR, EXPRESSION, EXPRESSION_NAMES, INDEX_NAME, LEGACY_CONDITIONS,
    RETURN_CONSUMED_CAPACITY, SELECT,
};
use crate::protocol::Body;
use crate::store::Slot;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("IndexName", INDEX_NAME),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("Limit", int(Some(1), None)),
    field("Select", SELECT),
    field("ScanFilter", LEGACY_CONDITIONS),
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

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let segment = segment(body)?;
    let exprs = expressions::parse(body, Op::Scan)?;
    let table = table(engine, body)?;
    let state = table.state.read();
    let source = Source::new(engine, &table, &state, body)?;
    let select = source.select(body, &exprs)?;
    let start = source.start_key(body)?;

    let (first, end) = segment.map_or((0, 1u64 << 32), |(s, total)| (token_at(s, total), token_at(s + 1, total)));
    // The smallest position with a given token: no key values.
    let lowest = |t: u64| Slot { token: t as u32, hash: Default::default(), range: Default::default() };
    let lo = Bound::Included(lowest(first));
    let rows = rows_between(&source, lo, Bound::Unbounded, start, true).take_while(|r| u64::from(r.token) < end);
    let spec = PageSpec::of(body, &exprs, select);
    let page = collect(body, &source, rows, spec);
    Ok(crate::fault::trim_page(crate::Fault::DropLastScanItem, page))
}

/// The first token of segment `s` of `total`: segments split the 32-bit token space evenly.
fn token_at(s: u64, total: u64) -> u64 {
    ((s << 32) + total - 1) / total
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
