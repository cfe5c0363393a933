use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::update_time_to_live::{Input, Output};
use crate::protocol::shape::{required, string, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required(
        "TimeToLiveSpecification",
        Shape::Struct {
            java: "TimeToLiveSpecification",
            fields: &[
                required("AttributeName", string(1, 255)),
                required("Enabled", Shape::Bool),
            ],
        },
    ),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let spec = body.child("TimeToLiveSpecification").unwrap_or(body);
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        enabled: spec.bool("Enabled").unwrap_or(false),
        attribute: spec.str("AttributeName").unwrap_or_default().to_string(),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "TimeToLiveSpecification": { "Enabled": out.enabled, "AttributeName": out.attribute } })
}
