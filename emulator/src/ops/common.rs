//! Pieces several operations share: table lookup, key and item validation with DynamoDB's
//! messages, consumed capacity, and the TableDescription rendering.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{
    item_size, nesting_ok, AttributeValue, BillingMode, IndexDef, Item, KeyAttr, KeySchema, PrimaryKey, TableDef,
    MAX_ITEM_SIZE,
};
use crate::protocol::shape::{one_of, required, string, Field, Shape};
use crate::protocol::Body;
use crate::store::{Status, Table, TableState};
use parking_lot::RwLockWriteGuard;

/// A data-plane table lookup; DynamoDB's message here names no table.
pub fn table(engine: &Engine, body: Body) -> Result<Arc<Table>> {
    data_table(engine, body.str("TableName").unwrap_or_default())
}

/// A data-plane lookup of a table named (or ARN'd) inside a request, e.g. in RequestItems. The
/// request's shape admits names from one character (an ARN may be short too); a name shorter than
/// any table's is refused before the lookup.
pub fn data_table(engine: &Engine, name_or_arn: &str) -> Result<Arc<Table>> {
    let name = engine.table_name(name_or_arn);
    if name.len() < 3 {
        return Err(Error::validation(
            "TableName must be at least 3 characters long and at most 255 characters long",
        ));
    }
    // Items of a table being created are out of reach, as in DynamoDB.
    engine
        .store
        .table(name)
        .filter(|t| t.usable(engine.clock.now_millis()))
        .ok_or_else(Error::table_not_found)
}

/// A control-plane lookup, whose message names the table; it finds DELETING tables too.
pub fn table_named(engine: &Engine, name: &str) -> Result<Arc<Table>> {
    engine
        .store
        .table_or_deleting(engine.table_name(name), engine.clock.now_millis())
        .ok_or_else(|| missing_table(name))
}

fn missing_table(name: &str) -> Error {
    Error::resource_not_found(format!("Requested resource not found: Table: {name} not found"))
}

/// The write lock of a table looked up by `name`, for a table-level change: refused unless the
/// table is ACTIVE (ResourceInUse while it is in transition), and ResourceNotFound once a
/// DeleteTable dropped it for good, so changes order with DeleteTable.
pub fn live<'t>(engine: &Engine, table: &'t Table, name: &str) -> Result<RwLockWriteGuard<'t, TableState>> {
    let state = table.state.write();
    let doing = match (table.status(engine.clock.now_millis()), state.dropped) {
        (Status::Deleting, _) => "deleted",
        (_, true) => return Err(missing_table(name)),
        (Status::Active, false) => return Ok(state),
        (Status::Creating, false) => "created",
        (Status::Updating, false) => "updated",
    };
    Err(Error::resource_in_use(format!(
        "Attempt to change a resource which is still in use: Table is being {doing}: {}",
        table.name
    )))
}

/// DynamoDB's size limits on key values (bytes of UTF-8 or binary): partition keys 2,048, sort
/// keys 1,024, for the table's key and every index's.
const MAX_HASH_KEY: usize = 2048;
const MAX_RANGE_KEY: usize = 1024;

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
    let kind = match value {
        AttributeValue::S(s) if s.is_empty() => "string",
        AttributeValue::B(b) if b.is_empty() => "binary",
        _ => return key_size_error(value, key.hash.iter().any(|h| h.name == attr.name)),
    };
    Some(Error::validation(format!(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {}",
        attr.name
    )))
}

/// [`key_value_error`] for the first table key attribute an item or key map holds that fails it.
/// DynamoDB checks this before anything else, so even inside a batch or transaction it is a
/// request-level error.
pub fn key_values_error(def: &TableDef, item: &Item) -> Option<Error> {
    def.key
        .attrs()
        .find_map(|attr| key_value_error(&def.key, attr, item.get(&attr.name)?))
}

/// The primary key a request's `Key` names: exactly the key attributes with their declared types.
pub fn request_key(def: &TableDef, key: &Item) -> Result<PrimaryKey> {
    let mismatch = || Error::validation("The provided key element does not match the schema");
    if key.len() != def.key.attrs().count() {
        return Err(mismatch());
    }
    for attr in def.key.attrs() {
        let value = key.get(&attr.name).ok_or_else(mismatch)?;
        if value.value_type() != attr.ty.value_type() {
            return Err(mismatch());
        }
        if let Some(e) = key_value_error(&def.key, attr, value) {
            return Err(e);
        }
    }
    def.key.key_of(key).ok_or_else(mismatch)
}

/// Checks a whole item about to be written: key attributes, index key types, size.
pub fn validate_item(def: &TableDef, item: &Item) -> Result<PrimaryKey> {
    for attr in def.key.attrs() {
        let value = item
            .get(&attr.name)
            .ok_or_else(|| Error::invalid_parameter(format!("Missing the key {} in the item", attr.name)))?;
        check_key_type(&def.key, attr, value)?;
    }
    for index in def.indexes() {
        check_index_keys(index, item)?;
    }
    if item_size(item) > MAX_ITEM_SIZE {
        return Err(Error::validation("Item size has exceeded the maximum allowed size"));
    }
    if !nesting_ok(item) {
        return Err(Error::nesting_exceeded());
    }
    Ok(def.key.key_of(item).expect("key attributes were just checked"))
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
/// type, not be empty and keep to the key size limits.
pub fn check_index_keys(index: &IndexDef, item: &Item) -> Result<()> {
    for attr in index.key.attrs() {
        let Some(value) = item.get(&attr.name) else {
            continue;
        };
        if value.value_type() != attr.ty.value_type() {
            return Err(Error::invalid_parameter(format!(
                "Type mismatch for Index Key {} Expected: {} Actual: {} IndexName: {}",
                attr.name,
                attr.ty.as_str(),
                value.value_type().as_str(),
                index.name
            )));
        }
        if matches!(value, AttributeValue::S(s) if s.is_empty())
            || matches!(value, AttributeValue::B(b) if b.is_empty())
        {
            return Err(Error::validation(format!(
                "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: {}, IndexKey: {}",
                index.name, attr.name
            )));
        }
        if let Some(e) = key_size_error(value, index.key.hash.iter().any(|h| h.name == attr.name)) {
            return Err(e);
        }
    }
    Ok(())
}

/// `ReturnConsumedCapacity`, as the request asked for it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CapacityDetail {
    None,
    Total,
    Indexes,
}

impl CapacityDetail {
    pub fn of(body: Body) -> CapacityDetail {
        match body.str("ReturnConsumedCapacity") {
            Some("TOTAL") => CapacityDetail::Total,
            Some("INDEXES") => CapacityDetail::Indexes,
            _ => CapacityDetail::None,
        }
    }

    /// Adds `ConsumedCapacity` to a response when asked: `units` for the table, and the same
    /// units for every index the write touched.
    pub fn add_to<'i>(
        self,
        out: &mut Map<String, Value>,
        table: &str,
        units: f64,
        indexes: impl FnOnce() -> Vec<&'i str>,
    ) {
        if self == CapacityDetail::None {
            return;
        }
        if let Some(c) = self.render(table, units, &indexes()) {
            out.insert("ConsumedCapacity".into(), c);
        }
    }

    pub fn render(self, table: &str, units: f64, indexes: &[&str]) -> Option<Value> {
        let total = units * (1 + indexes.len()) as f64;
        match self {
            CapacityDetail::None => None,
            CapacityDetail::Total => Some(json!({"TableName": table, "CapacityUnits": total})),
            CapacityDetail::Indexes => {
                let mut c = json!({"TableName": table, "CapacityUnits": total, "Table": {"CapacityUnits": units}});
                if !indexes.is_empty() {
                    let per: Map<String, Value> = indexes
                        .iter()
                        .map(|i| (i.to_string(), json!({"CapacityUnits": units})))
                        .collect();
                    c["GlobalSecondaryIndexes"] = Value::Object(per);
                }
                Some(c)
            }
        }
    }
}

/// Write units: 1 per KB of the larger of the old and new item, at least 1.
pub fn write_units(old: Option<&Item>, new: Option<&Item>) -> f64 {
    let size = old.map_or(0, item_size).max(new.map_or(0, item_size));
    size.div_ceil(1024).max(1) as f64
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

/// Names of the global indexes an item write changes (old or new image carries the index key).
pub fn touched_indexes<'a>(def: &'a TableDef, old: Option<&Item>, new: Option<&Item>) -> Vec<&'a str> {
    def.global_indexes
        .iter()
        .filter(|i| {
            [old, new]
                .into_iter()
                .flatten()
                .any(|item| i.key.key_of(item).is_some())
        })
        .map(|i| i.name.as_str())
        .collect()
}

/// The item part of ReturnValues ALL_OLD: present only when there was an old item.
pub fn add_attributes(out: &mut Map<String, Value>, item: Option<&Item>) {
    if let Some(item) = item.filter(|i| !i.is_empty()) {
        out.insert("Attributes".into(), crate::protocol::attr::encode_map(item));
    }
}

pub const KEY_SCHEMA_ELEMENT: Shape = Shape::Struct {
    java: "KeySchemaElement",
    fields: &[
        required("AttributeName", string(1, 255)),
        required("KeyType", one_of(&["HASH", "RANGE"])),
    ],
};

pub const PROJECTION: Shape = Shape::Struct {
    java: "Projection",
    fields: &[
        crate::protocol::shape::field("ProjectionType", one_of(&["ALL", "INCLUDE", "KEYS_ONLY"])),
        crate::protocol::shape::field(
            "NonKeyAttributes",
            Shape::List {
                member: &string(1, 255),
                min: 1,
                max: 20,
            },
        ),
    ],
};

pub const THROUGHPUT_FIELDS: &[Field] = &[
    required(
        "WriteCapacityUnits",
        Shape::Int {
            min: Some(1),
            max: None,
        },
    ),
    required(
        "ReadCapacityUnits",
        Shape::Int {
            min: Some(1),
            max: None,
        },
    ),
];

pub const THROUGHPUT: Shape = Shape::Struct {
    java: "ProvisionedThroughput",
    fields: THROUGHPUT_FIELDS,
};

pub(super) fn key_schema_json(key: &KeySchema) -> Value {
    let element = |a: &KeyAttr, kind| json!({"AttributeName": a.name, "KeyType": kind});
    key.hash
        .iter()
        .map(|a| element(a, "HASH"))
        .chain(key.range.iter().map(|a| element(a, "RANGE")))
        .collect()
}

fn projection_json(index: &IndexDef) -> Value {
    let mut p = json!({"ProjectionType": index.projection.kind.as_str()});
    if !index.projection.non_key_attributes.is_empty() {
        p["NonKeyAttributes"] = json!(index.projection.non_key_attributes);
    }
    p
}

fn throughput_json(read: i64, write: i64) -> Value {
    json!({"NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write})
}

/// DynamoDB's TableDescription: `status` is the table's status now for DescribeTable and the
/// transitional one (CREATING, UPDATING, DELETING) in the answers of the calls that change it;
/// each global index is described with its own status (see `store::Lifecycle`).
pub fn describe(engine: &Engine, table: &Table, state: &TableState, status: Status) -> Value {
    let def = &state.def;
    let now = engine.clock.now_millis();
    let arn = engine.table_arn(&def.name);
    let mut d = json!({
        "AttributeDefinitions": def.attribute_definitions.iter()
            .map(|a| json!({"AttributeName": a.name, "AttributeType": a.ty.as_str()})).collect::<Vec<_>>(),
        "TableName": def.name,
        "KeySchema": key_schema_json(&def.key),
        "TableStatus": status_name(status),
        "CreationDateTime": def.created_at,
        "ProvisionedThroughput": throughput_json(def.throughput.read, def.throughput.write),
        "TableSizeBytes": state.data.size_bytes,
        "ItemCount": state.item_count(),
        "TableArn": arn,
        "TableId": def.table_id,
        "DeletionProtectionEnabled": def.deletion_protection,
    });
    if def.billing_mode == BillingMode::PayPerRequest {
        d["BillingModeSummary"] =
            json!({"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": def.created_at});
    }
    let index_json = |i: &IndexDef, global: bool| {
        let entries = state.data.indexes.get(&i.name);
        let mut v = json!({
            "IndexName": i.name,
            "KeySchema": key_schema_json(&i.key),
            "Projection": projection_json(i),
            "IndexSizeBytes": entries.map_or(0, |e| e.values().map(|x| item_size(x)).sum::<usize>()),
            "ItemCount": entries.map_or(0, |e| e.len()),
            "IndexArn": format!("{arn}/index/{}", i.name),
        });
        if global {
            let (index_status, backfilling) = match status {
                Status::Creating => (Status::Creating, None),
                _ => table.index_status(&i.name, now),
            };
            v["IndexStatus"] = json!(status_name(index_status));
            if let Some(backfilling) = backfilling {
                v["Backfilling"] = json!(backfilling);
            }
            let t = i.throughput.unwrap_or_default();
            v["ProvisionedThroughput"] = throughput_json(t.read, t.write);
        }
        v
    };
    if !def.local_indexes.is_empty() {
        d["LocalSecondaryIndexes"] = def.local_indexes.iter().map(|i| index_json(i, false)).collect();
    }
    if !def.global_indexes.is_empty() {
        d["GlobalSecondaryIndexes"] = def.global_indexes.iter().map(|i| index_json(i, true)).collect();
    }
    if let Some(s) = &def.stream {
        d["StreamSpecification"] = json!({"StreamEnabled": true, "StreamViewType": s.view_type});
    }
    // The latest stream stays described after it is disabled, as in DynamoDB.
    if let Some(stream) = &state.data.stream {
        d["LatestStreamLabel"] = json!(stream.label);
        d["LatestStreamArn"] = json!(stream.arn);
    }
    if let Some(c) = &def.table_class {
        d["TableClassSummary"] = json!({"TableClass": c});
    }
    d
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Creating => "CREATING",
        Status::Updating => "UPDATING",
        Status::Deleting => "DELETING",
        Status::Active => "ACTIVE",
    }
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
    pub fn of(body: Body) -> ReturnValues {
        match body.str("ReturnValues") {
            Some("ALL_OLD") => ReturnValues::AllOld,
            Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
            Some("ALL_NEW") => ReturnValues::AllNew,
            Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
            _ => ReturnValues::None,
        }
    }

    /// PutItem and DeleteItem accept only NONE and ALL_OLD.
    pub fn old_or_none(body: Body) -> Result<ReturnValues> {
        match ReturnValues::of(body) {
            r @ (ReturnValues::None | ReturnValues::AllOld) => Ok(r),
            _ => Err(Error::validation("ReturnValues can only be ALL_OLD or NONE")),
        }
    }
}

/// The failed-condition error, carrying the old item when ReturnValuesOnConditionCheckFailure asks.
pub fn condition_failed(body: Body, old: Option<&Item>) -> Error {
    let wants_item = body.str("ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD");
    Error::conditional_check_failed(old.filter(|_| wants_item).cloned())
}

/// ItemCollectionMetrics for tables with local indexes, when asked with SIZE.
pub fn add_collection_metrics(out: &mut Map<String, Value>, body: Body, def: &TableDef, key: &PrimaryKey) {
    if body.str("ReturnItemCollectionMetrics") != Some("SIZE") || def.local_indexes.is_empty() {
        return;
    }
    out.insert("ItemCollectionMetrics".into(), collection_metrics(def, key));
}

/// One item collection's metrics: its partition key and DynamoDB's size estimate.
pub fn collection_metrics(def: &TableDef, key: &PrimaryKey) -> Value {
    let key = crate::protocol::attr::encode_map(&key.partition_item(&def.key));
    json!({"ItemCollectionKey": key, "SizeEstimateRangeGB": [0.0, 1.0]})
}

/// Refuses a write that would grow an item collection (a partition of a table with local
/// indexes) past the engine's limit, 10 GB as in DynamoDB.
pub fn check_collection(
    engine: &Engine,
    state: &TableState,
    key: &PrimaryKey,
    old: Option<&Item>,
    new: Option<&Item>,
) -> Result<()> {
    if state.def.local_indexes.is_empty() || state.collection_after(&key.hash, old, new) <= engine.item_collection_limit
    {
        return Ok(());
    }
    Err(Error::new(
        crate::error::ErrorKind::ItemCollectionSizeLimitExceeded,
        "Collection size exceeded.",
    ))
}
