//! DescribeStream (DynamoDB Streams): the stream, its status and its one shard. A `ShardFilter`
//! of type CHILD_SHARDS asks for the children of a shard; ours never split, so there are none.

use serde_json::{json, Value};

use super::streams::{key_schema, status, stream_named};
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{field, int, one_of, required, string, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("StreamArn", string(37, 1024)),
    field("Limit", int(Some(1), Some(100))),
    field("ExclusiveStartShardId", string(28, 65)),
    // Both members are optional in the API model, yet DynamoDB refuses a filter without either.
    field(
        "ShardFilter",
        Shape::Struct {
            java: "ShardFilter",
            fields: &[
                required("Type", one_of(&["CHILD_SHARDS"])),
                required("ShardId", string(28, 65)),
            ],
        },
    ),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let stream = stream_named(engine, body.str("StreamArn").unwrap_or_default())?;
    let view = stream.read(u64::MAX, 0);
    let mut range = json!({ "StartingSequenceNumber": stream.sequence_number(view.first) });
    if view.closed {
        range["EndingSequenceNumber"] =
            json!(stream.sequence_number(view.next.saturating_sub(1).max(view.first)));
    }
    let shard = json!({ "ShardId": stream.shard_id, "SequenceNumberRange": range });
    // One shard: a page that starts after it is empty, and it has no children.
    let shards = match body.str("ExclusiveStartShardId") {
        _ if body.has("ShardFilter") => vec![],
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
