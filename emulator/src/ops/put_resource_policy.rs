//! PutResourcePolicy: attaches a resource-based policy to a table or stream, as a new revision.

use super::policies::{policy_not_found, Document, Resource};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::iam::{self, Caller, Context, Decision, PolicyDocument};
use crate::store::Policy;

pub struct Input {
    pub resource_arn: String,
    /// The policy document, checked, stored in its canonical form.
    pub policy: Document,
    /// The revision the caller expects attached now; `NO_POLICY` for none.
    pub expected_revision: Option<String>,
    /// The document as the policy evaluator reads it (none if it cannot: such a policy governs
    /// nothing).
    pub rules: Option<PolicyDocument>,
    /// ConfirmRemoveSelfResourceAccess: the caller means to lock themselves out.
    pub confirm_lockout: bool,
}

pub struct Output {
    pub revision: String,
}

/// The ExpectedRevisionId that asks for no policy to be attached yet.
const NO_POLICY: &str = "NO_POLICY";

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let resource = Resource::of(cx, &input.resource_arn)?;
    if !input.confirm_lockout && input.rules.as_ref().is_some_and(|rules| locks_out(cx, &resource.arn, rules)) {
        return Err(Error::new(
            ErrorKind::AccessDenied,
            "The new resource policy will not allow you to update the resource policy in the future.",
        ));
    }
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

/// Whether `rules` deny the request's sender their next PutResourcePolicy on `arn`, which DynamoDB
/// refuses to attach unless told to (DDB-TABLE-210, October 2026: a Deny on DeleteResourcePolicy
/// alone passes).
fn locks_out(cx: &Cx, arn: &str, rules: &PolicyDocument) -> bool {
    let Some(sender) = cx.sender else {
        return false;
    };
    let (account, partition) = (cx.ns.account.as_str(), cx.ns.partition());
    let caller_arn = iam::user_arn(partition, account, sender.key);
    let caller = Caller { account, arn: &caller_arn, partition };
    let mut keys = Context::default();
    keys.set_global(sender, account, &caller_arn, &cx.ns.region, cx.now_millis);
    rules.decide("dynamodb:PutResourcePolicy", arn, &caller, &keys) == Decision::Deny
}
