//! DescribeTimeToLive: ENABLED with the attribute, or DISABLED.

use serde_json::{json, Value};

use super::common::table_named;
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[required("TableName", Shape::TableRef)];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let table = table_named(engine, body.str("TableName").unwrap_or_default())?;
    let state = table.state.read();
    let description = match state.ttl_attribute() {
        Some(attribute) => json!({ "TimeToLiveStatus": "ENABLED", "AttributeName": attribute }),
        None => json!({ "TimeToLiveStatus": "DISABLED" }),
    };
    Ok(json!({ "TimeToLiveDescription": description }))
}
