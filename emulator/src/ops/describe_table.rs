//! DescribeTable: the full TableDescription, with the table's and its indexes' statuses now.

use serde_json::{json, Value};

use super::common::{describe, table_named};
use crate::engine::Engine;
use crate::error::Result;
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[required("TableName", Shape::TableRef)];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let table = table_named(engine, body.str("TableName").unwrap_or_default())?;
    let state = table.state.read();
    let status = table.status(engine.clock.now_millis());
    Ok(json!({ "Table": describe(engine, &table, &state, status) }))
}
