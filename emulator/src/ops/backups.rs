//! What the backup and restore operations share: backup ARNs and their lookup, the restore
//! overrides, and the making of a restored table.

use std::sync::Arc;

use super::answer::{TableDescription, TableStatus};
use super::resources::{foreign, other_account};
use super::table_spec::{key_schema, projection, table_id, IndexSpec, SseRequest};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{BillingMode, IndexDef, RestoredFrom, Sse, TableDef, Throughput};
use crate::store::{Backup, Status, Table, TableData};

/// `table_arn`'s backup made at `created_millis`: DynamoDB's id is the time in milliseconds (14
/// digits) and 8 hexadecimal digits; `salt` varies them between backups made in one millisecond.
pub fn backup_arn(def: &TableDef, name: &str, created_millis: i64, salt: u32) -> String {
    let tag = crc32fast::hash(format!("{}/{name}/{created_millis}/{salt}", def.table_id).as_bytes());
    format!("{}/backup/{created_millis:014}-{tag:08x}", def.arn)
}

/// The backup `arn` names. Another account's backup is AccessDenied before it is looked for, as
/// DynamoDB authorizes on the ARN's account first; the region is not compared (DynamoDB ignores it
/// too): a backup is known by its table's name and its id.
pub fn find_backup(cx: &Cx, arn: &str) -> Result<Arc<Backup>> {
    let (table, id) = parse_arn(arn)?;
    if foreign(cx, arn) {
        return Err(other_account());
    }
    cx.ns
        .store
        .backup(&format!("{}/backup/{id}", cx.ns.table_arn(table)))
        .ok_or_else(|| Error::new(ErrorKind::BackupNotFound, format!("Backup not found: {arn}")))
}

/// The table name and backup id of `arn:<partition>:dynamodb:<region>:<account>:table/<name>/backup/<id>`.
pub fn parse_arn(arn: &str) -> Result<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let resource = match parts[..] {
        ["arn", _, "dynamodb", _, _, resource] => resource,
        _ => return Err(Error::validation("Invalid Backup ARN")),
    };
    match resource.split('/').collect::<Vec<_>>()[..] {
        ["table", table, "backup", id] if !table.is_empty() && !id.is_empty() => Ok((table, id)),
        _ => Err(Error::validation("Invalid Backup ARN")),
    }
}

/// The table a restore from `backup_arn` is still making (CREATING), if any: a backup feeds one
/// restore at a time.
pub fn restoring_from(cx: &Cx, backup_arn: &str) -> Option<Arc<Table>> {
    cx.ns.store.tables().into_iter().find(|t| {
        t.status(cx.now_millis) == Status::Creating
            && t.def().restored_from.as_ref().and_then(|r| r.backup_arn.as_deref()) == Some(backup_arn)
    })
}

/// RestoreTableFromBackup's and RestoreTableToPointInTime's overrides of the source's settings.
#[derive(Default)]
pub struct Overrides {
    pub billing_mode: Option<BillingMode>,
    pub throughput: Option<Throughput>,
    /// `Some(empty)` drops every index of the kind; `None` keeps them all.
    pub global_indexes: Option<Vec<IndexSpec>>,
    pub local_indexes: Option<Vec<IndexSpec>>,
    pub sse: Option<SseRequest>,
}

/// The definition of table `target` restored from `source` (the source table as it was) with
/// `overrides`: keys, indexes, billing, throughput and encryption carry over; streams, TTL,
/// point-in-time recovery, deletion protection and the table class do not, as in DynamoDB.
pub fn restored_def(
    cx: &Cx,
    source: &TableDef,
    target: &str,
    overrides: Overrides,
    from: RestoredFrom,
) -> Result<TableDef> {
    let billing_mode = overrides.billing_mode.unwrap_or(source.billing_mode);
    if overrides.throughput.is_some() && billing_mode != BillingMode::Provisioned {
        return Err(Error::validation(
            "Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED",
        ));
    }
    if overrides.billing_mode == Some(BillingMode::Provisioned) && overrides.throughput.is_none() {
        return Err(Error::validation(
            "Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED",
        ));
    }
    let throughput = match billing_mode {
        BillingMode::PayPerRequest => Throughput::default(),
        BillingMode::Provisioned => overrides.throughput.unwrap_or(source.throughput),
    };
    let provisioned = billing_mode == BillingMode::Provisioned;
    let global_indexes = kept_indexes(source, &source.global_indexes, overrides.global_indexes)?
        .into_iter()
        .map(|mut index| {
            index.throughput = provisioned.then(|| index.throughput.unwrap_or(throughput));
            index.warm = Throughput::default();
            index.capacity_changes = Default::default();
            index
        })
        .collect::<Vec<_>>();
    let local_indexes = kept_indexes(source, &source.local_indexes, overrides.local_indexes)?;
    let sse = match overrides.sse {
        Some(request) if request.wants_kms()? => Some(Sse {
            kms_master_key_arn: request.key_arn(cx.ns),
        }),
        Some(_) => None,
        None => source.sse.clone(),
    };
    // Vector indexes come along while the table stays on-demand, the only mode that has them.
    let vector_indexes = if provisioned {
        Vec::new()
    } else {
        source.vector_indexes.clone()
    };
    let used: Vec<&str> = source
        .key
        .attrs()
        .chain(global_indexes.iter().chain(&local_indexes).flat_map(|i| i.key.attrs()))
        .map(|a| a.name.as_str())
        .chain(
            vector_indexes
                .iter()
                .flat_map(|v| v.search_schema.iter().map(|e| e.name.as_str())),
        )
        .collect();
    let now = cx.now_millis;
    let mut def = TableDef {
        name: target.to_string(),
        key: source.key.clone(),
        attribute_definitions: source
            .attribute_definitions
            .iter()
            .filter(|a| used.contains(&a.name.as_str()))
            .cloned()
            .collect(),
        global_indexes,
        local_indexes,
        billing_mode,
        throughput,
        created_at: now as f64 / 1000.0,
        table_id: table_id(target, now),
        arn: cx.ns.table_arn(target),
        deletion_protection: false,
        stream: None,
        table_class: None,
        table_class_changed_at: None,
        pay_per_request_since: (!provisioned).then_some(now as f64 / 1000.0),
        warm: Throughput::default(),
        capacity_changes: Default::default(),
        sse,
        point_in_time_recovery: None,
        restored_from: Some(from),
        insights: Default::default(),
        vector_indexes,
        on_demand: Default::default(),
    };
    def.settle_warm();
    Ok(def)
}

/// The source's indexes of one kind that a restore keeps: all of them without an override, else
/// those the override lists, each matched to a source index by key schema and projection (it may
/// take another name and, for a global index, another throughput).
fn kept_indexes(source: &TableDef, indexes: &[IndexDef], requested: Option<Vec<IndexSpec>>) -> Result<Vec<IndexDef>> {
    let Some(requested) = requested else {
        return Ok(indexes.to_vec());
    };
    requested
        .into_iter()
        .map(|spec| {
            let unknown = || {
                Error::validation(format!(
                    "Index {} does not match a secondary index that existed in the source table and cannot be created during the restore operation",
                    spec.name
                ))
            };
            let key = key_schema(&spec.key, &source.attribute_definitions).map_err(|_| unknown())?;
            let projection = projection(&spec.projection)?;
            let matched = indexes.iter().find(|i| i.key == key && i.projection == projection).ok_or_else(unknown)?;
            Ok(IndexDef {
                name: spec.name.clone(),
                throughput: spec.throughput.or(matched.throughput),
                ..matched.clone()
            })
        })
        .collect()
}

/// `data` (the source's, with index entries under the source's index names) as the data of the
/// restored table `def`: each kept index takes the entries of the source index it matched, under
/// its own name, and an index the data lacks (added to the source after the restore point) is
/// built from the items.
fn restored_data(source: &TableDef, def: &TableDef, data: &TableData) -> (TableData, Vec<IndexDef>) {
    let mut out = data.clone();
    out.stream = None;
    out.ttl = None;
    out.indexes.clear();
    if def.local_indexes.is_empty() {
        out.collections = Default::default();
    }
    let mut missing = Vec::new();
    for index in def.indexes() {
        let from = source
            .indexes()
            .find(|s| s.key == index.key && s.projection == index.projection)
            .and_then(|s| data.indexes.get(&s.name));
        match from {
            Some(rows) => drop(out.indexes.insert(index.name.clone(), rows.clone())),
            None => missing.push(index.clone()),
        }
    }
    (out, missing)
}

/// Adds the restored table `def` with `data` (the source `source`'s) to the store, CREATING for
/// the engine's transient delay: refused when the name is taken (TableAlreadyExists) or being
/// restored into (TableInUse).
pub fn create_restored(cx: &Cx, source: &TableDef, def: TableDef, data: &TableData) -> Result<TableDescription> {
    let name = def.name.clone();
    if let Some(existing) = cx.ns.store.table_or_deleting(&name, cx.now_millis) {
        let restoring = existing
            .def()
            .restored_from
            .clone()
            .filter(|_| existing.status(cx.now_millis) == Status::Creating);
        if let Some(RestoredFrom {
            backup_arn: Some(arn), ..
        }) = restoring
        {
            return Err(Error::new(
                ErrorKind::TableInUse,
                format!("Table: {name} is already being restored from backup: {arn}"),
            ));
        }
        return Err(table_exists(&name));
    }
    let (data, missing) = restored_data(source, &def, data);
    let table = Table::restored(def, data, cx.engine.settles_at(cx.now_millis));
    {
        let mut state = table.state.write();
        for index in &missing {
            state.backfill(index);
        }
    }
    let description = TableDescription::of(&table, &table.state.read(), TableStatus::Creating, cx.now_millis);
    if !cx.ns.store.create(table, cx.now_millis) {
        return Err(table_exists(&name));
    }
    Ok(description)
}

fn table_exists(name: &str) -> Error {
    Error::new(ErrorKind::TableAlreadyExists, format!("Table already exists: {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_arns_are_parsed_into_table_and_id() {
        let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/users/backup/01791504762511-2779fadd";
        assert_eq!(parse_arn(arn).ok(), Some(("users", "01791504762511-2779fadd")));
        for bad in [
            "arn:aws:dynamodb:us-east-1:123456789012:table/users",
            "arn:aws:s3:us-east-1:123456789012:table/users/backup/1",
            "not-an-arn-at-all-but-long-enough-to-pass-the-shape",
            "arn:aws:dynamodb:us-east-1:123456789012:table//backup/1",
        ] {
            let e = parse_arn(bad).err().map(|e| (e.kind, e.message));
            assert_eq!(
                e,
                Some((ErrorKind::Validation, Some("Invalid Backup ARN".to_string()))),
                "{bad}"
            );
        }
    }
}
