use serde_json::Value;

use super::tags;
use crate::error::Result;
use crate::ops::tag_resource::{Input, Output};
use crate::protocol::shape::{field, string, validate, Field, Shape, RESOURCE_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("ResourceArn", RESOURCE_ARN),
    field(
        "Tags",
        Shape::List {
            member: &Shape::Struct {
                java: "Tag",
                fields: &[field("Key", string(0, usize::MAX)), field("Value", string(0, usize::MAX))],
            },
            min: 0,
            max: usize::MAX,
        },
    ),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        resource_arn: body.str("ResourceArn").map(str::to_owned),
        tags: body.get("Tags").map(|_| tags(body)),
    })
}

pub fn encode(_: Output) -> Value {
    Value::Null
}
