//! GetRecords (DynamoDB Streams): up to Limit (1000) records from an iterator's position, and the
//! iterator to continue with; none once a closed shard is read to its end.

use serde_json::{json, Value};

use super::streams::{decode_iterator, iterator, render_record, trimmed};
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{field, int, required, string, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("ShardIterator", string(1, 2048)),
    field("Limit", int(Some(1), Some(1000))),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let (stream, position) = decode_iterator(engine, body.str("ShardIterator").unwrap_or_default())?;
    let limit = body.int("Limit").unwrap_or(1000) as usize;
    let view = stream.read(position, limit);
    if position < view.first {
        return Err(trimmed());
    }
    let next = view
        .records
        .last()
        .map_or(position.min(view.next), |r| r.position + 1);
    let records: Vec<Value> = view
        .records
        .iter()
        .map(|r| render_record(engine, &stream, r))
        .collect();
    let mut out = json!({ "Records": records });
    if !(view.closed && next >= view.next) {
        out["NextShardIterator"] = json!(iterator(engine, &stream, next));
    }
    Ok(out)
}
