use serde_json::Value;

use super::answer;
use crate::error::Result;
use crate::ops::describe_contributor_insights::{Input, Output};
use crate::protocol::shape::{field, required, validate, Field, Shape, INDEX_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("TableName", Shape::TableRef), field("IndexName", INDEX_NAME)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        index: body.str("IndexName").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    answer::insights(&out.insights, true)
}
