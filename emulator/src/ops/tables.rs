//! Control-plane table lookups: DescribeTable, UpdateTable, DeleteTable, the TTL and backup
//! operations name the table in their not-found messages, unlike the item operations.

use std::sync::Arc;

use parking_lot::RwLockWriteGuard;

use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Status, Table, TableState};

/// A control-plane lookup at `now`, whose message names the table; it finds DELETING tables too.
pub fn table_named(cx: &Cx, name_or_arn: &str, now: i64) -> Result<Arc<Table>> {
    let name = name_in(cx, name_or_arn)?;
    cx.ns
        .store
        .table_or_deleting(name, now)
        .ok_or_else(|| missing_table(name))
}

/// The table name a request's TableName gives: itself, or the name inside a table ARN, which must
/// be one of this account and region (AWS, October 2026: another region's or partition's ARN is
/// refused in those words, another account's is AccessDenied). Our reading: an index's or
/// stream's ARN, which AWS refuses without a recorded text, is refused as a wrong resource type.
pub fn name_in<'a>(cx: &Cx, name_or_arn: &'a str) -> Result<&'a str> {
    // Every item operation passes here: a plain name costs nothing more.
    if !name_or_arn.starts_with("arn:") {
        return Ok(name_or_arn);
    }
    let parts: Vec<&str> = name_or_arn.splitn(6, ':').collect();
    let ["arn", partition, service, region, account, resource] = parts[..] else {
        return Ok(name_or_arn);
    };
    let invalid = |what: &str| {
        Error::validation(format!(
            "1 validation error detected: Invalid {what} in '{name_or_arn}'"
        ))
    };
    if partition != cx.ns.partition() {
        return Err(invalid("AWS partition"));
    }
    if region != cx.ns.region {
        return Err(invalid("AWS region"));
    }
    let table = resource
        .strip_prefix("table/")
        .filter(|n| !n.is_empty() && !n.contains('/'));
    let Some(table) = table.filter(|_| service == "dynamodb") else {
        return Err(invalid("resource type"));
    };
    if account != cx.ns.account {
        return Err(super::resources::other_account());
    }
    Ok(table)
}

pub fn missing_table(name: &str) -> Error {
    Error::resource_not_found(format!("Requested resource not found: Table: {name} not found"))
}

/// The write lock of a table looked up by `name`, for a table-level change at `now`: refused
/// unless the table is ACTIVE (ResourceInUse while it is in transition), and ResourceNotFound once
/// a DeleteTable dropped it for good, so changes order with DeleteTable.
pub fn live<'t>(table: &'t Table, name: &str, now: i64) -> Result<RwLockWriteGuard<'t, TableState>> {
    let state = table.state.write();
    let doing = match (table.status(now), state.dropped) {
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

/// The backup operations' lookup: they name a missing table TableNotFoundException.
pub fn backed_up_table(cx: &Cx, name_or_arn: &str) -> Result<Arc<Table>> {
    let name = name_in(cx, name_or_arn)?;
    cx.ns
        .store
        .table(name)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))
}
