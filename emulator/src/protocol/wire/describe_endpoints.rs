use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::describe_endpoints::{Input, Output};
use crate::protocol::shape::{validate, Field};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input)
}

pub fn encode(out: Output) -> Value {
    json!({ "Endpoints": [{ "Address": out.address, "CachePeriodInMinutes": out.cache_period_minutes }] })
}
