use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::describe_table::{Input, Output};
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TableName", Shape::TableNameOrArn)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { table: super::table_name(body) })
}

pub fn encode(out: Output) -> Value {
    json!({ "Table": answer::table_description(&out.table) })
}
