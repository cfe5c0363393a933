//! GetShardIterator (DynamoDB Streams): an iterator at the oldest record (TRIM_HORIZON), after the
//! newest (LATEST), or at/after a sequence number.

use serde_json::{json, Value};

use super::streams::{iterator, stream_named, trimmed};
use super::Cx;
use crate::error::{Error, Result};
use crate::protocol::shape::{field, one_of, required, string, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("StreamArn", string(37, 1024)),
    required("ShardId", string(28, 65)),
    required(
        "ShardIteratorType",
        one_of(&["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]),
    ),
    field("SequenceNumber", string(21, 40)),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let stream = stream_named(engine, body.str("StreamArn").unwrap_or_default())?;
    if body.str("ShardId") != Some(stream.shard_id.as_str()) {
        return Err(Error::resource_not_found(
            "Requested resource not found: Shard does not exist",
        ));
    }
    let view = stream.read(u64::MAX, 0);
    let kind = body.str("ShardIteratorType").unwrap_or_default();
    let sequence = body.str("SequenceNumber");
    let position = match (kind, sequence) {
        ("TRIM_HORIZON" | "LATEST", Some(_)) => {
            return Err(Error::validation(format!(
                "SequenceNumber is not allowed for ShardIteratorType {kind}"
            )))
        }
        ("TRIM_HORIZON", None) => view.first,
        ("LATEST", None) => view.next,
        (_, None) => {
            return Err(Error::validation(format!(
                "SequenceNumber is required for ShardIteratorType {kind}"
            )))
        }
        (_, Some(sequence)) => {
            // A record's number, or the shard's starting number even before any record has it.
            let at = stream
                .position_of(sequence)
                .filter(|p| *p < view.next || *p == view.first)
                .ok_or_else(|| {
                    Error::validation(format!(
                        "Invalid SequenceNumber {sequence} for shard {}",
                        stream.shard_id
                    ))
                })?;
            if at < view.first {
                return Err(trimmed());
            }
            // After a number no record carries yet means from the first record on.
            if kind == "AFTER_SEQUENCE_NUMBER" && at < view.next {
                at + 1
            } else {
                at
            }
        }
    };
    Ok(json!({ "ShardIterator": iterator(engine, &stream, position) }))
}
