//! Pieces the item operations share: data-plane table lookup, key and item validation with
//! DynamoDB's messages, consumed capacity, item collections.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::answer::{ConsumedCapacity, ItemCollectionMetrics};
use super::Cx;
use crate::engine::Engine;
use crate::error::{Check, Error, Result};
use crate::expr::Update;
use crate::model::{
    has_oversized_name, item_size, nesting_ok, AttributeValue, IndexDef, Item, KeyAttr, KeySchema, PrimaryKey,
    TableDef, ValueType, VectorFault, VectorIndexDef, MAX_HASH_KEY, MAX_ITEM_SIZE, MAX_RANGE_KEY, NAME_TOO_LARGE,
};
use crate::store::{Table, TableState};

/// A data-plane lookup of a table named (or ARN'd) inside a request, e.g. in RequestItems. The
/// request's shape admits names from one character (an ARN may be short too); a name shorter than
/// any table's is refused before the lookup.
pub fn data_table(cx: &Cx, name_or_arn: &str) -> Result<Arc<Table>> {
    let name = super::tables::name_in(cx, name_or_arn)?;
    if name.len() < 3 {
        return Err(Error::validation(
            "TableName must be at least 3 characters long and at most 255 characters long",
        ));
    }
    // Items of a table being created are out of reach, as in DynamoDB.
    cx.ns
        .store
        .table(name)
        .filter(|t| t.usable(cx.now_millis))
        .ok_or_else(Error::table_not_found)
}

/// A partition (`hash`) or sort key value over its size limit.
pub fn key_size_error(value: &AttributeValue, hash: bool) -> Option<Error> {
    if hash && value.size() > MAX_HASH_KEY {
        return Some(Error::invalid_parameter(format!(
            "Size of hashkey has exceeded the maximum size limit of{MAX_HASH_KEY} bytes"
        )));
    }
    (!hash && value.size() > MAX_RANGE_KEY).then(|| {
        Error::invalid_parameter(format!(
            "Aggregated size of all range keys has exceeded the size limit of {MAX_RANGE_KEY} bytes"
        ))
    })
}

/// The checks of a table key attribute's value: not empty, then within its size limit.
fn key_value_error(key: &KeySchema, attr: &KeyAttr, value: &AttributeValue) -> Option<Error> {
    empty_key_error(attr, value).or_else(|| key_size_error(value, key.hash.iter().any(|h| h.name == attr.name)))
}

/// A key attribute's value may not be an empty string or binary.
pub fn empty_key_error(attr: &KeyAttr, value: &AttributeValue) -> Option<Error> {
    empty_kind(value).map(|kind| {
        Error::validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {}",
            attr.name
        ))
    })
}

/// A Query's key equality on an index names an index key, so an empty one is refused in the words
/// an item's empty index key gets (an AWS answer quoted in praetorian-inc/chariot-ui#353, 2024).
pub fn empty_index_query_key(index: &str, attr: &KeyAttr, value: &AttributeValue) -> Option<Error> {
    empty_kind(value).map(|kind| empty_index_key(index, &attr.name, kind))
}

/// [`key_value_error`] for the first table key attribute an item or key map holds that fails it.
/// DynamoDB checks this before anything else, so even inside a batch it is a request-level error.
pub fn key_values_error(def: &TableDef, item: &Item) -> Option<Error> {
    def.key
        .attrs()
        .find_map(|attr| key_value_error(&def.key, attr, item.get(&attr.name)?))
}

/// The first empty table key value an item or key map holds. A transaction refuses it with the
/// request, but a key over its size limit cancels only its action, with a `ValidationError`
/// reason (ExtendDB's AWS-verified tests, 2026).
pub fn empty_key_values_error(def: &TableDef, item: &Item) -> Option<Error> {
    def.key
        .attrs()
        .find_map(|attr| empty_key_error(attr, item.get(&attr.name)?))
}

/// A key whose attributes or types are not the key schema's.
pub fn key_mismatch() -> Error {
    Error::validation("The provided key element does not match the schema")
}

/// The primary key a request's `Key` names: exactly the key attributes with their declared types.
pub fn request_key(def: &TableDef, key: &Item) -> Result<PrimaryKey> {
    if key.len() != def.key.attrs().count() {
        return Err(key_mismatch());
    }
    for attr in def.key.attrs() {
        let value = key.get(&attr.name).ok_or_else(key_mismatch)?;
        if value.value_type() != attr.ty.value_type() {
            return Err(key_mismatch());
        }
        if let Some(e) = key_value_error(&def.key, attr, value) {
            return Err(e);
        }
    }
    def.key.key_of(key).ok_or_else(key_mismatch)
}

/// Every attribute name of an item to write is 1 to 65,535 bytes, and so is every map key in it.
pub fn check_attribute_names(item: &Item) -> Result<()> {
    if item.keys().any(String::is_empty) {
        return Err(Error::invalid_parameter("Empty attribute name"));
    }
    check_name_sizes(item)
}

/// No name in `item`, at any depth, is over 65,535 bytes: a check of the request, so counted
/// where the operation counts (PutItem, UpdateItem).
fn check_name_sizes(item: &Item) -> Result<()> {
    match has_oversized_name(item) {
        true => Err(Error::validation(NAME_TOO_LARGE).by(Check::Request)),
        false => Ok(()),
    }
}

/// An item to be put over the 400 KB limit.
pub fn item_too_large() -> Error {
    Error::validation("Item size has exceeded the maximum allowed size")
}

/// An item to write is at most 400 KB. PutItem and BatchWriteItem check it with the request,
/// before the table is looked up (dynalite's tests, run against AWS: "item is too big" and "just
/// small enough" in putItem.js and batchWriteItem.js).
pub fn check_item_size(item: &Item) -> Result<()> {
    if item_size(item) > MAX_ITEM_SIZE {
        return Err(item_too_large());
    }
    Ok(())
}

/// Checks a whole item about to be written: attribute names, key attributes, index key types, size.
pub fn validate_item(def: &TableDef, item: &Item) -> Result<PrimaryKey> {
    check_attribute_names(item)?;
    for attr in def.key.attrs() {
        let value = item
            .get(&attr.name)
            .ok_or_else(|| Error::invalid_parameter(format!("Missing the key {} in the item", attr.name)))?;
        check_key_type(&def.key, attr, value)?;
    }
    check_index_keys(def, item)?;
    check_item_size(item)?;
    if !nesting_ok(item) {
        return Err(Error::nesting_exceeded());
    }
    def.key.key_of(item).ok_or_else(key_mismatch)
}

/// The item after an update: the old item (or just the key, for an upsert) with the update applied,
/// checked like any written item; `None` when an update that only removes finds no item, so
/// nothing is written. The old item is taken by value and becomes the new one.
pub fn updated_item(
    def: &TableDef,
    key: &PrimaryKey,
    old: Option<Item>,
    update: Option<&Update>,
) -> Result<Option<Item>> {
    if let Some(update) = update.filter(|u| old.is_none() && u.only_removes()) {
        update.check_key(&def.key)?;
        return Ok(None);
    }
    let mut item = old.unwrap_or_else(|| key.to_item(&def.key));
    if let Some(u) = update {
        u.apply(&mut item, &def.key)?;
    }
    // An update giving an index key attribute another type has its own text (dynalite's tests,
    // run against AWS: 'set c = e' in updateItem.js; AWS's TransactWriteItems reference lists it).
    first_refusal(def, |index| check_index_keys_of(index, &item, Write::Update).err()).map_or(Ok(()), Err)?;
    check_vector_indexes(def, &item, Write::Update)?;
    check_name_sizes(&item)?;
    if item_size(&item) > MAX_ITEM_SIZE {
        return Err(update_too_large());
    }
    if !nesting_ok(&item) {
        return Err(Error::nesting_exceeded());
    }
    Ok(Some(item))
}

/// Standalone UpdateItem's second size gate, beside `updated_item`'s: the request's charge
/// (`Update::charge`, on the item before the update) must fit too, checked before the condition.
/// PartiQL's UPDATE and a transaction's Update measure only the finished item, so they write what
/// this refuses.
pub fn check_update_size(update: &Update, old: Option<&Item>) -> Result<()> {
    if update.charge(old) > MAX_ITEM_SIZE {
        return Err(update_too_large());
    }
    Ok(())
}

fn update_too_large() -> Error {
    Error::validation("Item size to update has exceeded the maximum allowed size")
}

fn check_key_type(key: &KeySchema, attr: &KeyAttr, value: &AttributeValue) -> Result<()> {
    if value.value_type() != attr.ty.value_type() {
        return Err(Error::invalid_parameter(format!(
            "Type mismatch for key {} expected: {} actual: {}",
            attr.name,
            attr.ty.as_str(),
            value.value_type().as_str()
        )));
    }
    key_value_error(key, attr, value).map_or(Ok(()), Err)
}

/// Index key attributes are optional (sparse indexes) but, when present, must have the declared
/// type, not be empty and keep to the key size limits; so are vector index attributes, with the
/// vector's own rules.
pub fn check_index_keys(def: &TableDef, item: &Item) -> Result<()> {
    first_refusal(def, |index| check_index_keys_of(index, item, Write::Item).err()).map_or(Ok(()), Err)?;
    check_vector_indexes(def, item, Write::Item)
}

/// What the index whose name sorts first refuses, if any refuses: when a write breaks the keys of
/// several secondary indexes, DynamoDB names that one, whatever order they were defined in (global
/// and local alike, by our reading). Every index is asked, so the usual write, which none refuses,
/// costs no sorting.
fn first_refusal<'a>(def: &'a TableDef, refusal: impl Fn(&'a IndexDef) -> Option<Error>) -> Option<Error> {
    def.indexes()
        .filter_map(|index| Some((&index.name, refusal(index)?)))
        .min_by(|a, b| a.0.cmp(b.0))
        .map(|(_, e)| e)
}

/// What wrote the item an index key check looks at: a whole item, or an update of a stored one.
#[derive(Clone, Copy)]
enum Write {
    Item,
    Update,
}

fn check_index_keys_of(index: &IndexDef, item: &Item, write: Write) -> Result<()> {
    let hash = |name: &str| index.key.hash.iter().any(|h| h.name == name);
    check_key_attrs(&index.name, index.key.attrs(), hash, item, write, index_type_mismatch)
}

/// The index key rules on the attributes `attrs` of `index` (named in the errors) an item holds;
/// `hash` says which of them are partition keys (their size limit is the larger), `mismatch`
/// words a whole item's value of another type than the attribute's.
fn check_key_attrs<'a>(
    index: &str,
    attrs: impl Iterator<Item = &'a KeyAttr>,
    hash: impl Fn(&str) -> bool,
    item: &Item,
    write: Write,
    mismatch: fn(&str, &KeyAttr, ValueType) -> Error,
) -> Result<()> {
    for attr in attrs {
        let Some(value) = item.get(&attr.name) else {
            continue;
        };
        if value.value_type() != attr.ty.value_type() {
            return Err(match write {
                Write::Item => mismatch(index, attr, value.value_type()),
                Write::Update => Error::validation(
                    "The update expression attempted to update the secondary index key to unsupported type",
                ),
            });
        }
        if let Some(kind) = empty_kind(value) {
            return Err(match write {
                Write::Item => empty_index_key(index, &attr.name, kind),
                Write::Update => empty_index_update(kind),
            });
        }
        if let Some(e) = key_size_error(value, hash(&attr.name)) {
            return Err(e);
        }
    }
    Ok(())
}

/// "string" or "binary" for an empty S or B value, which no key attribute may hold.
fn empty_kind(value: &AttributeValue) -> Option<&'static str> {
    match value {
        AttributeValue::S(s) if s.is_empty() => Some("string"),
        AttributeValue::B(b) if b.is_empty() => Some("binary"),
        _ => None,
    }
}

fn empty_index_key(index: &str, attr: &str, kind: &str) -> Error {
    Error::validation(format!(
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. IndexName: {index}, IndexKey: {attr}"
    ))
}

/// An update giving an index key attribute an empty value is refused in its own words, naming no
/// index (the conformance suite's AWS captures, four regions, June 2026; moto's tests).
fn empty_index_update(kind: &str) -> Error {
    Error::validation(format!(
        "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value."
    ))
}

/// The empty index key value a request carries, refused with the request (a transaction's
/// before it opens, AWS June 2026): in an item to put, or as the value an update sets.
pub fn empty_index_value_error(def: &TableDef, item: &Item, update: Option<&Update>) -> Option<Error> {
    first_refusal(def, |index| {
        index.key.attrs().find_map(|attr| {
            if let Some(kind) = item.get(&attr.name).and_then(empty_kind) {
                return Some(empty_index_key(&index.name, &attr.name, kind));
            }
            update
                .and_then(|u| u.written_value(&attr.name))
                .and_then(empty_kind)
                .map(empty_index_update)
        })
    })
}

/// Every vector index's rules on an item it would hold, index by index in the order they were
/// defined: the vector attribute, when present, a list of `dimensions` numbers a 32-bit float
/// holds; the search schema's attributes keyed like an index's (declared type, not empty). Words
/// from the conformance suite's and Dynoxide's AWS captures (August 2026).
fn check_vector_indexes(def: &TableDef, item: &Item, write: Write) -> Result<()> {
    for index in &def.vector_indexes {
        let (attr, name) = (&index.attribute, &index.name);
        if let Some(Err(fault)) = item.get(attr).map(|v| index.vector(v)) {
            return Err(Error::validation(match fault {
                VectorFault::NotList => format!(
                    "One or more parameter values were invalid. Invalid type for parameter {attr}, Expected: 32-bit floating point number list IndexName: {name}"
                ),
                VectorFault::Member { at, actual } => format!(
                    "One or more parameter values were invalid. Invalid type for parameter {attr}[{at}], Expected: 32-bit floating point number, Actual: {actual}. IndexName: {name}"
                ),
                VectorFault::Range { at, value } => format!(
                    "One or more parameter values were invalid. Invalid value for parameter {attr}[{at}], Value: {value} is outside valid range [-3.4028235E38, 3.4028235E38]. IndexName: {name}"
                ),
                VectorFault::Size(actual) => format!(
                    "One or more parameter values were invalid. Invalid size for parameter {attr}, Expected: {}, Actual: {actual} IndexName: {name}",
                    index.dimensions
                ),
            }));
        }
        let schema = index
            .search_schema
            .iter()
            .filter_map(|e| def.attribute_definitions.iter().find(|d| d.name == e.name));
        check_key_attrs(
            name,
            schema,
            |n| index.hash() == Some(n),
            item,
            write,
            search_type_mismatch,
        )?;
    }
    Ok(())
}

/// A search schema attribute of another type, HASH or INLINE_FILTER alike (AWS, eu-west-2 and
/// us-east-1, August 2026).
fn search_type_mismatch(index: &str, attr: &KeyAttr, actual: ValueType) -> Error {
    Error::validation(format!(
        "One or more parameter values were invalid. Attribute '{}' type mismatch. Expected: {}, Actual: {}. IndexName: {index}",
        attr.name,
        attr.ty.as_str(),
        actual.as_str()
    ))
}

fn index_type_mismatch(index: &str, attr: &KeyAttr, actual: ValueType) -> Error {
    Error::invalid_parameter(format!(
        "Type mismatch for Index Key {} Expected: {} Actual: {} IndexName: {}",
        attr.name,
        attr.ty.as_str(),
        actual.as_str(),
        index
    ))
}

/// What an update may do to key attributes, checked from the definition and the update alone,
/// before the item is read or any condition looked at, in DynamoDB's order (dynalite's tests, run
/// against AWS: "trying to update range key" and "trying to update wrong type on index" in
/// updateItem.js): no action on a key attribute; no action giving an index key attribute a value
/// whose type the expression decides and the index does not take (one decided by the item is
/// refused once the update is applied, `updated_item`); no path descending into an index key.
pub fn check_update_keys(def: &TableDef, update: &Update) -> Result<()> {
    update.check_key(&def.key)?;
    let refusal = first_refusal(def, |index| {
        index
            .key
            .attrs()
            .find_map(|attr| match update.written_type(&attr.name) {
                Some(ty) if ty != attr.ty.value_type() => Some(index_type_mismatch(&index.name, attr, ty)),
                _ => update
                    .written_value(&attr.name)
                    .and_then(empty_kind)
                    .map(empty_index_update),
            })
    });
    refusal.map_or(Ok(()), Err)?;
    check_scalar_keys(def, false, |name| update.any_path(&|p| p.descends_into(name)))
}

/// Key attributes are scalars, so no document path may descend (`.`, `[]`) into one: of the
/// table ("Key: <name>"), when `table_key`, or of any index ("IndexKey: <name>"). `nested` says
/// whether the request holds such a path under a name. The table's key attributes are tried
/// first, then the indexes' in the order their other key refusals take (`first_refusal`), so
/// several such paths name the first key attribute in that order, not in the request's.
pub fn check_scalar_keys(def: &TableDef, table_key: bool, nested: impl Fn(&str) -> bool) -> Result<()> {
    let refusal = |kind: &str, attr: &KeyAttr| {
        Error::validation(format!(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: {kind}: {}",
            attr.name
        ))
    };
    let mut table = def.key.attrs().filter(|_| table_key);
    let refused = match table.find(|a| nested(&a.name)) {
        Some(a) => Some(refusal("Key", a)),
        None => first_refusal(def, |i| {
            i.key.attrs().find(|a| nested(&a.name)).map(|a| refusal("IndexKey", a))
        }),
    };
    refused.map_or(Ok(()), Err)
}

/// `ReturnConsumedCapacity`, as the request asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityDetail {
    None,
    Total,
    Indexes,
}

impl CapacityDetail {
    /// The capacity a single-item request consumed: `units` for the table and, for every index it
    /// touched, that index's own units; `None` when not asked.
    pub fn consumed(self, table: &str, units: f64, indexes: impl FnOnce() -> Touched) -> Option<ConsumedCapacity> {
        (self != CapacityDetail::None).then(|| {
            let Touched { global, local, vector } = indexes();
            ConsumedCapacity {
                table: table.to_string(),
                indexes_detail: self == CapacityDetail::Indexes,
                table_units: units,
                global_indexes: global,
                local_indexes: local,
                vector_indexes: vector.into_iter().collect(),
                transaction_reads: None,
                refused: 0.0,
            }
        })
    }
}

/// Write units: 1 per KB of the larger of the old and new item as billed
/// ([`TableDef::billed_size`]), at least 1.
pub fn write_units(def: &TableDef, old: Option<&Item>, new: Option<&Item>) -> f64 {
    let billed = |item: Option<&Item>| item.map_or(0, |i| def.billed_size(i));
    units_of_write(billed(old), billed(new))
}

/// Write units of a write that replaces an item of `old` bytes by one of `new` bytes (0: none):
/// 1 per KB of the larger.
pub fn units_of_write(old: usize, new: usize) -> f64 {
    old.max(new).div_ceil(1024).max(1) as f64
}

/// Read units: 1 per 4 KB, halved for eventually consistent reads.
pub fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

/// The indexes, global and local, an item write changes, with the write units each is charged
/// (AWS-verified, see FIDELITY.md): none when the index's copy of the item (its key and what it
/// projects) stays as it was; a copy added, removed or rewritten in place costs 1 per KB of the
/// larger copy; a copy moved to another index key is a delete and an insert, each charged on its
/// own copy. A copy's size is that of the attributes the index projects, not the whole item's.
#[derive(Debug, Default)]
pub struct Touched {
    pub global: BTreeMap<String, f64>,
    pub local: BTreeMap<String, f64>,
    /// Vector indexes whose entry for the item changed, with the bytes each write meters: like a
    /// global index, one is charged when its vector or an attribute it projects changes, and
    /// not for a write that leaves its entry as it was (AWS, October 2026).
    pub vector: Vec<(String, u64)>,
}

pub fn touched_indexes(def: &TableDef, old: Option<&Item>, new: Option<&Item>) -> Touched {
    let units = |i: &IndexDef| {
        let key = |item: Option<&Item>| item.and_then(|item| i.key.key_of(item));
        let size = |item: Option<&Item>| index_copy(def, i, item).map(|(k, v)| k.len() + v.size()).sum::<usize>();
        match (key(old), key(new)) {
            (Some(a), Some(b)) if a == b => {
                (!index_copy(def, i, old).eq(index_copy(def, i, new))).then(|| units_of_write(size(old), size(new)))
            }
            (Some(_), Some(_)) => Some(units_of_write(size(old), 0) + units_of_write(0, size(new))),
            (None, None) => None,
            _ => Some(units_of_write(size(old), size(new))),
        }
    };
    let touched = |indexes: &[IndexDef]| -> BTreeMap<String, f64> {
        (indexes.iter())
            .filter_map(|i| Some((i.name.clone(), units(i)?)))
            .collect()
    };
    let vector_write = |index: &VectorIndexDef| {
        let before = old.and_then(|i| def.vector_entry(index, i));
        let after = new.and_then(|i| def.vector_entry(index, i));
        if before == after {
            return None;
        }
        // The larger of the two entries, as for a global index rewritten in place (AWS,
        // eu-west-2, August 2026: a 3,028-byte entry overwritten by a 1,528-byte one is 3,028).
        let bytes = |item: Option<&Item>, held: bool| item.filter(|_| held).map(|i| def.vector_write_bytes(index, i));
        Some((
            index.name.clone(),
            bytes(old, before.is_some()).max(bytes(new, after.is_some()))?,
        ))
    };
    Touched {
        global: touched(&def.global_indexes),
        local: touched(&def.local_indexes),
        vector: def.vector_indexes.iter().filter_map(vector_write).collect(),
    }
}

/// The attributes of `item` that `index` stores a copy of.
fn index_copy<'a>(
    def: &'a TableDef,
    index: &'a IndexDef,
    item: Option<&'a Item>,
) -> impl Iterator<Item = (&'a String, &'a AttributeValue)> {
    (item.into_iter().flatten()).filter(|(name, _)| index.projects(&def.key, name))
}

/// The capacity a single-item write consumed: `units` for the table and its own for every index
/// it changed. `old` gives the replaced item, asked for only when capacity is. `table` is the
/// TableName as the request gave it, a name or an ARN: DynamoDB echoes it.
pub fn write_capacity<'a>(
    detail: CapacityDetail,
    table: &str,
    def: &TableDef,
    old: impl FnOnce() -> Option<&'a Item>,
    new: Option<&Item>,
    units: f64,
) -> Option<ConsumedCapacity> {
    detail.consumed(table, units, || touched_indexes(def, old(), new))
}

/// ReturnValues of a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnValues {
    None,
    AllOld,
    UpdatedOld,
    AllNew,
    UpdatedNew,
}

impl ReturnValues {
    /// PutItem and DeleteItem accept only NONE and ALL_OLD: a check of the request alone, worded
    /// (counted) as the newer validator words those.
    pub fn old_or_none(self) -> Result<ReturnValues> {
        match self {
            ReturnValues::None | ReturnValues::AllOld => Ok(self),
            _ => Err(Error::validation("ReturnValues can only be ALL_OLD or NONE").by(Check::Request)),
        }
    }
}

/// The metrics of the item collection `key` belongs to.
pub fn metrics(def: &TableDef, key: &PrimaryKey) -> ItemCollectionMetrics {
    ItemCollectionMetrics {
        key: key.partition_item(&def.key),
    }
}

/// [`metrics`] when the request asked for them (SIZE) and the table has item collections.
pub fn metrics_if(asked: bool, def: &TableDef, key: &PrimaryKey) -> Option<ItemCollectionMetrics> {
    (asked && !def.local_indexes.is_empty()).then(|| metrics(def, key))
}

/// Refuses a write that would grow an item collection (a partition of a table with local
/// indexes) past the engine's limit, 10 GB as in DynamoDB. `old` gives the replaced item, asked
/// for only in such a table.
pub fn check_collection<'a>(
    engine: &Engine,
    state: &TableState,
    key: &PrimaryKey,
    old: impl FnOnce() -> Option<&'a Item>,
    new: Option<&Item>,
) -> Result<()> {
    if state.def.local_indexes.is_empty()
        || state.collection_after(&key.hash, old(), new) <= engine.item_collection_limit
    {
        return Ok(());
    }
    Err(Error::new(
        crate::error::ErrorKind::ItemCollectionSizeLimitExceeded,
        "Collection size exceeded.",
    ))
}

/// What a single-item write (PutItem, UpdateItem, DeleteItem) asks to get back.
#[derive(Clone, Copy, Debug)]
pub struct WriteReturns {
    pub values: ReturnValues,
    pub capacity: CapacityDetail,
    /// ReturnItemCollectionMetrics is SIZE.
    pub collection_metrics: bool,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub old_on_condition_failure: bool,
}

/// The failed-condition error, carrying the old item when ReturnValuesOnConditionCheckFailure
/// asked for it.
pub fn condition_failed(old_on_failure: bool, old: Option<&Item>) -> Error {
    Error::conditional_check_failed(old.filter(|_| old_on_failure).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_def;

    /// The update's own key checks, in DynamoDB's order: an update of the key, an index key's
    /// type decided by the expression, a path into an index key; none reads the item.
    #[test]
    fn update_key_checks_come_in_order() {
        use crate::expr::{parse, ExpressionInput, Op};
        let def = test_def();
        let check = |update: &str| {
            let values: std::collections::BTreeMap<_, _> = [
                (
                    ":n".to_string(),
                    AttributeValue::N(crate::model::Number::parse("1").unwrap()),
                ),
                (":s".to_string(), AttributeValue::S("x".into())),
            ]
            .into_iter()
            .filter(|(k, _)| update.contains(k.as_str()))
            .collect();
            let parsed = parse(&ExpressionInput {
                op: Op::UpdateItem,
                update: Some(update),
                values: (!values.is_empty()).then_some(&values),
                ..Default::default()
            })
            .unwrap();
            check_update_keys(&def, &parsed.update.unwrap())
                .err()
                .and_then(|e| e.message)
        };
        let key = Some(
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
                .to_string(),
        );
        let mismatch = |attr: &str, ty: &str, index: &str| {
            Some(format!(
                "One or more parameter values were invalid: Type mismatch for Index Key {attr} Expected: S Actual: {ty} IndexName: {index}"
            ))
        };
        assert_eq!(check("SET a = :n REMOVE pk"), key);
        assert_eq!(check("SET a.x = :s, b = :n + :n"), mismatch("b", "N", "keys"));
        assert_eq!(check("ADD a :n"), mismatch("a", "N", "all"));
        assert_eq!(check("SET v = b[1], a = list_append(v, v)"), mismatch("a", "L", "all"));
        assert_eq!(
            check("SET v = b[1], a = :s"),
            Some("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: b".to_string())
        );
        // Decided by the item: refused, if at all, once the update is applied.
        assert_eq!(check("SET a = v, b = if_not_exists(b, :n)"), None);
    }

    #[test]
    fn an_index_is_charged_per_kb_of_its_copy_of_the_item() {
        // Table key pk; global indexes `all` on a (ALL), then `keys` on b (KEYS_ONLY).
        let def = test_def();
        let item = |b: &str, v: &str| {
            Item::from_iter(
                [("pk", "p"), ("a", "x"), ("b", b), ("v", v)]
                    .map(|(k, v)| (k.to_string(), AttributeValue::S(v.into()))),
            )
        };
        let global = |old: Option<&Item>, new: Option<&Item>| {
            let charged = touched_indexes(&def, old, new).global;
            charged
                .into_iter()
                .map(|(i, units)| (i, units as u32))
                .collect::<Vec<_>>()
        };
        let units = |pairs: &[(&str, u32)]| pairs.iter().map(|&(i, u)| (i.to_string(), u)).collect::<Vec<_>>();
        let base = item("y", "1");
        assert_eq!(global(None, Some(&base)), units(&[("all", 1), ("keys", 1)]));
        assert_eq!(global(Some(&base), None), units(&[("all", 1), ("keys", 1)]));
        assert!(global(Some(&base), Some(&base)).is_empty());
        // An unprojected attribute changes only the ALL index's copy.
        assert_eq!(global(Some(&base), Some(&item("y", "2"))), units(&[("all", 1)]));
        // A new index key is a delete and an insert.
        assert_eq!(
            global(Some(&base), Some(&item("z", "1"))),
            units(&[("all", 1), ("keys", 2)])
        );
        // 2,048 bytes KEYS_ONLY does not project: the ALL copy grows to 2,056 bytes, 3 units (the
        // larger copy, rounded once); the KEYS_ONLY copy (pk and b, 5 bytes) moved costs 1 + 1.
        let large = item("z", &"v".repeat(2048));
        assert_eq!(global(Some(&base), Some(&large)), units(&[("all", 3), ("keys", 2)]));
        assert_eq!(global(Some(&large), None), units(&[("all", 3), ("keys", 1)]));
    }

    /// Vector indexes `vall` (ALL) and `vkeys` (KEYS_ONLY) on the 3-dimension `e`.
    fn vector_def() -> TableDef {
        use crate::model::{Distance, Projection, ProjectionType, VectorIndexDef};
        let index = |name: &str, kind| VectorIndexDef {
            name: name.into(),
            attribute: "e".into(),
            dimensions: 3,
            distance: Distance::Cosine,
            projection: Projection {
                kind,
                non_key_attributes: Vec::new(),
            },
            search_schema: Vec::new(),
        };
        let mut def = test_def();
        def.vector_indexes = vec![
            index("vall", ProjectionType::All),
            index("vkeys", ProjectionType::KeysOnly),
        ];
        def
    }

    fn vector_item(e: &[&str], pairs: &[(&str, &str)]) -> Item {
        let number = |n: &&str| AttributeValue::N(crate::model::Number::parse(n).unwrap());
        let e = ("e".to_string(), AttributeValue::L(e.iter().map(number).collect()));
        let strings = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), AttributeValue::S(v.to_string())));
        Item::from_iter(strings.chain([e]))
    }

    #[test]
    fn a_vector_is_billed_at_its_name_and_four_bytes_per_dimension() {
        let def = vector_def();
        let wide = "12345678901234567890123456789012345678"; // 20 bytes as a number
        let item = vector_item(&[wide, wide, wide], &[("pk", "p"), ("x", "abc")]);
        // pk 2+1, x 1+3, e 1+12; stored, e is 1 + 3 + 3 × (1 + 20).
        assert_eq!(def.billed_size(&item), 20);
        assert_eq!(item_size(&item), 74);
        // A value the index cannot take (the wrong size) keeps its own size.
        let short = vector_item(&[wide], &[("pk", "p")]);
        assert_eq!(def.billed_size(&short), item_size(&short));
        // Write units go by the billed size: 1,024 billed bytes are one unit whatever is stored.
        let pad = "y".repeat(1024 - 20 + 3);
        let at_unit = vector_item(&[wide, wide, wide], &[("pk", "p"), ("x", &pad)]);
        assert_eq!((def.billed_size(&at_unit), item_size(&at_unit)), (1024, 1078));
        assert_eq!(write_units(&def, None, Some(&at_unit)), 1.0);
    }

    #[test]
    fn a_vector_index_is_charged_its_entrys_billed_size_when_the_entry_changes() {
        let def = vector_def();
        let vector = |old: Option<&Item>, new: Option<&Item>| touched_indexes(&def, old, new).vector;
        let blob = "x".repeat(1500);
        let item = vector_item(&["1", "0", "0"], &[("pk", "p"), ("blob", &blob)]);
        // ALL: pk 2+1, blob 4+1,500, e 1+12 = 1,520; KEYS_ONLY: pk and e, under the 1,024 floor.
        let both = vec![("vall".to_string(), 1520), ("vkeys".to_string(), 1024)];
        assert_eq!(vector(None, Some(&item)), both);
        assert_eq!(
            vector(Some(&item), None),
            both,
            "a delete is charged the entry it removes"
        );
        assert!(vector(Some(&item), Some(&item)).is_empty());
        // An unprojected attribute changes only the ALL index's entry; the same f32s are no change.
        let noted = vector_item(&["1", "0", "0"], &[("pk", "p"), ("blob", &blob), ("n", "v")]);
        assert_eq!(vector(Some(&item), Some(&noted)), [("vall".to_string(), 1522)]);
        let same_floats = vector_item(&["1.0", "0", "0.00"], &[("pk", "p"), ("blob", &blob)]);
        assert!(vector(Some(&item), Some(&same_floats)).is_empty());
    }

    #[test]
    fn scalar_keys_name_the_table_key_then_the_first_index_by_name() {
        // Table key pk; global indexes `all` on a, then `keys` on b: `all` sorts first.
        let def = test_def();
        let message = |table_key, nested: &[&str]| {
            check_scalar_keys(&def, table_key, |name| nested.contains(&name))
                .err()
                .and_then(|e| e.message)
        };
        let text = |kind: &str, name: &str| {
            Some(format!(
                "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: {kind}: {name}"
            ))
        };
        assert_eq!(message(true, &["a", "b", "pk"]), text("Key", "pk"));
        assert_eq!(message(true, &["b", "a"]), text("IndexKey", "a"));
        assert_eq!(message(false, &["pk", "a"]), text("IndexKey", "a"));
        assert_eq!(message(true, &["v"]), None);
    }
}
