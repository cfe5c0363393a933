use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::list_tags_of_resource::{Input, Output};
use crate::protocol::shape::{field, string, validate, Field, RESOURCE_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[field("ResourceArn", RESOURCE_ARN), field("NextToken", string(0, usize::MAX))];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { resource_arn: body.str("ResourceArn").map(str::to_owned) })
}

pub fn encode(out: Output) -> Value {
    let tags: Vec<Value> = out.tags.into_iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    json!({ "Tags": tags })
}
