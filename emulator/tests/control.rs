//! The emulator's HTTP control endpoints (`/_emulator/...`) with raw HTTP over a real socket: they
//! need no DynamoDB target or signature, and drive the manual clock and the TTL sweep.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, UNIX_EPOCH};

use dynamodb_emulator::Emulator;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc";
const T0: u64 = 1_700_000_000;

/// Sends one HTTP/1.1 request and returns (status, content type, JSON body).
async fn send(emu: &Emulator, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    req += body;
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_owned))
        .unwrap_or_default();
    (status, content_type, serde_json::from_str(body).unwrap())
}

async fn control(emu: &Emulator, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (status, content_type, value) = send(emu, method, path, &[], body).await;
    assert_eq!(content_type, "application/json");
    (status, value)
}

async fn dynamodb(emu: &Emulator, op: &str, body: Value) -> (u16, Value) {
    let target = format!("DynamoDB_20120810.{op}");
    let headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", target.as_str()),
        ("Authorization", AUTH),
        ("X-Amz-Date", "20260101T000000Z"),
    ];
    let (status, _, value) = send(emu, "POST", "/", &headers, &body.to_string()).await;
    (status, value)
}

async fn manual() -> Emulator {
    Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0))
        .start()
        .await
        .unwrap()
}

/// A manual clock stops at the last instant an HTTP date can show (9999-12-31T23:59:59.999Z):
/// a move past it is refused and the emulator keeps answering, with the time it had.
#[tokio::test]
async fn a_manual_clock_stops_at_the_end_of_year_9999() {
    let emu = manual().await;
    let latest: i64 = 253_402_300_799_999;
    let to_latest = (latest - T0 as i64 * 1000).to_string();
    assert_eq!(
        control(
            &emu,
            "POST",
            "/_emulator/clock/advance",
            &format!(r#"{{"millis": {to_latest}}}"#)
        )
        .await,
        (200, json!({"mode": "manual", "now_millis": latest}))
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", r#"{"millis": 1}"#).await,
        (
            400,
            json!({"error": "the clock cannot pass 9999-12-31T23:59:59.999Z, the last time an HTTP date can show"})
        )
    );
    assert!(!emu.advance(Duration::from_secs(1)));
    assert_eq!(
        dynamodb(&emu, "ListTables", json!({})).await,
        (200, json!({"TableNames": []}))
    );
}

#[tokio::test]
async fn clock_endpoints_move_a_manual_clock() {
    let emu = manual().await;
    let start = T0 as i64 * 1000;
    assert_eq!(
        control(&emu, "GET", "/_emulator/clock", "").await,
        (200, json!({"mode": "manual", "now_millis": start}))
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", r#"{"seconds": 90}"#).await,
        (200, json!({"mode": "manual", "now_millis": start + 90_000}))
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", r#"{"millis": 250}"#).await,
        (200, json!({"mode": "manual", "now_millis": start + 90_250}))
    );
    assert!(emu.advance(Duration::from_millis(750)));
    assert_eq!(
        control(&emu, "GET", "/_emulator/clock", "").await.1["now_millis"],
        json!(start + 91_000)
    );

    let bad = json!({"error": "expected a JSON body {\"seconds\": N} or {\"millis\": N}"});
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", "").await,
        (400, bad.clone())
    );
    assert_eq!(
        control(
            &emu,
            "POST",
            "/_emulator/clock/advance",
            r#"{"seconds": 1, "millis": 1}"#
        )
        .await,
        (400, bad)
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", r#"{"seconds": -1}"#).await,
        (
            400,
            json!({"error": "the clock only moves forward: give a non-negative amount"})
        )
    );
    assert_eq!(
        control(&emu, "GET", "/_emulator/ttl/sweep", "").await,
        (405, json!({"error": "GET is not allowed on /_emulator/ttl/sweep"}))
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/nothing", "").await,
        (404, json!({"error": "no emulator control at /_emulator/nothing"}))
    );
    // Nothing moved on the failed calls.
    assert_eq!(
        control(&emu, "GET", "/_emulator/clock", "").await.1["now_millis"],
        json!(start + 91_000)
    );
}

#[tokio::test]
async fn the_system_clock_cannot_be_moved() {
    let emu = Emulator::start().await.unwrap();
    let (status, body) = control(&emu, "GET", "/_emulator/clock", "").await;
    assert_eq!((status, &body["mode"]), (200, &json!("system")));
    assert_eq!(
        control(&emu, "POST", "/_emulator/clock/advance", r#"{"seconds": 5}"#).await,
        (
            409,
            json!({"error": "this emulator runs on the system clock; start it with a manual clock (--manual-clock) to move time"})
        )
    );
    assert!(!emu.advance(Duration::from_secs(5)));
    assert_eq!(
        control(&emu, "POST", "/_emulator/ttl/sweep", "").await,
        (200, json!({"deleted": 0}))
    );
}

#[tokio::test]
async fn ttl_expiry_driven_over_http() {
    let emu = manual().await;
    let (status, _) = dynamodb(
        &emu,
        "CreateTable",
        json!({
            "TableName": "sessions",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        dynamodb(
            &emu,
            "UpdateTimeToLive",
            json!({"TableName": "sessions", "TimeToLiveSpecification": {}})
        )
        .await,
        (
            400,
            json!({
                "__type": "com.amazon.coral.validate#ValidationException",
                "message": "2 validation errors detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null; Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null"
            })
        )
    );
    let spec = json!({"Enabled": true, "AttributeName": "expires"});
    assert_eq!(
        dynamodb(
            &emu,
            "UpdateTimeToLive",
            json!({"TableName": "sessions", "TimeToLiveSpecification": spec})
        )
        .await,
        (200, json!({ "TimeToLiveSpecification": spec }))
    );
    for (pk, expires) in [("a", T0 + 10), ("b", T0 + 100)] {
        let item = json!({"pk": {"S": pk}, "expires": {"N": expires.to_string()}});
        let (status, _) = dynamodb(&emu, "PutItem", json!({"TableName": "sessions", "Item": item})).await;
        assert_eq!(status, 200);
    }
    let get = |pk: &str| json!({"TableName": "sessions", "Key": {"pk": {"S": pk}}});
    control(&emu, "POST", "/_emulator/clock/advance", r#"{"seconds": 11}"#).await;
    // Expired but not swept: still readable.
    assert_eq!(
        dynamodb(&emu, "GetItem", get("a")).await.1["Item"]["pk"],
        json!({"S": "a"})
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/ttl/sweep", "").await,
        (200, json!({"deleted": 1}))
    );
    assert_eq!(dynamodb(&emu, "GetItem", get("a")).await, (200, json!({})));
    assert_eq!(
        dynamodb(&emu, "GetItem", get("b")).await.1["Item"]["pk"],
        json!({"S": "b"})
    );
    let (_, table) = dynamodb(&emu, "DescribeTable", json!({"TableName": "sessions"})).await;
    assert_eq!(table["Table"]["ItemCount"], json!(1));
}

#[tokio::test]
async fn describe_endpoints_names_the_host_the_client_used() {
    let emu = Emulator::start().await.unwrap();
    assert_eq!(
        dynamodb(&emu, "DescribeEndpoints", json!({})).await,
        (
            200,
            json!({"Endpoints": [{"Address": "localhost", "CachePeriodInMinutes": 1440}]})
        )
    );
}

#[tokio::test]
async fn controls_on_a_non_loopback_address_need_the_token() {
    let open = manual().await;
    assert_eq!(open.control_token(), None);
    let emu = Emulator::builder()
        .host("0.0.0.0")
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0))
        .start()
        .await
        .unwrap();
    let token = emu.control_token().expect("a token is made up").to_string();
    assert_eq!(token.len(), 32);
    let refused = json!({"error": "this emulator's controls need its token: send Authorization: Bearer <token> (printed at start, or set with --control-token)"});
    let bearer = format!("Bearer {token}");
    let wrong = format!("Bearer {token}x");
    for headers in [
        vec![],
        vec![("Authorization", wrong.as_str())],
        vec![("Authorization", token.as_str())],
    ] {
        let (status, _, body) = send(&emu, "POST", "/_emulator/clock/advance", &headers, r#"{"seconds": 5}"#).await;
        assert_eq!((status, body), (401, refused.clone()));
    }
    let (status, _, body) = send(
        &emu,
        "POST",
        "/_emulator/clock/advance",
        &[("Authorization", &bearer)],
        r#"{"seconds": 5}"#,
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({"mode": "manual", "now_millis": (T0 + 5) * 1000}))
    );
    // The DynamoDB API itself is unaffected.
    assert_eq!(
        dynamodb(&emu, "ListTables", json!({})).await,
        (200, json!({"TableNames": []}))
    );
    // A token that was given is the one required, on any address.
    let given = Emulator::builder().control_token("s3cret").start().await.unwrap();
    assert_eq!(given.control_token(), Some("s3cret"));
    let (status, _, _) = send(&given, "GET", "/_emulator/clock", &[], "").await;
    assert_eq!(status, 401);
    let (status, _, _) = send(
        &given,
        "GET",
        "/_emulator/clock",
        &[("Authorization", "Bearer s3cret")],
        "",
    )
    .await;
    assert_eq!(status, 200);
}

/// The fixture pattern over HTTP: build once, snapshot under a name, change things, restore.
#[tokio::test]
async fn snapshots_restore_and_reset_over_http() {
    let emu = Emulator::start().await.unwrap();
    let create = json!({"TableName": "items", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
    assert_eq!(dynamodb(&emu, "CreateTable", create).await.0, 200);
    let put = |pk: &str| json!({"TableName": "items", "Item": {"pk": {"S": pk}}});
    assert_eq!(dynamodb(&emu, "PutItem", put("fixture")).await.0, 200);
    assert_eq!(
        control(&emu, "PUT", "/_emulator/snapshots/fixture", "").await,
        (200, json!({"name": "fixture"}))
    );
    assert_eq!(dynamodb(&emu, "PutItem", put("test")).await.0, 200);
    let keys = || async {
        let (_, scan) = dynamodb(&emu, "Scan", json!({"TableName": "items"})).await;
        let mut keys: Vec<String> = scan["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["pk"]["S"].as_str().unwrap().to_string())
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys().await, ["fixture", "test"]);
    let restore = "/_emulator/snapshots/fixture/restore";
    assert_eq!(
        control(&emu, "POST", restore, "").await,
        (200, json!({"name": "fixture"}))
    );
    assert_eq!(keys().await, ["fixture"]);
    assert_eq!(
        control(&emu, "GET", "/_emulator/snapshots", "").await,
        (200, json!({"names": ["fixture"]}))
    );

    assert_eq!(control(&emu, "POST", "/_emulator/reset", "").await, (200, json!({})));
    let (_, tables) = dynamodb(&emu, "ListTables", json!({})).await;
    assert_eq!(tables["TableNames"], json!([]));
    // The snapshot outlives a reset, and restores can repeat.
    assert_eq!(control(&emu, "POST", restore, "").await.0, 200);
    assert_eq!(keys().await, ["fixture"]);

    assert_eq!(
        control(&emu, "DELETE", "/_emulator/snapshots/fixture", "").await,
        (200, json!({"name": "fixture"}))
    );
    assert_eq!(
        control(&emu, "POST", restore, "").await,
        (404, json!({"error": "no snapshot named \"fixture\""}))
    );
    assert_eq!(
        control(&emu, "GET", "/_emulator/reset", "").await,
        (405, json!({"error": "GET is not allowed on /_emulator/reset"}))
    );
    assert_eq!(
        control(&emu, "POST", "/_emulator/snapshots/fixture", "").await,
        (
            405,
            json!({"error": "POST is not allowed on /_emulator/snapshots/fixture"})
        )
    );
    assert_eq!(
        control(&emu, "PUT", "/_emulator/snapshots/a/b", "").await,
        (404, json!({"error": "no emulator control at /_emulator/snapshots/a/b"}))
    );
}

#[tokio::test]
async fn a_chaos_plan_is_set_read_and_cleared_over_http() {
    let emu = manual().await;
    // The issue's example, as written. Chaos answers before the operation looks its table up.
    let plan = r#"{"seed": 7, "rules": [{"operation": "PutItem", "table": "t", "error": "ProvisionedThroughputExceededException", "rate": 1.0}]}"#;
    assert_eq!(
        control(&emu, "PUT", "/_emulator/chaos", plan).await,
        (200, json!({"seed": 7}))
    );
    let put = json!({"TableName": "t", "Item": {"pk": {"S": "a"}}});
    assert_eq!(
        dynamodb(&emu, "PutItem", put.clone()).await,
        (
            400,
            json!({"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."})
        )
    );
    // Without chaos, a table name that short is refused.
    let too_short = (
        400,
        json!({"__type": "com.amazon.coral.validate#ValidationException",
            "message": "TableName must be at least 3 characters long and at most 255 characters long"}),
    );
    let get = json!({"TableName": "t", "Key": {"pk": {"S": "a"}}});
    assert_eq!(dynamodb(&emu, "GetItem", get).await, too_short);
    assert_eq!(
        control(&emu, "GET", "/_emulator/chaos", "").await,
        (200, json!({"seed": 7, "rules": [{"matched": 1, "fired": 1}]}))
    );
    assert_eq!(
        control(
            &emu,
            "PUT",
            "/_emulator/chaos",
            r#"{"rules": [{"operation": "PutItem", "nth": [0]}]}"#
        )
        .await,
        (
            400,
            json!({"error": "rules[0]: nth must list match numbers counted from 1"})
        )
    );
    assert_eq!(control(&emu, "DELETE", "/_emulator/chaos", "").await, (200, json!({})));
    assert_eq!(
        control(&emu, "GET", "/_emulator/chaos", "").await,
        (200, json!({"seed": null, "rules": []}))
    );
    assert_eq!(dynamodb(&emu, "PutItem", put).await, too_short);
}
