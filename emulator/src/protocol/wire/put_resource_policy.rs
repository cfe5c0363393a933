use serde_json::{json, Value};

use super::policy_document::{self, Target};
use crate::error::Result;
use crate::ops::put_resource_policy::{Input, Output};
use crate::protocol::shape::{field, required, string, validate, Field, Shape, EXPECTED_REVISION, RESOURCE_ARN};
use crate::protocol::{iam, Body};

pub(crate) const SHAPE: &[Field] = &[
    required("ResourceArn", RESOURCE_ARN),
    required("Policy", string(0, usize::MAX)),
    field("ExpectedRevisionId", EXPECTED_REVISION),
    field("ConfirmRemoveSelfResourceAccess", Shape::Bool),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let resource_arn = body.str("ResourceArn").unwrap_or_default().to_string();
    let policy = policy_document::canonical(body.str("Policy").unwrap_or_default(), Target::of(&resource_arn))?;
    // The ARN's own partition: one that is not the namespace's is refused before the rules count.
    let partition = resource_arn.split(':').nth(1).unwrap_or_default();
    Ok(Input {
        rules: iam::parse(&policy.render(partition)).ok(),
        confirm_lockout: body.bool("ConfirmRemoveSelfResourceAccess").unwrap_or(false),
        resource_arn,
        policy,
        expected_revision: body.str("ExpectedRevisionId").map(str::to_owned),
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "RevisionId": out.revision })
}
