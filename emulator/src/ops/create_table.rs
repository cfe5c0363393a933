//! CreateTable: checks the key schema, attribute definitions and index definitions in
//! DynamoDB's order, then creates the table, CREATING for the engine's transient delay (ACTIVE at
//! once by default; the answer says CREATING either way, as AWS's does).

use super::answer::{TableDescription, TableStatus};
use super::policies::Document;
use super::streams;
use super::table_spec::{
    check_capacity_limit, check_index_definitions, check_table_class, check_unique_definitions, check_unique_index_names,
    check_unique_names, check_vector_attributes_undefined, global_indexes, key_schema, projection, table_id, throughput_for, vector_indexes, Definer,
    IndexSpec, KeyElement, OnDemandRequest, SseRequest, StreamRequest, VectorIndexSpec, WarmRequest,
};
use super::tags::{checked, too_many_tags, Tag, MAX_TAGS};
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{BillingMode, IndexDef, KeyAttr, KeySchema, Sse, StreamSpec, TableDef, Throughput};
use crate::store::{Policy, Table};

pub struct Input {
    pub table: String,
    pub billing_mode: BillingMode,
    pub throughput: Option<Throughput>,
    pub attribute_definitions: Vec<KeyAttr>,
    pub key: Vec<KeyElement>,
    /// `None` when the request has no LocalSecondaryIndexes member (an empty list is refused).
    pub local_indexes: Option<Vec<IndexSpec>>,
    pub global_indexes: Option<Vec<IndexSpec>>,
    pub vector_indexes: Option<Vec<VectorIndexSpec>>,
    pub stream: Option<StreamRequest>,
    pub table_class: Option<String>,
    pub sse: Option<SseRequest>,
    pub warm: Option<WarmRequest>,
    pub on_demand: Option<OnDemandRequest>,
    pub deletion_protection: bool,
    pub tags: Vec<Tag>,
    /// ResourcePolicy, checked: attached to the new table as its first revision.
    pub resource_policy: Option<Document>,
}

pub struct Output {
    /// The new table, CREATING.
    pub table: TableDescription,
}

pub fn run(cx @ &Cx { engine, now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let Input { table: name, billing_mode, attribute_definitions: definitions, .. } = input;
    let throughput = throughput_for(billing_mode, input.throughput)?;
    check_unique_definitions(&definitions)?;
    check_key_definitions(&input.key, &definitions)?;
    let key = key_schema(&input.key, &definitions)?;
    let lists = [
        (input.local_indexes.as_ref().map(Vec::is_empty), "LocalSecondaryIndexes"),
        (input.global_indexes.as_ref().map(Vec::is_empty), "GlobalSecondaryIndexes"),
        (input.vector_indexes.as_ref().map(Vec::is_empty), "VectorIndexes"),
    ];
    if let Some((_, kind)) = lists.iter().find(|(empty, _)| *empty == Some(true)) {
        return Err(Error::invalid_parameter(format!("List of {kind} is empty")));
    }
    // Every definition must be used before any index is checked further (AWS, October 2026:
    // DDB-TABLE-127): an unused one hides every other fault of the indexes.
    let specs = input.local_indexes.iter().chain(&input.global_indexes).flatten();
    for list in [&input.local_indexes, &input.global_indexes].into_iter().flatten() {
        check_index_definitions(list, &definitions)?;
    }
    let index_attrs = specs.flat_map(|i| &i.key).map(|e| e.name.as_str());
    let searched = input.vector_indexes.iter().flatten().flat_map(|v| &v.search_schema).map(|e| e.name.as_str());
    let indexed = [&input.local_indexes, &input.global_indexes].iter().any(|l| l.as_ref().is_some_and(|l| !l.is_empty()))
        || input.vector_indexes.as_ref().is_some_and(|l| !l.is_empty());
    check_vector_attributes_undefined(input.vector_indexes.iter().flatten(), &definitions)?;
    check_definition_count(&definitions, key.attrs().map(|a| a.name.as_str()).chain(index_attrs).chain(searched), indexed)?;
    let local_indexes = match &input.local_indexes {
        Some(list) => local_indexes(list, &key, &definitions)?,
        None => Vec::new(),
    };
    let region = cx.ns.region.as_str();
    let global_indexes = match &input.global_indexes {
        Some(list) => global_indexes(list, &definitions, billing_mode, Definer::CreateTable, region)?,
        None => Vec::new(),
    };
    let vector_indexes = match &input.vector_indexes {
        Some(list) => vector_indexes(list, &definitions, billing_mode, &[])?,
        None => Vec::new(),
    };
    let keyed = local_indexes.iter().chain(&global_indexes);
    check_unique_index_names(keyed.map(|i| i.name.as_str()).chain(vector_indexes.iter().map(|v| v.name.as_str())))?;
    let stream_view = stream_view(input.stream)?;
    check_table_class(input.table_class.as_deref())?;
    let sse = match &input.sse {
        Some(request) if request.wants_kms()? => Some(Sse { kms_master_key_arn: request.key_arn(cx.ns) }),
        _ => None,
    };
    let warm = input.warm.map(|w| w.at_creation("table", billing_mode, Some(throughput))).transpose()?;
    check_capacity_limit(throughput, None, region)?;
    let on_demand = match input.on_demand {
        Some(asked) => {
            asked.check_billing(billing_mode, None, Definer::CreateTable)?;
            asked.at_creation("table", region)?
        }
        None => Default::default(),
    };
    // Tags=[] is fine here (TagResource refuses it); each tag is checked as TagResource checks it.
    let tags = checked(&input.tags)?;
    if tags.len() > MAX_TAGS {
        return Err(too_many_tags());
    }

    let mut def = TableDef {
        key,
        attribute_definitions: definitions,
        global_indexes,
        local_indexes,
        billing_mode,
        throughput,
        created_at: now_millis as f64 / 1000.0,
        table_id: table_id(&name, now_millis),
        arn: cx.ns.table_arn(&name),
        deletion_protection: input.deletion_protection,
        stream: None,
        table_class: input.table_class,
        table_class_changed_at: None,
        pay_per_request_since: (billing_mode == BillingMode::PayPerRequest).then_some(now_millis as f64 / 1000.0),
        warm: warm.unwrap_or_default(),
        capacity_changes: Default::default(),
        sse,
        point_in_time_recovery: None,
        restored_from: None,
        insights: Default::default(),
        vector_indexes,
        on_demand,
        name,
    };
    def.settle_warm();
    let stream = stream_view.map(|view_type| {
        let stream = streams::open(cx, &def, &view_type, now_millis);
        def.stream = Some(StreamSpec { view_type, label: stream.label.clone() });
        stream
    });
    let name = def.name.clone();
    let table = Table::new(def, engine.settles_at(now_millis));
    table.state.write().data.stream = stream.clone();
    let description = TableDescription::of(&table, &table.state.read(), TableStatus::Creating, now_millis);
    if !cx.ns.store.create(table, now_millis) {
        if let Some(stream) = stream {
            cx.ns.store.remove_stream(&stream.arn);
        }
        return Err(Error::resource_in_use(format!("Table already exists: {name}")));
    }
    let arn = cx.ns.table_arn(&name);
    cx.ns.store.set_tags(&arn, tags);
    if let Some(document) = input.resource_policy {
        let policy = Policy { document: document.render(cx.ns.partition()), revision: now_millis.to_string() };
        cx.ns.store.with_policy(&arn, |slot| *slot = Some(policy));
    }
    Ok(Output { table: description })
}

/// Every table key attribute needs a definition; DynamoDB words this two ways.
fn check_key_definitions(elements: &[KeyElement], defs: &[KeyAttr]) -> Result<()> {
    let defined = |n: &str| defs.iter().any(|d| d.name == n);
    let missing: Vec<&str> = elements.iter().map(|e| e.name.as_str()).filter(|n| !defined(n)).collect();
    let duplicate = elements.len() == 2 && elements[0].name == elements[1].name;
    if missing.is_empty() && !duplicate {
        return Ok(());
    }
    if defs.is_empty() || elements.len() >= 2 {
        return Err(Error::validation("Invalid KeySchema: Some index key attribute have no definition"));
    }
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    Err(Error::invalid_parameter(format!(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        missing.join(", "),
        names.join(", ")
    )))
}

fn local_indexes(list: &[IndexSpec], table_key: &KeySchema, defs: &[KeyAttr]) -> Result<Vec<IndexDef>> {
    if table_key.range.is_empty() {
        return Err(Error::invalid_parameter(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
        ));
    }
    let mut out = Vec::new();
    for spec in list {
        let name = &spec.name;
        let key = key_schema(&spec.key, defs)?;
        if key.range.is_empty() {
            return Err(Error::invalid_parameter(format!("Index KeySchema does not have a range key for index: {name}")));
        }
        let (hash, table_hash) = (&key.partition().name, &table_key.partition().name);
        if hash != table_hash {
            return Err(Error::invalid_parameter(format!(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. index hash key: {hash}, table hash key: {table_hash}"
            )));
        }
        let projection = projection(&spec.projection)?;
        out.push(IndexDef {
            name: name.clone(),
            key,
            projection,
            throughput: None,
            warm: Throughput::default(),
            capacity_changes: Default::default(),
            on_demand: Default::default(),
        });
    }
    check_unique_names(&out)?;
    if out.len() > 5 {
        return Err(Error::invalid_parameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5"));
    }
    Ok(out)
}

/// AttributeDefinitions (each name once, see `check_unique_definitions`) may define only attributes
/// used in some key schema or vector index search schema (a used one not defined is refused by the
/// checks of its schema). DynamoDB names the unused ones only when the request declares an index:
/// the definitions as sent, and the key attributes in the order the schemas use them (cfn-lint
/// #1037 quotes AWS).
fn check_definition_count<'a>(defs: &[KeyAttr], used: impl Iterator<Item = &'a str>, indexed: bool) -> Result<()> {
    let mut keys: Vec<&str> = Vec::new();
    for name in used {
        if !keys.contains(&name) {
            keys.push(name);
        }
    }
    if defs.iter().all(|d| keys.contains(&d.name.as_str())) {
        return Ok(());
    }
    if !indexed {
        return Err(Error::invalid_parameter(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ));
    }
    let defined: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    Err(Error::invalid_parameter(format!(
        "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
        defined.join(", "),
        keys.join(", ")
    )))
}

/// The view type of the stream a StreamSpecification enables, if it enables one.
fn stream_view(spec: Option<StreamRequest>) -> Result<Option<String>> {
    let Some(spec) = spec else { return Ok(None) };
    match (spec.enabled, spec.view_type) {
        (false, Some(_)) => Err(Error::invalid_parameter(
            "Table is being created with a stream disabled, UpdateViewType should not be specified",
        )),
        (false, None) => Ok(None),
        (true, None) => Err(Error::invalid_parameter(
            "Table is being created with a stream enabled, UpdateViewType is required",
        )),
        (true, Some(v)) => Ok(Some(v)),
    }
}
