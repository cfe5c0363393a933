//! UpdateTable: billing mode, throughput, GSI and vector index creation (backfilled at once,
//! described CREATING for the engine's transient delay) and deletion, streams, deletion
//! protection, table class and encryption. DynamoDB takes one kind of change per call
//! (`check_one_concern`).

use super::answer::{TableDescription, TableStatus};
use super::streams;
use super::table_spec::{
    check_capacity_limit, check_index_definitions, check_table_class, check_unique_definitions, check_vector_attributes_undefined, global_indexes, throughput_for, vector_indexes,
    Definer, IndexSpec, OnDemandRequest, SseRequest, StreamRequest, VectorIndexSpec, WarmRequest, MAX_GLOBAL_INDEXES,
};
use super::tables::{live, table_named};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{warm_throughput, BillingMode, KeyAttr, KeySchema, Sse, StreamSpec, TableDef, Throughput};
use crate::store::{Namespace, Phase, Table};

/// The request has at least one change (the decoder refuses one without).
pub struct Input {
    pub table: String,
    /// Definitions for the key attributes of GSIs being created, when the request has the member.
    pub attribute_definitions: Option<Vec<KeyAttr>>,
    pub billing_mode: Option<BillingMode>,
    pub throughput: Option<Throughput>,
    pub index_updates: Vec<IndexUpdate>,
    pub stream: Option<StreamRequest>,
    pub deletion_protection: Option<bool>,
    pub table_class: Option<String>,
    pub sse: Option<SseRequest>,
    /// The on-demand limits to set (the emulator records them; it throttles nothing).
    pub on_demand: Option<OnDemandRequest>,
    pub warm_throughput: Option<WarmRequest>,
    pub vector_updates: Vec<VectorUpdate>,
}

/// One VectorIndexUpdates action.
pub enum VectorUpdate {
    Create(VectorIndexSpec),
    Delete { name: String },
}

/// One GlobalSecondaryIndexUpdates action.
pub enum IndexUpdate {
    Create(IndexSpec),
    Delete { name: String },
    Update {
        name: String,
        throughput: Option<Throughput>,
        on_demand: Option<OnDemandRequest>,
        warm: Option<WarmRequest>,
    },
}

pub struct Output {
    /// The table after the change, UPDATING (or as it was, see `run`).
    pub table: TableDescription,
}

pub fn run(cx @ &Cx { engine, now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    check_table_class(input.table_class.as_deref())?;
    let wants_kms = input.sse.as_ref().map(SseRequest::wants_kms).transpose()?;
    // A table with vector indexes stays on-demand, whatever else the call asks: checked against
    // the indexes it has before the call's other checks (AWS, eu-west-2 and us-east-1, August
    // 2026: also when the call deletes its last vector index).
    if input.billing_mode == Some(BillingMode::Provisioned) {
        let table = table_named(cx, &input.table, now_millis).ok();
        if table.is_some_and(|t| !t.state.read().def.vector_indexes.is_empty()) {
            return Err(Error::invalid_parameter("Tables with vector indexes must be in PAY_PER_REQUEST mode"));
        }
    }
    check_one_concern(&input)?;
    check_index_actions(&input.index_updates, input.vector_updates.len())?;
    let (name, region) = (&input.table, cx.ns.region.as_str());
    let table = table_named(cx, name, now_millis)?;
    check_vector_builds(&table, &input.vector_updates, now_millis)?;
    let mut state = live(&table, name, now_millis)?;
    let mut def = TableDef::clone(&state.def);
    // Deletion protection, encryption, warm throughput and on-demand limits change at once: the
    // table stays ACTIVE.
    // A class or encryption change answers with the table as it was, still changing on AWS.
    let synchronous = input.deletion_protection.is_some()
        || input.sse.is_some()
        || input.warm_throughput.is_some()
        || input.on_demand.is_some();
    let echo_before = (input.table_class.is_some() || input.sse.is_some()).then(|| {
        let status = if synchronous { TableStatus::Active } else { TableStatus::Updating };
        TableDescription { sse_updating: input.sse.is_some(), ..TableDescription::of(&table, &state, status, now_millis) }
    });

    let billing_mode = input.billing_mode.unwrap_or(def.billing_mode);
    // A provisioned table's new capacity: its answer shows the capacity and the day's decreases as
    // they were, beside the change's date, while the change is under way.
    let mut capacity_before = None;
    if input.billing_mode == Some(BillingMode::Provisioned) && input.throughput.is_none() {
        return Err(Error::invalid_parameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED"));
    }
    if input.throughput.is_some() || billing_mode != def.billing_mode {
        let throughput = throughput_for(billing_mode, input.throughput)?;
        check_capacity_limit(throughput, None, region)?;
        if billing_mode == def.billing_mode && billing_mode == BillingMode::Provisioned && throughput == def.throughput {
            return Err(Error::validation(unchanged_message(None, def.throughput, throughput)));
        }
        if billing_mode == BillingMode::PayPerRequest && def.billing_mode != billing_mode {
            def.pay_per_request_since = Some(now_millis as f64 / 1000.0);
        }
        if billing_mode == BillingMode::Provisioned && def.billing_mode == billing_mode {
            capacity_before = Some((def.throughput, def.capacity_changes.decreases_today(now_millis)));
            def.capacity_changes.record(def.throughput, throughput, now_millis);
        }
        // A switch drops what only the other mode has: indexes' throughput, or on-demand limits.
        match billing_mode {
            BillingMode::PayPerRequest => def.global_indexes.iter_mut().for_each(|i| i.throughput = None),
            BillingMode::Provisioned => {
                def.on_demand = Default::default();
                def.global_indexes.iter_mut().for_each(|i| i.on_demand = Default::default());
            }
        }
        def.billing_mode = billing_mode;
        def.throughput = throughput;
    }
    if let Some(asked) = input.on_demand {
        asked.check_billing(def.billing_mode, None, Definer::UpdateTable)?;
        def.on_demand = asked.apply(def.on_demand, "table", region)?;
    }
    if let Some(asked) = input.warm_throughput {
        let current = warm_throughput(def.warm, def.billing_mode, Some(def.throughput));
        def.warm = asked.raise("table", current, current, lower_than_current)?;
    }

    let mut added = Vec::new();
    for update in input.index_updates {
        match update {
            IndexUpdate::Create(spec) => {
                // Checked before the new index's own definition; vector indexes share the names.
                if def.index(&spec.name).is_some() || def.vector_indexes.iter().any(|v| v.name == spec.name) {
                    return Err(Error::validation("Attempting to create an index which already exists"));
                }
                let Some(defs) = &input.attribute_definitions else {
                    return Err(Error::invalid_parameter(format!(
                        "AttributeDefinitions is not specified for index: {}",
                        spec.name
                    )));
                };
                check_unique_definitions(defs)?;
                let specs = std::slice::from_ref(&spec);
                check_index_definitions(specs, defs)?;
                let index = global_indexes(specs, defs, def.billing_mode, Definer::UpdateTable, region)?.remove(0);
                check_no_redefinition(&def, &index.key)?;
                // Once the new index is sound (CreateTable refuses a 21st as invalid instead).
                if def.global_indexes.len() >= MAX_GLOBAL_INDEXES {
                    return Err(Error::new(
                        ErrorKind::LimitExceeded,
                        format!(
                            "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of \
                             {MAX_GLOBAL_INDEXES}"
                        ),
                    ));
                }
                for attr in index.key.attrs() {
                    if def.attribute_type(&attr.name).is_none() {
                        def.attribute_definitions.push(attr.clone());
                    }
                }
                added.push(index.clone());
                def.global_indexes.push(index);
            }
            IndexUpdate::Delete { name } => {
                global_index(&def, &name, "delete")?;
                def.global_indexes.retain(|i| i.name != name);
                def.insights.remove(&name);
                drop_unused_definitions(&mut def);
            }
            IndexUpdate::Update { name, throughput, on_demand, warm } => {
                global_index(&def, &name, "update")?;
                let billing_mode = def.billing_mode;
                let index = def.global_indexes.iter_mut().find(|i| i.name == name).ok_or_else(|| missing_index(&name, &def.name))?;
                // On demand, an update must raise the warm throughput or set on-demand limits.
                let on_demand_only = warm.is_some() || on_demand.is_some_and(|o| !o.is_empty());
                if billing_mode == BillingMode::PayPerRequest && (throughput.is_some() || !on_demand_only) {
                    return Err(Error::invalid_parameter(format!(
                        "The only Updates for index: {name} when TableThroughputMode is PAY_PER_REQUEST can be to \
                         OnDemandThroughput, WarmThroughput"
                    )));
                }
                if let Some(asked) = on_demand {
                    asked.check_billing(billing_mode, Some(&name), Definer::UpdateTable)?;
                    index.on_demand = asked.apply(index.on_demand, &format!("index : {name}"), region)?;
                }
                if let Some(asked) = warm {
                    let current = warm_throughput(index.warm, billing_mode, index.throughput);
                    index.warm = asked.raise(&format!("index {name}"), current, current, lower_than_current)?;
                }
                match throughput {
                    Some(requested) if index.throughput == Some(requested) => {
                        return Err(Error::validation(unchanged_message(Some(&name), requested, requested)))
                    }
                    Some(requested) => {
                        check_capacity_limit(requested, Some(&name), region)?;
                        if let Some(current) = index.throughput {
                            index.capacity_changes.record(current, requested, now_millis);
                        }
                        index.throughput = Some(requested);
                    }
                    None => {}
                }
            }
        }
    }
    let mut vector_added = None;
    let mut cancelled = Vec::new();
    for update in input.vector_updates {
        match update {
            VectorUpdate::Create(spec) => {
                if def.index(&spec.name).is_some() || def.vector_indexes.iter().any(|v| v.name == spec.name) {
                    return Err(Error::validation("Attempting to create an index which already exists"));
                }
                let defs = input.attribute_definitions.as_deref().unwrap_or_default();
                check_unique_definitions(defs)?;
                let known: Vec<KeyAttr> = def.attribute_definitions.iter().chain(defs).cloned().collect();
                check_vector_attributes_undefined([&spec], &known)?;
                let index = vector_indexes(std::slice::from_ref(&spec), &known, def.billing_mode, &def.vector_indexes)?
                    .remove(0);
                for element in &index.search_schema {
                    if def.attribute_type(&element.name).is_none() {
                        def.attribute_definitions.extend(defs.iter().find(|d| d.name == element.name).cloned());
                    }
                }
                vector_added = Some(index.name.clone());
                def.vector_indexes.push(index);
            }
            VectorUpdate::Delete { name } => {
                if !def.vector_indexes.iter().any(|v| v.name == name) {
                    return Err(missing_index(&name, &def.name));
                }
                def.vector_indexes.retain(|v| v.name != name);
                drop_unused_definitions(&mut def);
                cancelled.push(name);
            }
        }
    }
    // A provisioned table's every index has its own throughput: switching to PROVISIONED sets each.
    if let Some(index) = def.global_indexes.iter().find(|i| def.billing_mode == BillingMode::Provisioned && i.throughput.is_none()) {
        return Err(Error::invalid_parameter(format!("ProvisionedThroughput must be specified for index: {}", index.name)));
    }
    let stream_change = input.stream.map(|spec| stream_change(spec, &def)).transpose()?;
    if let Some(protect) = input.deletion_protection {
        def.deletion_protection = protect;
    }
    if let Some(class) = input.table_class {
        // A table that never set its class is STANDARD: asking for STANDARD changes nothing.
        if class != def.table_class.as_deref().unwrap_or("STANDARD") {
            def.table_class = Some(class);
            def.table_class_changed_at = Some(now_millis as f64 / 1000.0);
        }
    }
    if let (Some(request), Some(wants_kms)) = (&input.sse, wants_kms) {
        def.sse = encryption(request, wants_kms, def.sse.as_ref(), cx.ns)?;
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
                // A stream's tags are only reachable while it is enabled: they go with it.
                cx.ns.store.remove_tags(&stream.arn);
            }
        }
        None => {}
    }
    def.settle_warm();
    state.data.indexes.retain(|name, _| def.index(name).is_some());
    table.set_def(&mut state, def);
    for index in &added {
        state.backfill(index);
    }
    // The answer shows each index it adds CREATING, a GSI backfilling and a vector index still
    // allocating, however soon the engine settles them (AWS's answer; a DescribeTable may then
    // find them ACTIVE).
    let building: Vec<(String, bool)> = (added.iter().map(|i| (i.name.clone(), true)))
        .chain(vector_added.iter().map(|name| (name.clone(), false)))
        .collect();
    let status = if synchronous {
        TableStatus::Active
    } else {
        let def = &state.def;
        let (until, added) = (engine.settles_at(now_millis), added.into_iter().map(|i| i.name));
        let kept = |n: &str| def.index(n).is_some() || def.vector_indexes.iter().any(|v| v.name == n);
        table.transition(|l| {
            l.update(until, added, kept);
            cancelled.iter().for_each(|name| l.cancel(name));
            if let Some(name) = vector_added {
                l.build_vector(name, now_millis, until);
            }
        });
        TableStatus::Updating
    };
    let table = echo_before.unwrap_or_else(|| {
        let mut described = TableDescription::of(&table, &state, status, now_millis);
        for (name, backfilling) in building {
            described.index_statuses.insert(name, (TableStatus::Creating, Some(backfilling)));
        }
        if let Some((throughput, decreases)) = capacity_before {
            described.def.throughput = throughput;
            described.def.capacity_changes.decreases_that_day = decreases;
        }
        described
    });
    Ok(Output { table })
}

/// DynamoDB takes one kind of change per UpdateTable (AWS, October 2026): encryption, table
/// class, deletion protection and warm throughput each alone, named in that order when several
/// are asked; OnDemandThroughput only with BillingMode; a stream change or an index build not
/// with a change of provisioned capacity ("IOPS"), nor a build with a stream change. Billing
/// mode, throughput and index throughput updates combine.
fn check_one_concern(input: &Input) -> Result<()> {
    let builds = input.index_updates.iter().any(|u| !matches!(u, IndexUpdate::Update { .. }))
        || !input.vector_updates.is_empty();
    let creates = input.index_updates.iter().any(|u| matches!(u, IndexUpdate::Create(_)));
    let iops = input.throughput.is_some() || input.billing_mode == Some(BillingMode::Provisioned);
    let besides_billing = [
        input.throughput.is_some(),
        input.stream.is_some(),
        !input.index_updates.is_empty() || !input.vector_updates.is_empty(),
        input.deletion_protection.is_some(),
        input.sse.is_some(),
        input.table_class.is_some(),
        input.warm_throughput.is_some(),
    ]
    .into_iter()
    .filter(|&asked| asked)
    .count();
    let on_demand_mixed = input.on_demand.is_some() && besides_billing > 0;
    if besides_billing + usize::from(input.billing_mode.is_some()) > 1 || on_demand_mixed {
        let only = |what: &str| Err(Error::invalid_parameter(format!("{what} must be the only operation in the request")));
        if input.sse.is_some() {
            return only("Server-Side Encryption modification");
        }
        if input.table_class.is_some() {
            return only("TableClass modification");
        }
        if input.deletion_protection.is_some() {
            return only("DeletionProtection modification");
        }
        if on_demand_mixed {
            return Err(Error::invalid_parameter(
                "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request",
            ));
        }
        if input.warm_throughput.is_some() && creates {
            return Err(Error::invalid_parameter(
                "Create global secondary index cannot be specified when updating WarmThroughput",
            ));
        }
        if input.warm_throughput.is_some() {
            return only("WarmThroughput");
        }
    }
    let conflict = |detail: &str| Err(Error::invalid_parameter(detail));
    match (input.stream.is_some(), builds) {
        (true, _) if iops => conflict("You cannot modify stream status while updating table IOPS"),
        (_, true) if iops => conflict("You cannot create or delete index while updating table IOPS"),
        (true, true) => conflict("You cannot create or delete index while changing stream status"),
        _ => Ok(()),
    }
}

/// An index update's WarmThroughput gives a member; an index is named by one action at most, and
/// one call creates or deletes at most one index, global or vector (DynamoDB builds or drops one
/// index at a time).
fn check_index_actions(updates: &[IndexUpdate], vector_actions: usize) -> Result<()> {
    // Checked before the index, or even the table, is looked up (AWS, October 2026).
    for update in updates {
        if let IndexUpdate::Update { name, warm: Some(warm), .. } = update {
            if warm.is_empty() {
                return Err(Error::invalid_parameter(format!(
                    "WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified \
                     for index: {name}"
                )));
            }
        }
    }
    let name = |u: &IndexUpdate| match u {
        IndexUpdate::Create(spec) => spec.name.clone(),
        IndexUpdate::Delete { name } | IndexUpdate::Update { name, .. } => name.clone(),
    };
    let named_twice = updates.iter().enumerate().find(|(i, u)| updates[..*i].iter().any(|o| name(o) == name(u)));
    if let Some((_, update)) = named_twice {
        return Err(Error::invalid_parameter(format!(
            "Only one global secondary index update per index is allowed simultaneously. Index: {}",
            name(update)
        )));
    }
    let builds = updates.iter().filter(|u| !matches!(u, IndexUpdate::Update { .. }));
    if builds.count() + vector_actions > 1 {
        return Err(one_build_at_a_time());
    }
    Ok(())
}

fn one_build_at_a_time() -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
    )
}

/// While a vector index is being added, no other may be (the limit is the table's, not the
/// call's), and it cannot be cancelled before its backfill starts (AWS, August 2026).
fn check_vector_builds(table: &Table, updates: &[VectorUpdate], now: i64) -> Result<()> {
    for update in updates {
        match update {
            VectorUpdate::Create(_) if table.builds_an_index(now) => return Err(one_build_at_a_time()),
            VectorUpdate::Delete { name } if table.building(name, now) == Some(Phase::Allocating) => {
                return Err(Error::resource_in_use(format!(
                    "Attempt to change a resource which is still in use: Index creation is in resource allocation \
                     phase. Retry deletion during backfilling phase or when the index is active. Table: {} Index: {name}",
                    table.name
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Drops the attribute definitions no key schema nor vector search schema uses any more.
fn drop_unused_definitions(def: &mut TableDef) {
    let used = |n: &str| {
        def.key.contains(n)
            || def.indexes().any(|i| i.key.contains(n))
            || def.vector_indexes.iter().any(|v| v.search_schema.iter().any(|e| e.name == n))
    };
    def.attribute_definitions = def.attribute_definitions.iter().filter(|a| used(&a.name)).cloned().collect();
}

/// An index an action deletes or updates must be a global one: a local one is refused by name, a
/// missing one is not found.
fn global_index(def: &TableDef, name: &str, action: &str) -> Result<()> {
    match def.index(name) {
        Some((_, true)) => Ok(()),
        Some((_, false)) => {
            Err(Error::validation(format!("Cannot {action} an index that is not a GlobalSecondaryIndex: {name}")))
        }
        None => Err(missing_index(name, &def.name)),
    }
}

/// The encryption an SSESpecification leaves the table with. Asking for what the table has is
/// refused, as DynamoDB refuses it: the default again, or its key again by that key's ARN.
fn encryption(request: &SseRequest, wants_kms: bool, current: Option<&Sse>, ns: &Namespace) -> Result<Option<Sse>> {
    if !wants_kms {
        return match current {
            None => Err(Error::invalid_parameter("Table is already encrypted by default")),
            Some(_) => Ok(None),
        };
    }
    let arn = request.key_arn(ns);
    if current.is_some_and(|c| c.kms_master_key_arn == arn) && request.kms_master_key_id.as_deref() == Some(&arn) {
        return Err(Error::invalid_parameter(
            "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key",
        ));
    }
    Ok(Some(Sse { kms_master_key_arn: arn }))
}

/// A new index may not give an attribute the table already types (as a key of the table or
/// of another index) a different type.
fn check_no_redefinition(def: &TableDef, new: &KeySchema) -> Result<()> {
    let keys = || std::iter::once(&def.key).chain(def.indexes().map(|i| &i.key));
    // A vector attribute is a list of its index's dimensions (AWS, eu-west-2 and us-east-1,
    // August 2026), else the first redefined attribute's key (an attribute has a type only as
    // part of some key).
    let vector = new.attrs().find_map(|a| def.vector_indexes.iter().find(|v| v.attribute == a.name));
    let existing = match vector {
        Some(v) => format!("VectorIndexSchema:[VectorAttribute: key{{{}:L:{}}}]", v.attribute, v.dimensions),
        None => match new
            .attrs()
            .filter(|a| def.attribute_type(&a.name).is_some_and(|ty| ty != a.ty))
            .find_map(|a| keys().find(|k| k.contains(&a.name)))
        {
            Some(key) => schema_text(key),
            None => return Ok(()),
        },
    };
    Err(Error::invalid_parameter(format!(
        "Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. \
         Existing schema: {existing} New schema: {}",
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

/// An index the table does not have (AWS, October 2026: DDB-TABLE-161, -456).
fn missing_index(name: &str, table: &str) -> Error {
    Error::resource_not_found(format!("Requested resource not found: Index {name} for table {table}"))
}

/// Why a warm throughput below the current one is refused (the table's or an index's).
fn lower_than_current(_: &str) -> String {
    "current WarmThroughput, decreasing WarmThroughput is not supported".to_owned()
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

/// DynamoDB's refusal of a throughput change to the current values, of the table or of `index`
/// (which it names "the index X", then "index X").
fn unchanged_message(index: Option<&str>, current: Throughput, requested: Throughput) -> String {
    let (subject, owner) = match index {
        Some(name) => (format!("the index {name}"), format!("index {name}")),
        None => ("the table".to_owned(), "the table".to_owned()),
    };
    format!(
        "The provisioned throughput for {subject} will not change. The requested value equals the current value. \
         Current ReadCapacityUnits provisioned for {owner}: {}. Requested ReadCapacityUnits: {}. \
         Current WriteCapacityUnits provisioned for {owner}: {}. Requested WriteCapacityUnits: {}. \
         Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
        current.read, requested.read, current.write, requested.write
    )
}
