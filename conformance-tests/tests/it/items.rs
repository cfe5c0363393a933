//! PutItem, GetItem, DeleteItem through the SDK.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    AttributeValue as V, ProjectionType, ReturnConsumedCapacity, ReturnValue, ScalarAttributeType as T,
};

use crate::support::{arms, create_capacity_table, create_table, emulator, error, put, s, validation};

#[tokio::test]
async fn put_get_delete_round_trip() {
    let (_emu, c) = emulator().await;
    create_table(&c, "items", Some(T::N)).await;
    let put = c
        .put_item()
        .table_name("items")
        .item("pk", s("a"))
        .item("sk", V::N("1".into()))
        .item("v", s("first"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(put.attributes, None, "no old item on first put");

    let replaced = c
        .put_item()
        .table_name("items")
        .item("pk", s("a"))
        .item("sk", V::N("1.0".into()))
        .item("v", s("second"))
        .return_values(ReturnValue::AllOld)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.attributes.unwrap()["v"], s("first"));
    let cc = replaced.consumed_capacity.unwrap();
    assert_eq!(
        (cc.table_name.as_deref(), cc.capacity_units),
        (Some("items"), Some(1.0))
    );

    let got = c
        .get_item()
        .table_name("items")
        .key("pk", s("a"))
        .key("sk", V::N("1".into()))
        .send()
        .await
        .unwrap();
    let item = got.item.unwrap();
    assert_eq!(item["v"], s("second"));
    assert_eq!(item["sk"], V::N("1".into()));

    let missing = c
        .get_item()
        .table_name("items")
        .key("pk", s("b"))
        .key("sk", V::N("1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.item, None);

    let deleted = c
        .delete_item()
        .table_name("items")
        .key("pk", s("a"))
        .key("sk", V::N("1".into()))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.attributes.unwrap()["v"], s("second"));
    let gone = c
        .get_item()
        .table_name("items")
        .key("pk", s("a"))
        .key("sk", V::N("1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.item, None);
    let table = c
        .describe_table()
        .table_name("items")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!((table.item_count, table.table_size_bytes), (Some(0), Some(0)));
}

#[tokio::test]
async fn item_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    create_table(&c, "errs", Some(T::S)).await;
    let cases = [
        (
            c.put_item().table_name("errs").item("pk", s("a")).send().await.unwrap_err(),
            validation("One or more parameter values were invalid: Missing the key sk in the item"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", V::N("1".into())).send().await.unwrap_err(),
            validation("One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("")).item("sk", s("x")).send().await.unwrap_err(),
            validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", s("b")).item("e", V::Ss(vec![])).send().await.unwrap_err(),
            validation("1 validation error detected: One or more parameter values were invalid: An string set  may not be empty"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", s("b")).item("d", V::Ss(vec!["x".into(), "x".into()])).send().await.unwrap_err(),
            validation("1 validation error detected: One or more parameter values were invalid: Input collection [\"x\", \"x\"] contains duplicates."),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", s("b")).item("n", V::Null(false)).send().await.unwrap_err(),
            validation("1 validation error detected: One or more parameter values were invalid: Null attribute value types must have the value of true"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", s("b")).item("big", s(&"x".repeat(400 * 1024))).send().await.unwrap_err(),
            validation("Item size has exceeded the maximum allowed size"),
        ),
        (
            c.put_item().table_name("errs").item("pk", s("a")).item("sk", s("b")).return_values(ReturnValue::AllNew).send().await.unwrap_err(),
            validation("1 validation error detected: ReturnValues can only be ALL_OLD or NONE"),
        ),
        (
            c.put_item().table_name("nope").item("pk", s("a")).send().await.unwrap_err(),
            ("ResourceNotFoundException".into(), "Requested resource not found".into()),
        ),
    ];
    for (i, (got, want)) in cases.into_iter().enumerate() {
        assert_eq!(error(got), want, "case {i}");
    }
    let get_errors = [
        error(
            c.get_item()
                .table_name("errs")
                .key("pk", s("a"))
                .send()
                .await
                .unwrap_err(),
        ),
        error(
            c.get_item()
                .table_name("errs")
                .key("pk", s("a"))
                .key("sk", V::N("1".into()))
                .send()
                .await
                .unwrap_err(),
        ),
        error(
            c.delete_item()
                .table_name("errs")
                .key("pk", s("a"))
                .key("sk", s("b"))
                .key("x", s("c"))
                .send()
                .await
                .unwrap_err(),
        ),
    ];
    for e in get_errors {
        assert_eq!(e, validation("The provided key element does not match the schema"));
    }
    // Nothing was stored by the refused writes.
    let t = c
        .describe_table()
        .table_name("errs")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(t.item_count, Some(0));
}

#[tokio::test]
async fn largest_allowed_item_is_accepted() {
    let (_emu, c) = emulator().await;
    create_table(&c, "big", None).await;
    // 400 KB exactly: name "pk"(2) + "a"(1) + name "v"(1) + value.
    let value = "x".repeat(400 * 1024 - 4);
    c.put_item()
        .table_name("big")
        .item("pk", s("a"))
        .item("v", s(&value))
        .send()
        .await
        .unwrap();
    let over = "x".repeat(400 * 1024 - 3);
    let err = c
        .put_item()
        .table_name("big")
        .item("pk", s("a"))
        .item("v", s(&over))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation("Item size has exceeded the maximum allowed size")
    );
}

#[tokio::test]
async fn a_table_name_shorter_than_three_characters_is_invalid_before_any_lookup() {
    let (_emu, c) = emulator().await;
    let invalid = validation("TableName must be at least 3 characters long and at most 255 characters long");
    for name in ["ab", "x", "arn:aws:dynamodb:us-east-1:000000000000:table/ab"] {
        let e = c
            .get_item()
            .table_name(name)
            .key("pk", s("a"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), invalid, "{name}");
        let e = c
            .put_item()
            .table_name(name)
            .item("pk", s("a"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), invalid, "{name}");
        let e = c.scan().table_name(name).send().await.unwrap_err();
        assert_eq!(error(e), invalid, "{name}");
    }
    // Three characters is a name like any other: this one names no table.
    let e = c
        .get_item()
        .table_name("abc")
        .key("pk", s("a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found".to_string()
        )
    );
}

/// An empty index key value is refused naming its kind, string or binary, from PutItem and
/// BatchWriteItem alike (AWS, four regions, June 2026).
#[tokio::test]
async fn empty_index_key_values_are_refused_by_kind() {
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::{KeyType, PutRequest, WriteRequest};
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("empties")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(crate::support::attr_def("pk", T::S))
        .attribute_definitions(crate::support::attr_def("bidx", T::B))
        .attribute_definitions(crate::support::attr_def("sidx", T::S))
        .key_schema(crate::support::key("pk", KeyType::Hash))
        .global_secondary_indexes(crate::support::gsi_all("gsib", "bidx"))
        .global_secondary_indexes(crate::support::gsi_all("gsis", "sidx"))
        .send()
        .await
        .unwrap();
    let refused = |kind: &str, index: &str, attr: &str| {
        validation(&format!("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. IndexName: {index}, IndexKey: {attr}"))
    };
    for (attr, value, want) in [
        ("bidx", V::B(Blob::new(vec![])), refused("binary", "gsib", "bidx")),
        ("sidx", s(""), refused("string", "gsis", "sidx")),
    ] {
        let put = c
            .put_item()
            .table_name("empties")
            .item("pk", s("x"))
            .item(attr, value.clone())
            .send()
            .await;
        assert_eq!(error(put.unwrap_err()), want);
        let item = PutRequest::builder()
            .item("pk", s("x"))
            .item(attr, value)
            .build()
            .unwrap();
        let batch = c
            .batch_write_item()
            .request_items("empties", vec![WriteRequest::builder().put_request(item).build()]);
        assert_eq!(error(batch.send().await.unwrap_err()), want);
    }
}

/// A write that breaks the keys of several secondary indexes names the index whose name sorts
/// first, not the first defined (Dynoxide's captures, `index_key_validation.rs`): two indexes on
/// one attribute, and two on different attributes, from every write that checks index keys.
#[tokio::test]
async fn several_refused_index_keys_name_the_index_first_by_name() {
    use aws_sdk_dynamodb::types::{KeyType, Put, PutRequest, TransactWriteItem, WriteRequest};
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("named")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(crate::support::attr_def("pk", T::S))
        .attribute_definitions(crate::support::attr_def("a", T::S))
        .attribute_definitions(crate::support::attr_def("b", T::S))
        .key_schema(crate::support::key("pk", KeyType::Hash))
        .global_secondary_indexes(crate::support::gsi_all("zzz", "a"))
        .global_secondary_indexes(crate::support::gsi_all("mmm", "b"))
        .global_secondary_indexes(crate::support::gsi_all("aaa", "a"))
        .send()
        .await
        .unwrap();
    let mismatch = |attr: &str, index: &str| {
        validation(&format!("One or more parameter values were invalid: Type mismatch for Index Key {attr} Expected: S Actual: N IndexName: {index}"))
    };
    let empty = |index: &str| {
        validation(&format!("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: {index}, IndexKey: a"))
    };
    let number = V::N("1".into());
    for (values, want) in [
        (vec![("a", number.clone())], mismatch("a", "aaa")),
        (vec![("b", number.clone()), ("a", number.clone())], mismatch("a", "aaa")),
        (vec![("b", number.clone()), ("a", s(""))], empty("aaa")),
        (vec![("b", number.clone())], mismatch("b", "mmm")),
    ] {
        let item: HashMap<String, V> = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .chain([("pk".to_string(), s("p"))])
            .collect();
        let put = c
            .put_item()
            .table_name("named")
            .set_item(Some(item.clone()))
            .send()
            .await;
        assert_eq!(error(put.unwrap_err()), want, "PutItem {item:?}");
        let request = PutRequest::builder().set_item(Some(item.clone())).build().unwrap();
        let batch = c
            .batch_write_item()
            .request_items("named", vec![WriteRequest::builder().put_request(request).build()]);
        assert_eq!(error(batch.send().await.unwrap_err()), want, "BatchWriteItem {item:?}");
    }
    // A transaction refuses an empty index key value with the request.
    let action = Put::builder()
        .table_name("named")
        .item("pk", s("p"))
        .item("a", s(""))
        .build()
        .unwrap();
    let transaction = c
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().put(action).build())
        .send()
        .await;
    assert_eq!(error(transaction.unwrap_err()), empty("aaa"));
    // UpdateItem refuses a value of another type before reading the item.
    let update = c
        .update_item()
        .table_name("named")
        .key("pk", s("p"))
        .update_expression("SET b = :n, a = :n")
        .expression_attribute_values(":n", number)
        .send()
        .await;
    assert_eq!(error(update.unwrap_err()), mismatch("a", "aaa"));
}

/// An item over 400 KB is refused with the request, before the table is looked up: a missing
/// table answers the size, a just small enough item the missing table (dynalite's tests, run
/// against AWS: "item is too big" and "just small enough" in putItem.js and batchWriteItem.js).
#[tokio::test]
async fn item_size_is_checked_before_the_table() {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    let (_emu, c) = emulator().await;
    // "pk"(2) + "a"(1) + "v"(1) + value: one byte over, then exactly 400 KB.
    for (len, expected) in [
        (
            400 * 1024 - 3,
            validation("Item size has exceeded the maximum allowed size"),
        ),
        (
            400 * 1024 - 4,
            (
                "ResourceNotFoundException".to_string(),
                "Requested resource not found".to_string(),
            ),
        ),
    ] {
        let value = s(&"x".repeat(len));
        let e = c
            .put_item()
            .table_name("missing")
            .item("pk", s("a"))
            .item("v", value.clone())
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), expected, "PutItem, {len}");
        let request = PutRequest::builder()
            .item("pk", s("a"))
            .item("v", value)
            .build()
            .unwrap();
        let e = c
            .batch_write_item()
            .request_items("missing", vec![WriteRequest::builder().put_request(request).build()])
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), expected, "BatchWriteItem, {len}");
    }
}

/// A number's bytes against the 400 KB gate, to the byte (nubo-db's conformance suite, measured
/// against AWS): each item below is exactly 409,600 bytes when the number costs what AWS measured,
/// and is accepted; one byte more of padding is refused. Digits each side of the decimal point
/// are counted apart, a sign costs a byte, zero costs one.
#[tokio::test]
async fn a_number_is_sized_as_aws_measures_it() {
    let (_emu, c) = emulator().await;
    create_table(&c, "num_size", None).await;
    for (literal, bytes) in [
        ("0", 1),
        ("-0", 1),
        ("1.5", 3),
        ("3.14159", 5),
        ("100.5", 4),
        ("-42", 3),
        ("123456", 4),
    ] {
        for (pk, extra) in [("at", 0), ("over", 1)] {
            // pk's name and value, n's name and number, p's name and padding.
            let padding = 409_600 + extra - (2 + pk.len()) - (1 + bytes) - 1;
            let r = c
                .put_item()
                .table_name("num_size")
                .item("pk", s(pk))
                .item("n", V::N(literal.into()))
                .item("p", s(&"x".repeat(padding)))
                .send()
                .await;
            match extra {
                0 => assert!(r.is_ok(), "{literal} at the gate: {r:?}"),
                _ => assert_eq!(
                    error(r.unwrap_err()),
                    validation("Item size has exceeded the maximum allowed size"),
                    "{literal} over the gate"
                ),
            }
        }
    }
}

/// Standalone UpdateItem measures its request as well as the finished item (the conformance
/// suite, limits/itemSizeBySurface.test.ts, measured against AWS): 3 bytes, and per SET 19, its
/// target and value, per REMOVE 1 and its target, must fit in 409,600. So at a one-byte key its
/// ceiling sits under the limit, an attribute it leaves alone is not counted, AttributeUpdates
/// are sized by the finished item alone, and PartiQL's UPDATE and a transaction's Update (which
/// measure only the finished item) write the 409,600-byte item it refuses.
#[tokio::test]
async fn update_item_is_measured_by_what_it_writes() {
    use aws_sdk_dynamodb::types::{AttributeAction, AttributeValueUpdate, TransactWriteItem, Update};
    let (_emu, c) = emulator().await;
    create_table(&c, "upd_size", None).await;
    let pad = |len: usize| s(&"x".repeat(len));
    let refused = || validation("Item size to update has exceeded the maximum allowed size");
    let update = |pk: &str, expression: &str, value: V| {
        c.update_item()
            .table_name("upd_size")
            .key("pk", s(pk))
            .update_expression(expression)
            .expression_attribute_values(":pad", value)
    };
    put(&c, "upd_size", &[("pk", s("U")), ("u", s(&"y".repeat(10)))]).await;
    put(&c, "upd_size", &[("pk", s("R")), ("r", s("z"))]).await;
    put(&c, "upd_size", &[("pk", s("I")), ("d", V::L(vec![s("")]))]).await;
    // (key, expression, the largest padding accepted).
    let cases = [
        // b and its padding, plus 3 + 19: the finished item is 409,581 bytes.
        ("K", "SET b = :pad", 409_577),
        // u's 11 bytes are in the finished item (409,592 bytes) but not counted.
        ("U", "SET b = :pad", 409_577),
        ("R", "SET b = :pad REMOVE r", 409_575),
        // d holds a one-element list: 3 + 1 bytes around the string, whole or through d[0].
        ("W", "SET d = :pad", 409_573),
        ("I", "SET d[0] = :pad", 409_572),
    ];
    for (pk, expression, padding) in cases {
        let value = |len| match pk {
            "W" => V::L(vec![pad(len)]),
            _ => pad(len),
        };
        let over = update(pk, expression, value(padding + 1)).send().await;
        assert_eq!(error(over.unwrap_err()), refused(), "{pk}: {expression}");
        let at = update(pk, expression, value(padding)).send().await;
        assert!(at.is_ok(), "{pk}: {expression}: {at:?}");
    }
    // AttributeUpdates: the finished item, key included, is what counts.
    let legacy = |len: usize| {
        c.update_item()
            .table_name("upd_size")
            .key("pk", s("A"))
            .attribute_updates(
                "b",
                AttributeValueUpdate::builder()
                    .action(AttributeAction::Put)
                    .value(pad(len))
                    .build(),
            )
    };
    assert_eq!(error(legacy(409_597).send().await.unwrap_err()), refused());
    assert!(legacy(409_596).send().await.is_ok());

    // The 409,600-byte item at a one-byte key: UpdateItem refuses it, the others write it.
    put(&c, "upd_size", &[("pk", s("X"))]).await;
    let e = update("X", "SET p = :pad", pad(409_596)).send().await.unwrap_err();
    assert_eq!(error(e), refused());
    let parameters = vec![pad(409_596), s("X")];
    let statement = c
        .execute_statement()
        .statement("UPDATE \"upd_size\" SET p = ? WHERE pk = ?");
    statement
        .set_parameters(Some(parameters))
        .send()
        .await
        .expect("PartiQL UPDATE writes it");
    let in_transaction = Update::builder()
        .table_name("upd_size")
        .key("pk", s("Y"))
        .update_expression("SET p = :pad")
        .expression_attribute_values(":pad", pad(409_596))
        .build()
        .unwrap();
    c.transact_write_items()
        .transact_items(TransactWriteItem::builder().update(in_transaction).build())
        .send()
        .await
        .expect("a transaction's Update writes it");
}

/// What each kind of UpdateExpression clause charges (the conformance suite's AWS captures,
/// itemSizeBySurface.test.ts, "UpdateItem charges each kind of clause", October 2026): the
/// request, not the item it changes. Beside `SET b = :pad` (3 + 19 + 1), each clause's charge
/// leaves the padding the rest; one byte more is refused. The charge is checked before the
/// condition, so a failing condition still gets the size refusal.
#[tokio::test]
async fn update_item_charges_each_kind_of_clause() {
    let (_emu, c) = emulator().await;
    create_table(&c, "upd_charge", None).await;
    let ten = || s(&"y".repeat(10));
    let one = || V::N("1".into());
    let ss = |members: &[&str]| V::Ss(members.iter().map(|m| m.to_string()).collect());
    let refused = || validation("Item size to update has exceeded the maximum allowed size");
    // (clause, seed, values, its charge)
    type Values = Vec<(&'static str, V)>;
    let cases: Vec<(&str, Values, Values, usize)> = vec![
        (
            "SET c = abcdefghij",
            vec![("abcdefghij", ten())],
            vec![],
            19 + 1 + (1 + 14 + 10),
        ),
        (
            "SET c = m.z",
            vec![("m", V::M([("z".to_string(), ten())].into()))],
            vec![],
            19 + 1 + (1 + 15 + 15),
        ),
        (
            "SET c = l[10]",
            vec![("l", V::L(vec![s("e"); 11]))],
            vec![],
            19 + 1 + (1 + 15 + 16),
        ),
        (
            "SET n = n + :one",
            vec![("n", V::N("12345678901234567890".into()))],
            vec![(":one", one())],
            19 + 1 + 34 + 16 + 2,
        ),
        (
            "SET n = n - :one",
            vec![("n", one())],
            vec![(":one", one())],
            19 + 1 + 37 + 16 + 2,
        ),
        (
            "SET c = if_not_exists(c, :v)",
            vec![("c", ten())],
            vec![(":v", s("v"))],
            19 + 1 + 39 + 16 + 1,
        ),
        (
            "SET c = if_not_exists(c, :v)",
            vec![],
            vec![(":v", ten())],
            19 + 1 + 39 + 16 + 10,
        ),
        (
            "SET l = list_append(l, :new)",
            vec![("l", V::L(vec![s("e")]))],
            vec![(":new", V::L(vec![ten()]))],
            19 + 1 + 37 + 16 + 14,
        ),
        (
            "ADD abcdefghij :one",
            vec![("abcdefghij", one())],
            vec![(":one", one())],
            19 + 10 + 2,
        ),
        (
            "ADD ss :new",
            vec![("ss", ss(&["ppppp"]))],
            vec![(":new", ss(&["ppppp", &"s".repeat(500)]))],
            19 + 2 + 500,
        ),
        (
            "REMOVE abcdefghij[1]",
            vec![("abcdefghij", V::L(vec![ten(), s("r")]))],
            vec![],
            1 + 10 + 4 + 1,
        ),
        (
            "REMOVE m.yyyyyyyyyy",
            vec![("m", V::M([("yyyyyyyyyy".to_string(), s("r"))].into()))],
            vec![],
            1 + 1 + 4 + 10,
        ),
        (
            "DELETE ss :rm",
            vec![("ss", ss(&["ppppp", "qq"]))],
            vec![(":rm", ss(&["qq"]))],
            1 + 2,
        ),
    ];
    for (n, (clause, seed, values, charge)) in cases.into_iter().enumerate() {
        let padding = 409_600 - (3 + 19 + 1) - charge;
        let expression = match clause.strip_prefix("SET ") {
            Some(rest) => format!("SET b = :pad, {rest}"),
            None => format!("SET b = :pad {clause}"),
        };
        for (pk, len) in [(format!("A{n}"), padding), (format!("B{n}"), padding + 1)] {
            let mut item = vec![("pk", s(&pk))];
            item.extend(seed.iter().cloned());
            put(&c, "upd_charge", &item).await;
            let mut request = c
                .update_item()
                .table_name("upd_charge")
                .key("pk", s(&pk))
                .update_expression(&expression)
                .expression_attribute_values(":pad", s(&"x".repeat(len)));
            for (name, value) in &values {
                request = request.expression_attribute_values(*name, value.clone());
            }
            let r = request.send().await;
            match len == padding {
                true => assert!(r.is_ok(), "{clause} at {len}: {r:?}"),
                false => assert_eq!(error(r.unwrap_err()), refused(), "{clause} at {len}"),
            }
        }
    }
    // A 409,700-byte value that if_not_exists leaves unused is charged all the same, ahead of a
    // condition that fails.
    put(&c, "upd_charge", &[("pk", s("order")), ("c", s("x"))]).await;
    let e = c
        .update_item()
        .table_name("upd_charge")
        .key("pk", s("order"))
        .update_expression("SET c = if_not_exists(c, :huge)")
        .condition_expression("attribute_exists(nope)")
        .expression_attribute_values(":huge", s(&"h".repeat(409_700)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), refused());
}

/// What a write charges each index (nubo-db's conformance suite, measured against AWS): one
/// write when the index's copy of the item appears, goes or changes, two when it moves to another
/// index key, and nothing (no arm at all) when the write leaves the copy as it was.
#[tokio::test]
async fn a_write_charges_an_index_only_for_the_copy_it_changes() {
    let (_emu, c) = emulator().await;
    create_capacity_table(&c, "idx_wcu", ProjectionType::All).await;
    let full = |pk: &str| {
        HashMap::from([
            ("pk".to_string(), s(pk)),
            ("sk".to_string(), s("1")),
            ("gsiPk".to_string(), s("g")),
            ("lsiSk".to_string(), s("L1")),
            ("proj".to_string(), s("p")),
            ("zz".to_string(), s("o")),
        ])
    };
    let put = |item: HashMap<String, V>| {
        c.put_item()
            .table_name("idx_wcu")
            .set_item(Some(item))
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
            .send()
    };
    assert_eq!(
        arms(put(full("a")).await.unwrap().consumed_capacity()),
        (3.0, Some(1.0), Some(1.0))
    );
    assert_eq!(
        arms(put(full("a")).await.unwrap().consumed_capacity()),
        (1.0, None, None),
        "identical overwrite"
    );
    for (n, update, expected) in [
        (1, "SET zz = :v", (2.0, None, Some(1.0))),
        (2, "SET proj = :v", (3.0, Some(1.0), Some(1.0))),
        (3, "SET gsiPk = :v", (4.0, Some(2.0), Some(1.0))),
        (4, "REMOVE gsiPk", (3.0, Some(1.0), Some(1.0))),
        (5, "SET lsiSk = :v", (3.0, None, Some(2.0))),
    ] {
        let pk = format!("u{n}");
        put(full(&pk)).await.unwrap();
        let mut req = c
            .update_item()
            .table_name("idx_wcu")
            .key("pk", s(&pk))
            .key("sk", s("1"))
            .update_expression(update)
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes);
        if update.contains(":v") {
            req = req.expression_attribute_values(":v", s("changed"));
        }
        assert_eq!(
            arms(req.send().await.unwrap().consumed_capacity()),
            expected,
            "{update}"
        );
    }
}

/// An index is charged per KB of its own copy of the item (the key attributes and what it
/// projects), not of the item: AWS as Dynoxide captured it (eu-west-2, 12 and 13 August 2026,
/// FIDELITY.md). A copy rewritten in place costs by the larger of its two sizes, rounded once; a
/// copy moved to another key costs its old and its new copy apart. TOTAL counts the same units.
#[tokio::test]
async fn an_index_write_is_sized_by_its_copy_of_the_item() {
    let (_emu, c) = emulator().await;
    create_capacity_table(&c, "idx_size", ProjectionType::Include).await;
    let x = |n: usize| s(&"x".repeat(n));
    let row = |pk: &str, rest: &[(&str, V)]| {
        let mut item = HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), s("1"))]);
        item.extend(rest.iter().map(|(k, v)| (k.to_string(), v.clone())));
        item
    };
    let put = |item: HashMap<String, V>, detail: ReturnConsumedCapacity| {
        c.put_item()
            .table_name("idx_size")
            .set_item(Some(item))
            .return_consumed_capacity(detail)
            .send()
    };
    let update = |pk: &str, update: &str, values: &[(&str, V)]| {
        let mut req = c
            .update_item()
            .table_name("idx_size")
            .key("pk", s(pk))
            .key("sk", s("1"))
            .update_expression(update)
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes);
        for (name, v) in values {
            req = req.expression_attribute_values(*name, v.clone());
        }
        req.send()
    };
    // 3,000 bytes the indexes do not project: the table writes 3 KB, the index copy 18 bytes.
    let unprojected = [("gsiPk", s("g")), ("proj", s("p")), ("zz", x(3000))];
    let written = put(row("s1", &unprojected), ReturnConsumedCapacity::Indexes)
        .await
        .unwrap();
    assert_eq!(arms(written.consumed_capacity()), (4.0, Some(1.0), None));
    assert_eq!(
        written
            .consumed_capacity()
            .unwrap()
            .table
            .as_ref()
            .unwrap()
            .capacity_units,
        Some(3.0)
    );
    let total = put(row("s1b", &unprojected), ReturnConsumedCapacity::Total)
        .await
        .unwrap();
    assert_eq!(total.consumed_capacity().unwrap().capacity_units, Some(4.0), "TOTAL");

    let seeded = [
        ("shrink", vec![("gsiPk", s("g")), ("proj", x(3000))]),
        ("even", vec![("gsiPk", s("g")), ("proj", x(1500))]),
        ("moved", vec![("gsiPk", s("A")), ("proj", x(3000))]),
        ("unkeyed", vec![("gsiPk", s("g")), ("proj", x(3000))]),
        ("local", vec![("lsiSk", s("A")), ("proj", x(3000))]),
    ];
    for (pk, rest) in &seeded {
        put(row(pk, rest), ReturnConsumedCapacity::None).await.unwrap();
    }
    let cases = [
        // 3,021 bytes down to 22: the larger copy.
        ("shrink", "SET proj = :p", vec![(":p", s("p"))], (6.0, Some(3.0), None)),
        // 1,519 bytes on both sides: 2, not the 3 of their sum.
        (
            "even",
            "SET proj = :p",
            vec![(":p", s(&"y".repeat(1500)))],
            (4.0, Some(2.0), None),
        ),
        // Moved: 3 for the old copy, 1 for the new.
        (
            "moved",
            "SET gsiPk = :g, proj = :p",
            vec![(":g", s("B")), (":p", s("p"))],
            (7.0, Some(4.0), None),
        ),
        // Removed from the index: the old copy.
        ("unkeyed", "REMOVE gsiPk", vec![], (6.0, Some(3.0), None)),
        // The local index likewise.
        (
            "local",
            "SET lsiSk = :l, proj = :p",
            vec![(":l", s("B")), (":p", s("p"))],
            (7.0, None, Some(4.0)),
        ),
    ];
    for (pk, expression, values, expected) in cases {
        let out = update(pk, expression, &values).await.unwrap();
        assert_eq!(arms(out.consumed_capacity()), expected, "{pk}: {expression}");
    }
    let deleted = c
        .delete_item()
        .table_name("idx_size")
        .key("pk", s("shrink"))
        .key("sk", s("1"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    // The item is 22 bytes now, all of it in the index's copy.
    assert_eq!(arms(deleted.consumed_capacity()), (2.0, Some(1.0), None));
}
