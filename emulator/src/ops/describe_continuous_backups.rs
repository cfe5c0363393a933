//! DescribeContinuousBackups: continuous backups are on for every table; point-in-time recovery
//! is off until UpdateContinuousBackups turns it on.

use super::answer::ContinuousBackups;
use super::tables::backed_up_table;
use super::Cx;
use crate::error::Result;

pub struct Input {
    /// A table name or ARN.
    pub table: String,
}

pub struct Output {
    pub backups: ContinuousBackups,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let table = backed_up_table(cx, &input.table)?;
    let backups = ContinuousBackups::of(&table.state.read().def, now_millis);
    Ok(Output { backups })
}
