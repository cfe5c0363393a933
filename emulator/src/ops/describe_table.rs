//! DescribeTable: the full TableDescription, with the table's and its indexes' statuses now.

use super::answer::TableDescription;
use super::tables::table_named;
use super::Cx;
use crate::error::Result;

pub struct Input {
    /// A table name or ARN.
    pub table: String,
}

pub struct Output {
    pub table: TableDescription,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let now = cx.now_millis;
    let table = table_named(cx, &input.table, now)?;
    let state = table.state.read();
    Ok(Output { table: TableDescription::of(&table, &state, table.status(now), now) })
}
