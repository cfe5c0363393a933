//! The one encoder of each answer piece operations share (`ops::answer`).

use serde_json::{json, Map, Value};

use crate::model::{
    warm_throughput, BillingMode, CapacityChanges, IndexDef, KeyAttr, KeySchema, OnDemandLimits, Projection, Sse,
    Throughput, VectorIndexDef,
};
use crate::ops::answer::{ConsumedCapacity, ContinuousBackups, ItemCollectionMetrics, TableDescription, TableStatus};
use crate::ops::insights::InsightsDescription;
use crate::protocol::attr::encode_map;
use crate::store::Backup;

pub fn consumed_capacity(c: &ConsumedCapacity) -> Value {
    // A transaction's arms also carry their reads and writes (an index's units are writes).
    let arm = |units: f64, reads: f64| {
        let mut a = json!({"CapacityUnits": units});
        if c.transaction_reads.is_some() {
            for (name, n) in [("ReadCapacityUnits", reads), ("WriteCapacityUnits", units - reads)] {
                if n > 0.0 {
                    a[name] = json!(n);
                }
            }
        }
        a
    };
    let reads = c.transaction_reads.unwrap_or(0.0);
    let mut v = arm(c.total(), reads);
    v["TableName"] = json!(c.table);
    if c.indexes_detail {
        v["Table"] = arm(c.table_units, reads);
        let units = |per: &std::collections::BTreeMap<String, f64>| -> Map<String, Value> {
            per.iter().map(|(i, n)| (i.clone(), arm(*n, 0.0))).collect()
        };
        if !c.global_indexes.is_empty() {
            v["GlobalSecondaryIndexes"] = units(&c.global_indexes).into();
        }
        if !c.local_indexes.is_empty() {
            v["LocalSecondaryIndexes"] = units(&c.local_indexes).into();
        }
        if !c.vector_indexes.is_empty() {
            let bytes = c
                .vector_indexes
                .iter()
                .map(|(i, n)| (i.clone(), json!({"VectorWriteRequestBytes": n})));
            v["VectorIndexes"] = bytes.collect::<Map<String, Value>>().into();
        }
    }
    v
}

pub fn item_collection_metrics(m: &ItemCollectionMetrics) -> Value {
    json!({"ItemCollectionKey": encode_map(&m.key), "SizeEstimateRangeGB": [0.0, 1.0]})
}

pub fn key_schema(key: &KeySchema) -> Value {
    let element = |a: &KeyAttr, kind| json!({"AttributeName": a.name, "KeyType": kind});
    key.hash
        .iter()
        .map(|a| element(a, "HASH"))
        .chain(key.range.iter().map(|a| element(a, "RANGE")))
        .collect()
}

fn projection(index: &IndexDef) -> Value {
    projection_of(&index.projection)
}

/// A projection as DynamoDB describes it: NonKeyAttributes sorted by name, as is AttributeDefinitions
/// (AWS, October 2026, the ACK catalogue's DDB-TABLE-125), whatever order they were sent in.
fn projection_of(projection: &Projection) -> Value {
    let mut p = json!({"ProjectionType": projection.kind.as_str()});
    if !projection.non_key_attributes.is_empty() {
        let mut names: Vec<&String> = projection.non_key_attributes.iter().collect();
        names.sort();
        p["NonKeyAttributes"] = json!(names);
    }
    p
}

/// A vector index's definition: DescribeTable's VectorIndexDescription adds its state to it, a
/// backup's VectorIndexInfo is it alone.
fn vector_index_info(v: &VectorIndexDef) -> Value {
    let mut d = json!({
        "IndexName": v.name,
        "VectorAttribute": {"AttributeName": v.attribute},
        "Dimensions": v.dimensions,
        "DistanceFunction": v.distance.as_str(),
        "Projection": projection_of(&v.projection),
    });
    if !v.search_schema.is_empty() {
        d["SearchSchema"] = v
            .search_schema
            .iter()
            .map(|e| json!({"AttributeName": e.name, "SearchSchemaElementType": e.role.as_str()}))
            .collect();
    }
    d
}

fn throughput(t: Throughput, changes: &CapacityChanges, now_millis: i64) -> Value {
    let mut v = json!({
        "NumberOfDecreasesToday": changes.decreases_today(now_millis),
        "ReadCapacityUnits": t.read,
        "WriteCapacityUnits": t.write,
    });
    if let Some(at) = changes.last_increase_millis {
        v["LastIncreaseDateTime"] = json!(at as f64 / 1000.0);
    }
    if let Some(at) = changes.last_decrease_millis {
        v["LastDecreaseDateTime"] = json!(at as f64 / 1000.0);
    }
    v
}

/// A WarmThroughputDescription: raising it is taken at once here, so it is always ACTIVE.
fn warm(w: Throughput) -> Value {
    json!({"ReadUnitsPerSecond": w.read, "WriteUnitsPerSecond": w.write, "Status": "ACTIVE"})
}

/// An OnDemandThroughput of a table or GSI: the limits set, none when neither is.
fn on_demand_limits(limits: OnDemandLimits) -> Option<Value> {
    let limits: Map<String, Value> = [
        ("MaxReadRequestUnits", limits.read),
        ("MaxWriteRequestUnits", limits.write),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), json!(v?))))
    .collect();
    (!limits.is_empty()).then(|| limits.into())
}

fn table_status(status: TableStatus) -> &'static str {
    match status {
        TableStatus::Creating => "CREATING",
        TableStatus::Updating => "UPDATING",
        TableStatus::Deleting => "DELETING",
        TableStatus::Active => "ACTIVE",
    }
}

pub fn table_description(t: &TableDescription) -> Value {
    let def = &t.def;
    let mut definitions: Vec<_> = def.attribute_definitions.iter().collect();
    definitions.sort_by(|a, b| a.name.cmp(&b.name));
    let mut d = json!({
        "AttributeDefinitions": definitions.iter()
            .map(|a| json!({"AttributeName": a.name, "AttributeType": a.ty.as_str()})).collect::<Vec<_>>(),
        "TableName": def.name,
        "KeySchema": key_schema(&def.key),
        "TableStatus": table_status(t.status),
        "CreationDateTime": def.created_at,
        "ProvisionedThroughput": throughput(def.throughput, &def.capacity_changes, t.now_millis),
        "TableSizeBytes": t.size_bytes,
        "ItemCount": t.item_count,
        "TableArn": t.arn,
        "TableId": def.table_id,
        "DeletionProtectionEnabled": def.deletion_protection,
    });
    // A table that was ever on-demand says when it last became so (not yet while CREATING); one
    // always provisioned has no summary.
    let creating = t.status == TableStatus::Creating;
    let on_demand = def.billing_mode == BillingMode::PayPerRequest;
    let since = def.pay_per_request_since.or(on_demand.then_some(def.created_at));
    if let Some(since) = since {
        let mode = if on_demand { "PAY_PER_REQUEST" } else { "PROVISIONED" };
        d["BillingModeSummary"] = json!({"BillingMode": mode});
        if !creating {
            d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] = json!(since);
        }
    }
    if let Some(limits) = on_demand_limits(def.on_demand) {
        d["OnDemandThroughput"] = limits;
    }
    if !creating {
        d["WarmThroughput"] = warm(warm_throughput(def.warm, def.billing_mode, Some(def.throughput)));
    }
    let index = |i: &IndexDef, global: bool| {
        let (size, count) = t.index_stats.get(&i.name).copied().unwrap_or_default();
        let mut v = json!({
            "IndexName": i.name,
            "KeySchema": key_schema(&i.key),
            "Projection": projection(i),
            "IndexSizeBytes": size,
            "ItemCount": count,
            "IndexArn": format!("{}/index/{}", t.arn, i.name),
        });
        if global {
            let (status, backfilling) = t
                .index_statuses
                .get(&i.name)
                .copied()
                .unwrap_or((TableStatus::Active, None));
            v["IndexStatus"] = json!(table_status(status));
            if let Some(backfilling) = backfilling {
                v["Backfilling"] = json!(backfilling);
            }
            let tp = i.throughput.unwrap_or_default();
            v["ProvisionedThroughput"] = throughput(tp, &i.capacity_changes, t.now_millis);
            v["WarmThroughput"] = warm(warm_throughput(i.warm, def.billing_mode, i.throughput));
            if let Some(limits) = on_demand_limits(i.on_demand) {
                v["OnDemandThroughput"] = limits;
            }
        }
        v
    };
    if !def.local_indexes.is_empty() {
        d["LocalSecondaryIndexes"] = def.local_indexes.iter().map(|i| index(i, false)).collect();
    }
    if !def.global_indexes.is_empty() {
        d["GlobalSecondaryIndexes"] = def.global_indexes.iter().map(|i| index(i, true)).collect();
    }
    if !def.vector_indexes.is_empty() {
        let described = |v: &VectorIndexDef| {
            let (size, count) = t.index_stats.get(&v.name).copied().unwrap_or_default();
            let (status, backfilling) = t
                .index_statuses
                .get(&v.name)
                .copied()
                .unwrap_or((TableStatus::Active, None));
            let mut d = vector_index_info(v);
            d["IndexStatus"] = json!(table_status(status));
            if let Some(backfilling) = backfilling {
                d["Backfilling"] = json!(backfilling);
            }
            d["IndexSizeBytes"] = json!(size);
            d["ItemCount"] = json!(count);
            d["IndexArn"] = json!(format!("{}/index/{}", t.arn, v.name));
            d
        };
        d["VectorIndexes"] = def.vector_indexes.iter().map(described).collect();
    }
    if let Some(s) = &def.stream {
        d["StreamSpecification"] = json!({"StreamEnabled": true, "StreamViewType": s.view_type});
    }
    if let Some((label, arn)) = &t.latest_stream {
        d["LatestStreamLabel"] = json!(label);
        d["LatestStreamArn"] = json!(arn);
    }
    if let Some(c) = &def.table_class {
        d["TableClassSummary"] = json!({"TableClass": c});
        if let Some(at) = def.table_class_changed_at {
            d["TableClassSummary"]["LastUpdateDateTime"] = json!(at);
        }
    }
    let status = if t.sse_updating { "UPDATING" } else { "ENABLED" };
    match &def.sse {
        Some(sse) => d["SSEDescription"] = sse_description(status, sse),
        None if t.sse_updating => d["SSEDescription"] = json!({"Status": status}),
        None => {}
    }
    // Only while the restored table is CREATING: nothing marks it once ACTIVE.
    if let Some(from) = def.restored_from.as_ref().filter(|_| creating) {
        d["RestoreSummary"] = json!({
            "SourceTableArn": from.table_arn,
            "RestoreDateTime": from.at_millis as f64 / 1000.0,
            "RestoreInProgress": true,
        });
        if let Some(arn) = &from.backup_arn {
            d["RestoreSummary"]["SourceBackupArn"] = json!(arn);
        }
    }
    d
}

fn sse_description(status: &str, sse: &Sse) -> Value {
    json!({"Status": status, "SSEType": "KMS", "KMSMasterKeyArn": sse.kms_master_key_arn})
}

/// CreateBackup's BackupDetails, in `status` (CREATING, AVAILABLE or DELETED as the answer goes).
pub fn backup_details(b: &Backup, status: &str) -> Value {
    json!({
        "BackupArn": b.arn,
        "BackupName": b.name,
        "BackupSizeBytes": b.data.size_bytes,
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupCreationDateTime": b.created_millis as f64 / 1000.0,
    })
}

/// DescribeBackup's and DeleteBackup's BackupDescription: the details, and the table as it was
/// (its features only when they were on; indexes with key, projection and, for global ones,
/// throughput).
pub fn backup_description(b: &Backup, status: &str) -> Value {
    let def = &b.def;
    let mut features = json!({});
    let index = |i: &IndexDef, global: bool| {
        let mut v = json!({"IndexName": i.name, "KeySchema": key_schema(&i.key), "Projection": projection(i)});
        if global {
            let t = i.throughput.unwrap_or_default();
            v["ProvisionedThroughput"] = json!({"ReadCapacityUnits": t.read, "WriteCapacityUnits": t.write});
        }
        v
    };
    if !def.local_indexes.is_empty() {
        features["LocalSecondaryIndexes"] = def.local_indexes.iter().map(|i| index(i, false)).collect();
    }
    if !def.global_indexes.is_empty() {
        features["GlobalSecondaryIndexes"] = def.global_indexes.iter().map(|i| index(i, true)).collect();
    }
    if !def.vector_indexes.is_empty() {
        features["VectorIndexes"] = def.vector_indexes.iter().map(vector_index_info).collect();
    }
    if let Some(s) = &def.stream {
        features["StreamDescription"] = json!({"StreamEnabled": true, "StreamViewType": s.view_type});
    }
    if let Some(attribute) = &b.ttl {
        features["TimeToLiveDescription"] = json!({"TimeToLiveStatus": "ENABLED", "AttributeName": attribute});
    }
    if let Some(sse) = &def.sse {
        features["SSEDescription"] = sse_description("ENABLED", sse);
    }
    let billing = match def.billing_mode {
        BillingMode::PayPerRequest => "PAY_PER_REQUEST",
        BillingMode::Provisioned => "PROVISIONED",
    };
    json!({
        "BackupDetails": backup_details(b, status),
        "SourceTableDetails": {
            "TableName": def.name,
            "TableId": def.table_id,
            "TableArn": def.arn,
            "TableSizeBytes": b.data.size_bytes,
            "KeySchema": key_schema(&def.key),
            "TableCreationDateTime": def.created_at,
            "ProvisionedThroughput": {"ReadCapacityUnits": def.throughput.read, "WriteCapacityUnits": def.throughput.write},
            "ItemCount": b.item_count(),
            "BillingMode": billing,
        },
        "SourceTableFeatureDetails": features,
    })
}

/// A ListBackups summary.
pub fn backup_summary(b: &Backup) -> Value {
    let mut v = backup_details(b, "AVAILABLE");
    v["TableName"] = json!(b.def.name);
    v["TableId"] = json!(b.def.table_id);
    v["TableArn"] = json!(b.def.arn);
    v
}

pub fn continuous_backups(b: &ContinuousBackups) -> Value {
    let recovery = match &b.point_in_time_recovery {
        None => json!({ "PointInTimeRecoveryStatus": "DISABLED" }),
        Some(w) => json!({
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": w.period_days,
            "EarliestRestorableDateTime": w.earliest_millis as f64 / 1000.0,
            "LatestRestorableDateTime": w.latest_millis as f64 / 1000.0,
        }),
    };
    json!({ "ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery })
}

pub fn insights_mode(throttled_only: bool) -> &'static str {
    if throttled_only {
        "THROTTLED_KEYS"
    } else {
        "ACCESSED_AND_THROTTLED_KEYS"
    }
}

/// DescribeContributorInsights' answer (`full`), or a ListContributorInsights summary: the
/// status, and the mode once one was set; the rules and last change only in the full answer.
pub fn insights(d: &InsightsDescription, full: bool) -> Value {
    let mut v = json!({"TableName": d.table});
    if let Some(index) = &d.index {
        v["IndexName"] = json!(index);
    }
    let enabled = d.settings.as_ref().is_some_and(|s| s.enabled);
    v["ContributorInsightsStatus"] = json!(if enabled { "ENABLED" } else { "DISABLED" });
    if let Some(s) = &d.settings {
        v["ContributorInsightsMode"] = json!(insights_mode(s.throttled_only));
        if full {
            v["LastUpdateDateTime"] = json!(s.updated_millis as f64 / 1000.0);
        }
    }
    if full && enabled {
        v["ContributorInsightsRuleList"] = json!(d.rules);
    }
    v
}
