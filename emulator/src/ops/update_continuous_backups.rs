//! UpdateContinuousBackups: turns point-in-time recovery on (keeping the time it was first turned
//! on, and the recovery period unless a new one is given) or off.

use serde_json::{json, Value};

use super::describe_continuous_backups::{backed_up_table, description};
use super::Cx;
use crate::error::Result;
use crate::model::PointInTimeRecovery;
use crate::protocol::shape::{field, int, required, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required(
        "PointInTimeRecoverySpecification",
        Shape::Struct {
            java: "PointInTimeRecoverySpecification",
            fields: &[
                required("PointInTimeRecoveryEnabled", Shape::Bool),
                field("RecoveryPeriodInDays", int(Some(1), Some(35))),
            ],
        },
    ),
];

/// The recovery period when none is given.
const DEFAULT_RECOVERY_DAYS: i64 = 35;

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let table = backed_up_table(engine, body)?;
    let spec = body.child("PointInTimeRecoverySpecification").unwrap_or(body);
    let mut state = table.state.write();
    let current = state.def.point_in_time_recovery;
    state.def.point_in_time_recovery = match spec.bool("PointInTimeRecoveryEnabled") {
        Some(true) => Some(PointInTimeRecovery {
            enabled_at_millis: current.map_or_else(|| engine.clock.now_millis(), |c| c.enabled_at_millis),
            recovery_period_days: spec
                .int("RecoveryPeriodInDays")
                .or(current.map(|c| c.recovery_period_days))
                .unwrap_or(DEFAULT_RECOVERY_DAYS),
        }),
        _ => None,
    };
    Ok(json!({ "ContinuousBackupsDescription": description(engine, &state.def) }))
}
