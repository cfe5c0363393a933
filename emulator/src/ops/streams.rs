//! What the DynamoDB Streams operations share: opening a table's stream (CreateTable,
//! UpdateTable) with its label, finding a stream by ARN, and the shard iterator codec.
//!
//! A stream has one shard. A shard iterator reads `<stream ARN>|1|<hex>` like DynamoDB's; the hex
//! part holds the position to read next, when the iterator was issued (it expires 15 minutes later)
//! and a checksum, so an altered iterator is rejected rather than misread.

use std::sync::Arc;

use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::TableDef;
use crate::store::Stream;

/// Shard iterators expire 15 minutes after they are issued.
const ITERATOR_LIFETIME_MILLIS: i64 = 15 * 60 * 1000;

/// Creates and registers a new stream for a table. Its label is the request's time; should a stream
/// of this table already carry that label (a re-enable within the same millisecond), the next free
/// millisecond is used, so every stream has its own ARN.
pub fn open(cx: &Cx, def: &TableDef, view_type: &str, now_millis: i64) -> Arc<Stream> {
    let mut millis = now_millis;
    loop {
        let label = stream_label(millis);
        let arn = format!("{}/stream/{label}", def.arn);
        let shard_id = format!("shardId-{:020}-{:08x}", millis.max(0), crc32fast::hash(arn.as_bytes()));
        let stream = Stream::new(
            arn,
            label,
            def.name.clone(),
            def.key.clone(),
            view_type.to_string(),
            shard_id,
            cx.engine.clock.clone(),
        );
        match cx.ns.store.add_stream(stream) {
            Some(stream) => return stream,
            None => millis += 1,
        }
    }
}

/// The stream an ARN names: a ValidationException when the text is not a stream ARN at all,
/// DynamoDB Streams' not-found error when it is one but names no stream we keep.
pub fn stream_named(cx: &Cx, arn: &str, now_millis: i64) -> Result<Arc<Stream>> {
    check_arn(arn)?;
    cx.ns
        .store
        .stream(arn, now_millis)
        .ok_or_else(|| Error::resource_not_found(format!("Requested resource not found: Stream: {arn} not found")))
}

/// A stream ARN has the form `arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>`.
pub fn check_arn(arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = match parts[..] {
        ["arn", partition, "dynamodb", region, account, resource] => {
            let path = resource.strip_prefix("table/").and_then(|r| r.split_once("/stream/"));
            !partition.is_empty()
                && !region.is_empty()
                && !account.is_empty()
                && path.is_some_and(|(table, label)| {
                    (3..=255).contains(&table.len())
                        && table.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
                        && !label.is_empty()
                })
        }
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(Error::validation("Invalid StreamArn"))
    }
}

/// A shard iterator positioned at `position`, issued at `issued` (the request's time).
pub fn iterator(stream: &Stream, position: u64, issued: i64) -> String {
    let check = checksum(&stream.arn, &stream.shard_id, position, issued);
    format!("{}|1|{position:016x}{:016x}{check:08x}", stream.arn, issued as u64)
}

pub fn invalid_iterator() -> Error {
    Error::validation("Invalid ShardIterator")
}

/// Decodes an iterator into its stream and position; the checksum covers the shard id too.
pub fn decode_iterator(cx: &Cx, text: &str, now_millis: i64) -> Result<(Arc<Stream>, u64)> {
    let mut parts = text.rsplitn(3, '|');
    let (Some(hex), Some(_version), Some(arn)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid_iterator());
    };
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid_iterator());
    }
    let num = |r: std::ops::Range<usize>| u64::from_str_radix(&hex[r], 16).ok();
    let (Some(position), Some(issued), Some(check)) = (num(0..16), num(16..32), num(32..40)) else {
        return Err(invalid_iterator());
    };
    check_arn(arn).map_err(|_| invalid_iterator())?;
    let stream = stream_named(cx, arn, now_millis)?;
    let issued = issued as i64;
    if u64::from(checksum(arn, &stream.shard_id, position, issued)) != check {
        return Err(invalid_iterator());
    }
    if now_millis - issued > ITERATOR_LIFETIME_MILLIS {
        return Err(Error::new(ErrorKind::ExpiredIterator, "Shard iterator has expired"));
    }
    Ok((stream, position))
}

fn checksum(arn: &str, shard: &str, position: u64, issued: i64) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(arn.as_bytes());
    h.update(shard.as_bytes());
    h.update(&position.to_be_bytes());
    h.update(&issued.to_be_bytes());
    h.finalize()
}

pub fn trimmed() -> Error {
    Error::new(
        ErrorKind::TrimmedDataAccess,
        "The data you are trying to access has been trimmed",
    )
}

/// A 32-hex-digit event id, stable for a record.
pub fn event_id(arn: &str, sequence: &str) -> String {
    let a = crc32fast::hash(format!("{arn}#{sequence}").as_bytes());
    let b = crc32fast::hash(format!("{sequence}#{arn}").as_bytes());
    let c = crc32fast::hash(format!("{a}{sequence}").as_bytes());
    let d = crc32fast::hash(format!("{b}{arn}{c}").as_bytes());
    format!("{a:08x}{b:08x}{c:08x}{d:08x}")
}

/// Stream labels are the creation time in ISO-8601 with milliseconds, as DynamoDB's are.
fn stream_label(ms: i64) -> String {
    let (y, m, d, h, min, s) = crate::clock::utc_fields(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{:03}", ms.rem_euclid(1000))
}
