//! Typed pieces that several operations' answers share. Each has one encoder in
//! `protocol::wire::answer`; operations build these values and never the JSON.

use std::collections::BTreeMap;
use std::ops::Bound::Unbounded;

use crate::model::{Item, Stored, TableDef};
use crate::store::{Table, TableState};

pub use crate::model::{ConsumedCapacity, ItemCollectionMetrics};

/// A table's or index's status as a TableDescription reports it: the store's transient statuses
/// (`store::Lifecycle`).
pub use crate::store::Status as TableStatus;

/// DynamoDB's TableDescription: the table's definition and the statistics of its data, taken
/// under the table's lock.
#[derive(Clone, Debug)]
pub struct TableDescription {
    pub def: TableDef,
    pub status: TableStatus,
    pub arn: String,
    pub size_bytes: usize,
    pub item_count: usize,
    /// Size in bytes and item count of each index, by name.
    pub index_stats: BTreeMap<String, (usize, usize)>,
    /// Each global and vector index's status and, while one added by UpdateTable is CREATING, its
    /// Backfilling member, by name.
    pub index_statuses: BTreeMap<String, (TableStatus, Option<bool>)>,
    /// Label and ARN of the latest stream; it stays described after it is disabled, as in DynamoDB.
    pub latest_stream: Option<(String, String)>,
    /// The answer of an UpdateTable that changes the encryption: DynamoDB shows the encryption as
    /// it was, with Status UPDATING, while the table re-encrypts.
    pub sse_updating: bool,
    /// When it was taken (NumberOfDecreasesToday counts the decreases of that UTC day).
    pub now_millis: i64,
}

impl TableDescription {
    /// The description of `table` (whose lock `state` is) at `now` with `status`: the table's
    /// status now for DescribeTable, the transitional one (CREATING, UPDATING, DELETING) in the
    /// answers of the calls that change a table. Indexes of a CREATING table are CREATING too.
    pub fn of(table: &Table, state: &TableState, status: TableStatus, now: i64) -> TableDescription {
        let def: &TableDef = &state.def;
        let index_statuses = def
            .global_indexes
            .iter()
            .map(|i| &i.name)
            .chain(def.vector_indexes.iter().map(|v| &v.name))
            .map(|name| {
                let index_status = match status {
                    TableStatus::Creating => (TableStatus::Creating, None),
                    _ => table.index_status(name, now),
                };
                (name.clone(), index_status)
            })
            .collect();
        let index_stats = def
            .indexes()
            .map(|i| {
                let entries = state.data.indexes.get(&i.name);
                let size = entries.map_or(0, |e| e.iter().map(|row| row.item.size()).sum());
                (i.name.clone(), (size, entries.map_or(0, |e| e.len())))
            })
            .chain(def.vector_indexes.iter().map(|v| {
                let held = state
                    .data
                    .items_between(Unbounded, Unbounded)
                    .filter(|s| s.get(&v.attribute).is_some());
                let (size, count) = held.fold((0, 0), |(size, count), s| (size + s.size(), count + 1));
                (v.name.clone(), (size, count))
            }))
            .collect();
        TableDescription {
            def: def.clone(),
            status,
            arn: def.arn.clone(),
            size_bytes: state.data.size_bytes,
            item_count: state.item_count(),
            index_stats,
            index_statuses,
            latest_stream: state.data.stream.as_ref().map(|s| (s.label.clone(), s.arn.clone())),
            sse_updating: false,
            now_millis: now,
        }
    }
}

/// DynamoDB can restore to no later than about five minutes ago.
const RESTORE_LAG_MILLIS: i64 = 5 * 60 * 1000;

/// A ContinuousBackupsDescription: continuous backups are always on; point-in-time recovery is
/// described by its restorable window while it is enabled.
#[derive(Clone, Debug, PartialEq)]
pub struct ContinuousBackups {
    pub point_in_time_recovery: Option<RecoveryWindow>,
}

/// The point-in-time recovery of a table, as of a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryWindow {
    pub period_days: i64,
    pub earliest_millis: i64,
    pub latest_millis: i64,
}

impl ContinuousBackups {
    /// `def`'s backups at `now_millis`; its data's past versions are known from `exact_since` on
    /// (`store::History::exact_since`). The window opens when recovery was turned on, or the
    /// recovery period ago, or when the versions kept start, whichever is latest.
    pub fn of(def: &TableDef, now_millis: i64, exact_since: i64) -> ContinuousBackups {
        ContinuousBackups {
            point_in_time_recovery: def.point_in_time_recovery.map(|pitr| {
                let earliest = pitr
                    .enabled_at_millis
                    .max(exact_since)
                    .max(now_millis - pitr.recovery_period_days * 24 * 60 * 60 * 1000);
                RecoveryWindow {
                    period_days: pitr.recovery_period_days,
                    earliest_millis: earliest,
                    latest_millis: (now_millis - RESTORE_LAG_MILLIS).max(earliest),
                }
            }),
        }
    }
}

/// The answer of a single-item write (PutItem, UpdateItem, DeleteItem).
#[derive(Clone, Debug, Default)]
pub struct WriteOutput {
    /// The item ReturnValues asked for, if any.
    pub attributes: Option<Item>,
    pub capacity: Option<ConsumedCapacity>,
    pub collection_metrics: Option<ItemCollectionMetrics>,
}

/// A page of a Query, Scan or PartiQL SELECT.
#[derive(Clone, Debug)]
pub struct Page {
    /// The items, projected; `None` for Select COUNT.
    pub items: Option<Vec<Stored>>,
    /// Items that passed the filter.
    pub count: usize,
    /// Items read before the filter.
    pub scanned_count: usize,
    /// Where the next page starts, when the read stopped before the end.
    pub last_evaluated_key: Option<Item>,
    pub capacity: Option<ConsumedCapacity>,
    /// The stored size of the items read (DynamoDB's item size): sizes the answer's buffer.
    pub bytes_read: usize,
}

impl Page {
    /// The page without its last item ([`Fault::DropLastQueryItem`](crate::Fault::DropLastQueryItem)
    /// and its Scan twin).
    #[cfg(feature = "faults")]
    pub fn without_last(mut self) -> Page {
        if let Some(items) = &mut self.items {
            if items.pop().is_some() {
                self.count = items.len();
            }
        }
        self
    }
}
