use serde_json::Value;

use crate::error::Result;
use crate::ops::untag_resource::{Input, Output};
use crate::protocol::shape::{field, string, validate, Field, Shape, RESOURCE_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("ResourceArn", RESOURCE_ARN),
    field("TagKeys", Shape::List { member: &string(0, usize::MAX), min: 0, max: usize::MAX }),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        resource_arn: body.str("ResourceArn").map(str::to_owned),
        tag_keys: body
            .get("TagKeys")
            .map(|_| body.list("TagKeys").iter().map(|k| k.as_str().map(str::to_owned)).collect()),
    })
}

pub fn encode(_: Output) -> Value {
    Value::Null
}
