use serde_json::{json, Value};

use crate::error::Result;
use crate::ops::get_resource_policy::{Input, Output};
use crate::protocol::shape::{required, validate, Field, RESOURCE_ARN};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[required("ResourceArn", RESOURCE_ARN)];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input { resource_arn: body.str("ResourceArn").unwrap_or_default().to_string() })
}

pub fn encode(out: Output) -> Value {
    json!({ "Policy": super::policy_document::read_back(&out.policy), "RevisionId": out.revision })
}
