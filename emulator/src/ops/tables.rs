//! Control-plane table lookups: DescribeTable, UpdateTable, DeleteTable, the TTL and backup
//! operations name the table in their not-found messages, unlike the item operations.

use std::sync::Arc;

use parking_lot::RwLockWriteGuard;

use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Status, Table, TableState};

/// A control-plane lookup at `now`, whose message names the table; it finds DELETING tables too.
pub fn table_named(cx: &Cx, name: &str, now: i64) -> Result<Arc<Table>> {
    cx.ns
        .store
        .table_or_deleting(cx.engine.table_name(name), now)
        .ok_or_else(|| missing_table(name))
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
    let name = cx.engine.table_name(name_or_arn);
    cx.ns
        .store
        .table(name)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))
}
