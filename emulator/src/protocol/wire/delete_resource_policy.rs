use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::delete_resource_policy::{Input, Output};
use crate::protocol::shape::{field, required, validate, Field, EXPECTED_REVISION, RESOURCE_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("ResourceArn", RESOURCE_ARN), field("ExpectedRevisionId", EXPECTED_REVISION)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        resource_arn: body.str("ResourceArn").unwrap_or_default().to_string(),
        expected_revision: body.str("ExpectedRevisionId").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    match out.revision {
        Some(revision) => json!({ "RevisionId": revision }),
        None => json!({}),
    }
}
