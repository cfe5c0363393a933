//! BatchWriteItem: up to 25 puts and deletes across tables. The whole request is validated before
//! anything is written; everything is then written under the tables' write locks (taken in name
//! order), so UnprocessedItems is empty unless a chaos plan holds the request's last writes back.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::answer::{ConsumedCapacity, ItemCollectionMetrics};
use super::common::{
    check_attribute_names, check_collection, check_index_keys, data_table, key_mismatch, key_values_error, metrics,
    request_key, CapacityDetail,
};
use super::item_write::{write_charge, Old};
use super::multi::{capacities, Report, TableUnits};
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{Item, PrimaryKey, TableDef};
use crate::store::{Slot, Table};

pub const MAX_REQUESTS: usize = 25;

pub struct Input {
    /// Each RequestItems key (a table name or ARN) with its requests, in the order DynamoDB
    /// processes them.
    pub tables: Vec<(String, Vec<WriteRequest>)>,
    pub capacity: CapacityDetail,
    /// ReturnItemCollectionMetrics is SIZE.
    pub collection_metrics: bool,
}

/// One WriteRequest.
#[derive(Clone, Debug)]
pub enum WriteRequest {
    Put(Item),
    /// The key of the item to delete.
    Delete(Item),
}

pub struct Output {
    /// The requests not written, by RequestItems key, as sent.
    pub unprocessed: BTreeMap<String, Vec<WriteRequest>>,
    pub capacity: Option<Vec<ConsumedCapacity>>,
    /// Per table with item collections, the collections the writes touched, when asked.
    pub collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

/// A request checked against its table.
enum Write {
    Put(PrimaryKey, Item),
    Delete(PrimaryKey),
}

/// The key of an item to put, with the messages BatchWriteItem uses (a wrong-typed or missing
/// table key is a plain schema mismatch here, unlike PutItem).
fn put_key(def: &TableDef, item: &Item) -> Result<PrimaryKey> {
    for attr in def.key.attrs() {
        let value = item.get(&attr.name).ok_or_else(key_mismatch)?;
        if value.value_type() != attr.ty.value_type() {
            return Err(key_mismatch());
        }
    }
    if let Some(e) = key_values_error(def, item) {
        return Err(e);
    }
    check_attribute_names(item)?;
    check_index_keys(def, item)?;
    def.key.key_of(item).ok_or_else(key_mismatch)
}

pub fn run(cx @ &Cx { engine, ref chaos, .. }: &Cx, input: Input) -> Result<Output> {
    // Chaos: the last writes, in request order, are returned unprocessed; none processed at all
    // is DynamoDB's ProvisionedThroughputExceededException.
    let total: usize = input.tables.iter().map(|(_, requests)| requests.len()).sum();
    let keep = total.saturating_sub(chaos.unprocessed);
    let mut unprocessed: BTreeMap<String, Vec<WriteRequest>> = BTreeMap::new();
    let mut position = 0;
    // Check every request against its table before writing anything.
    let mut plan: BTreeMap<String, (Arc<Table>, Vec<Write>)> = BTreeMap::new();
    for (name, requests) in input.tables {
        let table = data_table(cx, &name)?;
        let def = table.state.read().def.clone();
        let mut seen = HashSet::new();
        let mut planned = Vec::with_capacity(requests.len());
        for request in requests {
            let held = (position >= keep).then(|| request.clone());
            position += 1;
            let write = match request {
                WriteRequest::Put(item) => Write::Put(put_key(&def, &item)?, item),
                WriteRequest::Delete(key) => Write::Delete(request_key(&def, &key)?),
            };
            let (Write::Put(key, _) | Write::Delete(key)) = &write;
            if !seen.insert(key.clone()) {
                return Err(Error::validation("Provided list of item keys contains duplicates"));
            }
            match held {
                Some(request) => unprocessed.entry(name.clone()).or_default().push(request),
                None => planned.push(write),
            }
        }
        let entry = plan.entry(table.name.clone()).or_insert_with(|| (table.clone(), Vec::new()));
        entry.1.extend(planned);
    }
    if keep == 0 {
        return Err(crate::chaos::throughput_exceeded());
    }

    // Write everything under the involved tables' write locks, taken in name order.
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut collections = BTreeMap::new();
    let (tables, writes): (Vec<_>, Vec<_>) = plan
        .into_iter()
        .map(|(name, (table, writes))| (table, (name, writes)))
        .unzip();
    let mut guards = tables.iter().map(|t| cx.write(t)).collect::<Result<Vec<_>>>()?;
    for ((name, writes), state) in writes.into_iter().zip(guards.iter_mut()) {
        let mut keys = Vec::new();
        for write in writes {
            let (key, new) = match write {
                Write::Put(key, item) => (key, Some(item)),
                Write::Delete(key) => (key, None),
            };
            // The replaced item is decoded only for what needs its attributes (an item collection,
            // the per-index capacity): its size is its stored form's.
            let (written, touched) = {
                let old = Old::new(state.get_at(Slot::new(&key).bytes()));
                check_collection(engine, state, &key, || old.item(), new.as_ref())?;
                write_charge(input.capacity, &state.def, &old, new.as_ref())
            };
            units.entry(name.clone()).or_default().add(written, touched);
            match new {
                Some(item) => {
                    state.put(item);
                }
                None => {
                    state.delete(&key);
                }
            }
            keys.push(key);
        }
        if input.collection_metrics && !state.def.local_indexes.is_empty() {
            collections.insert(name, keys.iter().map(|k| metrics(&state.def, k)).collect());
        }
    }
    drop(guards);

    Ok(Output {
        unprocessed,
        capacity: capacities(input.capacity, Report::Sum, units),
        collection_metrics: input.collection_metrics.then_some(collections),
    })
}
