//! ListStreams (DynamoDB Streams): streams in ARN order, optionally of one table, paged by Limit
//! and ExclusiveStartStreamArn, which must name a stream. Disabled streams are listed for the 24
//! hours they stay readable.

use serde_json::{json, Value};

use super::streams::stream_named;
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{field, int, string, validate, Field, TABLE_NAME};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    field("TableName", TABLE_NAME),
    field("Limit", int(Some(1), Some(100))),
    field("ExclusiveStartStreamArn", string(37, 1024)),
];

pub fn run(&Cx { engine, now_millis, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let limit = body.int("Limit").unwrap_or(100) as usize;
    let table = body.str("TableName");
    let start = body.str("ExclusiveStartStreamArn");
    if let Some(arn) = start {
        stream_named(engine, arn)?;
    }
    let streams: Vec<_> = engine
        .store
        .streams(now_millis)
        .into_iter()
        .filter(|s| table.is_none_or(|t| s.table_name == t))
        .filter(|s| start.is_none_or(|a| s.arn.as_str() > a))
        .collect();
    let page: Vec<Value> = streams
        .iter()
        .take(limit)
        .map(|s| json!({"StreamArn": s.arn, "StreamLabel": s.label, "TableName": s.table_name}))
        .collect();
    let mut out = json!({ "Streams": page });
    if streams.len() > limit {
        out["LastEvaluatedStreamArn"] = json!(streams[limit - 1].arn);
    }
    Ok(out)
}
