use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::create_backup::{Input, Output};
use crate::protocol::shape::{required, validate, Field, Shape, BACKUP_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TableName", Shape::TableRef), required("BackupName", BACKUP_NAME)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        name: body.str("BackupName").unwrap_or_default().to_string(),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "BackupDetails": answer::backup_details(&out.backup, "CREATING") })
}
