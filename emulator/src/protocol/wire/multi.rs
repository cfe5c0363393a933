//! What the multi-item operations' requests share on the wire: the `RequestItems` map checks
//! DynamoDB words differently from the generic shape pass, the Java-style echo of a request in
//! those messages, and the ClientRequestToken of the transactions.

use serde_json::{Map, Value};

use super::Answer;
use crate::error::{Error, Result};
use crate::model::Item;
use crate::ops::answer::ConsumedCapacity;
use crate::ops::transactions::ClientToken;
use crate::protocol::attr;
use crate::protocol::serialization::{refusal, Found, Values, Wanted};
use crate::protocol::shape::item_members;
use crate::protocol::Body;

/// Whether a table name satisfies DynamoDB's name constraints (3–255 of `[a-zA-Z0-9_.-]`).
/// A RequestItems key: a table name, or a table ARN as `TableName` accepts one.
fn valid_table_ref(key: &str) -> bool {
    let len = key.chars().count();
    if key.starts_with("arn:") {
        len <= 1024
    } else {
        (3..=255).contains(&len) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    }
}

/// The `RequestItems` map of a batch operation, checked as DynamoDB checks it before anything else:
/// absent → "must not be null", empty → a length constraint (BatchGetItem) or the operation's
/// bespoke sentence (BatchWriteItem), then the map-key
/// (table name) constraint; `value_fault` reports a per-table value violation. Returns the
/// map-key violation apart (BatchWriteItem reports it only when its enums are valid) and the
/// other constraint messages (for the aggregated ValidationException), or the bespoke error.
pub fn request_items_faults(
    body: &Value,
    op: &str,
    render: impl Fn(&Map<String, Value>) -> String,
    value_fault: impl Fn(&str, &Value) -> Option<String>,
) -> Result<(Option<String>, Vec<String>)> {
    let mut names = None;
    let mut faults = Vec::new();
    match body.get("RequestItems").filter(|v| !v.is_null()) {
        None => faults
            .push("Value null at 'requestItems' failed to satisfy constraint: Member must not be null".to_string()),
        // BatchGetItem's moved to the constraint framework's words in August 2026 (all regions
        // but me-central-1 by September); BatchWriteItem's still moves between the two
        // (the conformance suite's error-messages files, AWS, October 2026).
        Some(Value::Object(m)) if m.is_empty() && op == "BatchGetItem" => faults.push(
            "Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"
                .to_string(),
        ),
        Some(Value::Object(m)) if m.is_empty() => {
            return Err(Error::validation(format!(
                "The requestItems parameter is required for {op}"
            )))
        }
        Some(Value::Object(m)) => {
            if m.keys().any(|k| !valid_table_ref(k)) {
                names = Some(format!(
                    "Value '{}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]",
                    render(m)
                ));
            }
            faults.extend(m.iter().filter_map(|(k, v)| value_fault(k, v)));
        }
        Some(other) => {
            let values = match op {
                "BatchGetItem" => Values::Of("KeysAndAttributes"),
                _ => Values::ListsOf("WriteRequest"),
            };
            // Not null (filtered above), so a token the map refuses.
            if let Some(found) = Found::of(other) {
                return Err(refusal(Wanted::Map(values), found));
            }
        }
    }
    Ok((names, faults))
}

/// Renders attribute values and request structures roughly the way the Java front end echoes them.
pub fn java(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(java).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let parts: Vec<String> = m.iter().map(|(k, x)| format!("{k}={}", java(x))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// An item or key map in Java form: `{pk=AttributeValue(S=a)}`.
pub fn java_item(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{k}=AttributeValue({})", java(&attr::unraw(x)).trim_matches(['{', '}'])))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => java(other),
    }
}

/// A transaction's ClientRequestToken, fingerprinted by the request's `member` (its actions or
/// statements) as sent.
pub fn client_token(body: Body, member: &str) -> Option<ClientToken> {
    body.str("ClientRequestToken").map(|token| ClientToken {
        token: token.to_string(),
        fingerprint: body.get(member).map(fingerprint).unwrap_or_default(),
    })
}

/// A transaction's actions or statements as text, each Put's item member by member as the parse
/// builds any attribute map ([`item_members`]), so that the order of an item's members, which a
/// client's hash map does not keep from one process to the next, does not change it.
fn fingerprint(actions: &Value) -> String {
    let puts = |v: &Value| v.get("Put")?.get("Item").and_then(attr::kept_item).map(drop);
    if !actions.as_array().into_iter().flatten().any(|a| puts(a).is_some()) {
        return actions.to_string();
    }
    let mut actions = actions.clone();
    for item in actions
        .as_array_mut()
        .into_iter()
        .flatten()
        .filter_map(|a| a.get_mut("Put")?.get_mut("Item"))
    {
        *item = item_members(item).into_owned();
    }
    actions.to_string()
}

/// A transactional read's answer (TransactGetItems, ExecuteTransaction): one `Responses` entry per
/// request entry, with its `Item` when there is one.
pub fn item_responses(items: &[Option<Item>], capacity: Option<&[ConsumedCapacity]>) -> Value {
    let responses = items
        .iter()
        .map(|item| Answer::default().item("Item", item.as_ref()).value())
        .collect();
    Answer::default()
        .member("Responses", responses)
        .capacities(capacity)
        .value()
}

#[cfg(test)]
mod tests {
    use super::client_token;
    use crate::ops::Operation;
    use crate::protocol::{shape, wire, Body};

    /// A transaction's fingerprint reads each Put's item by its members, not as the text the parse
    /// kept: the same item with its members in another order is the same request.
    #[test]
    fn a_fingerprint_does_not_depend_on_the_order_of_an_items_members() {
        let fingerprint = |item: &str| {
            let body = format!(
                r#"{{"ClientRequestToken": "t", "TransactItems": [{{"Put": {{"TableName": "tbl", "Item": {item}}}}}]}}"#
            );
            let parsed = shape::parse(body.as_bytes(), wire::shape(Operation::TransactWriteItems)).unwrap();
            client_token(Body(&parsed), "TransactItems").unwrap().fingerprint
        };
        let sent = fingerprint(r#"{"a": {"S": "x"}, "b": {"N": "1"}}"#);
        assert_eq!(sent, fingerprint(r#"{"b": {"N": "1"}, "a": {"S": "x"}}"#));
        assert_ne!(sent, fingerprint(r#"{"b": {"N": "1"}, "a": {"S": "y"}}"#));
    }
}
