//! DeleteTable: removes the table's items from reach at once; the answer describes it as DELETING,
//! as AWS's does, and with transient statuses on it stays listed and described DELETING (a second
//! DeleteTable then answers the same, without error) until the delay has passed.

use super::answer::{TableDescription, TableStatus};
use super::tables::{live, table_named};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    /// A table name or ARN.
    pub table: String,
}

pub struct Output {
    /// The table as it was removed, DELETING.
    pub table: TableDescription,
}

pub fn run(cx @ &Cx { engine, now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let name = &input.table;
    let table = table_named(cx, name, now_millis)?;
    if table.status(now_millis) == TableStatus::Deleting {
        let table = TableDescription::of(&table, &table.state.read(), TableStatus::Deleting, now_millis);
        return Ok(Output { table });
    }
    let mut state = live(&table, name, now_millis)?;
    if table.builds_an_index(now_millis) {
        return Err(Error::resource_in_use(
            "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.",
        ));
    }
    if state.def.deletion_protection {
        return Err(Error::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let description = TableDescription::of(&table, &state, TableStatus::Deleting, now_millis);
    cx.ns.store.remove(&table, &mut state);
    let until = engine.settles_at(now_millis);
    if now_millis < until {
        table.transition(|l| l.delete(until));
        cx.ns.store.keep_deleting(table.clone(), now_millis);
    }
    // The stream outlives the table as DISABLED, readable for 24 hours.
    if let Some(stream) = &state.data.stream {
        stream.disable();
    }
    drop(state);
    let arn = cx.ns.table_arn(&table.name);
    cx.ns.store.remove_tags(&arn);
    cx.ns.store.remove_policies(&arn);
    Ok(Output { table: description })
}
