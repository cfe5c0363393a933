//! Bad input never panics and never answers outside DynamoDB's error format: random,
//! half-plausible request bodies (real member names, attribute-value shapes, expression-like
//! strings, wrong JSON types) go to every operation; each answer must be a success or a 400 with a
//! `__type` in one of DynamoDB's namespaces. A second target mutates serialized bodies (brackets,
//! quotes, deep nesting, long expression-token soups spliced in, bytes cut), so the JSON parser and
//! every limit past it are exercised on the whole request path. `PROPTEST_CASES` sets the number
//! of cases; the long run is `PROPTEST_CASES=1000000 cargo test --release -p dynamodb-emulator
//! --test robustness`.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use dynamodb_emulator::testing::request;
use dynamodb_emulator::Clock;
use dynamodb_emulator::Engine;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const DYNAMODB_OPS: &[&str] = &[
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    "CreateTable",
    "DeleteItem",
    "DeleteTable",
    "DescribeEndpoints",
    "DescribeLimits",
    "DescribeTable",
    "DescribeTimeToLive",
    "ExecuteStatement",
    "ExecuteTransaction",
    "GetItem",
    "ListTables",
    "ListTagsOfResource",
    "PutItem",
    "Query",
    "Scan",
    "TagResource",
    "TransactGetItems",
    "TransactWriteItems",
    "UntagResource",
    "UpdateItem",
    "UpdateTable",
    "UpdateTimeToLive",
];
const STREAMS_OPS: &[&str] = &["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"];

const MEMBERS: &[&str] = &[
    "TableName",
    "Key",
    "Item",
    "Keys",
    "RequestItems",
    "PutRequest",
    "DeleteRequest",
    "IndexName",
    "Limit",
    "Select",
    "ConsistentRead",
    "ExclusiveStartKey",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
    "ReturnConsumedCapacity",
    "Expected",
    "AttributeUpdates",
    "AttributesToGet",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
    "Segment",
    "TotalSegments",
    "TransactItems",
    "Put",
    "Update",
    "Delete",
    "ConditionCheck",
    "Get",
    "Statement",
    "Statements",
    "Parameters",
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "ProvisionedThroughput",
    "BillingMode",
    "TimeToLiveSpecification",
    "Enabled",
    "AttributeName",
    "ResourceArn",
    "Tags",
    "TagKeys",
    "StreamArn",
    "ShardId",
    "ShardIteratorType",
    "ShardIterator",
    "ClientRequestToken",
    "GlobalSecondaryIndexUpdates",
    "StreamSpecification",
    "pk",
    "sk",
];

/// What nests in the expression grammars and PartiQL.
const OPENERS: &[&str] = &["(", "NOT (", "size(", "list_append(:v,", "[", "{'a':"];

/// Members whose strings are parsed (expressions, statements).
const TEXT_MEMBERS: &[&str] = &[
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
    "Statement",
];

const STRINGS: &[&str] = &[
    "fuzzed",
    "",
    "pk",
    ":v",
    "#n",
    "pk = :v",
    "attribute_not_exists(pk)",
    "SET #n = :v",
    "REMOVE a[0].b",
    "ADD n :v",
    "pk = :v AND sk BETWEEN :a AND :b",
    "begins_with(sk, :v)",
    "size(a) > :v",
    "a.b[1], c",
    "SELECT * FROM \"fuzzed\" WHERE pk = ?",
    "INSERT INTO \"fuzzed\" VALUE {'pk': 'a', 'sk': 1}",
    "UPDATE \"fuzzed\" SET x = 1 WHERE pk = 'a' AND sk = 1",
    "DELETE FROM fuzzed WHERE pk = 'a'",
    "ALL_OLD",
    "ALL_NEW",
    "TOTAL",
    "COUNT",
    "HASH",
    "RANGE",
    "S",
    "N",
    "TRIM_HORIZON",
    "((((",
    "a = = b",
    "arn:aws:dynamodb:us-east-1:000000000000:table/fuzzed",
    "1E+200",
    "-0",
    "AA==",
    "\u{0}",
    "gsi1",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![Just(-1i64), Just(0), Just(1), Just(25), Just(101), any::<i64>()].prop_map(Value::from),
        proptest::sample::select(STRINGS).prop_map(Value::from),
        "[a-z#:]{0,6}".prop_map(Value::from),
    ]
}

/// An attribute value, well or badly formed.
fn attribute() -> impl Strategy<Value = Value> {
    let ty = proptest::sample::select(&["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M", "X"][..]);
    (ty, leaf(), proptest::option::of(leaf())).prop_map(|(ty, v, extra)| {
        let v = match (ty, &v) {
            ("SS" | "NS" | "BS" | "L", Value::String(_)) => json!([v.clone(), v]),
            ("M", _) => json!({"pk": {"S": v}}),
            _ => v,
        };
        let mut m = Map::new();
        m.insert(ty.to_string(), v);
        if let Some(e) = extra {
            m.insert("S".into(), e);
        }
        Value::Object(m)
    })
}

fn value() -> impl Strategy<Value = Value> {
    let base = prop_oneof![3 => leaf(), 2 => attribute()];
    base.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(MEMBERS).prop_map(str::to_owned), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Value> {
    let entry = (proptest::sample::select(MEMBERS), value());
    (proptest::collection::vec(entry, 0..7), any::<bool>()).prop_map(|(entries, named)| {
        let mut m: Map<String, Value> = entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        if named {
            m.insert("TableName".into(), json!("fuzzed"));
        }
        Value::Object(m)
    })
}

fn engine() -> Engine {
    let engine = Engine::new(Clock::System);
    let create = json!({"TableName": "fuzzed", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}],
        "LocalSecondaryIndexes": [{"IndexName": "lsi1", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "g", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}});
    assert_eq!(engine.handle(&request("CreateTable", &create)).status(), 200);
    let put = json!({"TableName": "fuzzed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "a": {"L": [{"M": {"b": {"S": "c"}}}]}}});
    assert_eq!(engine.handle(&request("PutItem", &put)).status(), 200);
    engine
}

fn check_answer(op: &str, body: &Value, res: &http::Response<Bytes>) {
    let status = res.status().as_u16();
    if status == 200 {
        return;
    }
    let answer: Value = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
    let ty = answer["__type"].as_str().unwrap_or_default();
    let namespaced = [
        "com.amazonaws.dynamodb.v20120810#",
        "com.amazon.coral.validate#",
        "com.amazon.coral.service#",
    ]
    .iter()
    .any(|ns| ty.starts_with(ns));
    assert!(status == 400 && namespaced, "{op} {body} answered {status} {answer}");
}

/// A text edit of a serialized body.
#[derive(Clone, Debug)]
enum Mutation {
    /// Splice `count` copies of `text` in at a fraction of the body's length.
    Insert { at: f64, text: &'static str, count: usize },
    /// Splice `count` copies of `text` in after a fraction of the body's quote characters: inside
    /// a string (an expression, a statement) or, after a closing quote, into the JSON itself.
    AfterQuote { at: f64, text: &'static str, count: usize },
    /// Cut `len` bytes at a fraction of the body's length.
    Cut { at: f64, len: usize },
}

/// What nests or breaks: JSON brackets, attribute-value wrappers, quotes, expression tokens.
const SPLICES: &[&str] = &[
    "[",
    "{",
    "]",
    "}",
    "\"",
    ",",
    ":",
    "{\"M\":{\"a\":",
    "{\"L\":[",
    "(",
    "NOT (",
    "list_append(:v,",
    " AND ",
    "a.",
    "[0]",
    "\\",
    "null",
    "1e999",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let count = || prop_oneof![1 => 1..4usize, 1 => 100..3000usize];
    prop_oneof![
        (0.0..1.0f64, proptest::sample::select(SPLICES), count()).prop_map(|(at, text, count)| Mutation::AfterQuote {
            at,
            text,
            count
        }),
        (0.0..1.0f64, proptest::sample::select(SPLICES), count()).prop_map(|(at, text, count)| Mutation::Insert {
            at,
            text,
            count
        }),
        (0.0..1.0f64, 1..16usize).prop_map(|(at, len)| Mutation::Cut { at, len }),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        match m {
            Mutation::Insert { at, text, count } => {
                let i = (bytes.len() as f64 * at) as usize;
                let splice = text.repeat(*count).into_bytes();
                bytes.splice(i..i, splice);
            }
            Mutation::AfterQuote { at, text, count } => {
                let quotes: Vec<usize> = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'"')
                    .map(|(i, _)| i + 1)
                    .collect();
                let i = quotes.get((quotes.len() as f64 * at) as usize).copied().unwrap_or(0);
                bytes.splice(i..i, text.repeat(*count).into_bytes());
            }
            Mutation::Cut { at, len } => {
                let i = (bytes.len() as f64 * at) as usize;
                bytes.drain(i..(i + len).min(bytes.len()));
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_bodies_get_dynamodb_answers(
        op in proptest::sample::select(DYNAMODB_OPS),
        body in prop_oneof![body(), Just(json!({"TableName": "fuzzed", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}))],
        member in proptest::sample::select(TEXT_MEMBERS),
        text in (proptest::sample::select(OPENERS), 0..3000usize, proptest::sample::select(STRINGS)),
        mutations in proptest::collection::vec(mutation(), 0..4),
    ) {
        let mut body = body;
        body[member] = json!(format!("{}{}", text.0.repeat(text.1), text.2));
        let mut req = request(op, &body);
        let bytes = mutate(req.body().to_vec(), &mutations);
        *req.body_mut() = Bytes::from(bytes);
        // On a 1 MiB stack, half of what the server's threads have.
        let res = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || engine().handle(&req))
            .unwrap()
            .join()
            .unwrap();
        check_answer(op, &body, &res);
    }

    #[test]
    fn random_bodies_get_dynamodb_answers(op in proptest::sample::select(DYNAMODB_OPS), body in body()) {
        let engine = engine();
        check_answer(op, &body, &engine.handle(&request(op, &body)));
    }

    #[test]
    fn random_stream_requests_get_dynamodb_answers(op in proptest::sample::select(STREAMS_OPS), body in body()) {
        let engine = engine();
        let mut req = request(op, &body);
        let target = format!("DynamoDBStreams_20120810.{op}");
        req.headers_mut().insert("x-amz-target", http::HeaderValue::from_str(&target).unwrap());
        check_answer(op, &body, &engine.handle(&req));
    }
}
