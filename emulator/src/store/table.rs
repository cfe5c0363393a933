//! One table: its definition and its data under one lock, so schema changes (a new GSI) and item
//! writes are never seen half-done.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use imbl::OrdSet;
use parking_lot::{Mutex, RwLock};

use super::history::History;
use super::lifecycle::{Lifecycle, Phase, Status};
use super::slot::{IndexEntry, IndexRow, Keyed, Slot, TablePos, Tie};
use super::stream::Stream;
use super::ttl::{self, TtlIndex};
use super::Journal;

use crate::model::{item_size, IndexDef, Item, KeyValues, PrimaryKey, Stored, TableDef};

pub struct Table {
    pub name: String,
    pub state: RwLock<TableState>,
    /// The table's transient statuses. A leaf lock (nothing else is locked while it is held), so
    /// a data-plane lookup can ask it without the table's lock.
    lifecycle: Mutex<Lifecycle>,
    /// The definition `state` holds, readable without the table's lock (a leaf lock too), so a
    /// write can stage its item before taking it ([`Staged`]).
    def: Mutex<Arc<TableDef>>,
}

pub struct TableState {
    /// Replaced only through [`Table::set_def`], which keeps the table's unlocked copy in step.
    pub def: Arc<TableDef>,
    pub data: TableData,
    /// Set, under the write lock, when DeleteTable removes the table: a request that looked the
    /// table up before then and locks it after sees it gone.
    pub dropped: bool,
    /// Where item changes are reported once applied (the durable mode's log); set by the `Store`.
    pub(super) journal: Option<Arc<dyn Journal>>,
    /// Past versions of `data`, while a chaos plan makes reads of this table stale (`Recording`).
    pub history: History<TableData>,
    /// Past versions of `data` within the recovery period, while point-in-time recovery is on
    /// (`Recording`): what RestoreTableToPointInTime restores. Not kept by the durable mode, so
    /// after a restart the window starts again.
    pub recovery: History<TableData>,
    /// Item changes applied so far: equal counts under one lock and the next mean no item changed
    /// between them (what lets a write decided before the lock skip looking its item up again).
    changes: u64,
    /// When UpdateTimeToLive last changed the table's Time to Live (emulator clock, milliseconds),
    /// which refuses another change for a while. Not kept by snapshots or the durable mode.
    pub ttl_changed_at: Option<i64>,
}
/// A table's data in persistent (structurally shared) maps: a clone costs O(number of indexes)
/// whatever the item count, which is what makes snapshots cheap; a write after a clone copies only
/// the tree nodes on its path. Items are kept encoded ([`Stored`]), one allocation each with the
/// item's slot at its head, which is the table map's key ([`Keyed`]), shared by the entries of
/// indexes that project them whole.
#[derive(Clone, Default)]
pub struct TableData {
    pub items: OrdSet<Keyed>,
    pub indexes: HashMap<String, OrdSet<IndexRow>>,
    /// Sum of item sizes, for DescribeTable's TableSizeBytes.
    pub size_bytes: usize,
    /// Time to Live, while it is enabled: the attribute and the items by expiry time.
    pub ttl: Option<TtlIndex>,
    /// Bytes per partition key (items plus their local index entries), kept only for tables with
    /// local indexes, whose item collections DynamoDB limits to 10 GB.
    pub collections: imbl::HashMap<KeyValues, usize>,
    /// The table's latest stream: while it is enabled, every item change is recorded there on this
    /// write path; once disabled it records nothing but is still described.
    pub stream: Option<Arc<Stream>>,
}

impl Table {
    /// A new table, CREATING until `settles_at` (milliseconds on the emulator's clock).
    pub fn new(def: TableDef, settles_at: i64) -> Table {
        let mut data = TableData::default();
        for index in def.indexes() {
            data.indexes.insert(index.name.clone(), OrdSet::new());
        }
        Table::restored(def, data, settles_at)
    }

    /// A new table holding `data` from the start (a restore's), CREATING until `settles_at`.
    pub fn restored(def: TableDef, data: TableData, settles_at: i64) -> Table {
        let mut table = Table::with(def, data);
        *table.lifecycle.get_mut() = Lifecycle::created(settles_at);
        table
    }

    /// A live, ACTIVE table holding `data` (restored from a snapshot): a restore puts back data,
    /// not transitions in progress, so restored tables are settled.
    pub fn with(def: TableDef, data: TableData) -> Table {
        let def = Arc::new(def);
        Table {
            name: def.name.clone(),
            state: RwLock::new(TableState {
                def: def.clone(),
                data,
                dropped: false,
                journal: None,
                history: History::default(),
                recovery: History::default(),
                changes: 0,
                ttl_changed_at: None,
            }),
            lifecycle: Mutex::default(),
            def: Mutex::new(def),
        }
    }

    /// The table's definition as last set, without its lock: what a write stages its item with.
    /// A definition changed meanwhile is caught under the lock ([`Staged::fits`]).
    pub fn def(&self) -> Arc<TableDef> {
        self.def.lock().clone()
    }

    /// Replaces the definition `state` (this table's, write-locked) holds.
    pub fn set_def(&self, state: &mut TableState, def: TableDef) {
        state.def = Arc::new(def);
        *self.def.lock() = state.def.clone();
    }

    /// The table's status at `now`.
    pub fn status(&self, now: i64) -> Status {
        self.lifecycle.lock().status(now)
    }

    /// Whether items can be read and written at `now` (not CREATING, not DELETING).
    pub fn usable(&self, now: i64) -> bool {
        self.lifecycle.lock().usable(now)
    }

    /// An index's status at `now`, and its Backfilling member (see [`Lifecycle::index_status`]).
    pub fn index_status(&self, index: &str, now: i64) -> (Status, Option<bool>) {
        self.lifecycle.lock().index_status(index, now)
    }

    /// The phase of an index UpdateTable is still adding at `now`, if it is.
    pub fn building(&self, index: &str, now: i64) -> Option<Phase> {
        self.lifecycle.lock().building(index, now)
    }

    /// Whether UpdateTable is still adding some index at `now`.
    pub fn builds_an_index(&self, now: i64) -> bool {
        self.lifecycle.lock().builds_an_index(now)
    }

    /// Runs a change of the table's statuses (UpdateTable, DeleteTable).
    pub fn transition<R>(&self, change: impl FnOnce(&mut Lifecycle) -> R) -> R {
        change(&mut self.lifecycle.lock())
    }
}

impl TableData {
    /// Adds a stored item to the table's size and, with local indexes, to its item collection's.
    /// `hash` gives the item's partition key values (asked for only then).
    fn count(&mut self, def: &TableDef, hash: impl FnOnce() -> KeyValues, item: &Item, stored: &Stored) {
        self.size_bytes += stored.size();
        if !def.local_indexes.is_empty() {
            *self.collections.entry(hash()).or_default() += collection_bytes(def, item);
        }
    }

    fn set_ttl(&mut self, attribute: Option<String>) {
        self.ttl = attribute.map(|a| TtlIndex::build(a, self.items.iter()));
    }

    pub fn get(&self, key: &PrimaryKey) -> Option<&Stored> {
        self.items.get(Slot::new(key).bytes()).map(|k| &**k)
    }

    /// Table items between two positions, in order; empty when the bounds are crossed.
    pub fn items_between(&self, lo: Bound<Slot>, hi: Bound<Slot>) -> Between<'_, Keyed> {
        fn bytes(b: &Bound<Slot>) -> Bound<&[u8]> {
            b.as_ref().map(Slot::bytes)
        }
        (!crossed(&lo, &hi))
            .then(|| self.items.range::<_, [u8]>((bytes(&lo), bytes(&hi))))
            .into_iter()
            .flatten()
    }

    /// Rows of one index between two positions, in order.
    pub fn index_between(&self, index: &str, lo: Bound<IndexEntry>, hi: Bound<IndexEntry>) -> Between<'_, IndexRow> {
        let rows = self.indexes.get(index).filter(|_| !crossed(&lo, &hi));
        rows.map(|r| r.range((lo, hi))).into_iter().flatten()
    }

    /// The table item an index row stands for.
    pub fn item_at(&self, row: &IndexRow) -> Option<&Keyed> {
        self.items.get(row.item.slot())
    }
}

impl TableState {
    pub fn get(&self, key: &PrimaryKey) -> Option<&Stored> {
        self.data.get(key)
    }

    /// How many item changes this table has applied (see `changes`).
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// The item at a slot (a [`Slot`]'s bytes, such as [`Staged::slot`]).
    pub fn get_at(&self, slot: &[u8]) -> Option<&Keyed> {
        self.data.items.get(slot)
    }

    /// Stores an item (whose key attributes the caller has validated) and returns the one it
    /// replaced: [`TableState::write`] of the item staged here, under the lock.
    pub fn put(&mut self, item: Item) -> Option<Keyed> {
        #[allow(clippy::expect_used)] // Every write path validates the item's key first.
        let key = self.def.key.key_of(&item).expect("caller validated the key");
        let slot = Slot::new(&key);
        self.write(Staged::new(&self.def, key, &slot, item)).old
    }

    /// Stores a staged item. Every item write goes through here, `delete` or `delete_expired`,
    /// so each one reaches the table's stream. Only the map updates and the records happen here;
    /// an item staged for an older definition is staged again first.
    pub fn write(&mut self, staged: Staged) -> Written {
        let staged = match staged.fits(self) {
            true => staged,
            false => Staged::restaged(&self.def, staged),
        };
        let Staged {
            key,
            stored,
            rows,
            item,
            ..
        } = staged;
        // Inserting replaces the old item in place, one walk of the tree where removing it and
        // inserting the new one took two.
        let old = self.data.items.insert(stored.clone());
        self.changes += 1;
        if let Some(old) = &old {
            self.forget(old, &rows);
        }
        self.data.count(&self.def, || key.hash, &item, &stored);
        for (index, row) in self.def.indexes().zip(rows) {
            if let (Some(row), Some(rows)) = (row, self.data.indexes.get_mut(&index.name)) {
                rows.insert(row.row);
            }
        }
        if let Some(ttl) = &mut self.data.ttl {
            ttl.insert(&stored);
        }
        if let Some(journal) = &self.journal {
            journal.put(&self.def, &stored);
        }
        let mut item = Some(item);
        if let Some(stream) = &self.data.stream {
            let old = old.as_ref().map(|o| Arc::new(o.item()));
            stream.record(&self.def.key, old.as_ref(), item.take().map(Arc::new).as_ref(), false);
        }
        Written { old, _item: item }
    }

    pub fn delete(&mut self, key: &PrimaryKey) -> Option<Keyed> {
        self.delete_at(Slot::new(key).bytes())
    }

    /// Deletes the item at a slot (a [`Slot`]'s bytes).
    pub fn delete_at(&mut self, slot: &[u8]) -> Option<Keyed> {
        self.remove_slot(slot, false)
    }

    /// Deletes an item as the durable mode's recovery replays a logged delete (`by_ttl` as logged).
    pub fn delete_as(&mut self, key: &PrimaryKey, by_ttl: bool) -> Option<Keyed> {
        self.remove_slot(Slot::new(key).bytes(), by_ttl)
    }

    /// Deletes an item and records the removal on the stream (`by_ttl`: the TTL process did it).
    fn remove_slot(&mut self, slot: &[u8], by_ttl: bool) -> Option<Keyed> {
        let old = self.data.items.remove(slot)?;
        self.changes += 1;
        self.forget(&old, &[]);
        if let Some(stream) = &self.data.stream {
            stream.record(&self.def.key, Some(&Arc::new(old.item())), None, by_ttl);
        }
        if let Some(journal) = &self.journal {
            let key = old.attributes().filter(|(name, _)| self.def.key.contains(name));
            journal.delete(&self.def, key.map(|(n, v)| (n.to_owned(), v.value())).collect(), by_ttl);
        }
        Some(old)
    }

    /// Takes an item just taken out of the table's map out of its indexes and counts; no stream
    /// record. `rows` are the rows of the item replacing it (none for a delete): an index row
    /// whose index key is unchanged is left for the new row's insert to replace.
    fn forget(&mut self, stored: &Keyed, rows: &[Option<StagedRow>]) {
        self.data.size_bytes -= stored.size();
        if !self.def.local_indexes.is_empty() {
            let old = stored.item();
            #[allow(clippy::expect_used)] // Only `put` stores items, with their key.
            let hash = self.def.key.key_of(&old).expect("stored items have their key").hash;
            if let Some(bytes) = self.data.collections.get_mut(&hash) {
                *bytes -= collection_bytes(&self.def, &old);
                if *bytes == 0 {
                    self.data.collections.remove(&hash);
                }
            }
        }
        if let Some(ttl) = &mut self.data.ttl {
            ttl.remove(stored);
        }
        let tie = std::cell::OnceCell::new();
        for (n, index) in self.def.indexes().enumerate() {
            let replaced = rows.get(n).and_then(Option::as_ref);
            if replaced.is_some_and(|row| index.key.holds(stored, &row.key)) {
                continue;
            }
            let Some(at) = index.key.key_of_stored(stored) else {
                continue;
            };
            if let Some(data) = self.data.indexes.get_mut(&index.name) {
                let tie = tie_in(&self.def, index, *tie.get_or_init(|| tie_of(&self.def, stored)));
                data.remove(&IndexEntry::new(&Slot::new(&at), TablePos::At(tie, stored.slot())));
            }
        }
    }

    /// Fills a newly added index from the table's items (UpdateTable's backfill, done at once).
    pub fn backfill(&mut self, index: &IndexDef) {
        let mut rows = OrdSet::new();
        for stored in self.data.items.iter() {
            let item = stored.item();
            if index.key.accepts(&item) {
                let tie = tie_of(&self.def, stored);
                rows.extend(
                    index
                        .key
                        .key_of(&item)
                        .map(|at| index_row(&self.def, index, &at, tie, stored, &item)),
                );
            }
        }
        self.data.indexes.insert(index.name.clone(), rows);
    }

    /// Enables Time to Live on `attribute` (indexing the items already stored), or disables it.
    pub fn set_ttl(&mut self, attribute: Option<String>) {
        self.data.set_ttl(attribute);
    }

    /// The TTL attribute while Time to Live is enabled.
    pub fn ttl_attribute(&self) -> Option<&str> {
        self.data.ttl.as_ref().map(|t| t.attribute.as_str())
    }

    /// Whether any item has expired at `now_millis` (cheap: one index probe).
    pub fn has_expired(&self, now_millis: i64) -> bool {
        self.data.ttl.as_ref().is_some_and(|t| t.has_due(now_millis))
    }

    /// Deletes up to `max` items expired at `now_millis` through the normal delete path (indexes,
    /// counts and sizes follow) and returns how many. Each item is checked again as it is now, under
    /// the write lock the caller holds, so a write that moved its expiry forward wins.
    pub fn delete_expired(&mut self, now_millis: i64, max: usize) -> usize {
        let Some(index) = &self.data.ttl else {
            return 0;
        };
        let attribute = index.attribute.clone();
        let mut deleted = 0;
        for due in index.due(now_millis, max) {
            let expired = self
                .data
                .items
                .get(due.slot())
                .is_some_and(|item| ttl::is_expired(item, &attribute, now_millis));
            if expired && self.remove_slot(due.slot(), true).is_some() {
                deleted += 1;
            }
        }
        deleted
    }

    /// The size the item collection of `hash` would have after replacing `old` by `new`.
    pub fn collection_after(&self, hash: &KeyValues, old: Option<&Item>, new: Option<&Item>) -> usize {
        let now = self.data.collections.get(hash).copied().unwrap_or(0);
        let size = |i: Option<&Item>| i.map_or(0, |i| collection_bytes(&self.def, i));
        now - size(old) + size(new)
    }

    pub fn item_count(&self) -> usize {
        self.data.items.len()
    }
}

/// An item ready for [`TableState::write`]: its key, its stored bytes at its slot and its row in
/// each index, computed from a definition of its table. A request builds it before taking the
/// table's write lock (from [`Table::def`]), so the lock covers the map updates and not the
/// hashing and encoding.
pub struct Staged {
    def: Arc<TableDef>,
    key: PrimaryKey,
    stored: Keyed,
    /// One per index of `def`, in `def.indexes()` order; `None` where the item lacks its key.
    rows: Vec<Option<StagedRow>>,
    item: Item,
}

/// A staged item's row in one index, with the index key it was built from.
struct StagedRow {
    key: PrimaryKey,
    row: IndexRow,
}

impl Staged {
    /// `item`, whose key `key` (at `slot`, its [`Slot`]) the caller validated against `def`.
    pub fn new(def: &Arc<TableDef>, key: PrimaryKey, slot: &Slot, item: Item) -> Staged {
        let stored = Keyed::new(slot.bytes(), &item);
        let rows = Staged::rows(def, &key, &stored, &item);
        Staged {
            def: def.clone(),
            key,
            stored,
            rows,
            item,
        }
    }

    /// The same item staged for another definition, from its key and stored bytes.
    fn restaged(def: &Arc<TableDef>, staged: Staged) -> Staged {
        let rows = Staged::rows(def, &staged.key, &staged.stored, &staged.item);
        Staged {
            def: def.clone(),
            rows,
            ..staged
        }
    }

    /// The item's index rows; `key` is its table key, which orders it among equal index keys.
    fn rows(def: &TableDef, key: &PrimaryKey, stored: &Keyed, item: &Item) -> Vec<Option<StagedRow>> {
        let tie = std::cell::OnceCell::new();
        let row = |index: &IndexDef| {
            let at = index.key.key_of(item)?;
            let tie = *tie.get_or_init(|| Tie::of(key));
            Some(StagedRow {
                row: index_row(def, index, &at, tie, stored, item),
                key: at,
            })
        };
        def.indexes().map(row).collect()
    }

    /// Whether it was staged for the definition `state` holds now.
    pub fn fits(&self, state: &TableState) -> bool {
        Arc::ptr_eq(&self.def, &state.def)
    }

    pub fn key(&self) -> &PrimaryKey {
        &self.key
    }

    /// The item's slot's bytes.
    pub fn slot(&self) -> &[u8] {
        self.stored.slot()
    }

    pub fn item(&self) -> &Item {
        &self.item
    }

    /// The item, to be checked and staged again (its table's definition changed).
    pub fn into_item(self) -> Item {
        self.item
    }
}

/// What [`TableState::write`] leaves behind: the item it replaced, and the written item's decoded
/// form unless its stream kept it, both freed by the caller once it has released the lock.
pub struct Written {
    pub old: Option<Keyed>,
    _item: Option<Item>,
}

/// Entries between two positions of a table or index, in order (both directions).
pub type Between<'a, K> =
    std::iter::Flatten<std::option::IntoIter<imbl::ordset::RangedIter<'a, K, imbl::shared_ptr::DefaultSharedPtr>>>;

/// Whether a range is empty (a range whose ends cross is refused by ordered maps).
fn crossed<T: Ord>(lo: &Bound<T>, hi: &Bound<T>) -> bool {
    match (lo, hi) {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a) | Bound::Excluded(a), Bound::Excluded(b)) | (Bound::Excluded(a), Bound::Included(b)) => {
            a >= b
        }
        _ => false,
    }
}

/// An item's row in an index, at its index key `at` (an item without one has no row: sparse
/// indexes). The row holds the stored item itself when the index projects every attribute, else
/// its own encoding of the projected attributes, keyed by the same table slot.
fn index_row(def: &TableDef, index: &IndexDef, at: &PrimaryKey, tie: Tie, stored: &Keyed, item: &Item) -> IndexRow {
    let copy = if index.projection.kind == crate::model::ProjectionType::All {
        stored.clone()
    } else {
        Keyed::new(stored.slot(), &index.project_item(&def.key, item))
    };
    IndexRow::new(&Slot::new(at), tie_in(def, index, tie), copy)
}

/// The tie of an item's row in `index`, given its table key's `tie`. A local index's rows sharing
/// an index key come in the table's sort key order (ExtendDB's dual-target suite): they share a
/// partition, so a constant tie leaves the order to their table slots.
pub fn tie_in(def: &TableDef, index: &IndexDef, tie: Tie) -> Tie {
    let local = def.local_indexes.iter().any(|i| i.name == index.name);
    if local {
        Tie::NONE
    } else {
        tie
    }
}

/// The [`Tie`] of a stored item's table key, which orders it among the items sharing an index key.
fn tie_of(def: &TableDef, stored: &Stored) -> Tie {
    // Only `put` stores items, with their key; an item without one would sort first.
    def.key.key_of_stored(stored).map_or(Tie::NONE, |key| Tie::of(&key))
}

/// A table's data built from its items in scan order, as a checkpoint holds them (durable mode's
/// start-up). Cheaper than [`TableState::put`] one item at a time: no item can replace another, so
/// there is no lookup of an old one to unlink, and each index's entries are sorted once and then
/// inserted in order, each insert following the last one's path instead of a random one through
/// the whole tree. imbl's `OrdMap` has no constructor from sorted data; in-order inserts are the
/// closest it offers.
pub struct TableBuild {
    def: TableDef,
    data: TableData,
    /// Each index's rows (in `def.indexes()` order), sorted and inserted at the end.
    rows: Vec<Vec<IndexRow>>,
}

impl TableBuild {
    pub fn new(def: TableDef) -> TableBuild {
        let mut data = TableData::default();
        for index in def.indexes() {
            data.indexes.insert(index.name.clone(), OrdSet::new());
        }
        let rows = def.indexes().map(|_| Vec::new()).collect();
        TableBuild { def, data, rows }
    }

    /// Adds the next item (`stored` is `item` keyed by its slot); false (and
    /// nothing added) unless it comes after every item so far.
    pub fn push(&mut self, item: &Item, stored: Keyed) -> bool {
        if self.data.items.get_max().is_some_and(|last| *last >= stored) {
            return false;
        }
        let def = &self.def;
        #[allow(clippy::expect_used)] // The caller keyed `stored` by `item`'s key, so it has one.
        let hash = || def.key.key_of(item).expect("an entry has its key").hash;
        self.data.count(def, hash, item, &stored);
        let tie = tie_of(def, &stored);
        for (index, rows) in def.indexes().zip(&mut self.rows) {
            rows.extend(
                index
                    .key
                    .key_of(item)
                    .map(|at| index_row(def, index, &at, tie, &stored, item)),
            );
        }
        self.data.items.insert(stored);
        true
    }

    /// The definition and the finished data, Time to Live indexed on `ttl` when it is enabled.
    pub fn finish(mut self, ttl: Option<String>) -> (TableDef, TableData) {
        for (index, mut rows) in self.def.indexes().zip(self.rows) {
            rows.sort_unstable();
            let map = self.data.indexes.entry(index.name.clone()).or_default();
            for row in rows {
                map.insert(row);
            }
        }
        self.data.set_ttl(ttl);
        (self.def, self.data)
    }
}

/// What an item adds to its item collection: itself and its entry in each local index.
fn collection_bytes(def: &TableDef, item: &Item) -> usize {
    let entries: usize = def
        .local_indexes
        .iter()
        .filter(|i| i.key.key_of(item).is_some())
        .map(|i| {
            item.iter()
                .filter(|(k, _)| i.projects(&def.key, k))
                .map(|(k, v)| k.len() + v.size())
                .sum::<usize>()
        })
        .sum();
    item_size(item) + entries
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{
        AttributeValue, BillingMode, KeyAttr, KeySchema, Projection, ProjectionType, ScalarType, Throughput,
    };
    use proptest::prelude::*;

    fn attr(name: &str) -> KeyAttr {
        KeyAttr {
            name: name.into(),
            ty: ScalarType::S,
        }
    }

    fn index(name: &str, key: &str, kind: ProjectionType) -> IndexDef {
        IndexDef {
            name: name.into(),
            key: KeySchema::simple(attr(key), None),
            projection: Projection {
                kind,
                non_key_attributes: Vec::new(),
            },
            throughput: None,
            warm: Throughput::default(),
            capacity_changes: Default::default(),
            on_demand: Default::default(),
        }
    }

    /// Table `t` (pk S) with GSIs `all` on `a` (ALL) and `keys` on `b` (KEYS_ONLY).
    pub(crate) fn def() -> TableDef {
        TableDef {
            name: "t".into(),
            key: KeySchema::simple(attr("pk"), None),
            attribute_definitions: vec![attr("pk"), attr("a"), attr("b")],
            global_indexes: vec![
                index("all", "a", ProjectionType::All),
                index("keys", "b", ProjectionType::KeysOnly),
            ],
            local_indexes: Vec::new(),
            billing_mode: BillingMode::PayPerRequest,
            throughput: Throughput::default(),
            created_at: 0.0,
            table_id: String::new(),
            arn: String::new(),
            deletion_protection: false,
            stream: None,
            table_class: None,
            table_class_changed_at: None,
            pay_per_request_since: None,
            warm: Throughput::default(),
            capacity_changes: Default::default(),
            sse: None,
            point_in_time_recovery: None,
            restored_from: None,
            insights: Default::default(),
            vector_indexes: Vec::new(),
            on_demand: Default::default(),
        }
    }

    fn item(pk: u8, a: Option<u8>, b: Option<u8>, v: u8) -> Item {
        let s = |name: &str, n: u8| (name.to_string(), AttributeValue::S(format!("{name}{n}")));
        [
            Some(s("pk", pk)),
            a.map(|n| s("a", n)),
            b.map(|n| s("b", n)),
            Some(s("v", v)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Every index as a backfill from the table's items builds it, and the table's size.
    fn rebuilt(state: &TableState) -> (Vec<String>, usize) {
        let def = state.def.clone();
        let mut copy = Table::with(TableDef::clone(&def), state.data.clone())
            .state
            .into_inner();
        def.indexes().for_each(|i| copy.backfill(i));
        let size = copy.data.items.iter().map(|i| i.size()).sum();
        (indexes(&copy), size)
    }

    fn indexes(state: &TableState) -> Vec<String> {
        state
            .def
            .indexes()
            .map(|i| format!("{:?}", state.data.indexes[&i.name].iter().collect::<Vec<_>>()))
            .collect()
    }

    proptest! {
        /// Puts that replace items (index keys kept, changed, added or dropped) and deletes leave
        /// every index holding exactly the rows a rebuild from the items holds: a row whose key
        /// is unchanged is replaced in place, any other old row is removed.
        #[test]
        fn writes_leave_the_indexes_a_rebuild_makes(
            writes in prop::collection::vec((0u8..4, prop::option::of(0u8..3), prop::option::of(0u8..3), any::<u8>(), any::<bool>()), 1..40),
        ) {
            let table = Table::new(def(), 0);
            let mut state = table.state.write();
            for (pk, a, b, v, delete) in writes {
                let item = item(pk, a, b, v);
                if delete {
                    let key = state.def.key.key_of(&item).unwrap();
                    state.delete(&key);
                } else {
                    state.put(item);
                }
                let (rows, size) = rebuilt(&state);
                prop_assert_eq!(indexes(&state), rows);
                prop_assert_eq!(state.data.size_bytes, size);
            }
        }
    }

    /// An item staged before UpdateTable added an index gets its row in it when written.
    #[test]
    fn an_item_staged_for_an_older_definition_is_staged_again() {
        let mut old = def();
        let added = old.global_indexes.remove(0);
        let table = Table::new(old, 0);
        let written = item(1, Some(1), None, 0);
        let key = table.def().key.key_of(&written).unwrap();
        let slot = Slot::new(&key);
        let staged = Staged::new(&table.def(), key, &slot, written);
        let mut state = table.state.write();
        let mut new = TableDef::clone(&state.def);
        new.global_indexes.insert(0, added.clone());
        table.set_def(&mut state, new);
        state.backfill(&added);
        assert!(!staged.fits(&state));
        assert!(Arc::ptr_eq(&table.def(), &state.def));
        state.write(staged);
        assert_eq!(state.data.indexes["all"].len(), 1);
        let (rows, _) = rebuilt(&state);
        assert_eq!(indexes(&state), rows);
    }
}
