//! BatchGetItem and BatchWriteItem through the SDK.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    AttributeValue as V, ConsumedCapacity, DeleteRequest, KeysAndAttributes, PutRequest, ReturnConsumedCapacity,
    ScalarAttributeType as T, WriteRequest,
};
use aws_sdk_dynamodb::Client;

use crate::support::{create_table, emulator, error, item, s, validation};

fn put(pairs: &[(&str, V)]) -> WriteRequest {
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(item(pairs))).build().unwrap())
        .build()
}

fn delete(pairs: &[(&str, V)]) -> WriteRequest {
    WriteRequest::builder()
        .delete_request(DeleteRequest::builder().set_key(Some(item(pairs))).build().unwrap())
        .build()
}

fn keys(list: Vec<HashMap<String, V>>) -> KeysAndAttributes {
    KeysAndAttributes::builder().set_keys(Some(list)).build().unwrap()
}

async fn get(c: &Client, table: &str, k: &[(&str, V)]) -> Option<HashMap<String, V>> {
    c.get_item()
        .table_name(table)
        .set_key(Some(item(k)))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
}

#[tokio::test]
async fn batch_write_and_get_across_tables() {
    let (_emu, c) = emulator().await;
    create_table(&c, "users", None).await;
    create_table(&c, "events", Some(T::N)).await;
    c.put_item()
        .table_name("users")
        .item("pk", s("gone"))
        .send()
        .await
        .unwrap();

    let out = c
        .batch_write_item()
        .request_items(
            "users",
            vec![
                put(&[("pk", s("a")), ("name", s("Ann"))]),
                put(&[("pk", s("b")), ("name", s("Bob"))]),
                delete(&[("pk", s("gone"))]),
            ],
        )
        .request_items(
            "events",
            vec![put(&[("pk", s("a")), ("sk", V::N("1".into())), ("what", s("login"))])],
        )
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(out.unprocessed_items, Some(HashMap::new()));
    let mut cc: Vec<(String, f64)> = out
        .consumed_capacity
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name.unwrap(), c.capacity_units.unwrap()))
        .collect();
    cc.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(cc, vec![("events".to_string(), 1.0), ("users".to_string(), 3.0)]);
    assert_eq!(get(&c, "users", &[("pk", s("gone"))]).await, None);
    assert_eq!(get(&c, "users", &[("pk", s("b"))]).await.unwrap()["name"], s("Bob"));

    let got = c
        .batch_get_item()
        .request_items(
            "users",
            KeysAndAttributes::builder()
                .keys(item(&[("pk", s("a"))]))
                .keys(item(&[("pk", s("b"))]))
                .keys(item(&[("pk", s("missing"))]))
                .projection_expression("#n")
                .expression_attribute_names("#n", "name")
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .request_items("events", keys(vec![item(&[("pk", s("zz")), ("sk", V::N("9".into()))])]))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let responses = got.responses.unwrap();
    let mut names: Vec<HashMap<String, V>> = responses["users"].clone();
    names.sort_by_key(|i| format!("{:?}", i["name"]));
    assert_eq!(names, vec![item(&[("name", s("Ann"))]), item(&[("name", s("Bob"))])]);
    assert_eq!(responses["events"], vec![], "a table with no hits still answers []");
    assert_eq!(got.unprocessed_keys, Some(HashMap::new()));
    let mut cc: Vec<(String, f64)> = got
        .consumed_capacity
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name.unwrap(), c.capacity_units.unwrap()))
        .collect();
    cc.sort_by(|a, b| a.0.cmp(&b.0));
    // Three strongly consistent reads on users, one eventually consistent read on events.
    assert_eq!(cc, vec![("events".to_string(), 0.5), ("users".to_string(), 3.0)]);

    // Legacy AttributesToGet also works per table.
    let got = c
        .batch_get_item()
        .request_items(
            "users",
            KeysAndAttributes::builder()
                .keys(item(&[("pk", s("a"))]))
                .attributes_to_get("pk")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(got.responses.unwrap()["users"], vec![item(&[("pk", s("a"))])]);
}

#[tokio::test]
async fn batch_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tb1", None).await;
    create_table(&c, "tb2", None).await;

    let e = c
        .batch_write_item()
        .set_request_items(Some(HashMap::new()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("The requestItems parameter is required for BatchWriteItem")
    );
    let e = c
        .batch_get_item()
        .set_request_items(Some(HashMap::new()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    );

    // 26 requests for one table: the map-value constraint, echoing the request.
    let many: Vec<WriteRequest> = (0..26).map(|i| put(&[("pk", s(&format!("k{i}")))])).collect();
    let e = c
        .batch_write_item()
        .request_items("tb1", many)
        .send()
        .await
        .unwrap_err();
    let (code, msg) = error(e);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("1 validation error detected: Value '{tb1=[WriteRequest(putRequest=PutRequest(item={pk=AttributeValue(S=k0)}), deleteRequest=null), "),
        "{msg}"
    );
    assert!(msg.ends_with("]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"), "{msg}");

    // 13 + 13 across two tables: within each table's limit, over the request's.
    let half = |p: &str| -> Vec<WriteRequest> { (0..13).map(|i| put(&[("pk", s(&format!("{p}{i}")))])).collect() };
    let e = c
        .batch_write_item()
        .request_items("tb1", half("a"))
        .request_items("tb2", half("b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Too many items requested for the BatchWriteItem call")
    );

    let key_list = |n: usize, p: &str| -> Vec<HashMap<String, V>> {
        (0..n).map(|i| item(&[("pk", s(&format!("{p}{i}")))])).collect()
    };
    let e = c
        .batch_get_item()
        .request_items("tb1", keys(key_list(101, "k")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value at 'RequestItems.tb1.member.Keys' failed to satisfy constraint: Member must have length less than or equal to 100")
    );
    let e = c
        .batch_get_item()
        .request_items("tb1", keys(key_list(60, "a")))
        .request_items("tb2", keys(key_list(41, "b")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Too many items requested for the BatchGetItem call")
    );

    let dup = "Provided list of item keys contains duplicates";
    let e = c
        .batch_get_item()
        .request_items("tb1", keys(vec![item(&[("pk", s("x"))]), item(&[("pk", s("x"))])]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(dup));
    // The same key twice is refused before the table is looked up (AWS, 2026: ExtendDB's
    // dual-target suite, test_validation_precedence.py).
    let e = c
        .batch_get_item()
        .request_items("nope", keys(vec![item(&[("a", s("k"))]), item(&[("a", s("k"))])]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(dup));
    let e = c
        .batch_write_item()
        .request_items("tb1", vec![put(&[("pk", s("x"))]), delete(&[("pk", s("x"))])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(dup));

    let e = c
        .batch_get_item()
        .request_items("nope", keys(key_list(1, "k")))
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
        .batch_write_item()
        .request_items("nope", vec![put(&[("pk", s("x"))])])
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

    let mismatch = "The provided key element does not match the schema";
    for bad in [
        put(&[("pk", V::N("5".into()))]),
        put(&[("other", s("x"))]),
        delete(&[("pk", V::N("5".into()))]),
    ] {
        let e = c
            .batch_write_item()
            .request_items("tb1", vec![bad])
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), validation(mismatch));
    }
    let e = c
        .batch_write_item()
        .request_items("tb1", vec![put(&[("pk", s(""))])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
    );
    let e = c
        .batch_get_item()
        .request_items("tb1", keys(vec![item(&[("pk", V::N("1".into()))])]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(mismatch));

    // The whole request is validated before anything is written: the valid put did not happen.
    let e = c
        .batch_write_item()
        .request_items("tb1", vec![put(&[("pk", s("ok"))])])
        .request_items("tb2", vec![put(&[("pk", V::N("1".into()))])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(mismatch));
    assert_eq!(get(&c, "tb1", &[("pk", s("ok"))]).await, None);

    // Exactly 25 writes and 100 keys are fine.
    let ok: Vec<WriteRequest> = (0..25).map(|i| put(&[("pk", s(&format!("k{i}")))])).collect();
    c.batch_write_item().request_items("tb1", ok).send().await.unwrap();
    let got = c
        .batch_get_item()
        .request_items("tb1", keys(key_list(100, "k")))
        .send()
        .await
        .unwrap();
    assert_eq!(got.responses.unwrap()["tb1"].len(), 25);
}

#[tokio::test]
async fn batch_get_over_16_mb_returns_the_rest_as_unprocessed_keys() {
    let (_emu, c) = emulator().await;
    create_table(&c, "big", None).await;
    let payload = "x".repeat(390_000);
    for chunk in 0..2 {
        let reqs: Vec<WriteRequest> = (0..25)
            .map(|i| put(&[("pk", s(&format!("k{:02}", chunk * 25 + i))), ("d", s(&payload))]))
            .collect();
        c.batch_write_item().request_items("big", reqs).send().await.unwrap();
    }
    let all: Vec<HashMap<String, V>> = (0..50).map(|i| item(&[("pk", s(&format!("k{i:02}")))])).collect();
    let got = c
        .batch_get_item()
        .request_items(
            "big",
            KeysAndAttributes::builder()
                .set_keys(Some(all.clone()))
                .projection_expression("pk, #d")
                .expression_attribute_names("#d", "d")
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // Each item is 390,006 bytes: 43 fit in 16 MiB, 7 are left.
    let returned = &got.responses.unwrap()["big"];
    assert_eq!(returned.len(), 43);
    let left = &got.unprocessed_keys.unwrap()["big"];
    assert_eq!(left.keys, all[43..].to_vec());
    assert_eq!(left.projection_expression.as_deref(), Some("pk, #d"));
    assert_eq!(left.expression_attribute_names.as_ref().unwrap()["#d"], "d");
    assert_eq!(left.consistent_read, Some(true));
}

/// A table named by its ARN is echoed as named: Responses' keys and every ConsumedCapacity's
/// TableName. Named twice in one BatchGetItem, by ARN and by name, it is read once
/// (ExtendDB's AWS-verified test_table_arn_as_name.py).
#[tokio::test]
async fn table_arns_are_echoed_as_the_request_gave_them() {
    let (_emu, c) = emulator().await;
    create_table(&c, "byarn", None).await;
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/byarn";
    c.batch_write_item()
        .request_items(arn, vec![put(&[("pk", s("a")), ("v", s("1"))])])
        .send()
        .await
        .unwrap();
    let stored = item(&[("pk", s("a")), ("v", s("1"))]);
    let got = c
        .batch_get_item()
        .request_items(arn, keys(vec![item(&[("pk", s("a"))])]))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.responses.unwrap(),
        HashMap::from([(arn.to_string(), vec![stored.clone()])])
    );
    let named = |c: Option<ConsumedCapacity>| c.and_then(|c| c.table_name);
    assert_eq!(named(got.consumed_capacity.unwrap().pop()), Some(arn.to_string()));

    let both = c
        .batch_get_item()
        .request_items(arn, keys(vec![item(&[("pk", s("a"))])]))
        .request_items("byarn", keys(vec![item(&[("pk", s("a"))])]))
        .send()
        .await
        .unwrap();
    let responses: Vec<_> = both.responses.unwrap().into_values().collect();
    assert_eq!(responses, vec![vec![stored]]);

    let total = ReturnConsumedCapacity::Total;
    let key = || item(&[("pk", s("a"))]);
    let get = c
        .get_item()
        .table_name(arn)
        .set_key(Some(key()))
        .return_consumed_capacity(total.clone());
    assert_eq!(
        named(get.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
    let update = c
        .update_item()
        .table_name(arn)
        .set_key(Some(key()))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", s("2"))
        .return_consumed_capacity(total.clone());
    assert_eq!(
        named(update.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
    let query = c
        .query()
        .table_name(arn)
        .key_condition_expression("pk = :a")
        .expression_attribute_values(":a", s("a"))
        .return_consumed_capacity(total.clone());
    assert_eq!(
        named(query.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
    let scan = c.scan().table_name(arn).return_consumed_capacity(total.clone());
    assert_eq!(
        named(scan.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
    let delete = c
        .delete_item()
        .table_name(arn)
        .set_key(Some(key()))
        .return_consumed_capacity(total.clone());
    assert_eq!(
        named(delete.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
    let put = c
        .put_item()
        .table_name(arn)
        .set_item(Some(key()))
        .return_consumed_capacity(total);
    assert_eq!(
        named(put.send().await.unwrap().consumed_capacity),
        Some(arn.to_string())
    );
}

/// A WriteRequest holding neither a PutRequest nor a DeleteRequest is refused with the text AWS
/// gives an attribute value's types (dynalite's tests, run against AWS: "empty item in
/// RequestItems" in batchWriteItem.js).
#[tokio::test]
async fn an_empty_write_request_is_refused_as_dynamodb_words_it() {
    let (_emu, c) = emulator().await;
    let e = c
        .batch_write_item()
        .request_items("abc", vec![WriteRequest::builder().build()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        )
    );
}

/// A BatchGetItem projects every table one way: ProjectionExpression on one table and
/// AttributesToGet on another is refused as one table mixing the two is
/// (nubo-db/dynamodb-conformance, tier3/error-messages/batchGetItem.test.ts, verified against AWS).
#[tokio::test]
async fn a_batch_get_projects_every_table_one_way() {
    let (_emu, c) = emulator().await;
    create_table(&c, "proj_a", None).await;
    create_table(&c, "proj_b", None).await;
    let one = || vec![item(&[("pk", s("a"))])];
    let by_expression = || {
        KeysAndAttributes::builder()
            .set_keys(Some(one()))
            .projection_expression("pk")
    };
    let by_names = || {
        KeysAndAttributes::builder()
            .set_keys(Some(one()))
            .attributes_to_get("pk")
    };
    let e = c
        .batch_get_item()
        .request_items("proj_a", by_expression().build().unwrap())
        .request_items("proj_b", by_names().build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
        )
    );
    // One style throughout is fine, either one.
    for style in [by_expression(), by_names()] {
        let k = style.build().unwrap();
        c.batch_get_item()
            .request_items("proj_a", k.clone())
            .request_items("proj_b", k)
            .send()
            .await
            .unwrap();
    }
}
