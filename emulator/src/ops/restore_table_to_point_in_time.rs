//! RestoreTableToPointInTime: a new table holding a table's data as it was at a moment of its
//! point-in-time recovery window (the table's definition as it is now, with the request's
//! overrides). Checked in DynamoDB's order: the request, the source (another account's
//! SourceTableArn is AccessDenied, as another account's backup is) and its recovery, the time,
//! then the target's name.

use super::answer::{ContinuousBackups, TableDescription};
use super::backups::{create_restored, restored_def, Overrides};
use super::resources::{foreign, other_account};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::RestoredFrom;

pub struct Input {
    pub source_arn: Option<String>,
    pub source_name: Option<String>,
    pub target: String,
    pub use_latest: bool,
    /// RestoreDateTime, milliseconds.
    pub at_millis: Option<i64>,
    pub overrides: Overrides,
}

pub struct Output {
    pub table: TableDescription,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let source = match (&input.source_arn, &input.source_name) {
        (Some(_), Some(_)) => {
            return Err(Error::validation("Must provide exactly one of: sourceTableArn, sourceTableName"))
        }
        (None, None) => {
            return Err(Error::validation("The parameter 'TableName' is required but was not present in the request"))
        }
        (Some(arn), None) if foreign(cx, arn) => return Err(other_account()),
        (Some(name), None) | (None, Some(name)) => cx.engine.table_name(name).to_string(),
    };
    match (input.use_latest, input.at_millis) {
        (true, Some(_)) => {
            return Err(Error::validation(
                "Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for point-in-time restore request. Please specify only one.",
            ))
        }
        (false, None) => {
            return Err(Error::validation(
                "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both",
            ))
        }
        _ => {}
    }
    let table = cx
        .ns
        .store
        .table_or_deleting(&source, now_millis)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {source}")))?;
    let state = table.state.read();
    let window = ContinuousBackups::of(&state.def, now_millis, state.recovery.exact_since())
        .point_in_time_recovery
        .ok_or_else(|| {
            Error::new(
                ErrorKind::PointInTimeRecoveryUnavailable,
                format!("Point in time recovery is not enabled for table '{source}'"),
            )
        })?;
    let at = input.at_millis.unwrap_or(window.latest_millis);
    if at < window.earliest_millis || at > window.latest_millis {
        return Err(Error::new(
            ErrorKind::InvalidRestoreTime,
            format!(
                "RestoreDateTime '{}' must be within EarliestRestorableDateTime '{}' and LatestRestorableDateTime '{}'",
                iso(at),
                iso(window.earliest_millis),
                iso(window.latest_millis)
            ),
        ));
    }
    let from = RestoredFrom { backup_arn: None, table_arn: state.def.arn.clone(), at_millis: at };
    let def = restored_def(cx, &state.def, &input.target, input.overrides, from)?;
    let data = state.recovery.as_of(&state.data, at, 0);
    let table = create_restored(cx, &state.def, def, data)?;
    Ok(Output { table })
}

/// `millis` as DynamoDB's restore errors show a time: `2026-10-08T23:16:33Z`.
fn iso(millis: i64) -> String {
    use aws_smithy_types::date_time::{DateTime, Format};
    DateTime::from_secs(millis.div_euclid(1000)).fmt(Format::DateTime).unwrap_or_default()
}
