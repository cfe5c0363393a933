//! Model-based test: random Put/Update/Delete sequences on a table with a sparse GSI and an LSI,
//! interleaved with paged Query (table, GSI, LSI, both directions) and Scan (whole and
//! segmented); every read, gathered across pages, must equal what a `BTreeMap` model says.
//! Snapshots, restores and resets are interleaved with them: a restore brings back the model
//! saved with the snapshot, and later writes on either side never leak into the other.
//! `PROPTEST_CASES` sets the number of sequences.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use dynamodb_emulator::testing::request;
use dynamodb_emulator::Clock;
use dynamodb_emulator::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Op {
    Put {
        pk: u8,
        sk: u8,
        gk: Option<u8>,
        lk: Option<u8>,
        v: i64,
    },
    Update {
        pk: u8,
        sk: u8,
        v: i64,
        drop_gk: bool,
    },
    Delete {
        pk: u8,
        sk: u8,
    },
    Query {
        pk: u8,
        forward: bool,
        limit: u8,
        from_sk: Option<u8>,
    },
    QueryGsi {
        gk: u8,
        limit: u8,
    },
    QueryLsi {
        pk: u8,
        forward: bool,
        limit: u8,
    },
    Scan {
        limit: u8,
        segments: u8,
    },
    /// Snapshot into one of two slots.
    Snapshot(usize),
    /// Restore the slot's snapshot (a no-op while the slot is empty).
    Restore(usize),
    /// Empty the emulator, then create the table again.
    Reset,
}

/// The model's view of one item: key (pk, sk) → (gk, lk, v).
type Model = BTreeMap<(u8, u8), (Option<u8>, Option<u8>, i64)>;

fn op() -> impl Strategy<Value = Op> {
    let key = (0u8..3, 0u8..12);
    prop_oneof![
        4 => (key.clone(), proptest::option::of(0u8..2), proptest::option::of(0u8..4), -50i64..50)
            .prop_map(|((pk, sk), gk, lk, v)| Op::Put { pk, sk, gk, lk, v }),
        2 => (key.clone(), -50i64..50, any::<bool>()).prop_map(|((pk, sk), v, drop_gk)| Op::Update { pk, sk, v, drop_gk }),
        2 => key.prop_map(|(pk, sk)| Op::Delete { pk, sk }),
        2 => (0u8..3, any::<bool>(), 1u8..5, proptest::option::of(0u8..12))
            .prop_map(|(pk, forward, limit, from_sk)| Op::Query { pk, forward, limit, from_sk }),
        1 => (0u8..2, 1u8..5).prop_map(|(gk, limit)| Op::QueryGsi { gk, limit }),
        1 => (0u8..3, any::<bool>(), 1u8..5).prop_map(|(pk, forward, limit)| Op::QueryLsi { pk, forward, limit }),
        1 => (1u8..7, 1u8..4).prop_map(|(limit, segments)| Op::Scan { limit, segments }),
        1 => (0usize..2).prop_map(Op::Snapshot),
        1 => (0usize..2).prop_map(Op::Restore),
        1 => Just(Op::Reset),
    ]
}

fn call(engine: &Engine, op: &str, body: Value) -> Value {
    let req = request(op, &body);
    let res = engine.handle(&req);
    let value: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(res.status(), 200, "{op}: {value}");
    value
}

fn engine() -> Engine {
    let engine = Engine::new(Clock::System);
    create_table(&engine);
    engine
}

fn create_table(engine: &Engine) {
    let def = |n: &str, t: &str| json!({"AttributeName": n, "AttributeType": t});
    let key = |n: &str, t: &str| json!({"AttributeName": n, "KeyType": t});
    call(
        engine,
        "CreateTable",
        json!({"TableName": "model", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [def("pk", "S"), def("sk", "N"), def("gk", "S"), def("lk", "N")],
            "KeySchema": [key("pk", "HASH"), key("sk", "RANGE")],
            "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": [key("gk", "HASH")], "Projection": {"ProjectionType": "ALL"}}],
            "LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": [key("pk", "HASH"), key("lk", "RANGE")],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}]}),
    );
}

fn pk(p: u8) -> String {
    format!("p{p}")
}

/// Reads every page of a Query/Scan request, returning (pk, sk) in the order received.
fn all_pages(engine: &Engine, op: &str, mut body: Value) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    for _ in 0..1000 {
        let page = call(engine, op, body.clone());
        for item in page["Items"].as_array().unwrap() {
            let p: u8 = item["pk"]["S"].as_str().unwrap()[1..].parse().unwrap();
            let s: u8 = item["sk"]["N"].as_str().unwrap().parse().unwrap();
            out.push((p, s));
        }
        match page.get("LastEvaluatedKey") {
            Some(k) => body["ExclusiveStartKey"] = k.clone(),
            None => return out,
        }
    }
    panic!("paging did not end");
}

fn run(ops: &[Op]) {
    let engine = engine();
    let mut model = Model::new();
    let mut saved: [Option<(dynamodb_emulator::Snapshot, Model)>; 2] = [None, None];
    for (step, op) in ops.iter().enumerate() {
        match op.clone() {
            Op::Snapshot(slot) => saved[slot] = Some((engine.snapshot(), model.clone())),
            Op::Restore(slot) => {
                if let Some((snapshot, saved_model)) = &saved[slot] {
                    engine.restore(snapshot);
                    model = saved_model.clone();
                }
            }
            Op::Reset => {
                engine.reset();
                let listed = call(&engine, "ListTables", json!({}));
                assert_eq!(listed["TableNames"], json!([]), "step {step}");
                create_table(&engine);
                model.clear();
            }
            Op::Put { pk: p, sk, gk, lk, v } => {
                let mut item = json!({"pk": {"S": pk(p)}, "sk": {"N": sk.to_string()}, "v": {"N": v.to_string()}});
                if let Some(g) = gk {
                    item["gk"] = json!({"S": format!("g{g}")});
                }
                if let Some(l) = lk {
                    item["lk"] = json!({"N": l.to_string()});
                }
                call(&engine, "PutItem", json!({"TableName": "model", "Item": item}));
                model.insert((p, sk), (gk, lk, v));
            }
            Op::Update { pk: p, sk, v, drop_gk } => {
                let expr = if drop_gk { "SET v = :v REMOVE gk" } else { "SET v = :v" };
                call(
                    &engine,
                    "UpdateItem",
                    json!({"TableName": "model", "Key": {"pk": {"S": pk(p)}, "sk": {"N": sk.to_string()}},
                        "UpdateExpression": expr, "ExpressionAttributeValues": {":v": {"N": v.to_string()}}}),
                );
                let entry = model.entry((p, sk)).or_insert((None, None, 0));
                entry.2 = v;
                if drop_gk {
                    entry.0 = None;
                }
            }
            Op::Delete { pk: p, sk } => {
                call(
                    &engine,
                    "DeleteItem",
                    json!({"TableName": "model", "Key": {"pk": {"S": pk(p)}, "sk": {"N": sk.to_string()}}}),
                );
                model.remove(&(p, sk));
            }
            Op::Query {
                pk: p,
                forward,
                limit,
                from_sk,
            } => {
                let mut body = json!({"TableName": "model", "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": pk(p)}}, "ScanIndexForward": forward, "Limit": limit});
                if let Some(f) = from_sk {
                    body["KeyConditionExpression"] = json!("pk = :p AND sk >= :f");
                    body["ExpressionAttributeValues"][":f"] = json!({"N": f.to_string()});
                }
                let mut want: Vec<(u8, u8)> = model
                    .keys()
                    .filter(|(mp, ms)| *mp == p && from_sk.is_none_or(|f| *ms >= f))
                    .copied()
                    .collect();
                if !forward {
                    want.reverse();
                }
                assert_eq!(all_pages(&engine, "Query", body), want, "step {step}: {op:?}");
            }
            Op::QueryGsi { gk, limit } => {
                let body = json!({"TableName": "model", "IndexName": "gsi", "KeyConditionExpression": "gk = :g",
                    "ExpressionAttributeValues": {":g": {"S": format!("g{gk}")}}, "Limit": limit});
                let mut got = all_pages(&engine, "Query", body);
                got.sort();
                let want: Vec<(u8, u8)> = model
                    .iter()
                    .filter(|(_, (g, _, _))| *g == Some(gk))
                    .map(|(k, _)| *k)
                    .collect();
                assert_eq!(got, want, "step {step}: {op:?}");
            }
            Op::QueryLsi { pk: p, forward, limit } => {
                let body = json!({"TableName": "model", "IndexName": "lsi", "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": pk(p)}}, "ScanIndexForward": forward, "Limit": limit});
                // Ordered by the index key; items sharing one come in DynamoDB's order among
                // themselves (a hash of the table key, unit-tested in `store::slot`), so the model
                // checks the index keys' order and that every item comes exactly once.
                let mut want: Vec<(u8, u8, u8)> = model
                    .iter()
                    .filter_map(|((mp, ms), (_, l, _))| l.filter(|_| *mp == p).map(|l| (l, *mp, *ms)))
                    .collect();
                want.sort();
                if !forward {
                    want.reverse();
                }
                let got = all_pages(&engine, "Query", body);
                let index_keys: Vec<Option<u8>> = got.iter().map(|k| model.get(k).and_then(|m| m.1)).collect();
                let want_keys: Vec<Option<u8>> = want.iter().map(|(l, _, _)| Some(*l)).collect();
                assert_eq!(index_keys, want_keys, "step {step}: {op:?}");
                let mut got = got;
                got.sort();
                let mut want: Vec<(u8, u8)> = want.into_iter().map(|(_, p, s)| (p, s)).collect();
                want.sort();
                assert_eq!(got, want, "step {step}: {op:?}");
            }
            Op::Scan { limit, segments } => {
                let mut got = Vec::new();
                for segment in 0..segments {
                    let body =
                        json!({"TableName": "model", "Limit": limit, "Segment": segment, "TotalSegments": segments});
                    got.extend(all_pages(&engine, "Scan", body));
                }
                got.sort();
                let want: Vec<(u8, u8)> = model.keys().copied().collect();
                assert_eq!(got, want, "step {step}: {op:?}");
                let count = call(&engine, "Scan", json!({"TableName": "model", "Select": "COUNT"}));
                assert_eq!(count["Count"], json!(model.len()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn reads_agree_with_a_model(ops in proptest::collection::vec(op(), 1..60)) {
        run(&ops);
    }
}
