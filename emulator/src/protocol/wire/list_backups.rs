use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::list_backups::{Input, Output};
use crate::protocol::shape::{field, int, one_of, validate, Field, Shape, BACKUP_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("TableName", Shape::TableRef),
    field("Limit", int(Some(1), Some(100))),
    field("TimeRangeLowerBound", Shape::Any),
    field("TimeRangeUpperBound", Shape::Any),
    field("ExclusiveStartBackupArn", BACKUP_ARN),
    field("BackupType", one_of(&["USER", "SYSTEM", "AWS_BACKUP", "ALL"])),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").map(str::to_owned),
        limit: body.int("Limit").map(|n| n as usize),
        lower_millis: super::millis(body, "TimeRangeLowerBound")?,
        upper_millis: super::millis(body, "TimeRangeUpperBound")?,
        exclusive_start: body.str("ExclusiveStartBackupArn").map(str::to_owned),
        backup_type: body.str("BackupType").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    let mut v = json!({ "BackupSummaries": out.backups.iter().map(|b| answer::backup_summary(b)).collect::<Vec<_>>() });
    if let Some(arn) = out.last_evaluated {
        v["LastEvaluatedBackupArn"] = json!(arn);
    }
    v
}
