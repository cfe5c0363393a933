use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::list_tables::{Input, Output};
use crate::protocol::shape::{field, int, validate, Field, TABLE_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[field("ExclusiveStartTableName", TABLE_NAME), field("Limit", int(Some(1), Some(100)))];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        limit: body.int("Limit").unwrap_or(100) as usize,
        exclusive_start: body.str("ExclusiveStartTableName").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    let mut v = json!({ "TableNames": out.names });
    if let Some(last) = out.last_evaluated {
        v["LastEvaluatedTableName"] = json!(last);
    }
    v
}
