//! Key size limits on every read and write path: partition keys up to 2,048 bytes, sort keys up
//! to 1,024, for the table's keys and every index's, with DynamoDB's messages (its "of2048" sic).

use aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionError;
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue as V, BillingMode, CancellationReason, ComparisonOperator, Condition, ConditionCheck, Delete, Get,
    GlobalSecondaryIndex, KeyType, KeysAndAttributes, LocalSecondaryIndex, ParameterizedStatement, Projection,
    ProjectionType, Put, PutRequest, ScalarAttributeType as T, TransactGetItem, TransactWriteItem, Update,
    WriteRequest,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, emulator, error, item, key, s, validation};

const HASH: &str =
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes";
const RANGE: &str =
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes";

/// `pk`/`sk` strings, a GSI on `g`/`r` and an LSI on `l`.
async fn table(c: &Client) {
    let keys_only = || Projection::builder().projection_type(ProjectionType::KeysOnly).build();
    c.create_table()
        .table_name("keys")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::S))
        .attribute_definitions(attr_def("g", T::S))
        .attribute_definitions(attr_def("r", T::B))
        .attribute_definitions(attr_def("l", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("gsi")
                .key_schema(key("g", KeyType::Hash))
                .key_schema(key("r", KeyType::Range))
                .projection(keys_only())
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("lsi")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("l", KeyType::Range))
                .projection(keys_only())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

fn long(bytes: usize) -> V {
    s(&"x".repeat(bytes))
}

async fn count(c: &Client) -> i32 {
    c.scan().table_name("keys").send().await.unwrap().count
}

#[tokio::test]
async fn writes_refuse_oversized_table_and_index_keys() {
    let (_emu, c) = emulator().await;
    table(&c).await;
    let put = |pairs: Vec<(&'static str, V)>| c.put_item().table_name("keys").set_item(Some(item(&pairs))).send();
    // At the limits, items are stored; sizes are bytes, not characters.
    put(vec![
        ("pk", long(2048)),
        ("sk", long(1024)),
        ("g", long(2048)),
        ("l", long(1024)),
    ])
    .await
    .unwrap();
    let refused = [
        (vec![("pk", long(2049)), ("sk", s("a"))], HASH),
        (vec![("pk", s(&"é".repeat(1025))), ("sk", s("a"))], HASH),
        (vec![("pk", s("a")), ("sk", long(1025))], RANGE),
        (vec![("pk", s("a")), ("sk", s("a")), ("g", long(2049))], HASH),
        (
            vec![
                ("pk", s("a")),
                ("sk", s("a")),
                ("g", s("g")),
                ("r", V::B(vec![0; 1025].into())),
            ],
            RANGE,
        ),
        (vec![("pk", s("a")), ("sk", s("a")), ("l", long(1025))], RANGE),
    ];
    for (i, (pairs, message)) in refused.into_iter().enumerate() {
        assert_eq!(error(put(pairs).await.unwrap_err()), validation(message), "case {i}");
    }
    // An update that would make an index key too big writes nothing either.
    let update = c
        .update_item()
        .table_name("keys")
        .key("pk", s("a"))
        .key("sk", s("a"))
        .update_expression("SET g = :g")
        .expression_attribute_values(":g", long(2049))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(update), validation(HASH));
    let batch = c
        .batch_write_item()
        .request_items(
            "keys",
            vec![WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(item(&[("pk", long(2049)), ("sk", s("a"))])))
                        .build()
                        .unwrap(),
                )
                .build()],
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(batch), validation(HASH));
    let partiql = c
        .execute_statement()
        .statement(format!(
            "INSERT INTO \"keys\" VALUE {{'pk': '{}', 'sk': 'a'}}",
            "x".repeat(2049)
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(partiql), validation(HASH));
    assert_eq!(count(&c).await, 1);
}

#[tokio::test]
async fn reads_and_deletes_refuse_oversized_keys() {
    let (_emu, c) = emulator().await;
    table(&c).await;
    let too_long = item(&[("pk", long(2049)), ("sk", s("a"))]);
    let get = c
        .get_item()
        .table_name("keys")
        .set_key(Some(too_long.clone()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(get), validation(HASH));
    let delete = c
        .delete_item()
        .table_name("keys")
        .key("pk", s("a"))
        .key("sk", long(1025))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(delete), validation(RANGE));
    // UpdateItem's key checks are checks against the table: no counted prefix.
    let update = c
        .update_item()
        .table_name("keys")
        .set_key(Some(too_long.clone()))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", s("v"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(update), validation(HASH));
    let query = c
        .query()
        .table_name("keys")
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", long(2049))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(query), validation(HASH));
    let batch = c
        .batch_get_item()
        .request_items(
            "keys",
            KeysAndAttributes::builder().keys(too_long.clone()).build().unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(batch), validation(HASH));
    assert_eq!(count(&c).await, 0);
}

/// A transaction's reasons: (code, message) per action, in request order.
type Reasons = Vec<(String, Option<String>)>;

fn reasons(list: Option<Vec<CancellationReason>>) -> Reasons {
    let list = list.unwrap_or_default().into_iter();
    list.map(|r| (r.code.unwrap_or_default(), r.message)).collect()
}

/// Inside a transaction an oversized key cancels its action with a `ValidationError` reason (the
/// actions after it report None), in every kind of action; an empty key value still fails the
/// whole request (ExtendDB's AWS-verified test_transaction_key_size_validation.py).
#[tokio::test]
async fn a_transaction_cancels_an_action_whose_key_is_too_large() {
    let (_emu, c) = emulator().await;
    table(&c).await;
    let invalid = |message: &str| ("ValidationError".to_string(), Some(message.to_string()));
    let none = || ("None".to_string(), None);
    let fine = item(&[("pk", s("a")), ("sk", s("a"))]);
    let long_hash = item(&[("pk", long(2049)), ("sk", s("a"))]);
    let long_range = item(&[("pk", s("a")), ("sk", long(1025))]);
    let actions = [
        (
            TransactWriteItem::builder().put(
                Put::builder()
                    .table_name("keys")
                    .set_item(Some(long_range.clone()))
                    .build()
                    .unwrap(),
            ),
            RANGE,
        ),
        (
            TransactWriteItem::builder().delete(
                Delete::builder()
                    .table_name("keys")
                    .set_key(Some(long_hash.clone()))
                    .build()
                    .unwrap(),
            ),
            HASH,
        ),
        (
            TransactWriteItem::builder().update(
                Update::builder()
                    .table_name("keys")
                    .set_key(Some(long_range.clone()))
                    .update_expression("SET v = :v")
                    .expression_attribute_values(":v", s("v"))
                    .build()
                    .unwrap(),
            ),
            RANGE,
        ),
        (
            TransactWriteItem::builder().condition_check(
                ConditionCheck::builder()
                    .table_name("keys")
                    .set_key(Some(long_hash.clone()))
                    .condition_expression("attribute_exists(pk)")
                    .build()
                    .unwrap(),
            ),
            HASH,
        ),
    ];
    let fine_put = || {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name("keys")
                    .set_item(Some(fine.clone()))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    for (i, (action, message)) in actions.into_iter().enumerate() {
        let e = c
            .transact_write_items()
            .transact_items(action.build())
            .transact_items(fine_put())
            .send()
            .await
            .unwrap_err();
        let TransactWriteItemsError::TransactionCanceledException(t) = e.into_service_error() else {
            panic!("case {i}: not a cancellation");
        };
        let expected =
            "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, None]";
        assert_eq!(t.message(), Some(expected), "case {i}");
        assert_eq!(
            reasons(t.cancellation_reasons),
            vec![invalid(message), none()],
            "case {i}"
        );
    }
    let get = |key| {
        TransactGetItem::builder()
            .get(Get::builder().table_name("keys").set_key(Some(key)).build().unwrap())
            .build()
    };
    let e = c
        .transact_get_items()
        .transact_items(get(fine.clone()))
        .transact_items(get(long_hash))
        .send()
        .await
        .unwrap_err();
    let TransactGetItemsError::TransactionCanceledException(t) = e.into_service_error() else {
        panic!("TransactGetItems: not a cancellation");
    };
    assert_eq!(reasons(t.cancellation_reasons), vec![none(), invalid(HASH)]);
    let statement = |key: &str| {
        ParameterizedStatement::builder()
            .statement(format!("UPDATE \"keys\" SET v = 'v' WHERE pk = 'a' AND sk = '{key}'"))
            .build()
            .unwrap()
    };
    let e = c
        .execute_transaction()
        .transact_statements(statement(&"x".repeat(1025)))
        .send()
        .await
        .unwrap_err();
    let ExecuteTransactionError::TransactionCanceledException(t) = e.into_service_error() else {
        panic!("ExecuteTransaction: not a cancellation");
    };
    assert_eq!(reasons(t.cancellation_reasons), vec![invalid(RANGE)]);
    let empty = item(&[("pk", s("")), ("sk", s("a"))]);
    let e = c
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(Put::builder().table_name("keys").set_item(Some(empty)).build().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let message = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk";
    assert_eq!(error(e), validation(message));
    assert_eq!(count(&c).await, 0);
}

#[tokio::test]
async fn query_and_select_condition_values_are_keys() {
    let (_emu, c) = emulator().await;
    table(&c).await;
    let query = |condition: &'static str, v: V| {
        let q = c
            .query()
            .table_name("keys")
            .key_condition_expression(condition)
            .expression_attribute_values(":pk", s("a"))
            .expression_attribute_values(":v", v);
        if condition.contains(":lo") {
            q.expression_attribute_values(":lo", s("a"))
        } else {
            q
        }
    };
    for condition in [
        "pk = :pk AND sk = :v",
        "pk = :pk AND sk BETWEEN :lo AND :v",
        "pk = :pk AND begins_with(sk, :v)",
    ] {
        let e = query(condition, long(1025)).send().await.unwrap_err();
        assert_eq!(error(e), validation(RANGE), "{condition}");
    }
    let at_limit = query("pk = :pk AND sk BETWEEN :lo AND :v", long(1024))
        .send()
        .await
        .unwrap();
    assert_eq!(at_limit.count, 0);
    let lsi = c
        .query()
        .table_name("keys")
        .index_name("lsi")
        .key_condition_expression("pk = :pk AND l > :v")
        .expression_attribute_values(":pk", s("a"))
        .expression_attribute_values(":v", long(1025))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(lsi), validation(RANGE));

    let select = |statement: &str, params: Vec<V>| {
        c.execute_statement()
            .statement(statement)
            .set_parameters(Some(params))
            .send()
    };
    let e = select("SELECT * FROM \"keys\" WHERE pk = ?", vec![long(2049)])
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(HASH));
    let e = select(
        "SELECT * FROM \"keys\" WHERE pk = ? AND sk = ?",
        vec![s("a"), long(1025)],
    )
    .await
    .unwrap_err();
    assert_eq!(error(e), validation(RANGE));
    let e = select("SELECT * FROM \"keys\".\"gsi\" WHERE g = ?", vec![long(2049)])
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(HASH));
    let fine = select(
        "SELECT * FROM \"keys\" WHERE pk = ? AND sk = ?",
        vec![s("a"), long(1024)],
    )
    .await
    .unwrap();
    assert_eq!(fine.items.unwrap_or_default().len(), 0);
}

/// An equality in a key condition names a key value, which may not be empty, on the table or an
/// index, in an expression or in legacy KeyConditions.
#[tokio::test]
async fn query_equalities_on_key_attributes_may_not_be_empty() {
    let (_emu, c) = emulator().await;
    table(&c).await;
    let empty = |kind: &str, key: &str| {
        validation(&format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {key}"
        ))
    };
    let query = |index: Option<&str>, condition: &str, a: V, b: V| {
        c.query()
            .table_name("keys")
            .set_index_name(index.map(str::to_string))
            .key_condition_expression(condition)
            .expression_attribute_values(":a", a)
            .expression_attribute_values(":b", b)
            .send()
    };
    let e = query(None, "pk = :a AND sk > :b", s(""), s("x")).await.unwrap_err();
    assert_eq!(error(e), empty("string", "pk"));
    let e = query(None, "pk = :a AND sk = :b", s("a"), s("")).await.unwrap_err();
    assert_eq!(error(e), empty("string", "sk"));
    // On an index, in the words of an item's empty index key (chariot-ui#353 quotes AWS's answer).
    let on_index = |kind: &str, key: &str| {
        validation(&format!(
            "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. IndexName: gsi, IndexKey: {key}"
        ))
    };
    let e = query(Some("gsi"), "g = :a AND r = :b", s("a"), V::B(Vec::new().into()))
        .await
        .unwrap_err();
    assert_eq!(error(e), on_index("binary", "r"));
    let e = query(Some("gsi"), "g = :a AND r > :b", s(""), V::B(vec![1].into()))
        .await
        .unwrap_err();
    assert_eq!(error(e), on_index("string", "g"));

    let legacy = c
        .query()
        .table_name("keys")
        .key_conditions(
            "pk",
            Condition::builder()
                .comparison_operator(ComparisonOperator::Eq)
                .attribute_value_list(s(""))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(legacy), empty("string", "pk"));
}
