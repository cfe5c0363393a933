//! DescribeLimits: the default account and table capacity quotas of a region.

use serde_json::{json, Value};

use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[];

pub fn run(_: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    Ok(json!({
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }))
}
