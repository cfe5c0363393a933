//! DynamoDB Streams: one `Stream` per enabling of a table's stream, with its change records in
//! memory, in one shard.
//!
//! Records are appended by `TableState`'s write path under the table's write lock (table lock, then
//! the stream's own mutex; readers of the Streams API take only the stream's mutex). Retention:
//! records older than 24 hours by the emulator's clock are trimmed, as DynamoDB trims them, and at
//! most [`MAX_RECORDS`] are kept per stream (the oldest go first). A disabled stream stays readable
//! for 24 hours, then disappears.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::model::{item_size, Item, KeySchema};

/// The position of a shard's StartingSequenceNumber, fixed for the shard's life. Records come
/// after it (from 1): DynamoDB's starting number is below its shard's first record's. (A stream
/// an older version logged began its records at 0, so there it is the first record's number.)
pub const SHARD_START: u64 = 0;

/// DynamoDB keeps stream records for 24 hours.
pub const RETENTION_MILLIS: i64 = 24 * 3600 * 1000;
/// A bound on memory: the oldest records are trimmed past this many per stream.
pub const MAX_RECORDS: usize = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventName {
    Insert,
    Modify,
    Remove,
}

/// One change to one item.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StreamRecord {
    /// Position in the shard, after [`SHARD_START`]; the wire sequence number is derived from it.
    pub position: u64,
    pub event: EventName,
    pub created_millis: i64,
    pub keys: Item,
    /// The images the stream's view type keeps.
    pub old: Option<Arc<Item>>,
    pub new: Option<Arc<Item>>,
    pub size_bytes: usize,
    /// Deleted by Time to Live (the record names the DynamoDB service as the actor).
    pub by_ttl: bool,
}

pub struct Stream {
    pub arn: String,
    pub label: String,
    pub table_name: String,
    pub key: KeySchema,
    pub view_type: String,
    pub created_millis: i64,
    pub shard_id: String,
    clock: Arc<Clock>,
    log: Mutex<Log>,
}

/// A persistent vector, so a snapshot's copy of the log costs O(1).
#[derive(Clone, Default)]
struct Log {
    records: imbl::Vector<Arc<StreamRecord>>,
    /// The position the next record gets.
    next: u64,
    /// When the stream was disabled (its shard is then closed at `next`).
    disabled_at: Option<i64>,
}

/// A stream as the durable mode's checkpoint holds it: everything but the clock.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct StreamImage {
    pub arn: String,
    pub label: String,
    pub table_name: String,
    pub key: KeySchema,
    pub view_type: String,
    pub created_millis: i64,
    pub shard_id: String,
    pub records: Vec<Arc<StreamRecord>>,
    pub next: u64,
    pub disabled_at: Option<i64>,
}

/// A consistent view of a stream's shard for one read.
pub struct ShardView {
    /// The first position still retained (everything before it was trimmed).
    pub first: u64,
    /// The position the next record will get.
    pub next: u64,
    pub closed: bool,
    pub records: Vec<Arc<StreamRecord>>,
}

impl Stream {
    pub fn new(
        arn: String,
        label: String,
        table_name: String,
        key: KeySchema,
        view_type: String,
        shard_id: String,
        clock: Arc<Clock>,
    ) -> Stream {
        Stream {
            arn,
            label,
            table_name,
            key,
            view_type,
            created_millis: clock.now_millis(),
            shard_id,
            clock,
            log: Mutex::new(Log {
                next: SHARD_START + 1,
                ..Log::default()
            }),
        }
    }

    /// An independent copy of the stream as it is now (same ARN, records and state); later
    /// records on either are not seen by the other. Snapshots are made of these.
    pub fn fork(&self) -> Stream {
        Stream {
            arn: self.arn.clone(),
            label: self.label.clone(),
            table_name: self.table_name.clone(),
            key: self.key.clone(),
            view_type: self.view_type.clone(),
            created_millis: self.created_millis,
            shard_id: self.shard_id.clone(),
            clock: self.clock.clone(),
            log: Mutex::new(self.log.lock().clone()),
        }
    }

    /// The stream as it is now, for a checkpoint.
    pub fn image(&self) -> StreamImage {
        let log = self.log.lock();
        StreamImage {
            arn: self.arn.clone(),
            label: self.label.clone(),
            table_name: self.table_name.clone(),
            key: self.key.clone(),
            view_type: self.view_type.clone(),
            created_millis: self.created_millis,
            shard_id: self.shard_id.clone(),
            records: log.records.iter().cloned().collect(),
            next: log.next,
            disabled_at: log.disabled_at,
        }
    }

    /// The stream a checkpoint's image describes, on `clock`.
    pub fn from_image(image: StreamImage, clock: Arc<Clock>) -> Stream {
        Stream {
            arn: image.arn,
            label: image.label,
            table_name: image.table_name,
            key: image.key,
            view_type: image.view_type,
            created_millis: image.created_millis,
            shard_id: image.shard_id,
            clock,
            log: Mutex::new(Log {
                records: image.records.into_iter().collect(),
                next: image.next,
                disabled_at: image.disabled_at,
            }),
        }
    }

    /// The wire sequence number of a position: 21 digits, increasing within the shard and across
    /// the streams of a table (the stream's creation time is part of it).
    pub fn sequence_number(&self, position: u64) -> String {
        let base = 100_000_000_000_000_000_000u128 + self.created_millis.max(0) as u128 * 1_000_000;
        (base + u128::from(position)).to_string()
    }

    /// The position of a wire sequence number of this stream, if it is one.
    pub fn position_of(&self, sequence_number: &str) -> Option<u64> {
        if sequence_number.is_empty() || !sequence_number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u128 = sequence_number.parse().ok()?;
        let base = 100_000_000_000_000_000_000u128 + self.created_millis.max(0) as u128 * 1_000_000;
        u64::try_from(n.checked_sub(base)?).ok()
    }

    /// Records one item change, keeping only the images the view type asks for. A write that
    /// changes nothing records nothing, as in DynamoDB.
    pub fn record(&self, key: &KeySchema, old: Option<&Arc<Item>>, new: Option<&Arc<Item>>, by_ttl: bool) {
        let event = match (old, new) {
            (None, Some(_)) => EventName::Insert,
            (Some(o), Some(n)) if o == n => return,
            (Some(_), Some(_)) => EventName::Modify,
            (Some(_), None) => EventName::Remove,
            (None, None) => return,
        };
        let Some(any) = new.or(old) else { return };
        let keys: Item = key
            .attrs()
            .filter_map(|a| any.get(&a.name).map(|v| (a.name.clone(), v.clone())))
            .collect();
        let (keep_old, keep_new) = match self.view_type.as_str() {
            "NEW_IMAGE" => (false, true),
            "OLD_IMAGE" => (true, false),
            "NEW_AND_OLD_IMAGES" => (true, true),
            _ => (false, false),
        };
        let old = old.filter(|_| keep_old).cloned();
        let new = new.filter(|_| keep_new).cloned();
        let size_bytes = item_size(&keys) + old.as_deref().map_or(0, item_size) + new.as_deref().map_or(0, item_size);
        let now = self.clock.now_millis();
        let mut log = self.log.lock();
        if log.disabled_at.is_some() {
            return;
        }
        let position = log.next;
        log.next += 1;
        log.records.push_back(Arc::new(StreamRecord {
            position,
            event,
            created_millis: now,
            keys,
            old,
            new,
            size_bytes,
            by_ttl,
        }));
        log.trim(now);
    }

    /// Closes the shard: no more records; the stream reads as DISABLED.
    pub fn disable(&self) {
        let mut log = self.log.lock();
        if log.disabled_at.is_none() {
            log.disabled_at = Some(self.clock.now_millis());
        }
    }

    pub fn disabled_at(&self) -> Option<i64> {
        self.log.lock().disabled_at
    }

    /// Whether the stream is past its life: disabled more than 24 hours ago.
    pub fn expired(&self, now_millis: i64) -> bool {
        self.disabled_at().is_some_and(|at| now_millis - at > RETENTION_MILLIS)
    }

    /// Up to `limit` records from `from` on, after trimming what has aged out.
    pub fn read(&self, from: u64, limit: usize) -> ShardView {
        let now = self.clock.now_millis();
        let mut log = self.log.lock();
        log.trim(now);
        let first = log.records.front().map_or(log.next, |r| r.position);
        let skip = from.saturating_sub(first) as usize;
        ShardView {
            first,
            next: log.next,
            closed: log.disabled_at.is_some(),
            records: log
                .records
                .iter()
                .skip(skip)
                .take(limit)
                .scan(0, within_a_read)
                .cloned()
                .collect(),
        }
    }
}

/// What one GetRecords returns at most, besides its Limit: 1 MB of records by their SizeBytes
/// (the Streams API reference), though always the first record, however large.
const MAX_READ_BYTES: usize = 1024 * 1024;

/// `scan` state for a read: the bytes taken so far; `None` ends the read at the record that
/// would pass [`MAX_READ_BYTES`].
fn within_a_read<'a>(taken: &mut usize, record: &'a Arc<StreamRecord>) -> Option<&'a Arc<StreamRecord>> {
    let first = *taken == 0;
    *taken += record.size_bytes;
    (first || *taken <= MAX_READ_BYTES).then_some(record)
}

impl Log {
    fn trim(&mut self, now: i64) {
        while let Some(r) = self.records.front() {
            if now - r.created_millis > RETENTION_MILLIS || self.records.len() > MAX_RECORDS {
                self.records.pop_front();
            } else {
                break;
            }
        }
    }
}
