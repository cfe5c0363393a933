//! DeleteTable: removes the table's items from reach at once; the answer describes it as DELETING,
//! as AWS's does, and with transient statuses on it stays listed and described DELETING (a second
//! DeleteTable then answers the same, without error) until the delay has passed.

use serde_json::{json, Value};

use super::common::{describe, live, table_named};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;
use crate::store::{Status, Table, TableState};

const SHAPE: &[Field] = &[required("TableName", Shape::TableRef)];

/// The TableDescription members DeleteTable answers with.
const DESCRIBED: &[&str] = &[
    "TableName",
    "TableStatus",
    "TableId",
    "TableArn",
    "TableSizeBytes",
    "ItemCount",
    "ProvisionedThroughput",
    "BillingModeSummary",
    "StreamSpecification",
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let name = body.str("TableName").unwrap_or_default();
    let table = table_named(engine, name)?;
    if table.status(engine.clock.now_millis()) == Status::Deleting {
        return Ok(json!({ "TableDescription": brief(engine, &table, &table.state.read()) }));
    }
    let mut state = live(engine, &table, name)?;
    if state.def.deletion_protection {
        return Err(Error::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let description = brief(engine, &table, &state);
    engine.store.remove(&table, &mut state);
    let (now, until) = (engine.clock.now_millis(), engine.settles_at());
    if now < until {
        table.transition(|l| l.delete(until));
        engine.store.keep_deleting(table.clone(), now);
    }
    // The stream outlives the table as DISABLED, readable for 24 hours.
    if let Some(stream) = &state.data.stream {
        stream.disable();
    }
    drop(state);
    let arn = engine.table_arn(&table.name);
    engine.store.remove_tags(&arn);
    engine.store.remove_policies(&arn);
    Ok(json!({ "TableDescription": description }))
}

/// DeleteTable describes the table more briefly than DescribeTable: no creation time, key
/// schema, attribute definitions or index lists.
fn brief(engine: &Engine, table: &Table, state: &TableState) -> Value {
    let mut description = describe(engine, table, state, Status::Deleting);
    if let Value::Object(d) = &mut description {
        d.retain(|k, _| DESCRIBED.contains(&k.as_str()));
    }
    description
}
