//! DescribeStream (DynamoDB Streams): the stream, its status and its one shard.

use serde_json::{json, Value};

use super::streams::{key_schema, status, stream_named};
use crate::engine::Engine;
use crate::error::Result;
use crate::protocol::shape::{field, int, required, string, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("StreamArn", string(37, 1024)),
    field("Limit", int(Some(1), Some(100))),
    field("ExclusiveStartShardId", string(28, 65)),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let stream = stream_named(engine, body.str("StreamArn").unwrap_or_default())?;
    let view = stream.read(u64::MAX, 0);
    let mut range = json!({ "StartingSequenceNumber": stream.sequence_number(view.first) });
    if view.closed {
        range["EndingSequenceNumber"] =
            json!(stream.sequence_number(view.next.saturating_sub(1).max(view.first)));
    }
    let shard = json!({ "ShardId": stream.shard_id, "SequenceNumberRange": range });
    // One shard: a page that starts after it is empty.
    let shards = match body.str("ExclusiveStartShardId") {
        Some(id) if id >= stream.shard_id.as_str() => vec![],
        _ => vec![shard],
    };
    Ok(json!({
        "StreamDescription": {
            "CreationRequestDateTime": stream.created_millis as f64 / 1000.0,
            "KeySchema": key_schema(&stream),
            "Shards": shards,
            "StreamArn": stream.arn,
            "StreamLabel": stream.label,
            "StreamStatus": status(&stream),
            "StreamViewType": stream.view_type,
            "TableName": stream.table_name,
        }
    }))
}
