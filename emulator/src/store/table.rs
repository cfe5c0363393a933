//! One table: its definition and its data under one lock, so schema changes (a new GSI) and item
//! writes are never seen half-done.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use imbl::OrdMap;
use parking_lot::{Mutex, RwLock};

use super::history::History;
use super::lifecycle::{Lifecycle, Status};
use super::slot::{IndexEntry, Slot, TablePos};
use super::stream::Stream;
use super::ttl::{self, TtlIndex};
use super::Journal;

use crate::model::{item_size, IndexDef, Item, KeySchema, KeyValues, PrimaryKey, Stored, TableDef};

pub struct Table {
    pub name: String,
    pub state: RwLock<TableState>,
    /// The table's transient statuses. A leaf lock (nothing else is locked while it is held), so
    /// a data-plane lookup can ask it without the table's lock.
    lifecycle: Mutex<Lifecycle>,
}

pub struct TableState {
    pub def: TableDef,
    pub data: TableData,
    /// Set, under the write lock, when DeleteTable removes the table: a request that looked the
    /// table up before then and locks it after sees it gone.
    pub dropped: bool,
    /// Where item changes are reported once applied (the durable mode's log); set by the `Store`.
    pub(super) journal: Option<Arc<dyn Journal>>,
    /// Past versions of `data`, while a chaos plan makes reads of this table stale (`Recording`).
    pub history: History<TableData>,
}
/// A table's data in persistent (structurally shared) maps: a clone costs O(number of indexes)
/// whatever the item count, which is what makes snapshots cheap; a write after a clone copies only
/// the tree nodes on its path. Items are kept encoded ([`Stored`]), one allocation each, shared by
/// the table's map and the entries of indexes that project them whole.
#[derive(Clone, Default)]
pub struct TableData {
    pub items: OrdMap<Slot, Stored>,
    pub indexes: HashMap<String, OrdMap<IndexEntry, Stored>>,
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
            data.indexes.insert(index.name.clone(), OrdMap::new());
        }
        let mut table = Table::with(def, data);
        *table.lifecycle.get_mut() = Lifecycle::created(settles_at);
        table
    }

    /// A live, ACTIVE table holding `data` (restored from a snapshot): a restore puts back data,
    /// not transitions in progress, so restored tables are settled.
    pub fn with(def: TableDef, data: TableData) -> Table {
        Table {
            name: def.name.clone(),
            state: RwLock::new(TableState {
                def,
                data,
                dropped: false,
                journal: None,
                history: History::default(),
            }),
            lifecycle: Mutex::default(),
        }
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
        self.items.get(&Slot::new(key))
    }

    /// Table items between two positions, in order; empty when the bounds are crossed.
    pub fn items_between(&self, lo: Bound<Slot>, hi: Bound<Slot>) -> Between<'_, Slot> {
        (!crossed(&lo, &hi))
            .then(|| self.items.range((lo, hi)))
            .into_iter()
            .flatten()
    }

    /// Entries of one index between two positions, in order.
    pub fn index_between(&self, index: &str, lo: Bound<IndexEntry>, hi: Bound<IndexEntry>) -> Between<'_, IndexEntry> {
        let entries = self.indexes.get(index).filter(|_| !crossed(&lo, &hi));
        entries.map(|e| e.range((lo, hi))).into_iter().flatten()
    }

    /// The table item an index entry points at.
    pub fn item_at(&self, entry: &IndexEntry) -> Option<&Stored> {
        self.items.get(entry.table_slot())
    }
}

impl TableState {
    pub fn get(&self, key: &PrimaryKey) -> Option<&Stored> {
        self.data.get(key)
    }

    /// Stores an item (whose key attributes the caller has validated) and returns the one it replaced.
    /// Every item write goes through here, `delete` or `delete_expired`, so each one reaches the
    /// table's stream.
    pub fn put(&mut self, item: Item) -> Option<Stored> {
        #[allow(clippy::expect_used)] // Every write path validates the item's key first.
        let key = self.def.key.key_of(&item).expect("caller validated the key");
        let slot = Slot::new(&key);
        let old = self.unlink(&slot);
        let encoded = Stored::new(&item);
        self.data.count(&self.def, || key.hash.clone(), &item, &encoded);
        for index in self.def.indexes() {
            if let Some(entry) = index_entry(index, &slot, &item) {
                let copy = index_copy(&self.def, index, &encoded, &item);
                self.data
                    .indexes
                    .entry(index.name.clone())
                    .or_default()
                    .insert(entry, copy);
            }
        }
        if let Some(ttl) = &mut self.data.ttl {
            ttl.insert(&slot, &encoded);
        }
        if let Some(journal) = &self.journal {
            journal.put(&self.def.name, &item);
        }
        if let Some(stream) = &self.data.stream {
            let old = old.as_ref().map(|o| Arc::new(o.item()));
            stream.record(&self.def.key, old.as_ref(), Some(&Arc::new(item)), false);
        }
        self.data.items.insert(slot, encoded);
        old
    }

    pub fn delete(&mut self, key: &PrimaryKey) -> Option<Stored> {
        self.remove_slot(&Slot::new(key), false)
    }

    /// Deletes an item as the durable mode's recovery replays a logged delete (`by_ttl` as logged).
    pub fn delete_as(&mut self, key: &PrimaryKey, by_ttl: bool) -> Option<Stored> {
        self.remove_slot(&Slot::new(key), by_ttl)
    }

    /// Deletes an item and records the removal on the stream (`by_ttl`: the TTL process did it).
    fn remove_slot(&mut self, slot: &Slot, by_ttl: bool) -> Option<Stored> {
        let old = self.unlink(slot)?;
        if let Some(stream) = &self.data.stream {
            stream.record(&self.def.key, Some(&Arc::new(old.item())), None, by_ttl);
        }
        if let Some(journal) = &self.journal {
            let key = old.attributes().filter(|(name, _)| self.def.key.contains(name));
            journal.delete(
                &self.def.name,
                key.map(|(n, v)| (n.to_owned(), v.value())).collect(),
                by_ttl,
            );
        }
        Some(old)
    }

    /// Takes an item out of the table, its indexes and counts; no stream record.
    fn unlink(&mut self, slot: &Slot) -> Option<Stored> {
        let stored = self.data.items.remove(slot)?;
        self.data.size_bytes -= stored.size();
        let old = stored.item();
        if !self.def.local_indexes.is_empty() {
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
            ttl.remove(slot, &stored);
        }
        for index in self.def.indexes() {
            if let Some(entry) = index_entry(index, slot, &old) {
                if let Some(data) = self.data.indexes.get_mut(&index.name) {
                    data.remove(&entry);
                }
            }
        }
        Some(stored)
    }

    /// Fills a newly added index from the table's items (UpdateTable's backfill, done at once).
    pub fn backfill(&mut self, index: &IndexDef) {
        let mut entries = OrdMap::new();
        for (slot, stored) in self.data.items.iter() {
            let item = stored.item();
            if let Some(entry) = index_entry(index, slot, &item).filter(|_| index.key.accepts(&item)) {
                entries.insert(entry, index_copy(&self.def, index, stored, &item));
            }
        }
        self.data.indexes.insert(index.name.clone(), entries);
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
        for slot in index.due(now_millis, max) {
            let expired = self
                .data
                .items
                .get(&slot)
                .is_some_and(|item| ttl::is_expired(item, &attribute, now_millis));
            if expired && self.remove_slot(&slot, true).is_some() {
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

/// Entries between two positions of a table or index, in order (both directions).
pub type Between<'a, K> = std::iter::Flatten<
    std::option::IntoIter<imbl::ordmap::RangedIter<'a, K, Stored, imbl::shared_ptr::DefaultSharedPtr>>,
>;

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

/// What an index entry holds of an item: the stored item itself when the index projects every
/// attribute, else its own encoding of the projected attributes.
fn index_copy(def: &TableDef, index: &IndexDef, stored: &Stored, item: &Item) -> Stored {
    if index.projection.kind == crate::model::ProjectionType::All {
        stored.clone()
    } else {
        Stored::new(&index.project_item(&def.key, item))
    }
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
    /// Each index's entries (in `def.indexes()` order), sorted and inserted at the end.
    entries: Vec<Vec<(IndexEntry, Stored)>>,
}

impl TableBuild {
    pub fn new(def: TableDef) -> TableBuild {
        let mut data = TableData::default();
        for index in def.indexes() {
            data.indexes.insert(index.name.clone(), OrdMap::new());
        }
        let entries = def.indexes().map(|_| Vec::new()).collect();
        TableBuild { def, data, entries }
    }

    /// An item's position and stored form; `None` without the key's attributes. Depends only on
    /// the key schema, so it can run on another thread than [`TableBuild::push`].
    pub fn entry(key: &KeySchema, item: &Item) -> Option<(Slot, Stored)> {
        Some((Slot::new(&key.key_of(item)?), Stored::new(item)))
    }

    /// Adds the next item (`stored` is `item` encoded); false (and nothing added) unless it comes
    /// after every item so far.
    pub fn push(&mut self, slot: Slot, item: &Item, stored: Stored) -> bool {
        if self.data.items.get_max().is_some_and(|(last, _)| *last >= slot) {
            return false;
        }
        let def = &self.def;
        #[allow(clippy::expect_used)] // `slot` came from `entry`, which found the key.
        let hash = || def.key.key_of(item).expect("an entry has its key").hash;
        self.data.count(def, hash, item, &stored);
        for (index, entries) in def.indexes().zip(&mut self.entries) {
            if let Some(entry) = index_entry(index, &slot, item) {
                entries.push((entry, index_copy(def, index, &stored, item)));
            }
        }
        self.data.items.insert(slot, stored);
        true
    }

    /// The definition and the finished data, Time to Live indexed on `ttl` when it is enabled.
    pub fn finish(mut self, ttl: Option<String>) -> (TableDef, TableData) {
        for (index, mut entries) in self.def.indexes().zip(self.entries) {
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let map = self.data.indexes.entry(index.name.clone()).or_default();
            for (entry, item) in entries {
                map.insert(entry, item);
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

/// The index position of an item, or `None` when the item lacks an index key (sparse indexes).
pub fn index_entry(index: &IndexDef, table_slot: &Slot, item: &Item) -> Option<IndexEntry> {
    let key = index.key.key_of(item)?;
    Some(IndexEntry::new(&Slot::new(&key), TablePos::At(table_slot)))
}
