//! UntagResource: removes tag keys from a table; keys it does not carry are ignored.

use serde_json::Value;

use super::tag_resource::{check_key, resource_arn, table_for, too_many_tags, MAX_TAGS, RESOURCE_ARN};
use super::Cx;
use crate::error::{Error, Result};
use crate::protocol::shape::{field, string, validate, Field, Shape};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    field("ResourceArn", RESOURCE_ARN),
    field(
        "TagKeys",
        Shape::List {
            member: &string(0, usize::MAX),
            min: 0,
            max: usize::MAX,
        },
    ),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let arn = resource_arn(engine, body)?;
    if !body.has("TagKeys") {
        return Err(Error::validation(
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
        ));
    }
    let keys = body.list("TagKeys");
    if keys.is_empty() {
        return Err(Error::validation("Atleast one Tag Key needs to be provided as Input."));
    }
    if keys.len() > MAX_TAGS {
        return Err(too_many_tags());
    }
    let keys = keys
        .iter()
        .map(|k| check_key(k.as_str()).map(str::to_owned))
        .collect::<Result<Vec<String>>>()?;
    let arn = engine.table_arn(&table_for(engine, &arn, "UntagResource")?.name);
    engine.store.untag(&arn, &keys);
    // DynamoDB answers with an empty body.
    Ok(Value::Null)
}
