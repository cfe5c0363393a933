use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::delete_table::{Input, Output};
use crate::protocol::shape::{required, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TableName", Shape::TableNameOrArn)];

/// The TableDescription members DeleteTable answers with: DynamoDB describes a deleted table more
/// briefly than DescribeTable (no creation time, key schema, attribute definitions or indexes),
/// though with its encryption (AWS, October 2026, the ACK catalogue's DDB-TABLE-334).
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
    "SSEDescription",
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { table: body.str("TableName").unwrap_or_default().to_string() })
}

pub fn encode(out: Output) -> Value {
    let mut description = answer::table_description(&out.table);
    if let Value::Object(d) = &mut description {
        d.retain(|k, _| DESCRIBED.contains(&k.as_str()));
    }
    json!({ "TableDescription": description })
}
