//! GetRecords (DynamoDB Streams): up to Limit (1000) records from an iterator's position, and the
//! iterator to continue with; none once a closed shard is read to its end.

use std::sync::Arc;

use super::streams::{decode_iterator, event_id, iterator, trimmed};
use super::Cx;
use crate::error::Result;
use crate::store::StreamRecord;

pub struct Input {
    pub iterator: String,
    /// At most this many records (1 to 1000).
    pub limit: usize,
}

/// One record read, with the identifiers the answer gives it.
pub struct Record {
    pub record: Arc<StreamRecord>,
    pub sequence: String,
    pub event_id: String,
}

pub struct Output {
    /// The region every record names.
    pub region: String,
    /// The stream's view type, which every record repeats.
    pub view_type: String,
    pub records: Vec<Record>,
    pub next_iterator: Option<String>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let (stream, position) = decode_iterator(cx, &input.iterator, now_millis)?;
    let view = stream.read(position, input.limit);
    if position < view.first {
        return Err(trimmed());
    }
    let next = view.records.last().map_or(position.min(view.next), |r| r.position + 1);
    let records = view
        .records
        .into_iter()
        .map(|record| {
            let sequence = stream.sequence_number(record.position);
            Record { event_id: event_id(&stream.arn, &sequence), sequence, record }
        })
        .collect();
    Ok(Output {
        region: cx.ns.region.clone(),
        view_type: stream.view_type.clone(),
        records,
        next_iterator: (!(view.closed && next >= view.next)).then(|| iterator(&stream, next, now_millis)),
    })
}
