//! What the three resource-policy operations share: resolving the table or stream a policy request
//! names, and the revision checks. Policies are enforced by `protocol::iam` for keys with identity
//! policies.

use super::resources::resource_arn;
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
    /// this account, region and partition. The policy operations word the refusals their own way
    /// (DDB-TABLE-212, October 2026): a backup is no resource of theirs, another region's or
    /// partition's ARN is invalid, and another account's is not theirs to touch.
    pub fn of(cx: &Cx, arn: &str) -> Result<Resource> {
        if let ["arn", partition, "dynamodb", region, account, resource] = arn.splitn(6, ':').collect::<Vec<_>>()[..] {
            if resource.starts_with("table/") && resource.contains("/backup/") {
                return Err(Error::invalid_parameter(format!(
                    "Provided Arn is not a DynamoDB resource arn: {arn}"
                )));
            }
            if partition != cx.ns.partition() || region != cx.ns.region {
                return Err(Error::invalid_parameter(format!("Invalid resource Arn: {arn}")));
            }
            if account != cx.ns.account {
                return Err(Error::validation(
                    "This action is only supported by accounts that match the resource owner\u{2019}s account.",
                ));
            }
        }
        let arn = resource_arn(cx, Some(arn))?;
        let table = cx.engine.table_name(&arn).to_string();
        let missing = match arn.split_once("/stream/") {
            Some((_, label)) if cx.ns.store.stream(&arn, cx.now_millis).is_none() => {
                Some(format!("Stream: {label} not found for Table: {table}"))
            }
            None if cx.ns.store.table(&table).is_none() => Some(format!("Table: {table} not found")),
            _ => None,
        };
        if let Some(what) = missing {
            return Err(Error::resource_not_found(format!(
                "Requested resource not found: {what}"
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
            None => Err(policy_not_found(format!(
                "Requested update for policy with revision id {expected}, but table {} has no associated policy.",
                self.table
            ))),
        }
    }

    /// The answer when the resource has no policy.
    pub fn no_policy(&self) -> Error {
        policy_not_found(self.arn.clone())
    }
}

/// A policy document in DynamoDB's canonical form (`protocol::wire::policy_document`), but for what
/// only the namespace knows: the partition of the root ARNs its principals named by account id
/// become.
#[derive(Debug)]
pub struct Document {
    /// The text around the account ids: `text[0]`, `accounts[0]`, `text[1]`, …
    pub text: Vec<String>,
    pub accounts: Vec<String>,
}

impl Document {
    /// The canonical form, its account roots in `partition`.
    pub fn render(&self, partition: &str) -> String {
        let mut out = self.text[0].clone();
        for (id, text) in self.accounts.iter().zip(&self.text[1..]) {
            out += &format!("arn:{partition}:iam::{id}:root{text}");
        }
        out
    }
}

pub fn policy_not_found(detail: String) -> Error {
    Error::new(
        ErrorKind::PolicyNotFound,
        format!("Resource-based policy not found for the provided ResourceArn: {detail}"),
    )
}
