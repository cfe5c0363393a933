//! On-demand backups (CreateBackup): a table's definition and data as they were at one moment,
//! kept until DeleteBackup whatever becomes of the table. The data is a `TableData` clone, which
//! shares every node with the table it was taken from, so taking a backup costs O(indexes) and
//! its memory grows only as the table moves on.

use super::table::TableData;
use crate::model::TableDef;

pub struct Backup {
    pub arn: String,
    pub name: String,
    /// CreateBackup's time, milliseconds since the epoch.
    pub created_millis: i64,
    /// The table as it was (its indexes, billing, throughput, stream and encryption settings).
    pub def: TableDef,
    /// The Time to Live attribute, while TTL was enabled.
    pub ttl: Option<String>,
    /// Items and index entries; never a stream nor a TTL index (a restore starts without both).
    pub data: TableData,
}

impl Backup {
    /// A backup of `data` (the table `def`'s), with `ttl` its Time to Live attribute if enabled.
    pub fn new(arn: String, name: String, created_millis: i64, def: TableDef, data: &TableData) -> Backup {
        let mut data = data.clone();
        data.stream = None;
        let ttl = data.ttl.take().map(|t| t.attribute);
        Backup {
            arn,
            name,
            created_millis,
            def,
            ttl,
            data,
        }
    }

    pub fn item_count(&self) -> usize {
        self.data.items.len()
    }
}
