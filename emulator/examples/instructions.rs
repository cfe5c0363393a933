//! One request sent to the engine again and again, in-process, for counting its instructions
//! under callgrind (exact and repeatable where timings on a shared machine are not). The cost of
//! one request is the difference between a run of N + 1 requests and a run of 1, divided by N:
//!
//! ```text
//! cargo build --release -p dynamodb-emulator --example instructions
//! valgrind --tool=callgrind target/release/examples/instructions put 1
//! valgrind --tool=callgrind target/release/examples/instructions put 20001
//! ```
//!
//! The table and requests are `benches/ops.rs`'s `engine/*` ones: `get`, `put`, `update` (with a
//! condition) or `query` (25 items of the GSI), on a table of 1,000 items with one GSI.

// unwrap/expect are this tool's asserts (clippy.toml allows them in tests only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dynamodb_emulator::testing::request;
use dynamodb_emulator::{Clock, Engine};
use serde_json::{json, Value};

/// The server's allocator, whose costs are part of every request's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let (op, count) = (args.next().unwrap(), args.next().unwrap().parse::<usize>().unwrap());
    let engine = Engine::new(Clock::System);
    let call = |op: &str, body: &Value| assert_eq!(engine.handle(&request(op, body)).status(), 200, "{op}");
    call(
        "CreateTable",
        &json!({"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "shop", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byShop", "KeySchema": [{"AttributeName": "shop", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}]}),
    );
    let item = |pk: String, sk: usize, shop: usize| {
        json!({"TableName": "bench", "Item": {"pk": {"S": pk}, "sk": {"N": sk.to_string()},
            "shop": {"S": format!("shop{shop}")}, "name": {"S": "a session payload of moderate size"}, "n": {"N": "1"}}})
    };
    for i in 0..1000 {
        call("PutItem", &item(format!("user{}", i % 100), i, i / 25));
    }
    let put = item("user1".into(), 5, 0);
    call("PutItem", &put);
    let key = json!({"pk": {"S": "user1"}, "sk": {"N": "5"}});
    let (op, body) = match op.as_str() {
        "put" => ("PutItem", put),
        "get" => ("GetItem", json!({"TableName": "bench", "Key": key})),
        "update" => (
            "UpdateItem",
            json!({"TableName": "bench", "Key": key,
                "UpdateExpression": "SET #n = :name ADD #c :one", "ConditionExpression": "attribute_exists(pk) AND #c < :max",
                "ExpressionAttributeNames": {"#n": "name", "#c": "n"},
                "ExpressionAttributeValues": {":name": {"S": "renamed"}, ":one": {"N": "0"}, ":max": {"N": "100"}}}),
        ),
        "query" => (
            "Query",
            json!({"TableName": "bench", "IndexName": "byShop", "KeyConditionExpression": "shop = :s",
                "ExpressionAttributeValues": {":s": {"S": "shop7"}}}),
        ),
        other => panic!("no request named {other}: get, put, update or query"),
    };
    let req = request(op, &body);
    for _ in 0..count {
        assert_eq!(engine.handle(std::hint::black_box(&req)).status(), 200);
    }
}
