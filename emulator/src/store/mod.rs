//! In-memory storage: a catalogue of tables, each behind its own lock, holding items ordered the
//! way DynamoDB reads them (partitions in hash order, items by sort key inside a partition) and
//! every secondary index maintained on the same write path.
//!
//! The store knows nothing of the wire or of expressions; it returns `Option`s, never API errors.

mod backup;
mod history;
mod lifecycle;
mod namespace;
mod recording;
mod slot;
mod stream;
mod table;
mod ttl;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use parking_lot::RwLock;

pub use backup::Backup;
pub use history::Keep;
pub use lifecycle::{Phase, Status};
pub use namespace::{Namespace, NamespaceKey, Namespaces, Snapshot};
pub use recording::Recording;
pub use slot::{IndexEntry, IndexRow, Keyed, Slot, SortPart, SortPos, TablePos, Tie};
pub use stream::{EventName, Stream, StreamImage, StreamRecord, SHARD_START};
#[cfg(test)]
pub(crate) use table::tests::def as test_def;
pub use table::{tie_in, Staged, Table, TableBuild, TableData, TableState};

use crate::model::{Item, Stored, TableDef};

/// Where the store reports every item change, right after applying it and under the table's write
/// lock, so the reports come in the order the changes were applied (the durable mode's log).
/// Each names the table by its definition (its name and `table_id`, which tells a table from one
/// made later under the same name).
pub trait Journal: Send + Sync {
    /// `item`: as stored (the log writes its bytes as they are).
    fn put(&self, table: &TableDef, item: &Stored);
    /// `key`: the deleted item's key attributes; `by_ttl`: Time to Live deleted it.
    fn delete(&self, table: &TableDef, key: Item, by_ttl: bool);
}

/// All tables of one emulator instance. The catalogue lock is held only to look a table up or to
/// add/remove one; item operations lock just their table.
#[derive(Default)]
pub struct Store {
    tables: RwLock<BTreeMap<String, Arc<Table>>>,
    /// Tags by resource ARN, in the order they were first set.
    tags: RwLock<HashMap<String, Vec<(String, String)>>>,
    /// Every stream by ARN, enabled or (for 24 hours after) disabled; tables point at their
    /// enabled one.
    streams: RwLock<BTreeMap<String, Arc<Stream>>>,
    /// Resource-based policies by table or stream ARN.
    policies: RwLock<HashMap<String, Policy>>,
    /// On-demand backups by ARN; they outlive their tables.
    backups: RwLock<BTreeMap<String, Arc<Backup>>>,
    /// Tables DeleteTable took out of the catalogue that are still DELETING (transient statuses
    /// on): described and listed, their names not yet free; dropped once their time is past.
    deleting: RwLock<BTreeMap<String, Arc<Table>>>,
    /// Set once, when the durable mode has recovered the state: every table reports to it.
    journal: std::sync::OnceLock<Arc<dyn Journal>>,
}

/// A frozen copy of one namespace's store: every table (definition and data), stream, tag,
/// policy and backup.
///
/// Taking one and restoring it cost O(tables + streams + tags + policies), not O(items): table
/// data and stream logs are persistent structures that share every node with the live store until
/// one side writes (see `TableData`). A snapshot can be restored any number of times.
///
/// Transient statuses are not carried: a table DELETING when the snapshot is taken is not in it,
/// and every restored table is ACTIVE, as a fixture is expected to be.
#[derive(Clone, Default)]
pub struct StoreSnapshot {
    /// Tables in name order; each `data.stream` is a frozen fork, never a live stream.
    pub(crate) tables: Vec<(TableDef, TableData)>,
    /// The registered streams (by ARN), as frozen forks.
    pub(crate) streams: BTreeMap<String, Arc<Stream>>,
    pub(crate) tags: HashMap<String, Vec<(String, String)>>,
    pub(crate) policies: HashMap<String, Policy>,
    /// Backups never change, so the snapshot shares them.
    pub(crate) backups: BTreeMap<String, Arc<Backup>>,
}

/// Forks of `streams` keyed by ARN: independent copies a snapshot or a restored store can own.
fn fork_all<'a>(streams: impl IntoIterator<Item = &'a Arc<Stream>>) -> BTreeMap<String, Arc<Stream>> {
    streams
        .into_iter()
        .map(|s| (s.arn.clone(), Arc::new(s.fork())))
        .collect()
}

/// Copies of `tables` whose streams are the forks in `streams` (a table's latest stream that has
/// left the registry, past its life, is forked on its own).
fn with_streams<'a>(
    tables: impl IntoIterator<Item = (&'a TableDef, &'a TableData)>,
    streams: &BTreeMap<String, Arc<Stream>>,
) -> Vec<(TableDef, TableData)> {
    tables
        .into_iter()
        .map(|(def, data)| {
            let mut data = data.clone();
            data.stream = data
                .stream
                .map(|s| streams.get(&s.arn).cloned().unwrap_or_else(|| Arc::new(s.fork())));
            (def.clone(), data)
        })
        .collect()
}

/// A resource-based policy document and the revision it was stored under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub document: String,
    pub revision: String,
}

impl Store {
    /// Makes every table, now and later, report its item changes to `journal` (once).
    pub fn attach(&self, journal: Arc<dyn Journal>) {
        let journal = self.journal.get_or_init(|| journal);
        for table in self.tables() {
            table.state.write().journal = Some(journal.clone());
        }
    }

    /// Replaces everything by `snapshot`'s state at `now`, every table ACTIVE (see
    /// [`Table::with`]), its point-in-time recovery window starting again. The tables in place until now are marked dropped
    /// under their write locks (all held at once), so a request that looked one up before the
    /// restore answers as if it had been deleted, and none writes into the restored state.
    pub fn restore(&self, snapshot: &StoreSnapshot, now: i64) {
        let streams = fork_all(snapshot.streams.values());
        let restored = with_streams(snapshot.tables.iter().map(|(d, t)| (d, t)), &streams);
        let mut restored: BTreeMap<String, Arc<Table>> = restored
            .into_iter()
            .map(|(def, data)| {
                let mut table = Table::with(def, data);
                let state = table.state.get_mut();
                state.journal = self.journal.get().cloned();
                state.recovery.clear(now);
                (table.name.clone(), Arc::new(table))
            })
            .collect();
        loop {
            let tables = self.tables();
            let mut states: Vec<_> = tables.iter().map(|t| t.state.write()).collect();
            // DELETING tables go too: the restored catalogue alone decides which names are taken.
            let mut deleting = self.deleting.write();
            let mut catalogue = self.tables.write();
            if !same_tables(&catalogue, &tables) {
                continue;
            }
            for state in &mut states {
                state.dropped = true;
            }
            deleting.clear();
            *catalogue = std::mem::take(&mut restored);
            *self.streams.write() = streams;
            *self.tags.write() = snapshot.tags.clone();
            *self.policies.write() = snapshot.policies.clone();
            *self.backups.write() = snapshot.backups.clone();
            return;
        }
    }

    /// Whether `tables` are exactly the catalogue's tables now.
    fn is_catalogue(&self, tables: &[Arc<Table>]) -> bool {
        same_tables(&self.tables.read(), tables)
    }

    pub fn table(&self, name: &str) -> Option<Arc<Table>> {
        self.tables.read().get(name).cloned()
    }

    /// A table by name, or a deleted one still DELETING at `now`: what control-plane operations
    /// see, while items are reachable only through [`Store::table`].
    pub fn table_or_deleting(&self, name: &str, now: i64) -> Option<Arc<Table>> {
        self.table(name).or_else(|| self.reap(now).get(name).cloned())
    }

    /// Keeps a removed table visible as DELETING until its deadline (see [`Store::table_or_deleting`]).
    pub fn keep_deleting(&self, table: Arc<Table>, now: i64) {
        self.reap(now).insert(table.name.clone(), table);
    }

    /// Drops the DELETING tables whose time is past and hands the rest over, locked.
    fn reap(&self, now: i64) -> parking_lot::RwLockWriteGuard<'_, BTreeMap<String, Arc<Table>>> {
        let mut deleting = self.deleting.write();
        deleting.retain(|_, t| t.transition(|l| l.deleted_at()).is_some_and(|at| now < at));
        deleting
    }

    /// Adds a table unless one of that name exists or is still DELETING at `now`; returns whether
    /// it was added.
    pub fn create(&self, mut table: Table, now: i64) -> bool {
        table.state.get_mut().journal = self.journal.get().cloned();
        let deleting = self.reap(now);
        let mut tables = self.tables.write();
        if tables.contains_key(&table.name) || deleting.contains_key(&table.name) {
            return false;
        }
        tables.insert(table.name.clone(), Arc::new(table));
        true
    }

    /// Removes `table`, whose write lock the caller holds as `state`, and marks it dropped; `false`
    /// when another request dropped it first. Under that lock, concurrent removals of one table
    /// have exactly one winner, and a namesake created since is never the one removed.
    pub fn remove(&self, table: &Arc<Table>, state: &mut TableState) -> bool {
        if state.dropped {
            return false;
        }
        state.dropped = true;
        let mut tables = self.tables.write();
        if tables.get(&table.name).is_some_and(|t| Arc::ptr_eq(t, table)) {
            tables.remove(&table.name);
        }
        true
    }

    /// Table names in ListTables order (UTF-8 byte order), DELETING ones included.
    pub fn names(&self, now: i64) -> Vec<String> {
        let deleting = self.reap(now);
        let tables = self.tables.read();
        let mut names: Vec<String> = tables.keys().chain(deleting.keys()).cloned().collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn tables(&self) -> Vec<Arc<Table>> {
        self.tables.read().values().cloned().collect()
    }

    /// Adds or replaces tags, given as (key, value) pairs.
    pub fn set_tags<'a>(&self, arn: &str, tags: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut all = self.tags.write();
        let list = all.entry(arn.to_string()).or_default();
        for (k, v) in tags {
            match list.iter_mut().find(|(key, _)| key == k) {
                Some(entry) => entry.1 = v.to_string(),
                None => list.push((k.to_string(), v.to_string())),
            }
        }
    }

    pub fn tags(&self, arn: &str) -> Vec<(String, String)> {
        self.tags.read().get(arn).cloned().unwrap_or_default()
    }

    /// Removes the given keys from a resource's tags; absent keys are ignored.
    pub fn untag(&self, arn: &str, keys: &[String]) {
        if let Some(list) = self.tags.write().get_mut(arn) {
            list.retain(|(k, _)| !keys.contains(k));
        }
    }

    /// Registers a new stream unless its ARN is taken (`None` then).
    pub fn add_stream(&self, stream: Stream) -> Option<Arc<Stream>> {
        let mut streams = self.streams.write();
        if streams.contains_key(&stream.arn) {
            return None;
        }
        let stream = Arc::new(stream);
        streams.insert(stream.arn.clone(), stream.clone());
        Some(stream)
    }

    pub fn remove_stream(&self, arn: &str) {
        self.streams.write().remove(arn);
    }

    /// A stream by ARN, unless it is gone (disabled more than 24 hours before `now_millis`).
    pub fn stream(&self, arn: &str, now_millis: i64) -> Option<Arc<Stream>> {
        self.streams.read().get(arn).filter(|s| !s.expired(now_millis)).cloned()
    }

    /// Live streams in ARN order, dropping those past their life.
    pub fn streams(&self, now_millis: i64) -> Vec<Arc<Stream>> {
        let mut streams = self.streams.write();
        streams.retain(|_, s| !s.expired(now_millis));
        streams.values().cloned().collect()
    }

    /// Drops the tags of a resource and, when it is a table, of its streams.
    pub fn remove_tags(&self, arn: &str) {
        let streams = format!("{arn}/stream/");
        self.tags
            .write()
            .retain(|tagged, _| tagged != arn && !tagged.starts_with(&streams));
    }

    /// Runs `change` on a resource's policy slot under the policies' lock, so a check of the
    /// current revision and the write it allows are one step.
    pub fn with_policy<R>(&self, arn: &str, change: impl FnOnce(&mut Option<Policy>) -> R) -> R {
        let mut all = self.policies.write();
        let mut slot = all.remove(arn);
        let out = change(&mut slot);
        if let Some(policy) = slot {
            all.insert(arn.to_string(), policy);
        }
        out
    }

    /// Adds `backup` unless its ARN is taken (`None` then).
    pub fn add_backup(&self, backup: Backup) -> Option<Arc<Backup>> {
        let mut backups = self.backups.write();
        if backups.contains_key(&backup.arn) {
            return None;
        }
        let backup = Arc::new(backup);
        backups.insert(backup.arn.clone(), backup.clone());
        Some(backup)
    }

    pub fn backup(&self, arn: &str) -> Option<Arc<Backup>> {
        self.backups.read().get(arn).cloned()
    }

    /// Every backup, oldest first.
    pub fn backups(&self) -> Vec<Arc<Backup>> {
        let mut all: Vec<_> = self.backups.read().values().cloned().collect();
        all.sort_by(|a, b| (a.created_millis, &a.arn).cmp(&(b.created_millis, &b.arn)));
        all
    }

    pub fn remove_backup(&self, arn: &str) -> Option<Arc<Backup>> {
        self.backups.write().remove(arn)
    }

    /// Drops the policies of a table and of its streams.
    pub fn remove_policies(&self, table_arn: &str) {
        let streams = format!("{table_arn}/stream/");
        self.policies
            .write()
            .retain(|arn, _| arn != table_arn && !arn.starts_with(&streams));
    }
}

/// Consistent copies of `stores`, and what `then` returns, run while every table of every store
/// is read-locked at once (stores in the order given, each one's tables in name order, as
/// multi-table writes take them): no write is seen half done, and none happens during `then` (the
/// durable mode's checkpoint switches its log there, so the log holds exactly the changes after
/// the copies). Iterative, whatever the number of stores.
pub(crate) fn snapshot_all_then<R>(stores: &[&Store], then: impl FnOnce() -> R) -> (Vec<StoreSnapshot>, R) {
    loop {
        let tables: Vec<Vec<Arc<Table>>> = stores.iter().map(|s| s.tables()).collect();
        let states: Vec<Vec<_>> = tables
            .iter()
            .map(|tables| tables.iter().map(|t| t.state.read()).collect())
            .collect();
        if !stores.iter().zip(&tables).all(|(s, t)| s.is_catalogue(t)) {
            continue; // a table was created or deleted meanwhile
        }
        let then = then();
        let snapshots = stores
            .iter()
            .zip(&states)
            .map(|(store, states)| {
                let streams = fork_all(store.streams.read().values());
                StoreSnapshot {
                    tables: with_streams(states.iter().map(|s| (&*s.def, &s.data)), &streams),
                    streams,
                    tags: store.tags.read().clone(),
                    policies: store.policies.read().clone(),
                    backups: store.backups.read().clone(),
                }
            })
            .collect();
        return (snapshots, then);
    }
}

fn same_tables(catalogue: &BTreeMap<String, Arc<Table>>, tables: &[Arc<Table>]) -> bool {
    catalogue.len() == tables.len() && catalogue.values().zip(tables).all(|(a, b)| Arc::ptr_eq(a, b))
}
