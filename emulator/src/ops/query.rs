//! Query: one partition of the table or of an index, in sort-key order, as exact ranges of the
//! ordered store, so a page costs what it returns, not what the table holds.

use std::ops::Bound;

use serde_json::Value;

use super::common::{key_size_error, table};
use super::expressions;
use super::read::{collect, rows_between, PageSpec, Source};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{Op, RangeCond};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES, CONDITIONAL_OPERATOR,
    EXPRESSION, EXPRESSION_NAMES, INDEX_NAME, LEGACY_CONDITIONS, RETURN_CONSUMED_CAPACITY, SELECT,
};
use crate::protocol::Body;
use crate::store::{token, Slot, SortPos};

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("IndexName", INDEX_NAME),
    field("Select", SELECT),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("Limit", Shape::Limit),
    field("ConsistentRead", Shape::Bool),
    field("KeyConditions", LEGACY_CONDITIONS),
    field("QueryFilter", LEGACY_CONDITIONS),
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

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    if !body.has("KeyConditionExpression") && !body.has("KeyConditions") {
        return Err(Error::validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        ));
    }
    let exprs = expressions::parse(body, Op::Query)?;
    let table = table(engine, body)?;
    let state = table.state.read();
    let source = Source::new(&state, body)?;
    let select = source.select(body, &exprs)?;
    let key_condition = exprs.key_condition.as_ref().expect("checked above");
    let range = key_condition.resolve(source.key())?;
    if let Some(e) = key_size_error(&range.hash.to_attr(), true) {
        return Err(e);
    }
    let start = source.start_key(body)?;
    let forward = body.bool("ScanIndexForward").unwrap_or(true);

    let (lo, hi) = sort_bounds(range.range.as_ref());
    let at = |pos: SortPos| Slot { token: token(&range.hash), hash: range.hash.clone(), range: pos };
    let (lo, hi) = (lo.map(at), hi.map(at));
    if let Some(start) = &start {
        check_boundary(start.hash() == &range.hash)?;
    }
    let rows = rows_between(&source, lo, hi, start, forward);
    let spec = PageSpec::of(body, &exprs, select);
    let page = collect(body, &source, rows, spec);
    Ok(crate::fault::trim_page(crate::Fault::DropLastQueryItem, page))
}

fn check_boundary(inside: bool) -> Result<()> {
    if inside {
        Ok(())
    } else {
        Err(Error::validation(
            "The provided starting key is outside query boundaries based on provided key conditions",
        ))
    }
}

/// Sort-key positions a condition admits.
fn sort_bounds(cond: Option<&RangeCond>) -> (Bound<SortPos>, Bound<SortPos>) {
    use Bound::{Excluded, Included};
    let key = |k: &crate::model::KeyValue| SortPos::Key(k.clone());
    match cond {
        None => (Included(SortPos::Start), Included(SortPos::End)),
        Some(RangeCond::Eq(v)) => (Included(key(v)), Included(key(v))),
        Some(RangeCond::Lt(v)) => (Included(SortPos::Start), Excluded(key(v))),
        Some(RangeCond::Le(v)) => (Included(SortPos::Start), Included(key(v))),
        Some(RangeCond::Gt(v)) => (Excluded(key(v)), Included(SortPos::End)),
        Some(RangeCond::Ge(v)) => (Included(key(v)), Included(SortPos::End)),
        Some(RangeCond::Between(a, b)) => (Included(key(a)), Included(key(b))),
        Some(RangeCond::BeginsWith(p)) => (Included(key(p)), Included(SortPos::PrefixEnd(p.clone()))),
    }
}
