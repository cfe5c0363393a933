//! DescribeContinuousBackups: continuous backups are on for every table; point-in-time recovery
//! is off until UpdateContinuousBackups turns it on. Also home of what the two backup operations
//! share: their table lookup and the ContinuousBackupsDescription.

use std::sync::Arc;

use serde_json::{json, Value};

use super::Cx;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::model::TableDef;
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;
use crate::store::Table;

const SHAPE: &[Field] = &[required("TableName", Shape::TableRef)];

/// DynamoDB can restore to no later than about five minutes ago.
const RESTORE_LAG_MILLIS: i64 = 5 * 60 * 1000;

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let table = backed_up_table(engine, body)?;
    let state = table.state.read();
    Ok(json!({ "ContinuousBackupsDescription": description(engine, &state.def) }))
}

/// The request's table; the backup operations name a missing one TableNotFoundException.
pub fn backed_up_table(engine: &Engine, body: Body) -> Result<Arc<Table>> {
    let name = engine.table_name(body.str("TableName").unwrap_or_default());
    engine
        .store
        .table(name)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))
}

pub fn description(engine: &Engine, def: &TableDef) -> Value {
    let recovery = match def.point_in_time_recovery {
        None => json!({ "PointInTimeRecoveryStatus": "DISABLED" }),
        Some(pitr) => {
            let latest = (engine.clock.now_millis() - RESTORE_LAG_MILLIS).max(pitr.enabled_at_millis);
            json!({
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": pitr.recovery_period_days,
                "EarliestRestorableDateTime": pitr.enabled_at_millis as f64 / 1000.0,
                "LatestRestorableDateTime": latest as f64 / 1000.0,
            })
        }
    };
    json!({ "ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery })
}
