//! Issue #15: a write of one item allocates no more than a small multiple of its size while it
//! is in flight. dhat's allocator counts the bytes live at once while `Engine::handle` runs (the
//! whole request, on this thread), so the figure is exact and repeatable, not a timing. dhat
//! counts the whole process, so this file holds one test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use dynamodb_emulator::testing::request;
use dynamodb_emulator::{Clock, Engine};
use serde_json::{json, Map, Value};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// The most bytes allocated at once while `f` ran, counting only what it allocated.
fn peak_during(f: impl FnOnce()) -> usize {
    let profiler = dhat::Profiler::builder().testing().build();
    f();
    let peak = dhat::HeapStats::get().max_bytes;
    drop(profiler);
    peak
}

fn engine() -> Engine {
    let engine = Engine::new(Clock::System);
    let res = engine.handle(&request(
        "CreateTable",
        &json!({"TableName": "items", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}]}),
    ));
    assert_eq!(res.status(), 200, "{:?}", res.body());
    engine
}

/// Items of about 390 KB (DynamoDB's limit is 400 KB), each with its top-level attribute count.
fn items() -> Vec<(&'static str, Map<String, Value>, usize)> {
    let numbers: Vec<Value> = (0..30_000).map(|i| json!({"N": i.to_string()})).collect();
    let shapes = [
        ("one large string", json!({"big": {"S": "x".repeat(390_000)}})),
        ("a list of 30,000 numbers", json!({"l": {"L": numbers}})),
        (
            "20,000 small attributes",
            (0..20_000).map(|i| (format!("a{i}"), json!({"S": "v"}))).collect(),
        ),
    ];
    shapes
        .into_iter()
        .map(|(name, attrs)| {
            let mut item = attrs.as_object().cloned().unwrap_or_default();
            item.insert("pk".into(), json!({"S": name}));
            item.insert("g".into(), json!({"S": "g"}));
            let n = item.len();
            (name, item, n)
        })
        .collect()
}

/// The bound: four times the request's size, plus 120 bytes per top-level attribute. An item's
/// value bytes are held about three times at the peak: its decoded value, and its stored encoding
/// twice while that is built (a vector, then the shared allocation it is copied into). The parsed
/// body, which holds the request's text of each value, is dropped once the typed input is decoded.
/// Each attribute also costs a fixed amount whatever its size while the input is decoded (its
/// member in the parsed body's B-tree, its decoded name and value: about 110 bytes beyond those
/// copies), which dominates for an item of many tiny attributes.
///
/// History: a placeholder object per value cost about 800 bytes per attribute (50×), and
/// BatchWriteItem built every item as a tree (55×); the one-element array placeholder left 13×,
/// with the parsed body alive while the write ran (4.0× for a large string). TransactWriteItems
/// copied each Put's item while it planned, and decoded the item it replaced twice (6.0× and 7.0×).
#[test]
fn a_write_allocates_a_small_multiple_of_its_size_while_in_flight() {
    let engine = engine();
    for (name, item, attributes) in items() {
        let bodies = [
            ("PutItem", json!({"TableName": "items", "Item": item})),
            (
                "BatchWriteItem",
                json!({"RequestItems": {"items": [{"PutRequest": {"Item": item}}]}}),
            ),
            (
                "TransactWriteItems",
                json!({"TransactItems": [{"Put": {"TableName": "items", "Item": item}}]}),
            ),
        ];
        for (op, body) in bodies {
            let req = request(op, &body);
            let size = req.body().len();
            let peak = peak_during(|| {
                let res = engine.handle(&req);
                assert_eq!(res.status(), 200, "{op} {name}: {:?}", res.body());
            });
            let bound = 4 * size + 120 * attributes;
            println!(
                "{op}, {name}: request {size} B, peak {peak} B ({:.1}x)",
                peak as f64 / size as f64
            );
            assert!(
                peak <= bound,
                "{op}, {name}: {peak} bytes in flight for a {size}-byte request (bound {bound})"
            );
        }
    }
    // UpdateItem setting the large value from ExpressionAttributeValues, on a new key, the first
    // time its expression is parsed: the value is decoded, bound into the update and copied into
    // the new item, and a list of small numbers decodes to about 2.4 times its JSON. The bound is
    // 6.5 times the request; the parse cache once also copied the bound tree, values and all, for
    // its entry (8.3 times for the list; 5.9 now).
    for (name, item, _) in items().into_iter().take(2) {
        let (attr, value) = item.iter().find(|(k, _)| !["pk", "g"].contains(&k.as_str())).unwrap();
        let req = request(
            "UpdateItem",
            &json!({"TableName": "items", "Key": {"pk": {"S": format!("{name}, updated")}},
                "UpdateExpression": format!("SET {attr} = :v"), "ExpressionAttributeValues": {":v": value}}),
        );
        let size = req.body().len();
        let peak = peak_during(|| {
            let res = engine.handle(&req);
            assert_eq!(res.status(), 200, "UpdateItem {name}: {:?}", res.body());
        });
        println!(
            "UpdateItem, {name}: request {size} B, peak {peak} B ({:.1}x)",
            peak as f64 / size as f64
        );
        assert!(
            peak <= 13 * size / 2,
            "UpdateItem, {name}: {peak} bytes in flight for a {size}-byte request"
        );
    }
}
