//! GetShardIterator (DynamoDB Streams): an iterator at the oldest record (TRIM_HORIZON), after the
//! newest (LATEST), or at/after a sequence number.

use super::streams::{iterator, stream_named, trimmed};
use super::Cx;
use crate::error::{Error, Result};
use crate::store::SHARD_START;

/// Where an iterator starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IteratorType {
    TrimHorizon,
    Latest,
    AtSequenceNumber,
    AfterSequenceNumber,
}

impl IteratorType {
    /// DynamoDB's name of it, as its messages quote it.
    pub fn name(self) -> &'static str {
        match self {
            IteratorType::TrimHorizon => "TRIM_HORIZON",
            IteratorType::Latest => "LATEST",
            IteratorType::AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            IteratorType::AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
        }
    }
}

pub struct Input {
    pub stream_arn: String,
    pub shard_id: String,
    pub kind: IteratorType,
    pub sequence: Option<String>,
}

pub struct Output {
    pub iterator: String,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let stream = stream_named(cx, &input.stream_arn, now_millis)?;
    if input.shard_id != stream.shard_id {
        return Err(Error::resource_not_found("Requested resource not found: Shard does not exist"));
    }
    let view = stream.read(u64::MAX, 0);
    let kind = input.kind;
    let position = match (kind, input.sequence) {
        (IteratorType::TrimHorizon | IteratorType::Latest, Some(_)) => {
            return Err(Error::validation(format!(
                "SequenceNumber is not allowed for ShardIteratorType {}",
                kind.name()
            )))
        }
        (IteratorType::TrimHorizon, None) => view.first,
        (IteratorType::Latest, None) => view.next,
        (_, None) => {
            return Err(Error::validation(format!(
                "SequenceNumber is required for ShardIteratorType {}",
                kind.name()
            )))
        }
        (_, Some(sequence)) => {
            // A record's number, or the shard's starting number even before any record has it.
            let at = stream
                .position_of(&sequence)
                .filter(|p| *p < view.next || *p == SHARD_START)
                .ok_or_else(|| {
                    Error::validation(format!("Invalid SequenceNumber {sequence} for shard {}", stream.shard_id))
                })?;
            if at == SHARD_START && view.first == SHARD_START + 1 {
                // At or after the shard's start, which no record carries, while its first record
                // is retained (or yet to come): from that record on.
                view.first
            } else if at < view.first {
                return Err(trimmed());
            } else if kind == IteratorType::AfterSequenceNumber && at < view.next {
                at + 1
            } else {
                at
            }
        }
    };
    Ok(Output { iterator: iterator(&stream, position, now_millis) })
}
