//! Expressions end to end: uniqueness by condition, atomic counters under concurrency, every
//! ReturnValues view, and the exact errors.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue as V, ReturnValue, ReturnValuesOnConditionCheckFailure};

use crate::support::{create_table, emulator, error, item, n, s, validation};

#[tokio::test]
async fn second_registration_of_an_email_fails_and_loses_nothing() {
    let (_emu, c) = emulator().await;
    create_table(&c, "users", None).await;
    let register = |name: &'static str| {
        c.put_item()
            .table_name("users")
            .item("pk", s("EMAIL#ada@example.com"))
            .item("name", s(name))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
    };
    register("first").await.unwrap();
    let err = register("second").await.unwrap_err();
    let service = err.into_service_error();
    assert!(service.is_conditional_check_failed_exception());
    let ccf = match service {
        aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(e) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(ccf.message(), Some("The conditional request failed"));
    assert_eq!(
        ccf.item().unwrap()["name"],
        s("first"),
        "ALL_OLD returns the existing item"
    );
    let stored = c
        .get_item()
        .table_name("users")
        .key("pk", s("EMAIL#ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.item.unwrap()["name"], s("first"));
}

#[tokio::test]
async fn concurrent_add_counters_are_exact() {
    let (emu, c) = emulator().await;
    create_table(&c, "counters", None).await;
    let (tasks, increments) = (8, 50);
    let mut handles = Vec::new();
    for t in 0..tasks {
        // Half the tasks go over the socket, half in-process: both paths share one engine.
        let client = if t % 2 == 0 { emu.client() } else { emu.http_client() };
        handles.push(tokio::spawn(async move {
            for _ in 0..increments {
                client
                    .update_item()
                    .table_name("counters")
                    .key("pk", s("hits"))
                    .update_expression("ADD #n :one")
                    .expression_attribute_names("#n", "count")
                    .expression_attribute_values(":one", n("1"))
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let got = c
        .get_item()
        .table_name("counters")
        .key("pk", s("hits"))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(got.item.unwrap()["count"], n((tasks * increments).to_string()));
}

#[tokio::test]
async fn every_return_values_mode() {
    let (_emu, c) = emulator().await;
    create_table(&c, "rvtab", None).await;
    c.put_item()
        .table_name("rvtab")
        .item("pk", s("k"))
        .item("a", n("1"))
        .item("b", s("keep"))
        .item("m", V::M(HashMap::from([("x".into(), n("1")), ("y".into(), n("2"))])))
        .send()
        .await
        .unwrap();
    let update = |rv: ReturnValue, value: &str| {
        c.update_item()
            .table_name("rvtab")
            .key("pk", s("k"))
            .update_expression("SET a = a + :d, m.x = :v")
            .expression_attribute_values(":d", n("1"))
            .expression_attribute_values(":v", n(value))
            .return_values(rv)
            .send()
    };
    let none = update(ReturnValue::None, "10").await.unwrap();
    assert_eq!(none.attributes, None);
    let updated_old = update(ReturnValue::UpdatedOld, "11").await.unwrap().attributes.unwrap();
    assert_eq!(
        updated_old,
        HashMap::from([
            ("a".into(), n("2")),
            ("m".into(), V::M(HashMap::from([("x".into(), n("10"))])))
        ])
    );
    let updated_new = update(ReturnValue::UpdatedNew, "12").await.unwrap().attributes.unwrap();
    assert_eq!(
        updated_new,
        HashMap::from([
            ("a".into(), n("4")),
            ("m".into(), V::M(HashMap::from([("x".into(), n("12"))])))
        ])
    );
    let all_old = update(ReturnValue::AllOld, "13").await.unwrap().attributes.unwrap();
    assert_eq!(all_old["a"], n("4"));
    assert_eq!(all_old["b"], s("keep"));
    assert_eq!(
        all_old["m"],
        V::M(HashMap::from([("x".into(), n("12")), ("y".into(), n("2"))]))
    );
    let all_new = update(ReturnValue::AllNew, "14").await.unwrap().attributes.unwrap();
    assert_eq!(all_new.len(), 4);
    assert_eq!(all_new["a"], n("6"));
    assert_eq!(
        all_new["m"],
        V::M(HashMap::from([("x".into(), n("14")), ("y".into(), n("2"))]))
    );

    // An update of a missing item creates it (upsert); UPDATED_OLD then has nothing to return.
    let upsert = c
        .update_item()
        .table_name("rvtab")
        .key("pk", s("new"))
        .update_expression("SET c = if_not_exists(c, :zero) + :one, l = list_append(if_not_exists(l, :empty), :item)")
        .expression_attribute_values(":zero", n("0"))
        .expression_attribute_values(":one", n("1"))
        .expression_attribute_values(":empty", V::L(vec![]))
        .expression_attribute_values(":item", V::L(vec![s("x")]))
        .return_values(ReturnValue::UpdatedOld)
        .send()
        .await
        .unwrap();
    assert_eq!(upsert.attributes, None);
    let created = c
        .get_item()
        .table_name("rvtab")
        .key("pk", s("new"))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(
        created,
        HashMap::from([
            ("pk".into(), s("new")),
            ("c".into(), n("1")),
            ("l".into(), V::L(vec![s("x")]))
        ])
    );

    // DeleteItem and PutItem return the old item with ALL_OLD.
    let deleted = c
        .delete_item()
        .table_name("rvtab")
        .key("pk", s("new"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.attributes.unwrap()["c"], n("1"));
}

#[tokio::test]
async fn expression_errors_are_exact() {
    let (_emu, c) = emulator().await;
    create_table(&c, "extab", None).await;
    let cases = [
        (
            error(
                c.update_item()
                    .table_name("extab")
                    .key("pk", s("k"))
                    .update_expression("SET pk = :v")
                    .expression_attribute_values(":v", s("x"))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
        ),
        (
            error(
                c.put_item()
                    .table_name("extab")
                    .item("pk", s("k"))
                    .condition_expression("attribute_not_exists(pk)")
                    .expression_attribute_values(":unused", s("x"))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation("1 validation error detected: Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
        ),
        (
            error(
                c.update_item()
                    .table_name("extab")
                    .key("pk", s("k"))
                    .update_expression("SET a = :missing")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation("1 validation error detected: Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing"),
        ),
        (
            error(c.put_item().table_name("extab").item("pk", s("k")).condition_expression("size = :v").expression_attribute_values(":v", n("1")).send().await.unwrap_err()),
            validation("1 validation error detected: Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size"),
        ),
        (
            error(c.get_item().table_name("extab").key("pk", s("k")).projection_expression("a,,b").send().await.unwrap_err()),
            validation("Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\""),
        ),
    ];
    for (i, (got, want)) in cases.into_iter().enumerate() {
        assert_eq!(got, want, "case {i}");
    }
    // Arithmetic on a missing attribute is refused at run time, and nothing is written.
    let err = c
        .update_item()
        .table_name("extab")
        .key("pk", s("k"))
        .update_expression("SET a = b + :one")
        .expression_attribute_values(":one", n("1"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation("The provided expression refers to an attribute that does not exist in the item")
    );
    assert_eq!(
        c.get_item()
            .table_name("extab")
            .key("pk", s("k"))
            .send()
            .await
            .unwrap()
            .item,
        None
    );
}

#[tokio::test]
async fn updated_new_leaves_out_what_a_remove_took() {
    let (_emu, c) = emulator().await;
    create_table(&c, "rmtab", None).await;
    let nested = V::M(HashMap::from([(
        "b".into(),
        V::M(HashMap::from([("c".into(), s("x"))])),
    )]));
    c.put_item()
        .table_name("rmtab")
        .item("pk", s("k"))
        .item("a", nested)
        .send()
        .await
        .unwrap();
    let removed = c
        .update_item()
        .table_name("rmtab")
        .key("pk", s("k"))
        .update_expression("REMOVE a.b.c")
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.attributes, None);
    let left = c
        .get_item()
        .table_name("rmtab")
        .key("pk", s("k"))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(left["a"], V::M(HashMap::from([("b".into(), V::M(HashMap::new()))])));
}

#[tokio::test]
async fn names_and_functions_start_with_a_letter() {
    let (_emu, c) = emulator().await;
    create_table(&c, "lettab", None).await;
    let upd = c
        .update_item()
        .table_name("lettab")
        .key("pk", s("k"))
        .update_expression("SET _a = :v")
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(upd),
        validation(
            "1 validation error detected: Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _a\""
        )
    );
    let scan = c
        .scan()
        .table_name("lettab")
        .filter_expression("_f(b)")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(scan),
        validation("Invalid FilterExpression: Syntax error; token: \"_\", near: \"_f\"")
    );
    assert_eq!(c.scan().table_name("lettab").send().await.unwrap().count, 0);
}

#[tokio::test]
async fn ordering_an_unorderable_value_is_refused() {
    let (_emu, c) = emulator().await;
    create_table(&c, "ordtab", None).await;
    let put = c
        .put_item()
        .table_name("ordtab")
        .item("pk", s("k"))
        .condition_expression("a < :v")
        .expression_attribute_values(":v", V::L(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(put),
        validation("1 validation error detected: Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L")
    );
    let scan = c
        .scan()
        .table_name("ordtab")
        .filter_expression("a BETWEEN :lo AND :hi")
        .expression_attribute_values(":lo", V::Null(true))
        .expression_attribute_values(":hi", V::Null(true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(scan),
        validation("Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: NULL")
    );
    // Every ordering operator, every unorderable type, on either side.
    let unorderable = [
        (V::M(HashMap::new()), "M"),
        (V::Bool(false), "BOOL"),
        (V::Ss(vec!["a".into()]), "SS"),
        (V::Ns(vec!["1".into()]), "NS"),
        (V::Bs(vec![Blob::new("b")]), "BS"),
    ];
    for (value, ty) in unorderable {
        for (operator, condition) in [("<=", "a <= :v"), (">", ":v > a"), (">=", "a >= :v")] {
            let put = c
                .put_item()
                .table_name("ordtab")
                .item("pk", s("k"))
                .condition_expression(condition)
                .expression_attribute_values(":v", value.clone())
                .send()
                .await
                .unwrap_err();
            assert_eq!(
                error(put),
                validation(&format!(
                    "1 validation error detected: Invalid ConditionExpression: Incorrect operand type for operator or \
                     function; operator or function: {operator}, operand type: {ty}"
                ))
            );
        }
    }
    assert_eq!(c.scan().table_name("ordtab").send().await.unwrap().count, 0);
}

#[tokio::test]
async fn an_update_that_only_removes_creates_no_item() {
    let (_emu, c) = emulator().await;
    create_table(&c, "rmonly", None).await;
    let update = |pk: &str| {
        c.update_item()
            .table_name("rmonly")
            .key("pk", s(pk))
            .return_values(ReturnValue::AllNew)
    };
    let removed = update("a").update_expression("REMOVE x").send().await.unwrap();
    assert_eq!(removed.attributes, None);
    // Paths into attributes the missing item cannot have are no error.
    let nested = update("b").update_expression("REMOVE x.y, z[0]").send().await.unwrap();
    assert_eq!(nested.attributes, None);
    let deleted = update("c")
        .update_expression("DELETE tags :t")
        .expression_attribute_values(":t", V::Ss(vec!["x".into()]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.attributes, None);
    let legacy = update("d")
        .attribute_updates(
            "x",
            aws_sdk_dynamodb::types::AttributeValueUpdate::builder()
                .action(aws_sdk_dynamodb::types::AttributeAction::Delete)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.attributes, None);
    // A key attribute still may not be removed.
    assert_eq!(
        error(update("e").update_expression("REMOVE pk").send().await.unwrap_err()),
        validation(
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
        )
    );
    // An update with nothing to do (empty AttributeUpdates) still creates the item.
    let empty = update("f")
        .set_attribute_updates(Some(HashMap::new()))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.attributes, Some(HashMap::from([("pk".to_string(), s("f"))])));
    let scan = c.scan().table_name("rmonly").send().await.unwrap();
    assert_eq!(scan.items(), [HashMap::from([("pk".to_string(), s("f"))])]);
}

#[tokio::test]
async fn list_elements_set_beyond_the_end_append_in_index_order() {
    let (_emu, c) = emulator().await;
    create_table(&c, "lists", None).await;
    let nested = V::M(HashMap::from([("l".into(), V::L(vec![n(1)]))]));
    c.put_item()
        .table_name("lists")
        .item("pk", s("k"))
        .item("l", V::L(vec![s("a")]))
        .item("m", nested)
        .send()
        .await
        .unwrap();
    let set = c
        .update_item()
        .table_name("lists")
        .key("pk", s("k"))
        .update_expression("SET l[5] = :x, l[3] = :y")
        .expression_attribute_values(":x", s("x"))
        .expression_attribute_values(":y", s("y"))
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .unwrap();
    assert_eq!(set.attributes.unwrap()["l"], V::L(vec![s("a"), s("y"), s("x")]));
    // The appended element is not at the path written, so UPDATED_NEW has nothing to show.
    let appended = c
        .update_item()
        .table_name("lists")
        .key("pk", s("k"))
        .update_expression("SET m.l[7] = :x")
        .expression_attribute_values(":x", s("x"))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap();
    assert_eq!(appended.attributes, None);
    let item = c
        .get_item()
        .table_name("lists")
        .key("pk", s("k"))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item["m"], V::M(HashMap::from([("l".into(), V::L(vec![n(1), s("x")]))])));
}

#[tokio::test]
async fn update_type_and_function_rules() {
    let (_emu, c) = emulator().await;
    create_table(&c, "rules", None).await;
    c.put_item()
        .table_name("rules")
        .item("pk", s("k"))
        .item("tags", V::Ss(vec!["x".into()]))
        .item("l", V::L(vec![]))
        .send()
        .await
        .unwrap();
    let legacy = |name: &str, action: aws_sdk_dynamodb::types::AttributeAction, value: V| {
        c.update_item()
            .table_name("rules")
            .key("pk", s("k"))
            .attribute_updates(
                name,
                aws_sdk_dynamodb::types::AttributeValueUpdate::builder()
                    .action(action)
                    .value(value)
                    .build(),
            )
            .send()
    };
    use aws_sdk_dynamodb::types::AttributeAction::{Add, Delete};
    let mismatch = validation("Type mismatch for attribute to update");
    assert_eq!(
        error(legacy("tags", Delete, V::Ns(vec!["1".into()])).await.unwrap_err()),
        mismatch
    );
    assert_eq!(
        error(legacy("tags", Add, V::Ns(vec!["1".into()])).await.unwrap_err()),
        mismatch
    );
    assert_eq!(error(legacy("l", Add, n(1)).await.unwrap_err()), mismatch);

    let update = |expression: &str, values: &[(&str, V)]| {
        let mut req = c
            .update_item()
            .table_name("rules")
            .key("pk", s("k"))
            .update_expression(expression);
        for (k, v) in values {
            req = req.expression_attribute_values(*k, v.clone());
        }
        req.send()
    };
    assert_eq!(
        error(
            update("SET l = list_append(list_append(l, :a), :a)", &[(":a", V::L(vec![]))])
                .await
                .unwrap_err()
        ),
        validation(
            "1 validation error detected: Invalid UpdateExpression: The function is not allowed to be used this way \
             in an expression; function: list_append"
        )
    );
    update(
        "SET l = list_append(:a, list_append(l, :a))",
        &[(":a", V::L(vec![s("z")]))],
    )
    .await
    .unwrap();
    assert_eq!(
        error(
            update("SET x = :a + :b", &[(":a", n("1E+50")), (":b", n(1))])
                .await
                .unwrap_err()
        ),
        validation("Number overflow. Attempting to store a number with magnitude larger than supported range")
    );
    let item = c
        .get_item()
        .table_name("rules")
        .key("pk", s("k"))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item["l"], V::L(vec![s("z"), s("z")]));
    assert!(!item.contains_key("x"));
}

#[tokio::test]
async fn attribute_names_are_one_to_65535_bytes() {
    let (_emu, c) = emulator().await;
    create_table(&c, "names", None).await;
    let longest = "n".repeat(65_535);
    let too_long = "n".repeat(65_536);
    c.put_item()
        .table_name("names")
        .item("pk", s("k"))
        .item(&longest, n(1))
        .send()
        .await
        .unwrap();
    // An empty name is "invalid" in the older words; one too large is refused in its own words
    // (AWS, September 2026), counted by the operations that count.
    for (name, empty) in [("", true), (too_long.as_str(), false)] {
        let message = if empty { "Empty attribute name" } else { TOO_LARGE };
        let invalid = format!("One or more parameter values were invalid: {message}");
        let item_refusal = if empty { invalid.clone() } else { message.to_string() };
        let names_refusal = if empty {
            format!("ExpressionAttributeNames contains invalid value: {message} for key #a")
        } else {
            message.to_string()
        };
        let put = c
            .put_item()
            .table_name("names")
            .item("pk", s("p"))
            .item(name, n(1))
            .send()
            .await;
        let counted_put = if empty {
            invalid.clone()
        } else {
            format!("1 validation error detected: {message}")
        };
        assert_eq!(error(put.unwrap_err()), validation(&counted_put));
        let batch = c
            .batch_write_item()
            .request_items(
                "names",
                vec![aws_sdk_dynamodb::types::WriteRequest::builder()
                    .put_request(
                        aws_sdk_dynamodb::types::PutRequest::builder()
                            .item("pk", s("p"))
                            .item(name, n(1))
                            .build()
                            .unwrap(),
                    )
                    .build()],
            )
            .send()
            .await;
        assert_eq!(error(batch.unwrap_err()), validation(&item_refusal));
        let legacy = c
            .update_item()
            .table_name("names")
            .key("pk", s("k"))
            .attribute_updates(
                name,
                aws_sdk_dynamodb::types::AttributeValueUpdate::builder()
                    .value(n(1))
                    .build(),
            )
            .send()
            .await;
        assert_eq!(
            error(legacy.unwrap_err()),
            validation(&format!("1 validation error detected: {item_refusal}"))
        );
        let projected = c
            .get_item()
            .table_name("names")
            .key("pk", s("k"))
            .projection_expression("#a")
            .expression_attribute_names("#a", name)
            .send()
            .await;
        assert_eq!(error(projected.unwrap_err()), validation(&names_refusal));
        // The same name in an update's or a condition's ExpressionAttributeNames.
        let names = HashMap::from([("#a".to_string(), name.to_string())]);
        let updated = c
            .update_item()
            .table_name("names")
            .key("pk", s("k"))
            .update_expression("SET #a = :v")
            .set_expression_attribute_names(Some(names.clone()))
            .expression_attribute_values(":v", n(1))
            .send()
            .await;
        let conditional = c
            .delete_item()
            .table_name("names")
            .key("pk", s("k"))
            .condition_expression("attribute_exists(#a)")
            .set_expression_attribute_names(Some(names))
            .send()
            .await;
        for e in [error(updated.unwrap_err()), error(conditional.unwrap_err())] {
            assert_eq!(e, validation(&format!("1 validation error detected: {names_refusal}")));
        }
    }
    // PartiQL items too (a 65,536-byte name does not fit in a statement).
    let inserted = c
        .execute_statement()
        .statement("INSERT INTO names VALUE {'pk': 'p', '': 1}")
        .send()
        .await;
    assert_eq!(
        error(inserted.unwrap_err()),
        validation("One or more parameter values were invalid: Empty attribute name")
    );
    let scan = c.scan().table_name("names").send().await.unwrap();
    assert_eq!(scan.count, 1);
}

const TOO_LARGE: &str = "Attribute name is too large, must be less than 65536 bytes";

/// A map key at any depth is an attribute name too: over 65,535 bytes it is refused in a put and
/// in an update's value, in the counted words (AWS, September 2026).
#[tokio::test]
async fn map_keys_at_any_depth_are_held_to_the_name_limit() {
    let (_emu, c) = emulator().await;
    create_table(&c, "deepnames", None).await;
    let nested = |key: &str| V::L(vec![V::M(HashMap::from([(key.to_string(), n(1))]))]);
    let longest = "k".repeat(65_535);
    let too_long = "k".repeat(65_536);
    c.put_item()
        .table_name("deepnames")
        .item("pk", s("a"))
        .item("doc", nested(&longest))
        .send()
        .await
        .unwrap();
    let put = c
        .put_item()
        .table_name("deepnames")
        .item("pk", s("b"))
        .item("doc", nested(&too_long))
        .send()
        .await;
    let updated = c
        .update_item()
        .table_name("deepnames")
        .key("pk", s("a"))
        .update_expression("SET doc = :v")
        .expression_attribute_values(":v", nested(&too_long))
        .send()
        .await;
    for e in [error(put.unwrap_err()), error(updated.unwrap_err())] {
        assert_eq!(e, validation(&format!("1 validation error detected: {TOO_LARGE}")));
    }
    let stored = c.scan().table_name("deepnames").send().await.unwrap();
    assert_eq!(stored.count, 1);
    assert_eq!(stored.items()[0]["doc"], nested(&longest));
}

#[tokio::test]
async fn list_indexes_beyond_the_allowable_range_are_refused() {
    let (_emu, c) = emulator().await;
    create_table(&c, "lists", None).await;
    let key = || item(&[("pk", s("k"))]);
    let mut item = key();
    item.insert("l".into(), V::L(vec![s("a")]));
    item.insert("m".into(), V::M(key()));
    c.put_item()
        .table_name("lists")
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    let get = |projection: &str| {
        c.get_item()
            .table_name("lists")
            .set_key(Some(key()))
            .projection_expression(projection)
            .send()
    };
    // Far beyond the end but in range: nothing, as for paths that miss inside a map.
    let missed = get("l[4294967294], m.x.y, m.pk[0], l[0].z").await.unwrap();
    assert_eq!(missed.item, Some(Default::default()));
    let e = get("l[4294967295]").await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Invalid ProjectionExpression: List index is not within the allowable range; index: [4294967295]")
    );
    let e = c
        .update_item()
        .table_name("lists")
        .set_key(Some(key()))
        .update_expression("SET l[99999999999] = :v")
        .expression_attribute_values(":v", s("b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "1 validation error detected: Invalid UpdateExpression: List index is not within the allowable range; index: [99999999999]"
        )
    );
}

/// Query and Scan name their clashing parameters in DynamoDB's order, projection first
/// (ScanFilter/QueryFilter before ConditionalOperator), as AWS-checked captures show; so does
/// the ExpressionAttributeValues text listing the expressions a Query may use.
#[tokio::test]
async fn reads_list_clashing_parameters_in_dynamodb_order() {
    use aws_sdk_dynamodb::types::{ComparisonOperator, Condition, ConditionalOperator};
    let (_emu, c) = emulator().await;
    let null = || {
        Condition::builder()
            .comparison_operator(ComparisonOperator::Null)
            .build()
            .unwrap()
    };
    let query = c
        .query()
        .table_name("abc")
        .attributes_to_get("a")
        .query_filter("a", null())
        .conditional_operator(ConditionalOperator::Or)
        .key_conditions("k", null())
        .projection_expression("a")
        .filter_expression("a = :v")
        .key_condition_expression("k = :v")
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(query),
        validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}"
        )
    );
    let scan = c
        .scan()
        .table_name("abc")
        .attributes_to_get("a")
        .scan_filter("a", null())
        .conditional_operator(ConditionalOperator::Or)
        .projection_expression("a")
        .filter_expression("a = :v")
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(scan),
        validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"
        )
    );
    let values_alone = c
        .query()
        .table_name("abc")
        .key_conditions("k", null())
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(values_alone),
        validation(
            "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null"
        )
    );
}

/// The reads refuse mixed parameters, or names without an expression, before they look at any
/// attribute value (dynalite's tests, run against AWS: "expression and non-expression" and
/// "ExpressionAttributeNames but no ProjectionExpression" in getItem.js, whose Key holds a bad
/// value); a Query without a key condition is refused for the mix first too.
#[tokio::test]
async fn reads_refuse_mixed_parameters_before_attribute_values() {
    let (_emu, c) = emulator().await;
    let bad = || V::Ss(vec![]);
    let mixed_error = || {
        validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
        )
    };
    let names_error = || validation("ExpressionAttributeNames can only be specified when using expressions");
    let mixed = c
        .get_item()
        .table_name("abc")
        .key("a", bad())
        .attributes_to_get("a")
        .projection_expression("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(mixed), mixed_error());
    let names_alone = c
        .get_item()
        .table_name("abc")
        .key("a", bad())
        .expression_attribute_names("#a", "a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(names_alone), names_error());
    let query = c
        .query()
        .table_name("abc")
        .exclusive_start_key("a", bad())
        .attributes_to_get("a")
        .projection_expression("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(query), mixed_error());
    let scan = c
        .scan()
        .table_name("abc")
        .exclusive_start_key("a", bad())
        .expression_attribute_names("#a", "a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(scan), names_error());
}

/// An update giving an index key attribute another type: where the expression alone decides the
/// type (a value, arithmetic, ADD's value, AttributeUpdates' value) it is refused with PutItem's
/// index key text before the item is read, so before any condition; where the item decides it (a
/// path) with the update's own text once applied. dynalite's tests, run against AWS: "trying to
/// update wrong type on index" and `set c = e` in updateItem.js; AWS's TransactWriteItems
/// reference lists the second text.
#[tokio::test]
async fn updates_giving_an_index_key_another_type_are_refused() {
    use aws_sdk_dynamodb::types::{AttributeAction, AttributeValueUpdate};
    let (_emu, c) = emulator().await;
    crate::support::create_with_gsi(&c, "grouped").await;
    let mismatch =
        validation("One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by_group");
    for (expression, condition) in [
        ("SET g = :n", Some("attribute_exists(pk)")),
        ("SET g = :n + :n", None),
        ("ADD g :n", None),
        // Before a path into the index key is refused.
        ("SET e = g[1], g = :n", None),
    ] {
        let e = c
            .update_item()
            .table_name("grouped")
            .key("pk", s("missing"))
            .update_expression(expression)
            .set_condition_expression(condition.map(str::to_string))
            .expression_attribute_values(":n", n(1))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), mismatch, "{expression}");
    }
    let e = c
        .update_item()
        .table_name("grouped")
        .key("pk", s("missing"))
        .attribute_updates(
            "g",
            AttributeValueUpdate::builder()
                .action(AttributeAction::Put)
                .value(n(1))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), mismatch);

    crate::support::put(&c, "grouped", &[("pk", s("a")), ("num", n(1))]).await;
    let e = c
        .update_item()
        .table_name("grouped")
        .key("pk", s("a"))
        .update_expression("SET g = num")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("The update expression attempted to update the secondary index key to unsupported type")
    );
    let e = c
        .put_item()
        .table_name("grouped")
        .item("pk", s("a"))
        .item("g", n(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), mismatch);
}

/// An update of a key attribute is refused before anything else about key attributes and before
/// the item is read: before a failing condition, a wrongly typed index key or a path into one
/// (dynalite's tests, run against AWS: "trying to update range key" in updateItem.js).
#[tokio::test]
async fn updates_of_the_key_are_refused_first() {
    let (_emu, c) = emulator().await;
    crate::support::create_with_gsi(&c, "grouped").await;
    for expression in [
        "SET pk = :s, x = :n",
        "SET g.x = :s ADD pk.y :n",
        "SET g = :n, x = :s REMOVE pk",
    ] {
        let e = c
            .update_item()
            .table_name("grouped")
            .key("pk", s("missing"))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":s", s("x"))
            .expression_attribute_values(":n", n(1))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error(e),
            validation("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
            "{expression}"
        );
    }
}

/// SETs and ADDs beyond a list's end append in ascending index order, whatever their section;
/// UPDATED_NEW then shows the named elements of the new list (dynalite's tests, run against AWS:
/// "should update nested attributes" in updateItem.js).
#[tokio::test]
async fn list_appends_by_set_and_add_go_in_index_order() {
    let (_emu, c) = emulator().await;
    create_table(&c, "lists", None).await;
    crate::support::put(&c, "lists", &[("pk", s("a")), ("l", V::L(vec![n(1), n(3)]))]).await;
    let ss = V::Ss(vec!["a".into()]);
    let out = c
        .update_item()
        .table_name("lists")
        .key("pk", s("a"))
        .update_expression("SET l[1] = :two, l[4] = :one ADD l[8] :ss, l[6] :two")
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":two", n(2))
        .expression_attribute_values(":ss", ss.clone())
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap();
    assert_eq!(out.attributes, Some(item(&[("l", V::L(vec![n(2), ss.clone()]))])));
    let got = c.get_item().table_name("lists").key("pk", s("a")).send().await.unwrap();
    assert_eq!(
        got.item,
        Some(item(&[("pk", s("a")), ("l", V::L(vec![n(1), n(2), n(1), n(2), ss]))]))
    );
}

/// `size()` of a string counts UTF-16 code units, in filters and conditions alike: "é" is one
/// unit and "𝄞" a surrogate pair, so 3, though its UTF-8 form is 6 bytes
/// (nubo-db/dynamodb-conformance, query/expressions.test.ts, verified against AWS).
#[tokio::test]
async fn size_of_a_string_counts_utf16_code_units() {
    let (_emu, c) = emulator().await;
    create_table(&c, "sizes", None).await;
    crate::support::put(&c, "sizes", &[("pk", s("a")), ("s", s("é\u{1d11e}"))]).await;
    for (size, matches) in [(3, 1), (6, 0)] {
        let out = c
            .scan()
            .table_name("sizes")
            .filter_expression("size(s) = :z")
            .expression_attribute_values(":z", n(size))
            .send()
            .await
            .unwrap();
        assert_eq!(out.count, matches, "size {size}");
    }
    c.delete_item()
        .table_name("sizes")
        .key("pk", s("a"))
        .condition_expression("size(s) = :z")
        .expression_attribute_values(":z", n(3))
        .send()
        .await
        .unwrap();
}
