use serde_json::{json, Value};

use super::answer::key_schema;
use crate::error::Result;
use crate::ops::describe_stream::{Input, Output};
use crate::protocol::shape::{field, int, one_of, required, string, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("StreamArn", string(37, 1024)),
    field("Limit", int(Some(1), Some(100))),
    field("ExclusiveStartShardId", string(28, 65)),
    // Both members are optional in the API model, yet DynamoDB refuses a filter without either.
    field(
        "ShardFilter",
        Shape::Struct {
            java: "ShardFilter",
            fields: &[required("Type", one_of(&["CHILD_SHARDS"])), required("ShardId", string(28, 65))],
        },
    ),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        stream_arn: body.str("StreamArn").unwrap_or_default().to_string(),
        exclusive_start_shard: body.str("ExclusiveStartShardId").map(str::to_owned),
        shard_filter: body.has("ShardFilter"),
    })
}

pub fn encode(out: Output) -> Value {
    let shards: Vec<Value> = out
        .shards
        .iter()
        .map(|s| {
            let mut range = json!({ "StartingSequenceNumber": s.starting_sequence });
            if let Some(end) = &s.ending_sequence {
                range["EndingSequenceNumber"] = json!(end);
            }
            json!({ "ShardId": s.id, "SequenceNumberRange": range })
        })
        .collect();
    json!({
        "StreamDescription": {
            "CreationRequestDateTime": out.created_millis as f64 / 1000.0,
            "KeySchema": key_schema(&out.key),
            "Shards": shards,
            "StreamArn": out.arn,
            "StreamLabel": out.label,
            "StreamStatus": if out.disabled { "DISABLED" } else { "ENABLED" },
            "StreamViewType": out.view_type,
            "TableName": out.table,
        }
    })
}
