//! ListTables: names in byte order, paged by Limit and ExclusiveStartTableName.

use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::Result;
use crate::protocol::shape::{field, int, validate, Field, TABLE_NAME};
use crate::protocol::Body;

const SHAPE: &[Field] = &[field("ExclusiveStartTableName", TABLE_NAME), field("Limit", int(Some(1), Some(100)))];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let limit = body.int("Limit").unwrap_or(100) as usize;
    let start = body.str("ExclusiveStartTableName");
    let names: Vec<String> = engine.store.names(engine.clock.now_millis()).into_iter().filter(|n| start.is_none_or(|s| n.as_str() > s)).collect();
    let page: Vec<&String> = names.iter().take(limit).collect();
    let mut out = json!({ "TableNames": page });
    if names.len() > limit {
        out["LastEvaluatedTableName"] = json!(page.last());
    }
    Ok(out)
}
