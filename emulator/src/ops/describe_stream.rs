//! DescribeStream (DynamoDB Streams): the stream, its status and its one shard. A `ShardFilter`
//! of type CHILD_SHARDS asks for the children of a shard; ours never split, so there are none.

use super::streams::stream_named;
use super::Cx;
use crate::error::Result;
use crate::model::KeySchema;
use crate::store::SHARD_START;

pub struct Input {
    pub stream_arn: String,
    /// Shards after this id.
    pub exclusive_start_shard: Option<String>,
    /// A ShardFilter (CHILD_SHARDS of a shard) was given.
    pub shard_filter: bool,
}

/// A StreamDescription.
pub struct Output {
    pub arn: String,
    pub label: String,
    pub table: String,
    pub key: KeySchema,
    pub view_type: String,
    /// DISABLED once UpdateTable or DeleteTable turned it off.
    pub disabled: bool,
    pub created_millis: i64,
    pub shards: Vec<Shard>,
}

pub struct Shard {
    pub id: String,
    pub starting_sequence: String,
    /// Present once the shard is closed.
    pub ending_sequence: Option<String>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let stream = stream_named(cx, &input.stream_arn, now_millis)?;
    let view = stream.read(u64::MAX, 0);
    let shard = Shard {
        id: stream.shard_id.clone(),
        starting_sequence: stream.sequence_number(SHARD_START),
        // The last record's number; the starting one if the shard closed without records.
        ending_sequence: view.closed.then(|| stream.sequence_number(view.next.saturating_sub(1))),
    };
    // One shard: a page that starts after it is empty, and it has no children.
    let shards = match input.exclusive_start_shard {
        _ if input.shard_filter => vec![],
        Some(id) if id >= stream.shard_id => vec![],
        _ => vec![shard],
    };
    Ok(Output {
        arn: stream.arn.clone(),
        label: stream.label.clone(),
        table: stream.table_name.clone(),
        key: stream.key.clone(),
        view_type: stream.view_type.clone(),
        disabled: stream.disabled_at().is_some(),
        created_millis: stream.created_millis,
        shards,
    })
}
