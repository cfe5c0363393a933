use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::get_shard_iterator::{Input, IteratorType, Output};
use crate::protocol::shape::{field, one_of, required, string, validate, Field};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("StreamArn", string(37, 1024)),
    required("ShardId", string(28, 65)),
    required(
        "ShardIteratorType",
        one_of(&["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]),
    ),
    field("SequenceNumber", string(21, 40)),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let kind = match body.str("ShardIteratorType") {
        Some("TRIM_HORIZON") => IteratorType::TrimHorizon,
        Some("LATEST") => IteratorType::Latest,
        Some("AT_SEQUENCE_NUMBER") => IteratorType::AtSequenceNumber,
        _ => IteratorType::AfterSequenceNumber,
    };
    Ok(Input {
        stream_arn: body.str("StreamArn").unwrap_or_default().to_string(),
        shard_id: body.str("ShardId").unwrap_or_default().to_string(),
        kind,
        sequence: body.str("SequenceNumber").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "ShardIterator": out.iterator })
}
