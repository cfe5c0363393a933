use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::update_continuous_backups::{Input, Output};
use crate::protocol::shape::{field, int, required, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
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

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let spec = body.child("PointInTimeRecoverySpecification").unwrap_or(body);
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        enabled: spec.bool("PointInTimeRecoveryEnabled") == Some(true),
        recovery_period_days: spec.int("RecoveryPeriodInDays"),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "ContinuousBackupsDescription": answer::continuous_backups(&out.backups) })
}
