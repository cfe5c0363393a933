//! UpdateTimeToLive: enables or disables Time to Live on one attribute, effective at once (AWS
//! takes up to an hour and refuses a second change meanwhile; an emulator has no reason to).

use serde_json::{json, Value};

use super::common::{live, table_named};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::protocol::shape::{required, string, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required(
        "TimeToLiveSpecification",
        Shape::Struct {
            java: "TimeToLiveSpecification",
            fields: &[
                required("Enabled", Shape::Bool),
                required("AttributeName", string(1, 255)),
            ],
        },
    ),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let spec = body.child("TimeToLiveSpecification").unwrap_or(body);
    let enabled = spec.bool("Enabled").unwrap_or(false);
    let attribute = spec.str("AttributeName").unwrap_or_default();
    let name = body.str("TableName").unwrap_or_default();
    let table = table_named(engine, name)?;
    let mut state = live(engine, &table, name)?;
    match (state.ttl_attribute(), enabled) {
        (Some(current), _) if current != attribute => {
            return Err(Error::validation(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )));
        }
        (Some(_), true) => return Err(Error::validation("TimeToLive is already enabled")),
        (None, false) => return Err(Error::validation("TimeToLive is already disabled")),
        _ => {}
    }
    state.set_ttl(enabled.then(|| attribute.to_string()));
    Ok(json!({
        "TimeToLiveSpecification": { "Enabled": enabled, "AttributeName": attribute }
    }))
}
