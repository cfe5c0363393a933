//! Pieces the multi-item operations (BatchGetItem, BatchWriteItem, TransactGetItems,
//! TransactWriteItems) share: the `RequestItems` map checks DynamoDB words differently from the
//! generic shape pass, per-table consumed capacity, and the in-flight transaction registry.

use std::collections::{BTreeMap, HashMap, HashSet};

use parking_lot::Mutex;
use serde_json::{json, Map, Value};

use super::common::CapacityDetail;
use crate::error::{Error, Result};
use crate::model::PrimaryKey;

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
/// absent → "must not be null", empty → the operation's bespoke sentence, then the map-key
/// (table name) constraint; `value_fault` reports a per-table value violation. Returns the
/// constraint messages (for the aggregated ValidationException) or the bespoke error.
pub fn request_items_faults(
    body: &Value,
    op: &str,
    render: impl Fn(&Map<String, Value>) -> String,
    value_fault: impl Fn(&str, &Value) -> Option<String>,
) -> Result<Vec<String>> {
    let mut faults = Vec::new();
    match body.get("RequestItems").filter(|v| !v.is_null()) {
        None => faults
            .push("Value null at 'requestItems' failed to satisfy constraint: Member must not be null".to_string()),
        Some(Value::Object(m)) if m.is_empty() => {
            return Err(Error::validation(format!(
                "The requestItems parameter is required for {op}"
            )))
        }
        Some(Value::Object(m)) => {
            if m.keys().any(|k| !valid_table_ref(k)) {
                faults.push(format!(
                    "Value '{}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]",
                    render(m)
                ));
            }
            faults.extend(m.iter().filter_map(|(k, v)| value_fault(k, v)));
        }
        Some(_) => return Err(Error::serialization("Expected map or null")),
    }
    Ok(faults)
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
                .map(|(k, x)| format!("{k}=AttributeValue({})", java(x).trim_matches(['{', '}'])))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => java(other),
    }
}

/// Consumed capacity of one table within a multi-item request.
#[derive(Default)]
pub struct TableUnits {
    pub table: f64,
    pub indexes: BTreeMap<String, f64>,
}

impl TableUnits {
    pub fn add(&mut self, units: f64, indexes: &[&str]) {
        self.table += units;
        for i in indexes {
            *self.indexes.entry(i.to_string()).or_default() += units;
        }
    }
}

/// The `ConsumedCapacity` list of a multi-item response (one entry per table), when asked.
pub fn add_capacity(out: &mut Map<String, Value>, detail: CapacityDetail, units: &BTreeMap<String, TableUnits>) {
    if detail == CapacityDetail::None {
        return;
    }
    let list: Vec<Value> = units
        .iter()
        .map(|(name, u)| {
            let total = u.table + u.indexes.values().sum::<f64>();
            let mut c = json!({"TableName": name, "CapacityUnits": total});
            if detail == CapacityDetail::Indexes {
                c["Table"] = json!({"CapacityUnits": u.table});
                if !u.indexes.is_empty() {
                    c["GlobalSecondaryIndexes"] = u
                        .indexes
                        .iter()
                        .map(|(i, n)| (i.clone(), json!({"CapacityUnits": n})))
                        .collect::<Map<_, _>>()
                        .into();
                }
            }
            c
        })
        .collect();
    out.insert("ConsumedCapacity".into(), Value::Array(list));
}

/// One item of one table, as transactions lock it.
pub type ItemRef = (String, PrimaryKey);

/// Transaction bookkeeping shared by every request of an engine: items held by in-flight write
/// transactions (so concurrent writers conflict as in DynamoDB) and ClientRequestTokens seen in the
/// last ten minutes.
#[derive(Default)]
pub struct Transactions {
    held: Mutex<HashSet<ItemRef>>,
    tokens: Mutex<HashMap<String, Token>>,
}

pub enum Token {
    /// A transaction with this token is running.
    Running { fingerprint: String },
    /// It succeeded; a replay with the same request answers `response` until `expires` (ms).
    Done {
        fingerprint: String,
        expires: i64,
        response: Value,
    },
}

/// What a ClientRequestToken lookup decided.
pub enum TokenState {
    /// Not seen (or expired): run the transaction; the token is now marked running.
    Fresh,
    /// Same request already succeeded: answer this without applying anything.
    Replay(Value),
}

pub const TOKEN_LIFETIME_MS: i64 = 10 * 60 * 1000;

impl Transactions {
    /// Marks `items` as held by a write transaction. Returns the positions of items another
    /// transaction already holds (nothing is marked then).
    pub fn hold(&self, items: &[ItemRef]) -> std::result::Result<(), Vec<usize>> {
        let mut held = self.held.lock();
        let busy: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| held.contains(*i))
            .map(|(n, _)| n)
            .collect();
        if !busy.is_empty() {
            return Err(busy);
        }
        held.extend(items.iter().cloned());
        Ok(())
    }

    pub fn release(&self, items: &[ItemRef]) {
        let mut held = self.held.lock();
        for i in items {
            held.remove(i);
        }
    }

    /// Positions of `items` an in-flight write transaction holds.
    pub fn busy(&self, items: &[ItemRef]) -> Vec<usize> {
        let held = self.held.lock();
        (0..items.len()).filter(|n| held.contains(&items[*n])).collect()
    }

    /// Fails a single-item write to an item an in-flight transaction holds.
    pub fn check_free(&self, table: &str, key: &PrimaryKey) -> Result<()> {
        let held = self.held.lock();
        if held.is_empty() || !held.contains(&(table.to_string(), key.clone())) {
            return Ok(());
        }
        Err(Error::new(
            crate::error::ErrorKind::TransactionConflict,
            "Transaction is ongoing for the item",
        ))
    }

    /// Forgets every finished ClientRequestToken: after a snapshot is restored, a replay must not
    /// answer for a transaction the restored state never saw.
    pub fn forget_tokens(&self) {
        self.tokens.lock().retain(|_, t| matches!(t, Token::Running { .. }));
    }

    /// Looks a ClientRequestToken up at time `now` (ms).
    pub fn begin_token(&self, token: &str, fingerprint: &str, now: i64) -> Result<TokenState> {
        let mut tokens = self.tokens.lock();
        tokens.retain(|_, t| !matches!(t, Token::Done { expires, .. } if *expires <= now));
        match tokens.get(token) {
            Some(Token::Running { fingerprint: f }) | Some(Token::Done { fingerprint: f, .. }) if f != fingerprint => {
                Err(Error::new(
                    crate::error::ErrorKind::IdempotentParameterMismatch,
                    "Request token 'client_request_token' has already been used with different request parameters.",
                ))
            }
            Some(Token::Running { .. }) => Err(Error::new(
                crate::error::ErrorKind::TransactionInProgress,
                "Transaction with the given request token is already in progress.",
            )),
            Some(Token::Done { response, .. }) => Ok(TokenState::Replay(response.clone())),
            None => {
                tokens.insert(
                    token.to_string(),
                    Token::Running {
                        fingerprint: fingerprint.to_string(),
                    },
                );
                Ok(TokenState::Fresh)
            }
        }
    }

    /// Records how a fresh token's transaction ended: success keeps it for replays, failure
    /// forgets it (a retry runs again).
    pub fn end_token(&self, token: &str, outcome: Option<(Value, i64)>) {
        let mut tokens = self.tokens.lock();
        match outcome {
            Some((response, now)) => {
                if let Some(Token::Running { fingerprint }) = tokens.remove(token) {
                    tokens.insert(
                        token.to_string(),
                        Token::Done {
                            fingerprint,
                            expires: now + TOKEN_LIFETIME_MS,
                            response,
                        },
                    );
                }
            }
            None => {
                tokens.remove(token);
            }
        }
    }
}
