//! Every attribute type survives a round trip exactly; numbers are normalised as DynamoDB does.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue as V, ScalarAttributeType as T};

use crate::support::{create_table, emulator, error, s, validation};

#[tokio::test]
async fn every_type_round_trips() {
    let (_emu, c) = emulator().await;
    create_table(&c, "types", None).await;
    let nested = HashMap::from([
        (
            "inner".to_string(),
            V::L(vec![V::Bool(false), V::Null(true), V::S(String::new())]),
        ),
        (
            "deep".to_string(),
            V::M(HashMap::from([("n".to_string(), V::N("-0.5".into()))])),
        ),
    ]);
    let item = HashMap::from([
        ("pk".to_string(), V::S("all".into())),
        ("s".to_string(), V::S("héllo ✓".into())),
        ("n38".to_string(), V::N("12345678901234567890123456789012345678".into())),
        ("tiny".to_string(), V::N("1E-130".into())),
        (
            "huge".to_string(),
            V::N("-9.9999999999999999999999999999999999999E+125".into()),
        ),
        ("b".to_string(), V::B(Blob::new(vec![0u8, 1, 2, 255]))),
        ("empty_b".to_string(), V::B(Blob::new(Vec::new()))),
        ("t".to_string(), V::Bool(true)),
        ("z".to_string(), V::Null(true)),
        ("m".to_string(), V::M(nested)),
        ("ss".to_string(), V::Ss(vec!["b".into(), "a".into()])),
        ("ns".to_string(), V::Ns(vec!["1".into(), "2.5".into()])),
        (
            "bs".to_string(),
            V::Bs(vec![Blob::new(vec![1u8]), Blob::new(vec![2u8])]),
        ),
    ]);
    c.put_item()
        .table_name("types")
        .set_item(Some(item.clone()))
        .send()
        .await
        .unwrap();
    let got = c
        .get_item()
        .table_name("types")
        .key("pk", V::S("all".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let mut expected = item;
    expected.insert("tiny".into(), V::N(format!("0.{}1", "0".repeat(129))));
    expected.insert(
        "huge".into(),
        V::N(format!("-99999999999999999999999999999999999999{}", "0".repeat(88))),
    );
    // Sets come back sorted, not as written.
    expected.insert("ss".into(), V::Ss(vec!["a".into(), "b".into()]));
    assert_eq!(got.item.unwrap(), expected);
}

/// A set's members come back in DynamoDB's order, whatever order they were written or added in:
/// strings and binaries bytewise (the empty string first), numbers by value
/// (nubo-db/dynamodb-conformance, updateItem/basic.test.ts "ADD of an empty string member onto an
/// existing set adds it", verified against AWS).
#[tokio::test]
async fn set_members_come_back_sorted() {
    let (_emu, c) = emulator().await;
    create_table(&c, "sets", None).await;
    crate::support::put(
        &c,
        "sets",
        &[
            ("pk", V::S("k".into())),
            ("ss", V::Ss(vec!["a".into()])),
            ("ns", V::Ns(vec!["10".into(), "-1".into(), "9".into()])),
            ("bs", V::Bs(vec![Blob::new(vec![2u8]), Blob::new(vec![1u8, 5])])),
        ],
    )
    .await;
    c.update_item()
        .table_name("sets")
        .key("pk", V::S("k".into()))
        .update_expression("ADD ss :e, bs :b")
        .expression_attribute_values(":e", V::Ss(vec![String::new()]))
        .expression_attribute_values(":b", V::Bs(vec![Blob::new(Vec::new())]))
        .send()
        .await
        .unwrap();
    let got = c
        .get_item()
        .table_name("sets")
        .key("pk", V::S("k".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(got["ss"], V::Ss(vec![String::new(), "a".into()]));
    assert_eq!(got["ns"], V::Ns(vec!["-1".into(), "9".into(), "10".into()]));
    let bs = [Vec::new(), vec![1u8, 5], vec![2u8]];
    assert_eq!(got["bs"], V::Bs(bs.into_iter().map(Blob::new).collect()));
}

#[tokio::test]
async fn numbers_are_normalised_and_range_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "nums", Some(T::N)).await;
    for (input, stored) in [
        ("00042", "42"),
        ("1.0", "1"),
        ("3.1400", "3.14"),
        ("1.5E2", "150"),
        ("-0", "0"),
    ] {
        c.put_item()
            .table_name("nums")
            .item("pk", V::S("n".into()))
            .item("sk", V::N(input.into()))
            .send()
            .await
            .unwrap();
        let got = c
            .get_item()
            .table_name("nums")
            .key("pk", V::S("n".into()))
            .key("sk", V::N(stored.into()))
            .send()
            .await
            .unwrap();
        assert_eq!(got.item.unwrap()["sk"], V::N(stored.into()), "{input}");
    }
    let refused = [
        (
            "123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            "1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "1E-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        (" 1.23", "The parameter cannot be converted to a numeric value:  1.23"),
        ("1.23 ", "The parameter cannot be converted to a numeric value: 1.23 "),
    ];
    for (input, message) in refused {
        let err = c
            .put_item()
            .table_name("nums")
            .item("pk", V::S("n".into()))
            .item("sk", V::N("1".into()))
            .item("v", V::N(input.into()))
            .send()
            .await
            .unwrap_err();
        // PutItem counts its attribute-value errors, as today's DynamoDB does.
        let counted = format!("1 validation error detected: {message}");
        assert_eq!(error(err), validation(&counted), "{input}");
    }
}

/// DynamoDB's two validators accept the same numbers but refuse extreme exponents, and word an
/// empty number, each its own way: PutItem's reads the exponent as a 64-bit integer and the
/// magnitude exactly, zero included; BatchWriteItem's and the transactions' read it as Java's
/// BigDecimal, whose 32-bit magnitude wraps (the conformance suite's October 2026 captures).
#[tokio::test]
async fn numbers_are_refused_as_each_validator_reads_them() {
    use aws_sdk_dynamodb::types::{PutRequest, TransactWriteItem, Update, WriteRequest};
    const CNV: &str = "The parameter cannot be converted to a numeric value";
    const OVERFLOW: &str = "Number overflow. Attempting to store a number with magnitude larger than supported range";
    const UNDERFLOW: &str =
        "Number underflow. Attempting to store a number with magnitude smaller than supported range";
    let (_emu, c) = emulator().await;
    create_table(&c, "nums", None).await;
    let item = |n: &str| HashMap::from([("pk".to_string(), V::S("k".into())), ("v".to_string(), V::N(n.into()))]);
    for (input, message) in [
        ("1e2147483647", OVERFLOW.to_string()),
        ("1e99999999999", OVERFLOW.to_string()),
        ("1e-2147483648", UNDERFLOW.to_string()),
        ("0e126", OVERFLOW.to_string()),
        ("0e-131", UNDERFLOW.to_string()),
        ("1e9223372036854775808", format!("{CNV}: 1e9223372036854775808")),
        ("", format!("{CNV}: ")),
    ] {
        let e = c
            .put_item()
            .table_name("nums")
            .set_item(Some(item(input)))
            .send()
            .await
            .unwrap_err();
        let counted = format!("1 validation error detected: {message}");
        assert_eq!(error(e), validation(&counted), "{input:?}");
    }
    c.put_item()
        .table_name("nums")
        .set_item(Some(item("0.0e126")))
        .send()
        .await
        .unwrap();
    for (input, message) in [
        ("1e2147483647", UNDERFLOW.to_string()),
        ("1e99999999999", format!("{CNV}: 1e99999999999")),
        ("", CNV.to_string()),
    ] {
        let put = PutRequest::builder().set_item(Some(item(input))).build().unwrap();
        let e = c
            .batch_write_item()
            .request_items("nums", vec![WriteRequest::builder().put_request(put).build()])
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), validation(&message), "{input:?}");
        let update = Update::builder()
            .table_name("nums")
            .key("pk", V::S("k".into()))
            .update_expression("SET v = :v")
            .expression_attribute_values(":v", V::N(input.into()))
            .build()
            .unwrap();
        let e = c
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .send()
            .await
            .unwrap_err();
        let wrapped = format!("ExpressionAttributeValues contains invalid value: {message} for key :v");
        assert_eq!(error(e), validation(&wrapped), "{input:?}");
    }
}

/// A set with a repeated member, and an unreadable number, as each of DynamoDB's two validators
/// words them (the conformance suite's valueLayers.test.ts, AWS, October 2026). The newer
/// (PutItem, UpdateItem, DeleteItem, counted; GetItem, BatchGetItem and Query, bare, Query's
/// expression values without the `ExpressionAttributeValues contains invalid value` wrapper)
/// quotes the members met before the repeat in byte order, then the repeat and the rest; the
/// older (BatchWriteItem; Scan, whose expression values keep the wrapper) lists them as sent.
#[tokio::test]
async fn repeated_set_members_are_worded_by_each_validator() {
    use aws_sdk_dynamodb::types::{ComparisonOperator, Condition, KeysAndAttributes, PutRequest, WriteRequest};
    let (_emu, c) = emulator().await;
    create_table(&c, "dupes", None).await;
    let b64 = |text: &str| {
        Blob::new(match text {
            "/w==" => vec![0xff],
            _ => vec![0],
        })
    };
    let sets = [
        V::Ss(vec!["b".into(), "a".into(), "b".into()]),
        V::Bs(vec![b64("/w=="), b64("AA=="), b64("AA==")]),
        V::Ns(vec!["2".into(), "1".into(), "2".into()]),
    ];
    let invalid = "One or more parameter values were invalid: Input collection";
    let newer = [
        format!("{invalid} [\"a\", \"b\", \"b\"] contains duplicates."),
        format!("{invalid} [\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates."),
        format!("{invalid} contains duplicates."),
    ];
    let older = [
        format!("{invalid} [b, a, b] contains duplicates."),
        format!("{invalid} [/w==, AA==, AA==]of type BS contains duplicates."),
        "Input collection contains duplicates".to_string(),
    ];
    let counted = |m: &String| format!("1 validation error detected: {m}");
    let wrapped = |m: &String| format!("ExpressionAttributeValues contains invalid value: {m} for key :t");
    for (i, d) in sets.iter().enumerate() {
        let key = HashMap::from([("pk".to_string(), d.clone())]);
        let put = c
            .put_item()
            .table_name("dupes")
            .item("pk", s("d"))
            .item("s", d.clone())
            .send()
            .await;
        assert_eq!(
            error(put.unwrap_err()),
            validation(&counted(&newer[i])),
            "PutItem {d:?}"
        );
        let delete = c
            .delete_item()
            .table_name("dupes")
            .set_key(Some(key.clone()))
            .send()
            .await;
        assert_eq!(
            error(delete.unwrap_err()),
            validation(&counted(&newer[i])),
            "DeleteItem {d:?}"
        );
        let get = c.get_item().table_name("dupes").set_key(Some(key.clone())).send().await;
        assert_eq!(error(get.unwrap_err()), validation(&newer[i]), "GetItem {d:?}");
        let keys = KeysAndAttributes::builder().keys(key.clone()).build().unwrap();
        let batch_get = c.batch_get_item().request_items("dupes", keys).send().await;
        assert_eq!(
            error(batch_get.unwrap_err()),
            validation(&newer[i]),
            "BatchGetItem {d:?}"
        );
        let query = c
            .query()
            .table_name("dupes")
            .key_condition_expression("pk = :t")
            .expression_attribute_values(":t", d.clone())
            .send()
            .await;
        assert_eq!(error(query.unwrap_err()), validation(&newer[i]), "Query {d:?}");
        let query_filter = c
            .query()
            .table_name("dupes")
            .key_conditions(
                "pk",
                Condition::builder()
                    .comparison_operator(ComparisonOperator::Eq)
                    .attribute_value_list(s("d"))
                    .build()
                    .unwrap(),
            )
            .query_filter(
                "s",
                Condition::builder()
                    .comparison_operator(ComparisonOperator::Eq)
                    .attribute_value_list(d.clone())
                    .build()
                    .unwrap(),
            )
            .send()
            .await;
        assert_eq!(
            error(query_filter.unwrap_err()),
            validation(&newer[i]),
            "QueryFilter {d:?}"
        );
        let start = c
            .query()
            .table_name("dupes")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("d"))
            .set_exclusive_start_key(Some(key.clone()))
            .send()
            .await;
        assert_eq!(
            error(start.unwrap_err()),
            validation(&newer[i]),
            "ExclusiveStartKey {d:?}"
        );
        let put = PutRequest::builder()
            .item("pk", s("d"))
            .item("s", d.clone())
            .build()
            .unwrap();
        let batch_write = c
            .batch_write_item()
            .request_items("dupes", vec![WriteRequest::builder().put_request(put).build()])
            .send()
            .await;
        assert_eq!(
            error(batch_write.unwrap_err()),
            validation(&older[i]),
            "BatchWriteItem {d:?}"
        );
        let scan = c
            .scan()
            .table_name("dupes")
            .filter_expression("s = :t")
            .expression_attribute_values(":t", d.clone())
            .send()
            .await;
        assert_eq!(error(scan.unwrap_err()), validation(&wrapped(&older[i])), "Scan {d:?}");
    }
    // Query words an unreadable number in a filter value bare too.
    let query = c
        .query()
        .table_name("dupes")
        .key_condition_expression("pk = :p")
        .filter_expression("n = :v")
        .expression_attribute_values(":p", s("d"))
        .expression_attribute_values(":v", V::N("abc".into()))
        .send()
        .await;
    assert_eq!(
        error(query.unwrap_err()),
        validation("The parameter cannot be converted to a numeric value: abc")
    );
}
