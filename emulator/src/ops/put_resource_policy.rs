//! PutResourcePolicy: attaches a resource-based policy to a table or stream, as a new revision.
//! Also home of what the three policy operations share: resolving the resource and the
//! revision checks. Policies are stored, not enforced.

use serde_json::{json, Value};

use super::tag_resource::{resource_arn, RESOURCE_ARN};
use super::Cx;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::shape::{field, required, string, validate, Field, Shape};
use crate::protocol::Body;
use crate::store::Policy;

pub const EXPECTED_REVISION: Shape = string(1, 255);

const SHAPE: &[Field] = &[
    required("ResourceArn", RESOURCE_ARN),
    required("Policy", string(0, usize::MAX)),
    field("ExpectedRevisionId", EXPECTED_REVISION),
    field("ConfirmRemoveSelfResourceAccess", Shape::Bool),
];

/// The ExpectedRevisionId that asks for no policy to be attached yet.
const NO_POLICY: &str = "NO_POLICY";

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let resource = Resource::of(engine, body, "PutResourcePolicy")?;
    let document = body.str("Policy").unwrap_or_default();
    let expected = body.str("ExpectedRevisionId");
    let now = engine.clock.now_millis();
    engine.store.with_policy(&resource.arn, |slot| {
        match (expected, slot.as_ref()) {
            (Some(NO_POLICY), Some(current)) => {
                return Err(policy_not_found(format!(
                    "Requested policy update expecting none to be present for table {}, but a policy exists with revision id {}.",
                    resource.table, current.revision
                )))
            }
            (Some(NO_POLICY), None) | (None, _) => {}
            (Some(expected), current) => resource.check_revision(expected, current)?,
        }
        if let Some(current) = slot.as_ref().filter(|p| p.document == document) {
            // The same document again is no change: the same revision.
            return Ok(json!({ "RevisionId": current.revision }));
        }
        // Revisions are creation times in milliseconds, kept increasing so they compare in order.
        let after = slot.as_ref().and_then(|p| p.revision.parse::<i64>().ok()).map_or(0, |r| r + 1);
        let revision = now.max(after).to_string();
        *slot = Some(Policy {
            document: document.to_string(),
            revision: revision.clone(),
        });
        Ok(json!({ "RevisionId": revision }))
    })
}

/// The table or stream a policy request names.
pub struct Resource {
    pub arn: String,
    /// The table it is (or belongs to), as DynamoDB's messages name it.
    pub table: String,
}

impl Resource {
    /// The request's `ResourceArn`, checked for form, that must name an existing table or stream
    /// of this account (another account's is not `op`'s to touch).
    pub fn of(engine: &Engine, body: Body, op: &str) -> Result<Resource> {
        let arn = resource_arn(engine, body)?;
        if arn.split(':').nth(4) != Some(engine.account_id.as_str()) {
            return Err(Error::new(
                ErrorKind::AccessDenied,
                format!(
                    "User: arn:aws:iam::{}:root is not authorized to perform: dynamodb:{op} on resource: {arn}",
                    engine.account_id
                ),
            ));
        }
        let table = engine.table_name(&arn).to_string();
        let exists = if arn.contains("/stream/") {
            engine.store.stream(&arn, engine.clock.now_millis()).is_some()
        } else {
            engine.store.table(&table).is_some()
        };
        if !exists {
            let what = if arn.contains("/stream/") { format!("Stream: {arn}") } else { format!("Table: {table}") };
            return Err(Error::resource_not_found(format!("Requested resource not found: {what} not found")));
        }
        Ok(Resource { arn, table })
    }

    /// A request's ExpectedRevisionId against the policy attached now.
    pub fn check_revision(&self, expected: &str, current: Option<&Policy>) -> Result<()> {
        match current {
            Some(p) if p.revision == expected => Ok(()),
            Some(p) => Err(policy_not_found(format!(
                "Requested update for policy with revision id {expected}, but the policy associated to target table {} has revision id {}.",
                self.table, p.revision
            ))),
            None => Err(self.no_policy()),
        }
    }

    /// The answer when the resource has no policy.
    pub fn no_policy(&self) -> Error {
        policy_not_found(self.arn.clone())
    }
}

fn policy_not_found(detail: String) -> Error {
    Error::new(
        ErrorKind::PolicyNotFound,
        format!("Resource-based policy not found for the provided ResourceArn: {detail}"),
    )
}
