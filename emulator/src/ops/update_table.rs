//! UpdateTable: billing mode, throughput, GSI creation (backfilled at once, described CREATING for
//! the engine's transient delay) and deletion, streams and deletion protection.

use serde_json::{json, Value};

use super::common::{describe, live, table_named, THROUGHPUT};
use super::create_table::{
    attribute_definitions, global_indexes, read_throughput, BILLING_MODE, GSI, STREAM_SPECIFICATION,
};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{BillingMode, StreamSpec, TableDef, Throughput};
use crate::protocol::shape::{field, required, validate, Field, Shape, INDEX_NAME};
use crate::protocol::Body;
use crate::store::Status;

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
    if !changes.iter().any(|c| body.has(c)) {
        return Err(Error::validation(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
        ));
    }
    let name = body.str("TableName").unwrap_or_default();
    let table = table_named(engine, name)?;
    let mut state = live(engine, &table, name)?;
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

    let mut added = Vec::new();
    for update in body.list("GlobalSecondaryIndexUpdates").iter().map(Body) {
        if let Some(create) = update.get("Create") {
            let mut defs = def.attribute_definitions.clone();
            for d in attribute_definitions(body) {
                if !defs.iter().any(|x| x.name == d.name) {
                    defs.push(d);
                }
            }
            let index = global_indexes(std::slice::from_ref(create), &defs, def.billing_mode)?.remove(0);
            if def.index(&index.name).is_some() {
                return Err(Error::invalid_parameter(format!(
                    "Attempting to create an index which already exists: {}",
                    index.name
                )));
            }
            for attr in index.key.attrs() {
                if !def.attribute_definitions.iter().any(|d| d.name == attr.name) {
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
    let def = &state.def;
    table.transition(|l| l.update(engine.settles_at(), added.into_iter().map(|i| i.name), |n| def.index(n).is_some()));
    Ok(json!({ "TableDescription": describe(engine, &table, &state, Status::Updating) }))
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
