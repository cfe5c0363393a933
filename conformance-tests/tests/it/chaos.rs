//! Chaos plans through the SDK: each fault's exact wire answer, the SDK's own retries of the
//! retryable ones, partial batches, transaction conflicts, latency and seeded replay.

use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::types::{KeysAndAttributes, Put, PutRequest, TransactWriteItem, WriteRequest};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::chaos::{Plan, RuleCount};
use dynamodb_emulator::Emulator;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::support::{create_table, error, item, s};

const PTEE: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";

/// An emulator with table `tbl` and a client retrying as the SDK's standard mode does (`attempts`
/// in all), with a 1 ms backoff so the test does not wait for it.
async fn setup(attempts: u32) -> (Emulator, Client) {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu.client(), "tbl", None).await;
    let retry = RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(1));
    let client = Client::from_conf(emu.client().config().to_builder().retry_config(retry).build());
    (emu, client)
}

fn plan(text: Value) -> Plan {
    text.to_string().parse().unwrap()
}

fn counts(emu: &Emulator) -> Vec<(u64, u64)> {
    emu.chaos()
        .counts()
        .into_iter()
        .map(|RuleCount { matched, fired }| (matched, fired))
        .collect()
}

async fn put(client: &Client, pk: &str) -> Result<(), (String, String)> {
    let out = client.put_item().table_name("tbl").item("pk", s(pk)).send().await;
    out.map(drop).map_err(error)
}

async fn stored(emu: &Emulator) -> Vec<String> {
    let scan = emu.client().scan().table_name("tbl").send().await.unwrap();
    let mut keys: Vec<String> = scan.items().iter().map(|i| i["pk"].as_s().unwrap().clone()).collect();
    keys.sort();
    keys
}

/// One request straight to the engine: (status, body).
fn wire(emu: &Emulator, op: &str, body: Value) -> (u16, Value) {
    let res = emu.engine().handle(&dynamodb_emulator::testing::request(op, &body));
    (res.status().as_u16(), serde_json::from_slice(res.body()).unwrap())
}

#[tokio::test]
async fn the_issue_example_throttles_every_put_through_the_sdks_retries() {
    let (emu, client) = setup(3).await;
    let seed = emu.chaos().set(plan(json!({"seed": 7, "rules": [{"operation": "PutItem", "table": "tbl", "error": "ProvisionedThroughputExceededException", "rate": 1.0}]})));
    assert_eq!(seed, 7);
    assert_eq!(
        put(&client, "a").await,
        Err(("ProvisionedThroughputExceededException".into(), PTEE.into()))
    );
    // The SDK retried twice: three requests matched and all three were throttled; none wrote.
    assert_eq!(counts(&emu), [(3, 3)]);
    assert_eq!(stored(&emu).await, Vec::<String>::new());
    // Other operations and tables are untouched.
    client
        .get_item()
        .table_name("tbl")
        .key("pk", s("a"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn each_retryable_error_has_dynamodbs_wire_answer_and_the_sdk_retries_it() {
    let cases = [
        ("ProvisionedThroughputExceededException", 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", PTEE),
        ("ThrottlingException", 400, "com.amazon.coral.availability#ThrottlingException", "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"),
        ("RequestLimitExceeded", 400, "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase"),
        ("InternalServerError", 500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
    ];
    for (name, status, wire_type, message) in cases {
        let (emu, client) = setup(3).await;
        emu.chaos().set(plan(
            json!({"rules": [{"operation": "PutItem", "error": name, "nth": [1]}]}),
        ));
        let body = json!({"TableName": "tbl", "Item": {"pk": {"S": "wire"}}});
        assert_eq!(
            wire(&emu, "PutItem", body.clone()),
            (status, json!({"__type": wire_type, "message": message})),
            "{name}"
        );
        assert_eq!(
            wire(&emu, "PutItem", body),
            (200, json!({})),
            "{name}: only the 1st match fires"
        );

        // Through the SDK: the first two attempts fail, the third succeeds unseen by the caller.
        emu.chaos().set(plan(
            json!({"rules": [{"operation": "PutItem", "error": name, "nth": [1, 2]}]}),
        ));
        assert_eq!(put(&client, "a").await, Ok(()), "{name}");
        assert_eq!(counts(&emu), [(3, 2)], "{name}");
        assert_eq!(stored(&emu).await, ["a", "wire"], "{name}");
    }
}

#[tokio::test]
async fn an_error_after_running_leaves_the_write_done() {
    let (emu, client) = setup(1).await;
    emu.chaos().set(plan(
        json!({"rules": [{"operation": "PutItem", "error": "InternalServerError", "after": true}]}),
    ));
    assert_eq!(
        put(&client, "a").await,
        Err(("InternalServerError".into(), "Internal server error".into()))
    );
    assert_eq!(stored(&emu).await, ["a"]);
}

#[tokio::test]
async fn batch_write_leaves_its_last_requests_unprocessed() {
    let (emu, client) = setup(1).await;
    emu.chaos().set(plan(
        json!({"rules": [{"operation": "BatchWriteItem", "unprocessed": 2}]}),
    ));
    let writes: Vec<WriteRequest> = ["a", "b", "c"]
        .iter()
        .map(|pk| {
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(item(&[("pk", s(pk))])))
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .collect();
    let out = client
        .batch_write_item()
        .request_items("tbl", writes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.unprocessed_items().unwrap()["tbl"], writes[1..]);
    assert_eq!(stored(&emu).await, ["a"]);

    // Nothing processed at all is DynamoDB's throttling error, not an empty success.
    emu.chaos().set(plan(
        json!({"rules": [{"operation": "BatchWriteItem", "unprocessed": 3}]}),
    ));
    let err = client
        .batch_write_item()
        .request_items("tbl", writes)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        ("ProvisionedThroughputExceededException".into(), PTEE.into())
    );
    assert_eq!(stored(&emu).await, ["a"]);
}

#[tokio::test]
async fn batch_get_leaves_its_last_keys_unprocessed() {
    let (emu, client) = setup(1).await;
    for pk in ["a", "b"] {
        put(&client, pk).await.unwrap();
    }
    emu.chaos().set(plan(
        json!({"rules": [{"operation": "BatchGetItem", "unprocessed": 1}]}),
    ));
    let keys = KeysAndAttributes::builder()
        .keys(item(&[("pk", s("a"))]))
        .keys(item(&[("pk", s("b"))]))
        .build()
        .unwrap();
    let out = client.batch_get_item().request_items("tbl", keys).send().await.unwrap();
    assert_eq!(out.responses().unwrap()["tbl"], [item(&[("pk", s("a"))])]);
    assert_eq!(out.unprocessed_keys().unwrap()["tbl"].keys(), [item(&[("pk", s("b"))])]);
}

#[tokio::test]
async fn a_transaction_is_cancelled_by_a_conflict_on_the_matching_item() {
    let (emu, client) = setup(3).await;
    emu.chaos().set(plan(json!({"rules": [{"operation": "TransactWriteItems", "key": {"pk": {"S": "b"}}, "conflict": true, "times": 1}]})));
    let action = |pk: &str| {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name("tbl")
                    .set_item(Some(item(&[("pk", s(pk))])))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let err = client
        .transact_write_items()
        .transact_items(action("a"))
        .transact_items(action("b"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let reasons: Vec<_> = match &err {
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(e) => {
            e.cancellation_reasons()
                .iter()
                .map(|r| (r.code().unwrap().to_string(), r.message().map(str::to_owned)))
                .collect()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        reasons,
        [
            ("None".to_string(), None),
            (
                "TransactionConflict".to_string(),
                Some("Transaction is ongoing for the item".to_string())
            )
        ]
    );
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::message(&err),
        Some(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]"
        )
    );
    // A cancellation is the application's to retry, not the SDK's: one request, nothing written.
    assert_eq!(counts(&emu), [(1, 1)]);
    assert_eq!(stored(&emu).await, Vec::<String>::new());
}

/// On tokio's paused time, which the latency waits on, so the load of the machine cannot
/// stretch the PutItem past the GetItem's latency.
#[tokio::test(start_paused = true)]
async fn latency_delays_the_answer_without_changing_it() {
    let (emu, client) = setup(1).await;
    emu.chaos()
        .set(plan(json!({"rules": [{"operation": "GetItem", "latency_ms": 300}]})));
    let started = Instant::now();
    put(&client, "a").await.unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO);
    let started = Instant::now();
    let got = client
        .get_item()
        .table_name("tbl")
        .key("pk", s("a"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(got.item(), Some(&item(&[("pk", s("a"))])));
}

#[tokio::test]
async fn a_seeded_rate_replays_identically() {
    let run = |seed: u64| async move {
        let (emu, client) = setup(1).await;
        emu.chaos().set(plan(json!({"seed": seed, "rules": [{"table": "tbl", "key_prefix": {"pk": "user#"}, "error": "ThrottlingException", "rate": 0.5}]})));
        let mut outcomes = Vec::new();
        for i in 0..40 {
            outcomes.push(put(&client, &format!("user#{i}")).await.is_err());
        }
        // Keys outside the prefix are never hit.
        assert_eq!(put(&client, "shop#1").await, Ok(()));
        outcomes
    };
    let first = run(11).await;
    assert_eq!(run(11).await, first);
    assert_ne!(run(12).await, first);
    let hits = first.iter().filter(|h| **h).count();
    assert!((10..=30).contains(&hits), "{hits} of 40");
}
