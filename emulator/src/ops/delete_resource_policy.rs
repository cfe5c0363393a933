//! DeleteResourcePolicy: detaches a table's or stream's policy, optionally only at an expected
//! revision; answers the revision it removed.

use serde_json::{json, Value};

use super::put_resource_policy::{Resource, EXPECTED_REVISION};
use super::tag_resource::RESOURCE_ARN;
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{field, required, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("ResourceArn", RESOURCE_ARN),
    field("ExpectedRevisionId", EXPECTED_REVISION),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let resource = Resource::of(engine, body, "DeleteResourcePolicy")?;
    engine.store.with_policy(&resource.arn, |slot| {
        if let Some(expected) = body.str("ExpectedRevisionId") {
            resource.check_revision(expected, slot.as_ref())?;
        }
        let removed = slot.take().ok_or_else(|| resource.no_policy())?;
        Ok(json!({ "RevisionId": removed.revision }))
    })
}
