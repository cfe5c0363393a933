//! The wire side of chaos (`crate::chaos`): a plan's JSON form, and what a request's body names
//! (operation, tables, index, keys) for the plan's filters.
//!
//! ```json
//! {"seed": 7, "rules": [
//!   {"operation": "PutItem", "table": "t", "error": "ProvisionedThroughputExceededException", "rate": 1.0},
//!   {"operation": "PutItem", "table": "t", "nth": [3], "error": "InternalServerError", "after": true},
//!   {"operation": "BatchWriteItem", "unprocessed": 2},
//!   {"operation": "TransactWriteItems", "key": {"pk": {"S": "user#1"}}, "conflict": true, "times": 1},
//!   {"table": "t", "key_prefix": {"pk": "user#"}, "latency_ms": 50, "rate": 0.2},
//!   {"table": "t", "region": "us-east-1", "stale_reads": {"lag_ms": 1000, "writes_ago": 1}},
//!   {"table": "t", "index": "byShop", "gsi_lag_ms": 500}
//! ]}
//! ```
//!
//! A rule without `rate` or `nth` fires on every match; without `seed`, one is drawn and reported.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::attr::{decode_map, decode_map_kept};
use crate::chaos::{Effect, Failure, KeyMatch, Lag, Plan, Request, Rule, Schedule};
use crate::model::Item;
use crate::partiql;
use crate::store::Namespace;

const RULE_MEMBERS: &[&str] = &[
    "operation",
    "table",
    "region",
    "account",
    "index",
    "key",
    "key_prefix",
    "error",
    "after",
    "unprocessed",
    "conflict",
    "stale_reads",
    "gsi_lag_ms",
    "latency_ms",
    "rate",
    "nth",
    "every",
    "times",
];

impl std::str::FromStr for Plan {
    type Err = String;

    /// A plan from its JSON form (above); the error says which member is wrong and why.
    fn from_str(text: &str) -> Result<Plan, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("a chaos plan must be JSON: {e}"))?;
        let plan = value.as_object().ok_or("a chaos plan must be a JSON object")?;
        if let Some(other) = plan.keys().find(|k| !["seed", "rules"].contains(&k.as_str())) {
            return Err(format!("unknown chaos plan member {other:?} (expected seed, rules)"));
        }
        let seed = match plan.get("seed") {
            None => random_seed(),
            Some(v) => v.as_u64().ok_or("seed must be a non-negative integer")?,
        };
        let rules = match plan.get("rules") {
            None => Vec::new(),
            Some(Value::Array(rules)) => rules
                .iter()
                .enumerate()
                .map(|(i, r)| rule(r).map_err(|e| format!("rules[{i}]: {e}")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("rules must be a list".into()),
        };
        Ok(Plan { seed, rules })
    }
}

fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    #[allow(clippy::expect_used)] // Without the OS's randomness nothing random can be given honestly.
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    u64::from_le_bytes(bytes) >> 11
}

fn rule(value: &Value) -> Result<Rule, String> {
    let r = value.as_object().ok_or("a rule must be an object")?;
    if let Some(other) = r.keys().find(|k| !RULE_MEMBERS.contains(&k.as_str())) {
        return Err(format!(
            "unknown member {other:?} (expected one of {})",
            RULE_MEMBERS.join(", ")
        ));
    }
    let text = |name: &str| -> Result<Option<String>, String> {
        r.get(name)
            .map(|v| v.as_str().map(str::to_owned).ok_or(format!("{name} must be a string")))
            .transpose()
    };
    let count = |name: &str| -> Result<Option<u64>, String> {
        r.get(name)
            .map(|v| v.as_u64().ok_or(format!("{name} must be a non-negative integer")))
            .transpose()
    };
    let flag = |name: &str| -> Result<bool, String> {
        r.get(name).map_or(Ok(false), |v| {
            v.as_bool().ok_or(format!("{name} must be true or false"))
        })
    };
    if let Some(op) = text("operation")? {
        let known = [crate::ops::Service::DynamoDb, crate::ops::Service::Streams]
            .iter()
            .any(|s| crate::ops::Operation::parse(*s, &op).is_some());
        if !known {
            return Err(format!("unknown operation {op:?}"));
        }
    }
    let failure = text("error")?
        .map(|e| {
            Failure::parse(&e).ok_or(format!(
                "unknown error {e:?} (expected ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded or InternalServerError)"
            ))
        })
        .transpose()?;
    let mut effects = Vec::new();
    if let Some(f) = failure {
        effects.push(if flag("after")? {
            Effect::FailAfterRunning(f)
        } else {
            Effect::Fail(f)
        });
    }
    effects.extend(count("unprocessed")?.map(|n| Effect::Unprocessed(n as usize)));
    if flag("conflict")? {
        effects.push(Effect::Conflict);
    }
    effects.extend(r.get("stale_reads").map(lag).transpose()?.map(Effect::Stale));
    effects.extend(count("gsi_lag_ms")?.map(Effect::GsiLag));
    if effects.len() > 1 {
        return Err("give at most one of error, unprocessed, conflict, stale_reads and gsi_lag_ms".into());
    }
    let effect = effects.pop().unwrap_or_default();
    let schedule = match (r.get("rate"), r.get("nth")) {
        _ if r.contains_key("every") && r.contains_key("rate") | r.contains_key("nth") => {
            return Err("give one of rate, nth and every".into())
        }
        (None, None) => match count("every")? {
            Some(0) => return Err("every must be at least 1".into()),
            Some(k) => Schedule::Every(k),
            None => Schedule::default(),
        },
        (Some(rate), None) => match rate.as_f64() {
            Some(rate) if (0.0..=1.0).contains(&rate) => Schedule::Rate(rate),
            _ => return Err("rate must be a number from 0 to 1".into()),
        },
        (None, Some(Value::Array(list))) => Schedule::Nth(
            list.iter()
                .map(|n| n.as_u64().filter(|n| *n > 0))
                .collect::<Option<_>>()
                .ok_or("nth must list match numbers counted from 1")?,
        ),
        (None, Some(_)) => return Err("nth must be a list".into()),
        (Some(_), Some(_)) => return Err("give one of rate, nth and every".into()),
    };
    let key = match (r.get("key"), r.get("key_prefix")) {
        (None, None) => None,
        (Some(key), None) => Some(KeyMatch::Equals(
            decode_map(key).map_err(|e| format!("key: {}", e.message.unwrap_or_default()))?,
        )),
        (None, Some(prefix)) => {
            let mut members = prefix.as_object().into_iter().flatten();
            let (Some((attribute, prefix)), None) = (members.next(), members.next()) else {
                return Err("key_prefix must be one {\"attribute\": \"prefix\"}".into());
            };
            let prefix = prefix.as_str().ok_or("key_prefix's value must be a string")?;
            Some(KeyMatch::Prefix {
                attribute: attribute.clone(),
                prefix: prefix.into(),
            })
        }
        (Some(_), Some(_)) => return Err("give key or key_prefix, not both".into()),
    };
    Ok(Rule {
        operation: text("operation")?,
        table: text("table")?,
        region: text("region")?,
        account: text("account")?,
        index: text("index")?,
        key,
        effect,
        latency: std::time::Duration::from_millis(count("latency_ms")?.unwrap_or(0)),
        schedule,
        times: count("times")?,
    })
}

/// `stale_reads`' `{"lag_ms": N, "writes_ago": K}` (either may be left out).
fn lag(value: &Value) -> Result<Lag, String> {
    const WRONG: &str = "stale_reads must be {\"lag_ms\": N, \"writes_ago\": K} with non-negative integers";
    let members = value.as_object().ok_or(WRONG)?;
    if members.is_empty() || members.keys().any(|k| k != "lag_ms" && k != "writes_ago") {
        return Err(WRONG.into());
    }
    let number = |name: &str| members.get(name).map_or(Some(0), Value::as_u64).ok_or(WRONG);
    Ok(Lag {
        millis: number("lag_ms")?,
        writes: number("writes_ago")?,
    })
}

/// The plan as `GET /_emulator/chaos` reports it: seed and each rule's counts.
pub fn report(chaos: &crate::chaos::Chaos) -> Value {
    let rules: Vec<Value> = chaos
        .counts()
        .iter()
        .map(|c| serde_json::json!({ "matched": c.matched, "fired": c.fired }))
        .collect();
    serde_json::json!({ "seed": chaos.seed(), "rules": rules })
}

/// What `body` of `operation`, sent to the namespace `ns`, names: its tables (a batch's or
/// transaction's too, and those of its PartiQL statements), its index, and its keys and items,
/// each with its table.
pub fn request<'a>(operation: &'a str, ns: &'a Namespace, body: &'a Value) -> Request<'a> {
    let mut req = Request {
        operation,
        account: &ns.account,
        region: &ns.region,
        tables: Vec::new(),
        index: body.get("IndexName").and_then(Value::as_str).map(Cow::Borrowed),
        keys: Vec::new(),
    };
    let statements = body.get("Statement").into_iter().chain(
        ["Statements", "TransactStatements"]
            .iter()
            .filter_map(|m| body.get(m)?.as_array())
            .flatten()
            .filter_map(|s| s.get("Statement")),
    );
    for (stmt, _) in statements.filter_map(|s| partiql::parse(s.as_str()?).ok()) {
        let target = stmt.target();
        if !req.tables.iter().any(|t| *t == target.table) {
            req.tables.push(Cow::Owned(target.table.clone()));
        }
        req.index = req.index.or_else(|| target.index.clone().map(Cow::Owned));
    }
    // Keys and items are read as the guided parse kept them, except BatchGetItem's, plain JSON.
    let mut add = |table: &'a str,
                   keys: &mut dyn Iterator<Item = &'a Value>,
                   decode: fn(&Value) -> crate::error::Result<Item>| {
        if !req.tables.iter().any(|t| t == table) {
            req.tables.push(Cow::Borrowed(table));
        }
        req.keys
            .extend(keys.filter_map(|k| decode(k).ok()).map(|item| (table, item)));
    };
    let members = |entry: &'a Value| ["Key", "Item"].into_iter().filter_map(move |m| entry.get(m));
    if let Some(table) = body.get("TableName").and_then(Value::as_str) {
        add(table, &mut members(body), decode_map_kept);
    }
    // BatchWriteItem's write requests and BatchGetItem's keys, by table.
    for (table, spec) in body
        .get("RequestItems")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let writes = spec.as_array().into_iter().flatten();
        let requests = writes.flat_map(|w| ["PutRequest", "DeleteRequest"].into_iter().filter_map(|m| w.get(m)));
        let mut gets = spec.get("Keys").and_then(Value::as_array).into_iter().flatten();
        add(table, &mut requests.flat_map(members), decode_map_kept);
        add(table, &mut gets, decode_map);
    }
    // TransactWriteItems' and TransactGetItems' actions: each names its table and key or item.
    for action in body
        .get("TransactItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for inner in action.as_object().into_iter().flat_map(Map::values) {
            if let Some(table) = inner.get("TableName").and_then(Value::as_str) {
                add(table, &mut members(inner), decode_map_kept);
            }
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses_as_written() {
        let plan: Plan = r#"{"seed": 7, "rules": [{"operation": "PutItem", "table": "t", "error": "ProvisionedThroughputExceededException", "rate": 1.0}]}"#
            .parse()
            .unwrap();
        assert_eq!(
            plan,
            Plan {
                seed: 7,
                rules: vec![Rule {
                    operation: Some("PutItem".into()),
                    table: Some("t".into()),
                    effect: Effect::Fail(Failure::ProvisionedThroughputExceeded),
                    schedule: Schedule::Rate(1.0),
                    ..Rule::default()
                }]
            }
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |text: &str| text.parse::<Plan>().unwrap_err();
        assert_eq!(
            err(r#"{"rules": [{"operation": "Put"}]}"#),
            "rules[0]: unknown operation \"Put\""
        );
        assert_eq!(
            err(r#"{"rules": [{"rate": 2}]}"#),
            "rules[0]: rate must be a number from 0 to 1"
        );
        assert_eq!(
            err(r#"{"rules": [{"error": "ThrottlingException", "conflict": true}]}"#),
            "rules[0]: give at most one of error, unprocessed, conflict, stale_reads and gsi_lag_ms"
        );
        assert_eq!(
            err(r#"{"rules": [{"stale_reads": {"lag": 5}}]}"#),
            "rules[0]: stale_reads must be {\"lag_ms\": N, \"writes_ago\": K} with non-negative integers"
        );
        assert_eq!(
            err(r#"{"seeds": 1}"#),
            "unknown chaos plan member \"seeds\" (expected seed, rules)"
        );
    }

    #[test]
    fn a_transaction_names_every_table_and_key() {
        let body = serde_json::json!({"TransactItems": [
            {"Put": {"TableName": "a", "Item": {"pk": {"S": "1"}}}},
            {"Delete": {"TableName": "b", "Key": {"pk": {"S": "2"}}}}
        ]});
        let ns = Namespace::default();
        let req = request("TransactWriteItems", &ns, &body);
        assert_eq!(req.tables, ["a", "b"]);
        assert_eq!(req.keys.iter().map(|(t, _)| *t).collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn stale_reads_and_namespace_filters_parse() {
        let plan: Plan = r#"{"seed": 1, "rules": [
            {"table": "t", "region": "eu-west-1", "account": "111111111111", "stale_reads": {"lag_ms": 1000, "writes_ago": 2}},
            {"index": "g", "gsi_lag_ms": 500}]}"#
            .parse()
            .unwrap();
        assert_eq!(
            plan.rules[0].effect,
            Effect::Stale(Lag {
                millis: 1000,
                writes: 2
            })
        );
        assert_eq!(plan.rules[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(plan.rules[0].account.as_deref(), Some("111111111111"));
        assert_eq!(plan.rules[1].effect, Effect::GsiLag(500));
    }

    #[test]
    fn partiql_statements_name_their_tables_and_index() {
        let body = serde_json::json!({"Statements": [
            {"Statement": "SELECT * FROM \"a\".\"g\" WHERE pk = 'x'"},
            {"Statement": "DELETE FROM b WHERE pk = 'y'"}
        ]});
        let ns = Namespace::default();
        let req = request("BatchExecuteStatement", &ns, &body);
        assert_eq!(req.tables, ["a", "b"]);
        assert_eq!(req.index.as_deref(), Some("g"));
    }
}
