//! TransactWriteItems and TransactGetItems through the SDK: atomicity, cancellation reasons,
//! idempotency, conflicts and isolation under concurrent load.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue as V, ConditionCheck, Delete, Get, ProjectionType, Put, ReturnConsumedCapacity,
    ReturnValuesOnConditionCheckFailure, ScalarAttributeType as T, TransactGetItem, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::testing::{KeyValue, PrimaryKey};
use dynamodb_emulator::Emulator;

use crate::support::{create_capacity_table, create_table, create_with_gsi, emulator, error, item, n, s, validation};

fn put(table: &str, pairs: &[(&str, V)]) -> TransactWriteItem {
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item(pairs)))
                .build()
                .unwrap(),
        )
        .build()
}

fn put_new(table: &str, pairs: &[(&str, V)]) -> TransactWriteItem {
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item(pairs)))
                .condition_expression("attribute_not_exists(pk)")
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()
                .unwrap(),
        )
        .build()
}

fn delete(table: &str, key: &[(&str, V)]) -> TransactWriteItem {
    TransactWriteItem::builder()
        .delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(item(key)))
                .build()
                .unwrap(),
        )
        .build()
}

fn tget(table: &str, key: &[(&str, V)]) -> TransactGetItem {
    TransactGetItem::builder()
        .get(
            Get::builder()
                .table_name(table)
                .set_key(Some(item(key)))
                .build()
                .unwrap(),
        )
        .build()
}

/// The codes, messages and items of a TransactionCanceledException, and its message.
type Reasons = Vec<(String, Option<String>, Option<HashMap<String, V>>)>;

fn cancellation(e: aws_sdk_dynamodb::error::SdkError<TransactWriteItemsError>) -> (String, Reasons) {
    match e.into_service_error() {
        TransactWriteItemsError::TransactionCanceledException(t) => (
            t.message().unwrap_or_default().to_string(),
            t.cancellation_reasons
                .unwrap_or_default()
                .into_iter()
                .map(|r| (r.code.unwrap_or_default(), r.message, r.item))
                .collect(),
        ),
        other => panic!("expected TransactionCanceledException, got {other:?}"),
    }
}

fn cancelled_message(codes: &[&str]) -> String {
    format!(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
        codes.join(", ")
    )
}

async fn get(c: &Client, table: &str, key: &[(&str, V)]) -> Option<HashMap<String, V>> {
    c.get_item()
        .table_name(table)
        .set_key(Some(item(key)))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
}

#[tokio::test]
async fn put_update_delete_and_check_apply_together_across_tables() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tba", None).await;
    create_table(&c, "tbb", Some(T::S)).await;
    c.put_item()
        .table_name("tba")
        .item("pk", s("upd"))
        .item("n", n(1))
        .send()
        .await
        .unwrap();
    c.put_item()
        .table_name("tba")
        .item("pk", s("del"))
        .send()
        .await
        .unwrap();
    c.put_item()
        .table_name("tba")
        .item("pk", s("chk"))
        .item("status", s("open"))
        .send()
        .await
        .unwrap();

    c.transact_write_items()
        .transact_items(put("tbb", &[("pk", s("new")), ("sk", s("1")), ("v", s("x"))]))
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name("tba")
                        .key("pk", s("upd"))
                        .update_expression("ADD n :one")
                        .condition_expression("n = :one")
                        .expression_attribute_values(":one", n(1))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(delete("tba", &[("pk", s("del"))]))
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name("tba")
                        .key("pk", s("chk"))
                        .condition_expression("#s = :open")
                        .expression_attribute_names("#s", "status")
                        .expression_attribute_values(":open", s("open"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&c, "tbb", &[("pk", s("new")), ("sk", s("1"))]).await.unwrap()["v"],
        s("x")
    );
    assert_eq!(get(&c, "tba", &[("pk", s("upd"))]).await.unwrap()["n"], n(2));
    assert_eq!(get(&c, "tba", &[("pk", s("del"))]).await, None);

    let got = c
        .transact_get_items()
        .transact_items(tget("tba", &[("pk", s("upd"))]))
        .transact_items(tget("tba", &[("pk", s("missing"))]))
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("tba")
                        .key("pk", s("chk"))
                        .projection_expression("#s")
                        .expression_attribute_names("#s", "status")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let items: Vec<Option<HashMap<String, V>>> = got.responses.unwrap().into_iter().map(|r| r.item).collect();
    assert_eq!(
        items,
        vec![
            Some(item(&[("pk", s("upd")), ("n", n(2))])),
            None,
            Some(item(&[("status", s("open"))])),
        ]
    );
}

#[tokio::test]
async fn cancellation_reasons_are_in_request_order_with_old_items() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    c.put_item()
        .table_name("tbl")
        .item("pk", s("taken"))
        .item("v", s("old"))
        .send()
        .await
        .unwrap();

    let e = c
        .transact_write_items()
        .transact_items(put_new("tbl", &[("pk", s("fresh"))]))
        .transact_items(put_new("tbl", &[("pk", s("taken")), ("v", s("new"))]))
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name("tbl")
                        .key("pk", s("ghost"))
                        .update_expression("SET v = :v")
                        .condition_expression("attribute_exists(pk)")
                        .expression_attribute_values(":v", s("x"))
                        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let (message, reasons) = cancellation(e);
    assert_eq!(
        message,
        cancelled_message(&["None", "ConditionalCheckFailed", "ConditionalCheckFailed"])
    );
    let failed = Some("The conditional request failed".to_string());
    assert_eq!(
        reasons,
        vec![
            ("None".to_string(), None, None),
            (
                "ConditionalCheckFailed".to_string(),
                failed.clone(),
                Some(item(&[("pk", s("taken")), ("v", s("old"))]))
            ),
            // No old item to return, and no ghost item created.
            ("ConditionalCheckFailed".to_string(), failed, None),
        ]
    );
    assert_eq!(get(&c, "tbl", &[("pk", s("fresh"))]).await, None, "nothing applied");
    assert_eq!(get(&c, "tbl", &[("pk", s("ghost"))]).await, None);
    assert_eq!(get(&c, "tbl", &[("pk", s("taken"))]).await.unwrap()["v"], s("old"));

    // A wrong-typed key is the action's ValidationError. Validation stops there, as in DynamoDB:
    // the actions before it were evaluated (a failed condition is reported), the ones after it
    // are not (a condition that would fail reports None).
    c.put_item()
        .table_name("tbl")
        .item("pk", s("taken2"))
        .send()
        .await
        .unwrap();
    let e = c
        .transact_write_items()
        .transact_items(put_new("tbl", &[("pk", s("taken"))]))
        .transact_items(put("tbl", &[("pk", n(5))]))
        .transact_items(delete("tbl", &[("pk", n(5))]))
        .transact_items(put_new("tbl", &[("pk", s("taken2")), ("v", s("again"))]))
        .send()
        .await
        .unwrap_err();
    let (message, reasons) = cancellation(e);
    assert_eq!(
        message,
        cancelled_message(&["ConditionalCheckFailed", "ValidationError", "None", "None"])
    );
    assert_eq!(
        reasons,
        vec![
            (
                "ConditionalCheckFailed".to_string(),
                Some("The conditional request failed".to_string()),
                Some(item(&[("pk", s("taken")), ("v", s("old"))]))
            ),
            (
                "ValidationError".to_string(),
                Some(
                    "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
                        .to_string()
                ),
                None
            ),
            ("None".to_string(), None, None),
            ("None".to_string(), None, None),
        ]
    );
    assert_eq!(
        get(&c, "tbl", &[("pk", s("taken2"))]).await,
        Some(item(&[("pk", s("taken2"))]))
    );
}

/// The aggregate size of a transaction's items is at most 4 MB: twelve items of about 350 KB are
/// refused as a whole, before any condition is evaluated; ten are written.
#[tokio::test]
async fn items_over_four_megabytes_in_one_transaction_are_refused() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let payload = "x".repeat(350_000);
    let items = |prefix: &str, count: usize| -> Vec<TransactWriteItem> {
        (0..count)
            .map(|i| put_new("tbl", &[("pk", s(&format!("{prefix}{i}"))), ("d", s(&payload))]))
            .collect()
    };
    let e = c
        .transact_write_items()
        .set_transact_items(Some(items("big", 12)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit"
        )
    );
    assert_eq!(get(&c, "tbl", &[("pk", s("big0"))]).await, None);

    c.transact_write_items()
        .set_transact_items(Some(items("ok", 10)))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&c, "tbl", &[("pk", s("ok9"))]).await.unwrap()["d"], s(&payload));
}

#[tokio::test]
async fn transaction_request_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;

    let e = c
        .transact_write_items()
        .set_transact_items(Some(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    );
    let e = c
        .transact_get_items()
        .set_transact_items(Some(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    );
    let many: Vec<TransactWriteItem> = (0..101).map(|i| put("tbl", &[("pk", s(&format!("k{i}")))])).collect();
    let (code, msg) = error(
        c.transact_write_items()
            .set_transact_items(Some(many))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("1 validation error detected: Value '[TransactWriteItem(conditionCheck=null, put=Put(item={pk={\"S\":\"k0\"}}, tableName=tbl, "),
        "{msg}"
    );
    assert!(
        msg.ends_with(
            "]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
        ),
        "{msg}"
    );
    let gets: Vec<TransactGetItem> = (0..101).map(|i| tget("tbl", &[("pk", s(&format!("k{i}")))])).collect();
    let (code, msg) = error(
        c.transact_get_items()
            .set_transact_items(Some(gets))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.ends_with(
            "' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
        ),
        "{msg}"
    );

    let e = c
        .transact_write_items()
        .transact_items(put("tbl", &[("pk", s("same"))]))
        .transact_items(delete("tbl", &[("pk", s("same"))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Transaction request cannot include multiple operations on one item")
    );

    let e = c
        .transact_write_items()
        .transact_items(put("nope", &[("pk", s("x"))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found".into()
        )
    );
    let e = c
        .transact_get_items()
        .transact_items(tget("nope", &[("pk", s("x"))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found".into()
        )
    );

    // An empty key value is rejected up front, not as a cancellation reason.
    let empty = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk";
    let e = c
        .transact_write_items()
        .transact_items(put("tbl", &[("pk", s(""))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(empty));
    let e = c
        .transact_write_items()
        .transact_items(delete("tbl", &[("pk", s(""))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(empty));

    // Expression syntax is checked for the whole request.
    let e = c
        .transact_get_items()
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("tbl")
                        .key("pk", s("x"))
                        .projection_expression("!!!")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"")
    );

    // A Get whose key does not match the schema cancels with a ValidationError.
    let e = c
        .transact_get_items()
        .transact_items(tget("tbl", &[("pk", s("x"))]))
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("tbl")
                        .set_key(Some(HashMap::new()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let (code, msg) = error(e);
    assert_eq!(
        (code.as_str(), msg),
        (
            "TransactionCanceledException",
            cancelled_message(&["None", "ValidationError"])
        )
    );
}

#[tokio::test]
async fn client_request_token_makes_retries_idempotent_for_ten_minutes() {
    let emu = Emulator::builder()
        .manual_clock(SystemTime::now())
        .start()
        .await
        .unwrap();
    let c = emu.client();
    create_table(&c, "tbl", None).await;
    let bump = |token: &str, by: i64| {
        c.transact_write_items()
            .client_request_token(token)
            .transact_items(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name("tbl")
                            .key("pk", s("counter"))
                            .update_expression("ADD n :by")
                            .expression_attribute_values(":by", n(by))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
    };
    bump("tok-1", 1).await.unwrap();
    bump("tok-1", 1).await.unwrap();
    bump("tok-1", 1).await.unwrap();
    assert_eq!(
        get(&c, "tbl", &[("pk", s("counter"))]).await.unwrap()["n"],
        n(1),
        "applied once"
    );

    let e = bump("tok-1", 2).await.unwrap_err();
    assert_eq!(e.code(), Some("IdempotentParameterMismatchException"));
    assert_eq!(get(&c, "tbl", &[("pk", s("counter"))]).await.unwrap()["n"], n(1));

    // Another token is another transaction.
    bump("tok-2", 1).await.unwrap();
    assert_eq!(get(&c, "tbl", &[("pk", s("counter"))]).await.unwrap()["n"], n(2));

    // After ten minutes the token is forgotten and the same request applies again.
    emu.advance(Duration::from_secs(9 * 60));
    bump("tok-1", 1).await.unwrap();
    assert_eq!(get(&c, "tbl", &[("pk", s("counter"))]).await.unwrap()["n"], n(2));
    emu.advance(Duration::from_secs(61));
    bump("tok-1", 1).await.unwrap();
    assert_eq!(get(&c, "tbl", &[("pk", s("counter"))]).await.unwrap()["n"], n(3));

    // A cancelled transaction does not consume its token.
    let failing = c
        .transact_write_items()
        .client_request_token("tok-3")
        .transact_items(put_new("tbl", &[("pk", s("counter"))]));
    assert_eq!(
        failing.clone().send().await.unwrap_err().code(),
        Some("TransactionCanceledException")
    );
    assert_eq!(
        failing.send().await.unwrap_err().code(),
        Some("TransactionCanceledException")
    );
}

/// Registers a user whose username and email must both be unique: one item per username and one
/// marker item per email, created together or not at all.
async fn register(c: &Client, user: &str, email: &str) -> Result<(), Vec<String>> {
    let r = c
        .transact_write_items()
        .transact_items(put_new(
            "accounts",
            &[("pk", s(&format!("USER#{user}"))), ("email", s(email))],
        ))
        .transact_items(put_new(
            "accounts",
            &[("pk", s(&format!("EMAIL#{email}"))), ("user", s(user))],
        ))
        .send()
        .await;
    r.map(|_| ())
        .map_err(|e| cancellation(e).1.into_iter().map(|r| r.0).collect())
}

#[tokio::test]
async fn registration_keeps_usernames_and_emails_unique() {
    let (_emu, c) = emulator().await;
    create_table(&c, "accounts", None).await;
    assert_eq!(register(&c, "alice", "a@x.io").await, Ok(()));
    assert_eq!(
        register(&c, "bob", "a@x.io").await,
        Err(vec!["None".into(), "ConditionalCheckFailed".into()])
    );
    assert_eq!(
        register(&c, "alice", "other@x.io").await,
        Err(vec!["ConditionalCheckFailed".into(), "None".into()])
    );
    assert_eq!(register(&c, "bob", "b@x.io").await, Ok(()));
    assert_eq!(
        get(&c, "accounts", &[("pk", s("USER#bob"))]).await.unwrap()["email"],
        s("b@x.io")
    );
    assert_eq!(
        get(&c, "accounts", &[("pk", s("EMAIL#a@x.io"))]).await.unwrap()["user"],
        s("alice")
    );
    assert_eq!(
        get(&c, "accounts", &[("pk", s("EMAIL#other@x.io"))]).await,
        None,
        "the failed registration left nothing behind"
    );
    let count = c
        .describe_table()
        .table_name("accounts")
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .item_count;
    assert_eq!(count, Some(4));
}

#[tokio::test]
async fn items_held_by_an_in_flight_transaction_conflict() {
    let (emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    c.put_item()
        .table_name("tbl")
        .item("pk", s("busy"))
        .item("v", n(1))
        .send()
        .await
        .unwrap();
    let held = vec![(
        "tbl".to_string(),
        PrimaryKey {
            hash: [KeyValue::S("busy".into())].into(),
            range: Default::default(),
        },
    )];
    emu.engine().hold_items("000000000000", "us-east-1", &held).unwrap();
    // The same table name and key in another region is another item, free.
    let west = c
        .config()
        .to_builder()
        .region(aws_sdk_dynamodb::config::Region::new("us-west-2"))
        .build();
    let west = aws_sdk_dynamodb::Client::from_conf(west);
    create_table(&west, "tbl", None).await;
    west.put_item()
        .table_name("tbl")
        .item("pk", s("busy"))
        .send()
        .await
        .unwrap();

    let e = c
        .put_item()
        .table_name("tbl")
        .item("pk", s("busy"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "TransactionConflictException".into(),
            "Transaction is ongoing for the item".into()
        )
    );
    let e = c
        .delete_item()
        .table_name("tbl")
        .key("pk", s("busy"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("TransactionConflictException"));
    let e = c
        .update_item()
        .table_name("tbl")
        .key("pk", s("busy"))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", n(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("TransactionConflictException"));

    let e = c
        .transact_write_items()
        .transact_items(put("tbl", &[("pk", s("free"))]))
        .transact_items(delete("tbl", &[("pk", s("busy"))]))
        .send()
        .await
        .unwrap_err();
    let (message, reasons) = cancellation(e);
    assert_eq!(message, cancelled_message(&["None", "TransactionConflict"]));
    assert_eq!(reasons[1].1.as_deref(), Some("Transaction is ongoing for the item"));
    let e = c
        .transact_get_items()
        .transact_items(tget("tbl", &[("pk", s("busy"))]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "TransactionCanceledException".into(),
            cancelled_message(&["TransactionConflict"])
        )
    );
    assert_eq!(get(&c, "tbl", &[("pk", s("free"))]).await, None);

    emu.engine().release_items("000000000000", "us-east-1", &held);
    c.put_item()
        .table_name("tbl")
        .item("pk", s("busy"))
        .item("v", n(3))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&c, "tbl", &[("pk", s("busy"))]).await.unwrap()["v"], n(3));
}

/// N tasks move money between accounts in two tables with transactions that refuse to overdraw,
/// while readers take transactional snapshots. Every snapshot sees the conserved total, no balance
/// goes negative, and the final balances are the initial ones plus the committed transfers (so the
/// outcome is that of some serial order of them).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transfers_serialize() {
    let (_emu, c) = emulator().await;
    create_table(&c, "acct_a", None).await;
    create_table(&c, "acct_b", None).await;
    const ACCOUNTS: usize = 6;
    const START: i64 = 100;
    for i in 0..ACCOUNTS {
        let (t, k) = where_is(i);
        c.put_item()
            .table_name(t)
            .item("pk", s(&k))
            .item("bal", n(START))
            .send()
            .await
            .unwrap();
    }
    fn where_is(i: usize) -> (&'static str, String) {
        (if i % 2 == 0 { "acct_a" } else { "acct_b" }, format!("acc{i}"))
    }
    let move_money = |c: Client, from: usize, to: usize, amount: i64| async move {
        let (ft, fk) = where_is(from);
        let (tt, tk) = where_is(to);
        c.transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(ft)
                            .key("pk", s(&fk))
                            .update_expression("SET bal = bal - :a")
                            .condition_expression("bal >= :a")
                            .expression_attribute_values(":a", n(amount))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .transact_items(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(tt)
                            .key("pk", s(&tk))
                            .update_expression("SET bal = bal + :a")
                            .expression_attribute_values(":a", n(amount))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
    };

    let mut tasks = Vec::new();
    for worker in 0..8usize {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut committed = Vec::new();
            let mut seed = worker as u64 * 7919 + 1;
            let mut next = || {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 33) as usize
            };
            for _ in 0..60 {
                let from = next() % ACCOUNTS;
                let to = (from + 1 + next() % (ACCOUNTS - 1)) % ACCOUNTS;
                let amount = 1 + (next() % 40) as i64;
                match move_money(c.clone(), from, to, amount).await {
                    Ok(_) => committed.push((from, to, amount)),
                    Err(e) => {
                        let (_, reasons) = cancellation(e);
                        assert!(
                            reasons
                                .iter()
                                .all(|r| ["None", "ConditionalCheckFailed", "TransactionConflict"]
                                    .contains(&r.0.as_str())),
                            "{reasons:?}"
                        );
                    }
                }
            }
            committed
        }));
    }
    let reader = {
        let c = c.clone();
        tokio::spawn(async move {
            for _ in 0..100 {
                let mut req = c.transact_get_items();
                for i in 0..ACCOUNTS {
                    let (t, k) = where_is(i);
                    req = req.transact_items(tget(t, &[("pk", s(&k))]));
                }
                let Ok(got) = req.send().await else { continue }; // conflicts are allowed
                let total: i64 = got
                    .responses
                    .unwrap()
                    .iter()
                    .map(|r| r.item.as_ref().unwrap()["bal"].as_n().unwrap().parse::<i64>().unwrap())
                    .sum();
                assert_eq!(total, START * ACCOUNTS as i64, "a snapshot saw half a transaction");
            }
        })
    };
    let mut expected = vec![START; ACCOUNTS];
    let mut commits = 0;
    for t in tasks {
        for (from, to, amount) in t.await.unwrap() {
            expected[from] -= amount;
            expected[to] += amount;
            commits += 1;
        }
    }
    reader.await.unwrap();
    assert!(commits > 0);
    let mut actual = Vec::new();
    for i in 0..ACCOUNTS {
        let (t, k) = where_is(i);
        let bal: i64 = get(&c, t, &[("pk", s(&k))]).await.unwrap()["bal"]
            .as_n()
            .unwrap()
            .parse()
            .unwrap();
        assert!(bal >= 0, "account {i} overdrawn: {bal}");
        actual.push(bal);
    }
    assert_eq!(actual, expected);
    assert_eq!(actual.iter().sum::<i64>(), START * ACCOUNTS as i64);
}

/// A Put's item over 400 KB is knowable from the request, so the whole request is refused before
/// the transaction opens; an Update's finished item is known only once it runs, so it cancels
/// (nubo-db's conformance suite, tier3/limits/itemSizeBySurface.test.ts, verified against AWS).
#[tokio::test]
async fn an_oversized_put_is_refused_before_the_transaction_opens() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tx_size", None).await;
    // pk (2) + "a" (1) + p (1) + padding: one byte over 409,600.
    let padding = s(&"x".repeat(409_600 + 1 - 4));
    let e = c
        .transact_write_items()
        .transact_items(put("tx_size", &[("pk", s("a")), ("p", padding.clone())]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("Item size has exceeded the maximum allowed size"));
    let update = Update::builder()
        .table_name("tx_size")
        .key("pk", s("a"))
        .update_expression("SET p = :p")
        .expression_attribute_values(":p", padding)
        .build()
        .unwrap();
    let e = c
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().update(update).build())
        .send()
        .await
        .unwrap_err();
    let TransactWriteItemsError::TransactionCanceledException(tc) = e.into_service_error() else {
        panic!("not a cancellation")
    };
    let reason = &tc.cancellation_reasons()[0];
    assert_eq!(reason.code(), Some("ValidationError"));
    assert_eq!(
        reason.message(),
        Some("Item size to update has exceeded the maximum allowed size")
    );
}

/// Index key values in a transaction: an empty one (in a Put's item, or the value an Update sets)
/// fails the request before the transaction opens, in the Put's or the update's words; a value of
/// another type the Update's expression decides cancels the action with PutItem's type-mismatch
/// text (the conformance suite's AWS captures, four regions, June 2026). UpdateItem answers an
/// empty value in the update's words too.
#[tokio::test]
async fn index_key_values_are_refused_up_front_or_per_action() {
    let (_emu, c) = emulator().await;
    create_with_gsi(&c, "tx_idx").await;
    let set_g = |value: V| {
        let update = Update::builder()
            .table_name("tx_idx")
            .key("pk", s("u"))
            .update_expression("SET g = :v")
            .expression_attribute_values(":v", value);
        TransactWriteItem::builder().update(update.build().unwrap()).build()
    };
    let write = |action: TransactWriteItem| c.transact_write_items().transact_items(action).send();
    let empty_put = "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by_group, IndexKey: g";
    let empty_update = "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.";
    assert_eq!(
        error(write(put("tx_idx", &[("pk", s("p")), ("g", s(""))])).await.unwrap_err()),
        validation(empty_put)
    );
    assert_eq!(error(write(set_g(s(""))).await.unwrap_err()), validation(empty_update));
    let (message, reasons) = cancellation(write(set_g(n(5))).await.unwrap_err());
    assert_eq!(message, cancelled_message(&["ValidationError"]));
    let mismatch = "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by_group";
    assert_eq!(
        reasons,
        vec![("ValidationError".to_string(), Some(mismatch.to_string()), None)]
    );
    let update = c
        .update_item()
        .table_name("tx_idx")
        .key("pk", s("u"))
        .update_expression("SET g = :v");
    let e = update
        .expression_attribute_values(":v", s(""))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(empty_update));
}

/// A consumed-capacity entry as (CapacityUnits, ReadCapacityUnits, WriteCapacityUnits).
fn split(c: &aws_sdk_dynamodb::types::Capacity) -> (Option<f64>, Option<f64>, Option<f64>) {
    (c.capacity_units(), c.read_capacity_units(), c.write_capacity_units())
}

#[tokio::test]
async fn transactions_report_reads_and_writes_and_a_replay_reads() {
    let (_emu, c) = emulator().await;
    create_with_gsi(&c, "tbl").await;
    crate::support::put(&c, "tbl", &[("pk", s("checked"))]).await;
    let check = TransactWriteItem::builder()
        .condition_check(
            ConditionCheck::builder()
                .table_name("tbl")
                .key("pk", s("checked"))
                .condition_expression("attribute_exists(pk)")
                .build()
                .unwrap(),
        )
        .build();
    let write = c
        .transact_write_items()
        .client_request_token("tok")
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .transact_items(put("tbl", &[("pk", s("new")), ("g", s("group"))]))
        .transact_items(check);

    // The Put writes the table (2 units: doubled) and the index (1: not), the ConditionCheck
    // reads (2).
    let first = write.clone().send().await.unwrap();
    let entry = &first.consumed_capacity()[0];
    let total = (
        entry.capacity_units(),
        entry.read_capacity_units(),
        entry.write_capacity_units(),
    );
    assert_eq!(total, (Some(5.0), Some(2.0), Some(3.0)));
    assert_eq!(split(entry.table().unwrap()), (Some(4.0), Some(2.0), Some(2.0)));
    let index = &entry.global_secondary_indexes().unwrap()["by_group"];
    assert_eq!(split(index), (Some(1.0), None, Some(1.0)));

    // The same token again reads both items instead of writing.
    let replay = write.send().await.unwrap();
    let entry = &replay.consumed_capacity()[0];
    let total = (
        entry.capacity_units(),
        entry.read_capacity_units(),
        entry.write_capacity_units(),
    );
    assert_eq!(total, (Some(4.0), Some(4.0), None));
    assert_eq!(split(entry.table().unwrap()), (Some(4.0), Some(4.0), None));
    assert_eq!(entry.global_secondary_indexes(), None);

    // TransactGetItems reads; a present item its projection takes nothing from has no Item.
    let nothing = TransactGetItem::builder()
        .get(
            Get::builder()
                .table_name("tbl")
                .key("pk", s("checked"))
                .projection_expression("absent")
                .build()
                .unwrap(),
        )
        .build();
    let got = c
        .transact_get_items()
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .transact_items(tget("tbl", &[("pk", s("new"))]))
        .transact_items(nothing)
        .send()
        .await
        .unwrap();
    let items: Vec<_> = got.responses().iter().map(|r| r.item().cloned()).collect();
    assert_eq!(items, vec![Some(item(&[("pk", s("new")), ("g", s("group"))])), None]);
    let entry = &got.consumed_capacity()[0];
    let total = (
        entry.capacity_units(),
        entry.read_capacity_units(),
        entry.write_capacity_units(),
    );
    assert_eq!(total, (Some(4.0), Some(4.0), None));
    assert_eq!(entry.table(), None, "TOTAL has no per-table part");

    // Outside transactions the sum stands alone.
    let single = c
        .get_item()
        .table_name("tbl")
        .key("pk", s("new"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let entry = single.consumed_capacity().unwrap();
    assert_eq!((entry.capacity_units(), entry.read_capacity_units()), (Some(0.5), None));
    assert_eq!(split(entry.table().unwrap()), (Some(0.5), None, None));
}

/// `wraps` single-member maps around a string: a value nested `wraps + 1` levels.
fn wrapped(wraps: usize) -> V {
    (0..wraps).fold(s("leaf"), |v, _| V::M([("n".to_string(), v)].into()))
}

const NESTING: &str =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

/// TransactWriteItems checks its actions one at a time, in request order, each whole before the
/// next and all before any table is looked up, however deep a later action's values nest (the
/// conformance suite's deepRequests.test.ts, AWS, October 2026; "absent" is no table).
#[tokio::test]
async fn a_transaction_refuses_its_first_bad_action_however_deep_a_later_one_nests() {
    let (_emu, c) = emulator().await;
    let send = |items: Vec<TransactWriteItem>| c.transact_write_items().set_transact_items(Some(items)).send();
    let deep_key = || vec![("pk", wrapped(100))];
    let condition_check = |key: Vec<(&str, V)>| {
        let check = ConditionCheck::builder()
            .table_name("absent")
            .set_key(Some(item(&key)))
            .condition_expression("attribute_exists(a)");
        TransactWriteItem::builder()
            .condition_check(check.build().unwrap())
            .build()
    };
    // A Put item's empty name, ahead of a later item's or the same item's deep value.
    let empty_name = put("absent", &[("pk", s("a")), ("", s("x"))]);
    let deep_item = put("absent", &[("pk", s("b")), ("d", wrapped(100))]);
    let both = put("absent", &[("pk", s("a")), ("d", wrapped(100)), ("", s("x"))]);
    for items in [vec![empty_name.clone(), deep_item.clone()], vec![both]] {
        assert_eq!(
            error(send(items).await.unwrap_err()),
            validation("Empty attribute name")
        );
    }
    // The same value first is refused first.
    let e = send(vec![deep_item, empty_name]).await.unwrap_err();
    assert_eq!(error(e), validation(NESTING));
    // A condition's syntax error, in this action or an earlier one, ahead of a deep key.
    let bad_condition = Delete::builder()
        .table_name("absent")
        .set_key(Some(item(&deep_key())))
        .condition_expression("a = = b");
    let e = send(vec![TransactWriteItem::builder()
        .delete(bad_condition.build().unwrap())
        .build()])
    .await
    .unwrap_err();
    let syntax = r#"Invalid ConditionExpression: Syntax error; token: "=", near: "= = b""#;
    assert_eq!(error(e), validation(syntax));
    // An unused value in an earlier Update, ahead of a later ConditionCheck's deep key.
    let update = Update::builder()
        .table_name("absent")
        .key("pk", s("a"))
        .update_expression("SET a = :v")
        .expression_attribute_values(":v", s("x"))
        .expression_attribute_values(":u", s("y"));
    let e = send(vec![
        TransactWriteItem::builder().update(update.build().unwrap()).build(),
        condition_check(deep_key()),
    ])
    .await
    .unwrap_err();
    let unused = "Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}";
    assert_eq!(error(e), validation(unused));
}

/// A transaction's ExpressionAttributeValues are checked for depth before it runs, whatever the
/// action: refused bare while the newer validator reads the body, named by their key by the older
/// one, which reads a body nested 128 levels or more (nestingDepth.test.ts, AWS eu-west-2,
/// October 2026).
#[tokio::test]
async fn a_transactions_deep_values_are_refused_before_it_runs() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let check = |v: V| {
        let check = ConditionCheck::builder()
            .table_name("tbl")
            .key("pk", s("k"))
            .condition_expression("#d = :deep")
            .expression_attribute_names("#d", "data")
            .expression_attribute_values(":deep", v);
        c.transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(check.build().unwrap())
                    .build(),
            )
            .send()
    };
    assert_eq!(error(check(wrapped(32)).await.unwrap_err()), validation(NESTING));
    // 61 wraps: the value's last level is the body's 128th.
    let named = format!("ExpressionAttributeValues contains invalid value: {NESTING} for key :deep");
    let listed = (0..61).fold(s("leaf"), |v, _| V::L(vec![v]));
    for deep in [wrapped(61), listed] {
        assert_eq!(error(check(deep).await.unwrap_err()), validation(&named));
    }
    // The deepest value DynamoDB takes is compared.
    let (_, reasons) = cancellation(check(wrapped(31)).await.unwrap_err());
    assert_eq!(
        reasons.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["ConditionalCheckFailed"]
    );
}

/// A transaction's units, as Dynoxide captured AWS's (eu-west-2, 13 August 2026; FIDELITY.md):
/// the table's writes are doubled and the indexes' are not, each index charged per KB of its own
/// copy; a ConditionCheck is charged twice per KB of the item it reads; a ClientRequestToken
/// replay reads each item at the larger of its sizes before and after the first call, whatever
/// the table holds now; TOTAL counts the indexes' units.
#[tokio::test]
async fn a_transaction_doubles_the_table_alone_and_a_replay_reads_what_it_wrote() {
    let (_emu, c) = emulator().await;
    create_capacity_table(&c, "tx_units", ProjectionType::All).await;
    let x = |n: usize| s(&"x".repeat(n));
    let row = |pk: &str, rest: Vec<(&'static str, V)>| -> Vec<(&'static str, V)> {
        let mut pairs = vec![("pk", s(pk)), ("sk", s("1"))];
        pairs.extend(rest);
        pairs
    };
    let pk = |pk: &str| [("pk", s(pk)), ("sk", s("1"))];
    let update = |pk: &str, expression: &str, value: V| {
        TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name("tx_units")
                    .set_key(Some(item(&[("pk", s(pk)), ("sk", s("1"))])))
                    .update_expression(expression)
                    .expression_attribute_values(":v", value)
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let check = |pk: &str| {
        TransactWriteItem::builder()
            .condition_check(
                ConditionCheck::builder()
                    .table_name("tx_units")
                    .set_key(Some(item(&[("pk", s(pk)), ("sk", s("1"))])))
                    .condition_expression("attribute_exists(pk)")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    for (key, rest) in [
        ("moved", vec![("gsiPk", s("A")), ("proj", x(1500))]),
        ("shrunk", vec![("gsiPk", s("g")), ("proj", x(3000))]),
        ("checked", vec![("zz", x(3000))]),
        ("replaced", vec![("proj", x(9000))]),
    ] {
        crate::support::put(&c, "tx_units", &row(key, rest)).await;
    }
    let run = |actions: Vec<TransactWriteItem>, detail: ReturnConsumedCapacity| {
        c.transact_write_items()
            .set_transact_items(Some(actions))
            .return_consumed_capacity(detail)
            .client_request_token("once")
    };
    let units = |entry: &aws_sdk_dynamodb::types::ConsumedCapacity| {
        let index = |name: &str| {
            entry
                .global_secondary_indexes()
                .map(|m| m[name].capacity_units().unwrap())
        };
        (
            entry.capacity_units().unwrap(),
            entry.table().map(|t| t.capacity_units().unwrap()),
            index("gsi-inc"),
        )
    };
    let client = &c;
    let one = |actions: Vec<TransactWriteItem>, detail: ReturnConsumedCapacity| async move {
        let out = client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .return_consumed_capacity(detail)
            .send()
            .await
            .unwrap();
        units(&out.consumed_capacity()[0])
    };
    // A new item in the index: the table 2, the index 1.
    let new = |key: &str| vec![put("tx_units", &row(key, vec![("gsiPk", s("g"))]))];
    assert_eq!(
        one(new("new"), ReturnConsumedCapacity::Indexes).await,
        (3.0, Some(2.0), Some(1.0))
    );
    assert_eq!(
        one(new("new2"), ReturnConsumedCapacity::Total).await,
        (3.0, None, None),
        "TOTAL"
    );
    // 1,517 bytes moved to another index key: the table 2 × 2, the index 2 + 2.
    let moved = update("moved", "SET gsiPk = :v", s("B"));
    assert_eq!(
        one(vec![moved], ReturnConsumedCapacity::Indexes).await,
        (8.0, Some(4.0), Some(4.0))
    );
    // 3 KB down to a few bytes: both sized on the larger item.
    let shrunk = update("shrunk", "SET proj = :v", s("p"));
    assert_eq!(
        one(vec![shrunk], ReturnConsumedCapacity::Indexes).await,
        (9.0, Some(6.0), Some(3.0))
    );
    // A check of a 3 KB item: 2 × 3, read.
    assert_eq!(
        one(vec![check("checked")], ReturnConsumedCapacity::Indexes).await,
        (6.0, Some(6.0), None)
    );

    // A 9 KB item replaced by its bare key: 18 units, and the replay reads 9 KB (2 × 3), though
    // the table now holds a few bytes there.
    let replace = vec![put("tx_units", &pk("replaced"))];
    let first = run(replace.clone(), ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(units(&first.consumed_capacity()[0]), (18.0, None, None));
    let replay = run(replace, ReturnConsumedCapacity::Total).send().await.unwrap();
    assert_eq!(units(&replay.consumed_capacity()[0]), (6.0, None, None));
    assert_eq!(replay.consumed_capacity()[0].read_capacity_units(), Some(6.0));
}
