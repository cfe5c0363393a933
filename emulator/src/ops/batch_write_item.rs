//! BatchWriteItem: up to 25 puts and deletes across tables. The whole request is validated before
//! anything is written; everything is then written under the tables' write locks (taken in name
//! order), so UnprocessedItems is always empty.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::common::{
    check_attribute_names, check_collection, check_index_keys, collection_metrics, key_values_error, data_table, request_key, touched_indexes, write_units,
    CapacityDetail,
};
use super::multi::{add_capacity, java, java_item, request_items_faults, TableUnits};
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{item_size, Item, PrimaryKey, TableDef, MAX_ITEM_SIZE};
use crate::protocol::attr::decode_map;
use crate::protocol::shape::{
    field, validate_after, Field, Shape, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS,
};
use crate::protocol::Body;
use crate::store::Table;

const SHAPE: &[Field] = &[
    field("RequestItems", Shape::Any),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
];

pub const MAX_REQUESTS: usize = 25;

enum Write {
    Put(Item),
    Delete(PrimaryKey),
}

fn java_write_request(v: &Value) -> String {
    let part = |name: &str, inner: &str, java_name: &str, field: &str| {
        v.get(name).filter(|x| !x.is_null()).map_or("null".to_string(), |x| {
            format!("{java_name}({field}={})", java_item(x.get(inner).unwrap_or(&Value::Null)))
        })
    };
    format!(
        "WriteRequest(putRequest={}, deleteRequest={})",
        part("PutRequest", "Item", "PutRequest", "item"),
        part("DeleteRequest", "Key", "DeleteRequest", "key")
    )
}

fn java_request_items(m: &Map<String, Value>) -> String {
    let parts: Vec<String> = m
        .iter()
        .map(|(t, reqs)| match reqs {
            Value::Array(list) => format!(
                "{t}=[{}]",
                list.iter().map(java_write_request).collect::<Vec<_>>().join(", ")
            ),
            other => format!("{t}={}", java(other)),
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The key of an item to put, with the messages BatchWriteItem uses (a wrong-typed or missing
/// table key is a plain schema mismatch here, unlike PutItem).
fn put_key(def: &TableDef, item: &Item) -> Result<PrimaryKey> {
    let mismatch = || Error::validation("The provided key element does not match the schema");
    for attr in def.key.attrs() {
        let value = item.get(&attr.name).ok_or_else(mismatch)?;
        if value.value_type() != attr.ty.value_type() {
            return Err(mismatch());
        }
    }
    if let Some(e) = key_values_error(def, item) {
        return Err(e);
    }
    check_attribute_names(item)?;
    for index in def.indexes() {
        check_index_keys(index, item)?;
    }
    if item_size(item) > MAX_ITEM_SIZE {
        return Err(Error::validation(
            "Item size has exceeded the maximum allowed size",
        ));
    }
    def.key.key_of(item).ok_or_else(mismatch)
}

pub fn run(cx @ &Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    let render_all = |m: &Map<String, Value>| java_request_items(m);
    let whole = body.object("RequestItems").cloned().unwrap_or_default();
    let faults = request_items_faults(body.0, "BatchWriteItem", render_all, |_, v| {
        let n = v.as_array().map_or(0, Vec::len);
        (!(1..=MAX_REQUESTS).contains(&n)).then(|| {
            format!(
                "Value '{}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
                java_request_items(&whole)
            )
        })
    })?;
    // One violation of the map-value constraint is reported once, however many tables break it.
    let mut faults = faults;
    faults.dedup();
    validate_after(body.0, SHAPE, faults)?;
    let request = body.object("RequestItems").expect("validated");
    let total: usize = request.values().map(|v| v.as_array().map_or(0, Vec::len)).sum();
    if total > MAX_REQUESTS {
        return Err(Error::validation(
            "Too many items requested for the BatchWriteItem call",
        ));
    }

    // Decode and check every request before touching any table.
    let mut decoded: Vec<(&str, Vec<(bool, Item)>)> = Vec::new();
    for (name, list) in request {
        let mut writes = Vec::new();
        for req in list.as_array().into_iter().flatten() {
            let r = Body(req);
            let (put, del) = (r.child("PutRequest"), r.child("DeleteRequest"));
            let (is_put, inner, member) = match (put, del) {
                (Some(p), None) => (true, p, "Item"),
                (None, Some(d)) => (false, d, "Key"),
                _ => {
                    return Err(Error::validation(
                        "Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest",
                    ))
                }
            };
            let Some(raw) = inner.get(member) else {
                return Err(Error::validation(format!(
                    "1 validation error detected: Value null at 'requestItems.{name}.member.{}.member.{}.{}' failed to satisfy constraint: Member must not be null",
                    writes.len() + 1,
                    if is_put { "putRequest" } else { "deleteRequest" },
                    if is_put { "item" } else { "key" },
                )));
            };
            writes.push((is_put, decode_map(raw)?));
        }
        decoded.push((name, writes));
    }

    let mut plan: BTreeMap<String, (Arc<Table>, Vec<Write>)> = BTreeMap::new();
    for (name, writes) in decoded {
        let table = data_table(cx, name)?;
        let def = table.state.read().def.clone();
        let mut seen = HashSet::new();
        let mut planned = Vec::with_capacity(writes.len());
        for (is_put, item) in writes {
            let (key, write) = if is_put {
                let key = put_key(&def, &item)?;
                (key, Write::Put(item))
            } else {
                let key = request_key(&def, &item)?;
                (key.clone(), Write::Delete(key))
            };
            if !seen.insert(key) {
                return Err(Error::validation(
                    "Provided list of item keys contains duplicates",
                ));
            }
            planned.push(write);
        }
        let entry = plan
            .entry(table.name.clone())
            .or_insert_with(|| (table.clone(), Vec::new()));
        entry.1.extend(planned);
    }

    // Write everything under the involved tables' write locks, taken in name order.
    let detail = CapacityDetail::of(body);
    let metrics = body.str("ReturnItemCollectionMetrics") == Some("SIZE");
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut collections = Map::new();
    let (tables, writes): (Vec<_>, Vec<_>) = plan
        .into_iter()
        .map(|(name, (table, writes))| (table, (name, writes)))
        .unzip();
    let mut guards: Vec<_> = tables.iter().map(|t| t.state.write()).collect();
    for ((name, writes), state) in writes.into_iter().zip(guards.iter_mut()) {
        let mut keys = Vec::new();
        for write in writes {
            let (key, new) = match write {
                Write::Put(item) => (state.def.key.key_of(&item).expect("checked"), Some(item)),
                Write::Delete(key) => (key, None),
            };
            let old = state.get(&key).cloned();
            check_collection(engine, state, &key, old.as_deref(), new.as_ref())?;
            let touched: Vec<String> = touched_indexes(&state.def, old.as_deref(), new.as_ref())
                .into_iter()
                .map(str::to_owned)
                .collect();
            let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
            units
                .entry(name.clone())
                .or_default()
                .add(write_units(old.as_deref(), new.as_ref()), &touched);
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
        if metrics && !state.def.local_indexes.is_empty() {
            let list: Vec<Value> = keys.iter().map(|k| collection_metrics(&state.def, k)).collect();
            collections.insert(name.clone(), Value::Array(list));
        }
    }
    drop(guards);

    let mut out = Map::new();
    out.insert("UnprocessedItems".into(), Value::Object(Map::new()));
    add_capacity(&mut out, detail, &units);
    if metrics {
        out.insert("ItemCollectionMetrics".into(), Value::Object(collections));
    }
    Ok(Value::Object(out))
}
