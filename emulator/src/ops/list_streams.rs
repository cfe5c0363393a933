//! ListStreams (DynamoDB Streams): streams in ARN order, optionally of one table, paged by Limit
//! and ExclusiveStartStreamArn, which must name a stream. Disabled streams are listed for the 24
//! hours they stay readable.

use super::streams::stream_named;
use super::Cx;
use crate::error::Result;

pub struct Input {
    /// Only this table's streams.
    pub table: Option<String>,
    /// At most this many (1 to 100).
    pub limit: usize,
    /// Streams after this ARN.
    pub exclusive_start: Option<String>,
}

/// One listed stream.
pub struct StreamSummary {
    pub arn: String,
    pub label: String,
    pub table: String,
}

pub struct Output {
    pub streams: Vec<StreamSummary>,
    /// The page's last ARN, when more follow.
    pub last_evaluated: Option<String>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let (table, start) = (input.table.as_deref(), input.exclusive_start.as_deref());
    if let Some(arn) = start {
        stream_named(cx, arn, now_millis)?;
    }
    let mut streams: Vec<StreamSummary> = cx.ns
        .store
        .streams(now_millis)
        .into_iter()
        .filter(|s| table.is_none_or(|t| s.table_name == t))
        .filter(|s| start.is_none_or(|a| s.arn.as_str() > a))
        .map(|s| StreamSummary { arn: s.arn.clone(), label: s.label.clone(), table: s.table_name.clone() })
        .collect();
    let more = streams.len() > input.limit;
    streams.truncate(input.limit);
    Ok(Output { last_evaluated: streams.last().filter(|_| more).map(|s| s.arn.clone()), streams })
}
