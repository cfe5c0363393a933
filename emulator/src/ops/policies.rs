//! What the three resource-policy operations share: resolving the table or stream a policy request
//! names, and the revision checks. Policies are enforced by `protocol::iam` for keys with identity
//! policies.

use super::resources::{access_denied, ours, resource_arn};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Policy;

/// The table or stream a policy request names.
pub struct Resource {
    pub arn: String,
    /// The table it is (or belongs to), as DynamoDB's messages name it.
    pub table: String,
}

impl Resource {
    /// A request's `ResourceArn`, checked for form, that must name an existing table or stream of
    /// this account (another account's is not `op`'s to touch).
    pub fn of(cx: &Cx, arn: &str, op: &str) -> Result<Resource> {
        let arn = resource_arn(cx, Some(arn))?;
        if !ours(cx, &arn) {
            return Err(access_denied(cx, op, &arn));
        }
        let table = cx.engine.table_name(&arn).to_string();
        let exists = if arn.contains("/stream/") {
            cx.ns.store.stream(&arn, cx.now_millis).is_some()
        } else {
            cx.ns.store.table(&table).is_some()
        };
        if !exists {
            let what = if arn.contains("/stream/") {
                format!("Stream: {arn}")
            } else {
                format!("Table: {table}")
            };
            return Err(Error::resource_not_found(format!(
                "Requested resource not found: {what} not found"
            )));
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

pub fn policy_not_found(detail: String) -> Error {
    Error::new(
        ErrorKind::PolicyNotFound,
        format!("Resource-based policy not found for the provided ResourceArn: {detail}"),
    )
}
