//! Server-side cost per request (raw JSON into `Engine::handle`, no network) and end-to-end SDK
//! latency over both transports. Run: `cargo bench -p dynamodb-emulator --bench ops`.

// A benchmark fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use dynamodb_emulator::testing::{create_table, request};
use dynamodb_emulator::Clock;
use dynamodb_emulator::{Emulator, Engine};
use serde_json::{json, Value};

fn call(engine: &Engine, op: &str, body: Value) {
    let res = engine.handle(&request(op, &body));
    assert_eq!(res.status(), 200, "{op}: {:?}", res.body());
}

/// A table `bench` (pk S, sk N) with GSI `byShop` (shop S, ALL) holding `items` items, 25 per shop.
fn engine_with(items: usize) -> Engine {
    let engine = Engine::new(Clock::System);
    fill(&engine, items);
    engine
}

/// Creates `engine_with`'s table in `engine` and puts `items` items into it.
fn fill(engine: &Engine, items: usize) {
    call(
        engine,
        "CreateTable",
        json!({"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "shop", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byShop", "KeySchema": [{"AttributeName": "shop", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}]}),
    );
    for i in 0..items {
        call(
            engine,
            "PutItem",
            json!({"TableName": "bench", "Item": {"pk": {"S": format!("user{}", i % 100)}, "sk": {"N": i.to_string()},
                "shop": {"S": format!("shop{}", i / 25)}, "name": {"S": "a session payload of moderate size"}, "n": {"N": "1"}}}),
        );
    }
}

fn engine_ops(c: &mut Criterion) {
    let engine = engine_with(1000);
    let mut g = c.benchmark_group("engine");
    let put = request(
        "PutItem",
        &json!({"TableName": "bench", "Item": {"pk": {"S": "user1"}, "sk": {"N": "5"},
        "shop": {"S": "shop0"}, "name": {"S": "a session payload of moderate size"}, "n": {"N": "1"}}}),
    );
    // The item GetItem and UpdateItem read below: stored here, so that each bench run alone
    // (`-- engine/update_item_with_condition`) finds it; without it the update's condition failed.
    assert_eq!(engine.handle(&put).status(), 200);
    g.bench_function("put_item", |b| b.iter(|| black_box(engine.handle(&put))));
    let get = request(
        "GetItem",
        &json!({"TableName": "bench", "Key": {"pk": {"S": "user1"}, "sk": {"N": "5"}}}),
    );
    g.bench_function("get_item", |b| b.iter(|| black_box(engine.handle(&get))));
    let update = request(
        "UpdateItem",
        &json!({"TableName": "bench", "Key": {"pk": {"S": "user1"}, "sk": {"N": "5"}},
        "UpdateExpression": "SET #n = :name ADD #c :one", "ConditionExpression": "attribute_exists(pk) AND #c < :max",
        "ExpressionAttributeNames": {"#n": "name", "#c": "n"},
        "ExpressionAttributeValues": {":name": {"S": "renamed"}, ":one": {"N": "0"}, ":max": {"N": "100"}}}),
    );
    assert_eq!(
        engine.handle(&update).status(),
        200,
        "the update must succeed to be measured"
    );
    g.bench_function("update_item_with_condition", |b| {
        b.iter(|| black_box(engine.handle(&update)))
    });
    let scan = request("Scan", &json!({"TableName": "bench", "Limit": 1000}));
    g.bench_function("scan_page_1000_items", |b| b.iter(|| black_box(engine.handle(&scan))));
    let query = request(
        "Query",
        &json!({"TableName": "bench", "IndexName": "byShop", "KeyConditionExpression": "shop = :s",
        "ExpressionAttributeValues": {":s": {"S": "shop7"}}}),
    );
    g.bench_function("query_gsi_25_of_1k", |b| b.iter(|| black_box(engine.handle(&query))));
    let big = engine_with(100_000);
    g.bench_function("query_gsi_25_of_100k", |b| b.iter(|| black_box(big.handle(&query))));
    // The fixture pattern: snapshot once, restore before each test (after the test's writes).
    g.bench_function("snapshot_and_restore_100k", |b| {
        b.iter(|| {
            let snapshot = big.snapshot();
            big.restore(black_box(&snapshot));
        })
    });
    let fixture = big.snapshot();
    g.bench_function("put_then_restore_100k", |b| {
        b.iter(|| {
            black_box(big.handle(&put));
            big.restore(&fixture);
        })
    });
    g.finish();
}

/// What durability costs a write: the same PutItem, BatchWriteItem of 25 and TransactWriteItems
/// of 10 puts in memory and with `--db-path` (each answered only once its commit is synced), in
/// one run so that the two sides see the same machine. The database is in a temporary directory.
fn write_cost(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut durable = Engine::new(Clock::System);
    durable.open_db(dir.path()).unwrap();
    fill(&durable, 0);
    let engines = [("in_memory", engine_with(0)), ("db_path", durable)];
    let item = |i: usize| {
        json!({"pk": {"S": format!("user{i}")}, "sk": {"N": i.to_string()}, "shop": {"S": "shop0"},
            "name": {"S": "a session payload of moderate size"}, "n": {"N": "1"}})
    };
    let put = request("PutItem", &json!({"TableName": "bench", "Item": item(0)}));
    let batch: Vec<Value> = (0..25).map(|i| json!({"PutRequest": {"Item": item(i)}})).collect();
    let batch = request("BatchWriteItem", &json!({"RequestItems": {"bench": batch}}));
    let transact: Vec<Value> = (0..10)
        .map(|i| json!({"Put": {"TableName": "bench", "Item": item(i)}}))
        .collect();
    let transact = request("TransactWriteItems", &json!({"TransactItems": transact}));
    let mut g = c.benchmark_group("write_cost");
    for (mode, engine) in &engines {
        for (op, req) in [
            ("put_item", &put),
            ("batch_write_25", &batch),
            ("transact_write_10", &transact),
        ] {
            g.bench_function(format!("{op}/{mode}"), |b| {
                b.iter(|| {
                    let res = engine.handle(req);
                    assert_eq!(res.status(), 200, "{op}: {:?}", res.body());
                })
            });
        }
    }
    g.finish();
}

/// End-to-end GetItem latency through the SDK: in-process transport, our socket, and, when
/// `COMPARE_ENDPOINT` names another DynamoDB-compatible server (scripts/bench.sh starts dynalite),
/// that server over its socket, all in one run.
fn sdk_transports(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(async {
        let emu = Emulator::start().await.unwrap();
        let _ = create_table(&emu.client(), "bench", "pk").await;
        emu
    });
    let mut clients = vec![("in_process", emu.client()), ("socket", emu.http_client())];
    if let Ok(url) = std::env::var("COMPARE_ENDPOINT") {
        let other = dynamodb_emulator::transport_for_endpoint(&url);
        let _ = rt.block_on(create_table(&other, "bench", "pk"));
        clients.push(("compare_endpoint", other));
    }
    let mut g = c.benchmark_group("sdk_get_item");
    for (name, client) in clients {
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                client
                    .get_item()
                    .table_name("bench")
                    .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("a".into()))
                    .send()
                    .await
                    .unwrap()
            })
        });
    }
    g.finish();
    c.bench_function("emulator_start", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(Emulator::start().await.unwrap()) })
    });
}

criterion_group!(benches, engine_ops, sdk_transports, write_cost);
criterion_main!(benches);
