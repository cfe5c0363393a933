//! The checks DynamoDB makes of a resource-based policy document (PutResourcePolicy, CreateTable's
//! ResourcePolicy): JSON, at most 20 KB counting whitespace, and the policy grammar. Only the
//! invalid-action text is AWS's verbatim; the others follow its `Invalid policy document: ` form
//! (see FIDELITY.md).

use serde_json::Value;

use crate::error::{Error, Result};

/// DynamoDB's limit on a policy document, whitespace included.
const MAX_POLICY_BYTES: usize = 20 * 1024;

/// DynamoDB actions that act on no table or stream, so a resource policy cannot grant them.
const ACCOUNT_ACTIONS: &[&str] = &["ListTables", "ListStreams", "DescribeLimits", "DescribeEndpoints"];

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::invalid_parameter(format!("Invalid policy document: {detail}"))
}

/// Checks a policy document as DynamoDB does before attaching it.
pub fn check(document: &str) -> Result<()> {
    if document.len() > MAX_POLICY_BYTES {
        return Err(invalid(format!(
            "The policy document exceeds the maximum size of {MAX_POLICY_BYTES} bytes"
        )));
    }
    let policy: Value = serde_json::from_str(document).map_err(|_| invalid("The policy is not valid JSON"))?;
    let Value::Object(policy) = policy else {
        return Err(invalid("The policy must be a JSON object"));
    };
    if let Some(version) = policy.get("Version") {
        if !matches!(version.as_str(), Some("2012-10-17" | "2008-10-17")) {
            return Err(invalid("The policy must contain a valid version string"));
        }
    }
    let statements = match policy.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return Err(invalid("Missing required field Statement")),
    };
    statements.into_iter().try_for_each(check_statement)
}

fn check_statement(statement: &Value) -> Result<()> {
    let Value::Object(statement) = statement else {
        return Err(invalid("Each policy statement must be a JSON object"));
    };
    match statement.get("Effect").and_then(Value::as_str) {
        Some("Allow" | "Deny") => {}
        Some(other) => return Err(invalid(format!("Invalid effect: {other}"))),
        None => return Err(invalid("Missing required field Effect")),
    }
    if !statement.contains_key("Principal") && !statement.contains_key("NotPrincipal") {
        return Err(invalid("Missing required field Principal"));
    }
    let actions = match statement.get("Action").or_else(|| statement.get("NotAction")) {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(list)) if !list.is_empty() => list.iter().map(|a| a.as_str().unwrap_or_default()).collect(),
        _ => return Err(invalid("Missing required field Action")),
    };
    let refused: Vec<String> = actions
        .into_iter()
        .filter(|a| !action_ok(a))
        .map(|a| format!("\"{a}\""))
        .collect();
    if !refused.is_empty() {
        return Err(invalid(format!(
            "The following action names are invalid: {}",
            refused.join(", ")
        )));
    }
    Ok(())
}

/// A DynamoDB action (or a wildcard over them) a table or stream policy may name.
fn action_ok(action: &str) -> bool {
    match action.split_once(':') {
        Some((service, name)) if service.eq_ignore_ascii_case("dynamodb") => {
            !name.is_empty() && !ACCOUNT_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(name))
        }
        _ => action == "*",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(document: &str) -> String {
        check(document).unwrap_err().message.unwrap()
    }

    const PREFIX: &str = "One or more parameter values were invalid: Invalid policy document: ";

    #[test]
    fn grammar() {
        let statement = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
        let ok = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":["dynamodb:GetItem","dynamodb:*"],"Resource":"*"}"#;
        check(&statement(ok)).unwrap();
        assert_eq!(err("nope"), format!("{PREFIX}The policy is not valid JSON"));
        assert_eq!(err("[]"), format!("{PREFIX}The policy must be a JSON object"));
        assert_eq!(err("{}"), format!("{PREFIX}Missing required field Statement"));
        assert_eq!(
            err(r#"{"Version":"1","Statement":[]}"#),
            format!("{PREFIX}The policy must contain a valid version string")
        );
        assert_eq!(
            err(&statement(
                r#"{"Effect":"Maybe","Principal":"*","Action":"dynamodb:GetItem"}"#
            )),
            format!("{PREFIX}Invalid effect: Maybe")
        );
        assert_eq!(
            err(&statement(r#"{"Effect":"Allow","Action":"dynamodb:GetItem"}"#)),
            format!("{PREFIX}Missing required field Principal")
        );
        assert_eq!(
            err(&statement(r#"{"Effect":"Allow","Principal":"*"}"#)),
            format!("{PREFIX}Missing required field Action")
        );
        assert_eq!(
            err(&statement(
                r#"{"Effect":"Allow","Principal":"*","Action":["dynamodb:Query","dynamodb:ListStreams","s3:GetObject"]}"#
            )),
            format!(r#"{PREFIX}The following action names are invalid: "dynamodb:ListStreams", "s3:GetObject""#)
        );
        let big = statement(&format!(
            r#"{{"Sid":"{}","Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}}"#,
            " ".repeat(MAX_POLICY_BYTES)
        ));
        assert_eq!(
            err(&big),
            format!("{PREFIX}The policy document exceeds the maximum size of 20480 bytes")
        );
    }
}
