use serde_json::{json, Value};

use super::{capacity_detail, expressions, table_name};
use crate::error::{Check, Result};
use crate::expr::Op;
use crate::ops::search_vectors::{Input, Output};
use crate::protocol::attr::{self, encode_map};
use crate::protocol::shape::{
    field, int, required, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES, INDEX_NAME,
    RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

/// TopK's lower bound is the API model's; its upper bound (100) is the service's, in its words.
pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("IndexName", INDEX_NAME),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ProjectionExpression", EXPRESSION),
    required("SearchVector", Shape::List { member: &Shape::Attr, min: 1, max: usize::MAX }),
    field("SearchConditionExpression", EXPRESSION),
    required("TopK", int(Some(1), None)),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let vector = body
        .list("SearchVector")
        .iter()
        .map(attr::decode_kept)
        .collect::<Result<Vec<_>>>()
        .map_err(|e| e.by(Check::Request))?;
    let exprs = expressions::parse(body, Op::SearchVectors)?;
    Ok(Input {
        table: table_name(body),
        index: body.str("IndexName").unwrap_or_default().to_string(),
        vector,
        top_k: body.int("TopK").unwrap_or(1),
        exprs,
        capacity: capacity_detail(body),
    })
}

/// ConsumedCapacity is a bare VectorCapacity here: no table name, no capacity units.
pub fn encode(out: Output) -> Value {
    let results: Vec<Value> = out
        .results
        .iter()
        .map(|(item, score)| json!({"Item": encode_map(item), "Score": score}))
        .collect();
    let mut v = json!({ "SearchResults": results });
    if let Some(bytes) = out.request_bytes {
        v["ConsumedCapacity"] = json!({ "VectorSearchRequestBytes": bytes });
    }
    v
}
