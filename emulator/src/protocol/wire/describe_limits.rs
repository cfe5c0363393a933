use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::describe_limits::{Input, Output};
use crate::protocol::shape::{validate, Field};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input)
}

pub fn encode(out: Output) -> Value {
    json!({
        "AccountMaxReadCapacityUnits": out.account_max_read,
        "AccountMaxWriteCapacityUnits": out.account_max_write,
        "TableMaxReadCapacityUnits": out.table_max_read,
        "TableMaxWriteCapacityUnits": out.table_max_write,
    })
}
