//! What the tag and resource-policy operations share: a `ResourceArn`'s form, checked the way
//! DynamoDB checks it before anything else, and the refusal of another account's resource.

use super::Cx;
use crate::error::{Error, ErrorKind, Result};

/// The request's `ResourceArn`, checked for form.
pub fn resource_arn(cx: &Cx, arn: Option<&str>) -> Result<String> {
    let Some(arn) = arn else {
        return Err(Error::validation("Invalid TableArn"));
    };
    let invalid = |what: &str| Error::invalid_parameter(format!("{what}{arn}"));
    if !arn.starts_with("arn:") {
        return Err(invalid("ARNs must start with 'arn:': "));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, partition, service, region, _account, resource] = parts[..] else {
        return Err(invalid("Provided Arn is not a DynamoDB resource arn: "));
    };
    if service != "dynamodb" {
        return Err(invalid("Provided Arn is not a DynamoDB resource arn: "));
    }
    let bad_table_arn = || Error::validation(format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}"));
    let Some(path) = resource.strip_prefix("table/") else {
        return Err(bad_table_arn());
    };
    let mut segments = path.split('/');
    let name = segments.next().unwrap_or_default();
    match (segments.next(), segments.next(), segments.next()) {
        (None, _, _) | (Some("stream"), Some(_), None) => {}
        // A backup is not a "resource" to these operations (DDB-BACKUP-013).
        (Some("backup"), ..) => return Err(invalid("Provided Arn is not a DynamoDB resource arn: ")),
        _ => {
            return Err(invalid(
                "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ",
            ))
        }
    }
    let name_ok =
        (3..=255).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if partition != cx.ns.partition() || region != cx.ns.region || !name_ok {
        return Err(bad_table_arn());
    }
    Ok(arn.to_string())
}

/// Whether a well-formed ARN is of the request's account.
pub fn ours(cx: &Cx, arn: &str) -> bool {
    arn.split(':').nth(4) == Some(cx.ns.account.as_str())
}

/// Whether `arn` has an ARN's fields and names an account not the request's, another service's
/// ARN included (its account field is empty or another's): DynamoDB authorizes the caller on that
/// account before it reads the rest of the ARN.
pub fn foreign(cx: &Cx, arn: &str) -> bool {
    arn.starts_with("arn:") && arn.split(':').count() >= 6 && !ours(cx, arn)
}

/// Another account's resource, named by ARN where this account's is expected: AWS answers
/// AccessDenied without naming the caller (October 2026).
pub fn other_account() -> Error {
    Error::new(ErrorKind::AccessDenied, "Access is denied")
}

/// The refusal of `op` on a resource that is not ours to touch.
pub fn access_denied(cx: &Cx, op: &str, arn: &str) -> Error {
    Error::new(
        ErrorKind::AccessDenied,
        format!(
            "User: arn:{}:iam::{}:root is not authorized to perform: dynamodb:{op} on resource: {arn}",
            cx.ns.partition(),
            cx.ns.account
        ),
    )
}
