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

/// How many values `value` (an attribute value's JSON) holds below itself.
fn nested_values(value: &Value) -> usize {
    let children: Vec<&Value> = match value.as_object().and_then(|m| m.iter().next()) {
        Some((t, Value::Array(list))) if t == "L" => list.iter().collect(),
        Some((t, Value::Object(map))) if t == "M" => map.values().collect(),
        _ => Vec::new(),
    };
    children.len() + children.into_iter().map(nested_values).sum::<usize>()
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

/// The bound: twice the request's size, plus 48 bytes per top-level attribute and 32 per value
/// nested below one, plus 16 KB for what every request costs (a transaction's plan the most).
/// An item's value bytes are held twice at the peak: the item's text, kept whole by the parse,
/// beside its decoded form, then (the body dropped) the decoded form beside the stored encoding,
/// built in one allocation of its exact size. Each value also costs a fixed amount whatever its
/// size: a top-level attribute its decoded entry (a name and a value, 56 bytes, against about 18
/// bytes of JSON for `"a1":{"S":"v"}`), a nested one its decoded value.
///
/// History: a placeholder object per value cost about 800 bytes per attribute (50×), and
/// BatchWriteItem built every item as a tree (55×); the one-element array placeholder left 13×,
/// with the parsed body alive while the write ran (4.0× for a large string). TransactWriteItems
/// copied each Put's item while it planned, and decoded the item it replaced twice (6.0× and 7.0×).
/// The stored encoding was built in a growing vector and then copied (3.0× for a large string).
/// The parse built a tree of the item's members, about 120 bytes per attribute beside the decoded
/// item (10.0× for 20,000 one-character attributes).
#[test]
fn a_write_allocates_a_small_multiple_of_its_size_while_in_flight() {
    let engine = engine();
    for (name, item, attributes) in items() {
        let nested: usize = item.values().map(nested_values).sum();
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
            let bound = 2 * size + 48 * attributes + 32 * nested + 16_384;
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
