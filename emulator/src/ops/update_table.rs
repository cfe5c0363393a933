//! UpdateTable: billing mode, throughput, GSI creation (backfilled at once, described CREATING for
//! the engine's transient delay) and deletion, streams and deletion protection.

use super::answer::{TableDescription, TableStatus};
use super::streams;
use super::table_spec::{check_unique_definitions, global_indexes, throughput_for, IndexSpec, StreamRequest};
use super::tables::{live, table_named};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{BillingMode, KeyAttr, KeySchema, StreamSpec, TableDef, Throughput};

/// The request has at least one change (the decoder refuses one without).
pub struct Input {
    pub table: String,
    /// Definitions for the key attributes of GSIs being created.
    pub attribute_definitions: Vec<KeyAttr>,
    pub billing_mode: Option<BillingMode>,
    pub throughput: Option<Throughput>,
    pub index_updates: Vec<IndexUpdate>,
    pub stream: Option<StreamRequest>,
    pub deletion_protection: Option<bool>,
    pub table_class: Option<String>,
}

/// One GlobalSecondaryIndexUpdates action.
pub enum IndexUpdate {
    Create(IndexSpec),
    Delete { name: String },
    Update { name: String, throughput: Option<Throughput> },
}

pub struct Output {
    /// The table after the change, UPDATING.
    pub table: TableDescription,
}

pub fn run(cx @ &Cx { engine, now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let name = &input.table;
    let table = table_named(cx, name, now_millis)?;
    let mut state = live(&table, name, now_millis)?;
    let mut def = TableDef::clone(&state.def);

    let billing_mode = input.billing_mode.unwrap_or(def.billing_mode);
    if input.throughput.is_some() || billing_mode != def.billing_mode {
        if billing_mode == BillingMode::Provisioned && input.throughput.is_none() {
            return Err(Error::invalid_parameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED"));
        }
        let throughput = throughput_for(billing_mode, input.throughput)?;
        if billing_mode == def.billing_mode && billing_mode == BillingMode::Provisioned && throughput == def.throughput {
            return Err(Error::validation(unchanged_message(def.throughput, throughput)));
        }
        def.billing_mode = billing_mode;
        def.throughput = throughput;
        if billing_mode == BillingMode::PayPerRequest {
            def.global_indexes.iter_mut().for_each(|i| i.throughput = None);
        }
    }

    check_index_builds(&input.index_updates)?;
    let mut added = Vec::new();
    for update in input.index_updates {
        match update {
            IndexUpdate::Create(spec) => {
                let defs = &input.attribute_definitions;
                check_unique_definitions(defs)?;
                let index = global_indexes(std::slice::from_ref(&spec), defs, def.billing_mode)?.remove(0);
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
            }
            IndexUpdate::Delete { name } => {
                let before = def.global_indexes.len();
                def.global_indexes.retain(|i| i.name != name);
                if def.global_indexes.len() == before {
                    return Err(missing_index(&name));
                }
                let used = |n: &str| def.key.contains(n) || def.indexes().any(|i| i.key.contains(n));
                def.attribute_definitions = def.attribute_definitions.iter().filter(|a| used(&a.name)).cloned().collect();
            }
            IndexUpdate::Update { name, throughput } => {
                let index = def.global_indexes.iter_mut().find(|i| i.name == name).ok_or_else(|| missing_index(&name))?;
                if throughput.is_some() {
                    index.throughput = throughput;
                }
            }
        }
    }
    let stream_change = input.stream.map(|spec| stream_change(spec, &def)).transpose()?;
    if let Some(protect) = input.deletion_protection {
        def.deletion_protection = protect;
    }
    if let Some(class) = input.table_class {
        def.table_class = Some(class);
    }

    match stream_change {
        Some(Some(view_type)) => {
            let stream = streams::open(cx, &def, &view_type, now_millis);
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
    table.set_def(&mut state, def);
    for index in &added {
        state.backfill(index);
    }
    let def = &state.def;
    let (until, added) = (engine.settles_at(now_millis), added.into_iter().map(|i| i.name));
    table.transition(|l| l.update(until, added, |n| def.index(n).is_some()));
    Ok(Output { table: TableDescription::of(&table, &state, TableStatus::Updating, now_millis) })
}

/// One call creates or deletes at most one index (DynamoDB builds or drops one index at a time).
fn check_index_builds(updates: &[IndexUpdate]) -> Result<()> {
    let builds = updates.iter().filter(|u| matches!(u, IndexUpdate::Create(_) | IndexUpdate::Delete { .. }));
    if builds.count() > 1 {
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
    let keys = || std::iter::once(&def.key).chain(def.indexes().map(|i| &i.key));
    // The first redefined attribute's key (an attribute has a type only as part of some key).
    let Some(existing) = new
        .attrs()
        .filter(|a| def.attribute_type(&a.name).is_some_and(|ty| ty != a.ty))
        .find_map(|a| keys().find(|k| k.contains(&a.name)))
    else {
        return Ok(());
    };
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

fn missing_index(name: &str) -> Error {
    Error::resource_not_found(format!("Requested resource not found: Index: {name} not found"))
}

/// What a StreamSpecification asks of the table: `Some(view type)` to enable a new stream, `None`
/// to disable the current one; with DynamoDB's checks against the table's state.
fn stream_change(spec: StreamRequest, def: &TableDef) -> Result<Option<String>> {
    let name = &def.name;
    match (spec.enabled, spec.view_type) {
        (true, None) => Err(Error::invalid_parameter("If stream is being enabled then UpdateViewType is required")),
        (false, Some(_)) => {
            Err(Error::invalid_parameter("If stream is being disabled, then UpdateViewType must not be specified"))
        }
        (true, Some(_)) if def.stream.is_some() => {
            Err(Error::validation(format!("Table already has an enabled stream: TableName: {name}")))
        }
        (false, None) if def.stream.is_none() => {
            Err(Error::validation(format!("Table has no stream to disable: TableName: {name}")))
        }
        (true, Some(view)) => Ok(Some(view)),
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
