use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::describe_backup::{Input, Output};
use crate::protocol::shape::{required, validate, Field, BACKUP_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("BackupArn", BACKUP_ARN)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { arn: body.str("BackupArn").unwrap_or_default().to_string() })
}

pub fn encode(out: Output) -> Value {
    json!({ "BackupDescription": answer::backup_description(&out.backup, "AVAILABLE") })
}
