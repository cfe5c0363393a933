use serde_json::{json, Value};

use super::answer;
use super::table_spec::{restore_overrides, RESTORE_OVERRIDES};
use crate::error::Result;
use crate::ops::restore_table_from_backup::{Input, Output};
use crate::protocol::shape::{required, validate, Field, BACKUP_ARN, TABLE_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TargetTableName", TABLE_NAME), required("BackupArn", BACKUP_ARN)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    validate(body.0, &RESTORE_OVERRIDES)?;
    Ok(Input {
        target: body.str("TargetTableName").unwrap_or_default().to_string(),
        backup_arn: body.str("BackupArn").unwrap_or_default().to_string(),
        overrides: restore_overrides(body),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "TableDescription": answer::table_description(&out.table) })
}
