use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::list_streams::{Input, Output};
use crate::protocol::shape::{field, int, string, validate, Field, TABLE_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("TableName", TABLE_NAME),
    field("Limit", int(Some(1), Some(100))),
    field("ExclusiveStartStreamArn", string(37, 1024)),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").map(str::to_owned),
        limit: body.int("Limit").unwrap_or(100) as usize,
        exclusive_start: body.str("ExclusiveStartStreamArn").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    let streams: Vec<Value> = out
        .streams
        .iter()
        .map(|s| json!({"StreamArn": s.arn, "StreamLabel": s.label, "TableName": s.table}))
        .collect();
    let mut v = json!({ "Streams": streams });
    if let Some(last) = out.last_evaluated {
        v["LastEvaluatedStreamArn"] = json!(last);
    }
    v
}
