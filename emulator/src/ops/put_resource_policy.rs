//! PutResourcePolicy: attaches a resource-based policy to a table or stream, as a new revision.

use super::policies::{policy_not_found, Document, Resource};
use super::Cx;
use crate::error::Result;
use crate::store::Policy;

pub struct Input {
    pub resource_arn: String,
    /// The policy document, checked, stored in its canonical form.
    pub policy: Document,
    /// The revision the caller expects attached now; `NO_POLICY` for none.
    pub expected_revision: Option<String>,
}

pub struct Output {
    pub revision: String,
}

/// The ExpectedRevisionId that asks for no policy to be attached yet.
const NO_POLICY: &str = "NO_POLICY";

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let resource = Resource::of(cx, &input.resource_arn)?;
    let document = input.policy.render(cx.ns.partition());
    cx.ns.store.with_policy(&resource.arn, |slot| {
        match (input.expected_revision.as_deref(), slot.as_ref()) {
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
            // An equivalent document (the same canonical form) is no change: the same revision.
            return Ok(Output { revision: current.revision.clone() });
        }
        // Revisions are creation times in milliseconds, kept increasing so they compare in order.
        let after = slot.as_ref().and_then(|p| p.revision.parse::<i64>().ok()).map_or(0, |r| r + 1);
        let revision = now_millis.max(after).to_string();
        *slot = Some(Policy { document, revision: revision.clone() });
        Ok(Output { revision })
    })
}
