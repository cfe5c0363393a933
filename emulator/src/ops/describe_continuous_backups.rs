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
    let state = table.state.read();
    let backups = ContinuousBackups::of(&state.def, now_millis, state.recovery.exact_since());
    Ok(Output { backups })
}
