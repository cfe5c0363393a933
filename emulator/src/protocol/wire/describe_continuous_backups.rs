use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::describe_continuous_backups::{Input, Output};
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TableName", Shape::TableRef)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { table: body.str("TableName").unwrap_or_default().to_string() })
}

pub fn encode(out: Output) -> Value {
    json!({ "ContinuousBackupsDescription": answer::continuous_backups(&out.backups) })
}
