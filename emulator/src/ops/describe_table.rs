//! DescribeTable: the full TableDescription; tables are always ACTIVE.

use super::answer::{TableDescription, TableStatus};
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
    let table = table_named(cx.engine, &input.table)?;
    let state = table.state.read();
    Ok(Output { table: TableDescription::of(cx.engine, &state, TableStatus::Active) })
}
