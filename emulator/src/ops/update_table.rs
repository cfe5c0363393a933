//! UpdateTable: billing mode, throughput, GSI creation (backfilled at once) and deletion,
//! streams and deletion protection.

use serde_json::{json, Value};

use super::common::{describe, live, table_named, THROUGHPUT};
use super::create_table::{
    attribute_definitions, global_indexes, read_throughput, BILLING_MODE, GSI, STREAM_SPECIFICATION,
};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{BillingMode, KeyAttr, KeySchema, StreamSpec, TableDef, Throughput};
use crate::protocol::shape::{field, required, validate, Field, Shape, INDEX_NAME};
use crate::protocol::Body;

const GSI_UPDATE: Shape = Shape::Struct {
    java: "GlobalSecondaryIndexUpdate",
    fields: &[
        field("Update", Shape::Struct {
            java: "UpdateGlobalSecondaryIndexAction",
            fields: &[required("IndexName", INDEX_NAME), field("ProvisionedThroughput", THROUGHPUT)],
        }),
        field("Create", GSI),
        field("Delete", Shape::Struct { java: "DeleteGlobalSecondaryIndexAction", fields: &[required("IndexName", INDEX_NAME)] }),
    ],
};

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("AttributeDefinitions", Shape::Any),
    field("BillingMode", BILLING_MODE),
    field("ProvisionedThroughput", THROUGHPUT),
    field("GlobalSecondaryIndexUpdates", Shape::List { member: &GSI_UPDATE, min: 0, max: usize::MAX }),
    field("StreamSpecification", STREAM_SPECIFICATION),
    field("DeletionProtectionEnabled", Shape::Bool),
    field("TableClass", Shape::Any),
    field("SSESpecification", Shape::Any),
    field("ReplicaUpdates", Shape::Any),
    field("OnDemandThroughput", Shape::Any),
    field("WarmThroughput", Shape::Any),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let changes = ["ProvisionedThroughput", "BillingMode", "StreamSpecification", "GlobalSecondaryIndexUpdates",
        "SSESpecification", "ReplicaUpdates", "DeletionProtectionEnabled", "TableClass", "OnDemandThroughput", "WarmThroughput"];
    // An empty list (`GlobalSecondaryIndexUpdates: []`) asks for nothing, like an absent one.
    let asked = |c: &&str| body.get(c).is_some_and(|v| v.as_array().is_none_or(|l| !l.is_empty()));
    if !changes.iter().any(asked) {
        return Err(Error::validation(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
        ));
    }
    let name = body.str("TableName").unwrap_or_default();
    let table = table_named(engine, name)?;
    let mut state = live(&table, name)?;
    let mut def = state.def.clone();

    let billing_mode = match body.str("BillingMode") {
        Some("PAY_PER_REQUEST") => BillingMode::PayPerRequest,
        Some(_) => BillingMode::Provisioned,
        None => def.billing_mode,
    };
    let requested = body.child("ProvisionedThroughput");
    if requested.is_some() || billing_mode != def.billing_mode {
        if billing_mode == BillingMode::Provisioned && requested.is_none() {
            return Err(Error::invalid_parameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED"));
        }
        let throughput = read_throughput(requested, billing_mode)?;
        if billing_mode == def.billing_mode && billing_mode == BillingMode::Provisioned && throughput == def.throughput {
            return Err(Error::validation(unchanged_message(def.throughput, throughput)));
        }
        def.billing_mode = billing_mode;
        def.throughput = throughput;
        if billing_mode == BillingMode::PayPerRequest {
            def.global_indexes.iter_mut().for_each(|i| i.throughput = None);
        }
    }

    let updates = body.list("GlobalSecondaryIndexUpdates");
    check_index_updates(updates)?;
    let mut added = Vec::new();
    for update in updates.iter().map(Body) {
        if let Some(create) = update.get("Create") {
            let defs = attribute_definitions(body)?;
            let index = global_indexes(std::slice::from_ref(create), &defs, def.billing_mode)?.remove(0);
            if def.index(&index.name).is_some() {
                return Err(Error::invalid_parameter(format!(
                    "Attempting to create an index which already exists: {}",
                    index.name
                )));
            }
            check_no_redefinition(&def, &index.key)?;
            for attr in index.key.attrs() {
                if def.attribute_type(&attr.name).is_none() {
                    def.attribute_definitions.push(attr.clone());
                }
            }
            added.push(index.clone());
            def.global_indexes.push(index);
        } else if let Some(delete) = update.child("Delete") {
            let name = delete.str("IndexName").unwrap_or_default();
            let before = def.global_indexes.len();
            def.global_indexes.retain(|i| i.name != name);
            if def.global_indexes.len() == before {
                return Err(Error::resource_not_found(format!("Requested resource not found: Index: {name} not found")));
            }
            let used = |n: &str| def.key.contains(n) || def.indexes().any(|i| i.key.contains(n));
            def.attribute_definitions = def.attribute_definitions.iter().filter(|a| used(&a.name)).cloned().collect();
        } else if let Some(change) = update.child("Update") {
            let name = change.str("IndexName").unwrap_or_default();
            let index = def.global_indexes.iter_mut().find(|i| i.name == name).ok_or_else(|| {
                Error::resource_not_found(format!("Requested resource not found: Index: {name} not found"))
            })?;
            if let Some(t) = change.child("ProvisionedThroughput") {
                index.throughput = Some(Throughput {
                    read: t.int("ReadCapacityUnits").unwrap_or(1),
                    write: t.int("WriteCapacityUnits").unwrap_or(1),
                });
            }
        }
    }
    let stream_change = match body.child("StreamSpecification") {
        Some(spec) => Some(stream_change(spec, &def)?),
        None => None,
    };
    if let Some(protect) = body.bool("DeletionProtectionEnabled") {
        def.deletion_protection = protect;
    }
    if let Some(class) = body.str("TableClass") {
        def.table_class = Some(class.to_string());
    }

    match stream_change {
        Some(Some(view_type)) => {
            let stream = super::streams::open(engine, &def, &view_type);
            def.stream = Some(StreamSpec { view_type, label: stream.label.clone() });
            state.data.stream = Some(stream);
        }
        Some(None) => {
            def.stream = None;
            if let Some(stream) = &state.data.stream {
                stream.disable();
            }
        }
        None => {}
    }
    state.data.indexes.retain(|name, _| def.index(name).is_some());
    state.def = def;
    for index in &added {
        state.backfill(index);
    }
    Ok(json!({ "TableDescription": describe(engine, &state, "UPDATING") }))
}

/// Each GlobalSecondaryIndexUpdates element names exactly one action; one call creates or deletes
/// at most one index (DynamoDB builds or drops one index at a time).
fn check_index_updates(updates: &[Value]) -> Result<()> {
    let actions = |u: &Value, names: &[&str]| names.iter().filter(|n| u.get(**n).is_some()).count();
    if updates.iter().any(|u| actions(u, &["Create", "Update", "Delete"]) != 1) {
        return Err(Error::invalid_parameter(
            "Exactly one of Create, Update or Delete must be given in each GlobalSecondaryIndexUpdate",
        ));
    }
    if updates.iter().map(|u| actions(u, &["Create", "Delete"])).sum::<usize>() > 1 {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
        ));
    }
    Ok(())
}

/// A new index may not give an attribute the table already types (as a key of the table or
/// of another index) a different type.
fn check_no_redefinition(def: &TableDef, new: &KeySchema) -> Result<()> {
    let Some(attr) = new.attrs().find(|a| def.attribute_type(&a.name).is_some_and(|ty| ty != a.ty)) else {
        return Ok(());
    };
    let existing = std::iter::once(&def.key)
        .chain(def.indexes().map(|i| &i.key))
        .find(|k| k.contains(&attr.name))
        .expect("a typed attribute belongs to some key");
    Err(Error::invalid_parameter(format!(
        "Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. \
         Existing schema: {} New schema: {}",
        schema_text(existing),
        schema_text(new)
    )))
}

/// A key schema as DynamoDB prints it in that message: `Schema:[SchemaElement: key{a:S:HASH}]`.
fn schema_text(key: &KeySchema) -> String {
    let element = |a: &KeyAttr, role: &str| format!("SchemaElement: key{{{}:{}:{role}}}", a.name, a.ty.as_str());
    let elements: Vec<String> =
        key.hash.iter().map(|a| element(a, "HASH")).chain(key.range.iter().map(|a| element(a, "RANGE"))).collect();
    format!("Schema:[{}]", elements.join(", "))
}

/// What a StreamSpecification asks of the table: `Some(view type)` to enable a new stream, `None`
/// to disable the current one; with DynamoDB's checks against the table's state.
fn stream_change(spec: Body, def: &TableDef) -> Result<Option<String>> {
    let name = &def.name;
    match (spec.bool("StreamEnabled").unwrap_or(false), spec.str("StreamViewType")) {
        (true, None) => Err(Error::invalid_parameter("If stream is being enabled then UpdateViewType is required")),
        (false, Some(_)) => Err(Error::invalid_parameter("If stream is being disabled, then UpdateViewType must not be specified")),
        (true, Some(_)) if def.stream.is_some() => {
            Err(Error::validation(format!("Table already has an enabled stream: TableName: {name}")))
        }
        (false, None) if def.stream.is_none() => {
            Err(Error::validation(format!("Table has no stream to disable: TableName: {name}")))
        }
        (true, Some(view)) => Ok(Some(view.to_string())),
        (false, None) => Ok(None),
    }
}

fn unchanged_message(current: Throughput, requested: Throughput) -> String {
    format!(
        "The provisioned throughput for the table will not change. The requested value equals the current value. \
         Current ReadCapacityUnits provisioned for the table: {}. Requested ReadCapacityUnits: {}. \
         Current WriteCapacityUnits provisioned for the table: {}. Requested WriteCapacityUnits: {}. \
         Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
        current.read, requested.read, current.write, requested.write
    )
}
