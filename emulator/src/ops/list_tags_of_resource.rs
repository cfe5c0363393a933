//! ListTagsOfResource: a table's tags in the order they were first set, all on one page (a table
//! has at most 50).

use serde_json::{json, Value};

use super::tag_resource::{resource_arn, table_for, RESOURCE_ARN};
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{field, string, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    field("ResourceArn", RESOURCE_ARN),
    field("NextToken", string(0, usize::MAX)),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let arn = resource_arn(engine, body)?;
    let arn = engine.table_arn(&table_for(engine, &arn, "ListTagsOfResource")?.name);
    let tags: Vec<Value> = engine
        .store
        .tags(&arn)
        .into_iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    Ok(json!({ "Tags": tags }))
}
