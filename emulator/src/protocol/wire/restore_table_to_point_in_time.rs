use serde_json::{json, Value};

use super::answer;
use super::table_spec::{restore_overrides, RESTORE_OVERRIDES};
use crate::error::Result;
use crate::ops::restore_table_to_point_in_time::{Input, Output};
use crate::protocol::shape::{field, required, validate, Field, Shape, TABLE_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("SourceTableArn", Shape::TableRef),
    field("SourceTableName", TABLE_NAME),
    required("TargetTableName", TABLE_NAME),
    field("UseLatestRestorableTime", Shape::Bool),
    field("RestoreDateTime", Shape::Any),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    validate(body.0, &RESTORE_OVERRIDES)?;
    Ok(Input {
        source_arn: body.str("SourceTableArn").map(str::to_owned),
        source_name: body.str("SourceTableName").map(str::to_owned),
        target: body.str("TargetTableName").unwrap_or_default().to_string(),
        use_latest: body.bool("UseLatestRestorableTime") == Some(true),
        at_millis: super::millis(body, "RestoreDateTime")?,
        overrides: restore_overrides(body),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "TableDescription": answer::table_description(&out.table) })
}
