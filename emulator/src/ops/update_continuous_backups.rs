//! UpdateContinuousBackups: turns point-in-time recovery on (keeping the time it was first turned
//! on, and the recovery period unless a new one is given) or off.

use super::answer::ContinuousBackups;
use super::tables::backed_up_table;
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{PointInTimeRecovery, TableDef};

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    /// PointInTimeRecoveryEnabled.
    pub enabled: bool,
    /// RecoveryPeriodInDays (1 to 35), when given.
    pub recovery_period_days: Option<i64>,
}

pub struct Output {
    pub backups: ContinuousBackups,
}

/// The recovery period when none is given.
const DEFAULT_RECOVERY_DAYS: i64 = 35;

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    if !input.enabled && input.recovery_period_days.is_some() {
        return Err(Error::validation(
            "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.",
        ));
    }
    let table = backed_up_table(cx, &input.table)?;
    let mut state = table.state.write();
    let mut def = TableDef::clone(&state.def);
    let current = def.point_in_time_recovery;
    def.point_in_time_recovery = input.enabled.then(|| PointInTimeRecovery {
        enabled_at_millis: current.map_or(now_millis, |c| c.enabled_at_millis),
        recovery_period_days: input
            .recovery_period_days
            .or(current.map(|c| c.recovery_period_days))
            .unwrap_or(DEFAULT_RECOVERY_DAYS),
    });
    table.set_def(&mut state, def);
    Ok(Output { backups: ContinuousBackups::of(&state.def, now_millis, state.recovery.exact_since()) })
}
