//! DeleteTable: removes the table at once; the answer describes it as DELETING, as AWS's does.

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

pub fn run(&Cx { engine, .. }: &Cx, input: Input) -> Result<Output> {
    let name = &input.table;
    let table = table_named(engine, name)?;
    let mut state = live(&table, name)?;
    if state.def.deletion_protection {
        return Err(Error::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let description = TableDescription::of(engine, &state, TableStatus::Deleting);
    engine.store.remove(&table, &mut state);
    // The stream outlives the table as DISABLED, readable for 24 hours.
    if let Some(stream) = &state.data.stream {
        stream.disable();
    }
    drop(state);
    let arn = engine.table_arn(&table.name);
    engine.store.remove_tags(&arn);
    engine.store.remove_policies(&arn);
    Ok(Output { table: description })
}
