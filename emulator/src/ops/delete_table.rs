//! DeleteTable: removes the table at once; the answer describes it as DELETING, as AWS's does.

use serde_json::{json, Value};

use super::common::describe;
use super::tables::{live, table_named};
use super::answer::TableStatus;
use super::Cx;
use crate::error::{Error, Result};
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

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

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let name = body.str("TableName").unwrap_or_default();
    let table = table_named(engine, name)?;
    let mut state = live(&table, name)?;
    if state.def.deletion_protection {
        return Err(Error::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let mut description = describe(engine, &state, TableStatus::Deleting);
    // DeleteTable describes the table more briefly than DescribeTable: no creation time, key
    // schema, attribute definitions or index lists.
    if let Value::Object(d) = &mut description {
        d.retain(|k, _| DESCRIBED.contains(&k.as_str()));
    }
    engine.store.remove(&table, &mut state);
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
