//! Control-plane table lookups: DescribeTable, UpdateTable, DeleteTable, the TTL and backup
//! operations name the table in their not-found messages, unlike the item operations.

use std::sync::Arc;

use parking_lot::RwLockWriteGuard;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Table, TableState};

/// A control-plane lookup, whose message names the table.
pub fn table_named(engine: &Engine, name: &str) -> Result<Arc<Table>> {
    engine
        .store
        .table(engine.table_name(name))
        .ok_or_else(|| missing_table(name))
}

fn missing_table(name: &str) -> Error {
    Error::resource_not_found(format!("Requested resource not found: Table: {name} not found"))
}

/// The write lock of a table looked up by `name`, unless a DeleteTable dropped it meanwhile:
/// table-level changes take effect only on a live table, so they order with DeleteTable.
pub fn live<'t>(table: &'t Table, name: &str) -> Result<RwLockWriteGuard<'t, TableState>> {
    let state = table.state.write();
    if state.dropped {
        return Err(missing_table(name));
    }
    Ok(state)
}

/// The backup operations' lookup: they name a missing table TableNotFoundException.
pub fn backed_up_table(engine: &Engine, name_or_arn: &str) -> Result<Arc<Table>> {
    let name = engine.table_name(name_or_arn);
    engine
        .store
        .table(name)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))
}
