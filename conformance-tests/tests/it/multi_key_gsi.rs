//! GSIs whose key has several attributes (up to four HASH and four RANGE): creation and its
//! checks, DescribeTable, sparse indexing and type checks on writes, the left-to-right Query rules
//! (expressions and legacy KeyConditions), ordering, paging, projection and Scan of such an index.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue as V, BatchStatementRequest, BillingMode, ComparisonOperator, Condition,
    CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, ReturnConsumedCapacity, ScalarAttributeType as T,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, emulator, error, item, key, n, s, validation};

const HASH: KeyType = KeyType::Hash;
const RANGE: KeyType = KeyType::Range;

fn gsi(name: &str, keys: &[(&str, KeyType)], projection: ProjectionType) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .set_key_schema(Some(keys.iter().map(|(n, t)| key(n, t.clone())).collect()))
        .projection(Projection::builder().projection_type(projection).build())
        .build()
        .unwrap()
}

/// Table `matches` keyed by `id`, with GSI `byRound`: partition (tournament S, league S), sort
/// (round S, seq N), KEYS_ONLY.
async fn matches_table(c: &Client) {
    c.create_table()
        .table_name("matches")
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(
            [
                ("id", T::S),
                ("tournament", T::S),
                ("league", T::S),
                ("round", T::S),
                ("seq", T::N),
            ]
            .into_iter()
            .map(|(n, t)| attr_def(n, t))
            .collect(),
        ))
        .key_schema(key("id", HASH))
        .global_secondary_indexes(gsi(
            "byRound",
            &[("tournament", HASH), ("league", HASH), ("round", RANGE), ("seq", RANGE)],
            ProjectionType::KeysOnly,
        ))
        .send()
        .await
        .unwrap();
}

/// A match item; `None` leaves that key attribute out.
fn game(id: &str, league: &str, round: Option<&str>, seq: Option<i64>) -> HashMap<String, V> {
    let mut i = item(&[
        ("id", s(id)),
        ("tournament", s("w24")),
        ("league", s(league)),
        ("note", s("x")),
    ]);
    if let Some(r) = round {
        i.insert("round".into(), s(r));
    }
    if let Some(q) = seq {
        i.insert("seq".into(), n(q));
    }
    i
}

async fn put(c: &Client, i: HashMap<String, V>) {
    c.put_item()
        .table_name("matches")
        .set_item(Some(i))
        .send()
        .await
        .unwrap();
}

/// The ids of a page, in order.
fn ids(items: &[HashMap<String, V>]) -> Vec<&str> {
    items.iter().map(|i| i["id"].as_s().unwrap().as_str()).collect()
}

/// A Query of `byRound` with an expression and its values.
fn query(c: &Client, expr: &str, values: &[(&str, V)]) -> QueryFluentBuilder {
    let mut q = c
        .query()
        .table_name("matches")
        .index_name("byRound")
        .key_condition_expression(expr);
    for (k, v) in values {
        q = q.expression_attribute_values(*k, v.clone());
    }
    q
}

/// Eight matches of partition (w24, eu) over rounds "final", "quarter", "semi", one in "us".
async fn seeded(c: &Client) {
    matches_table(c).await;
    for (id, round, seq) in [
        ("a", "semi", 2),
        ("b", "quarter", 10),
        ("c", "final", 1),
        ("d", "quarter", 9),
        ("e", "semi", 1),
        ("f", "quarter", 1),
        ("g", "quarterly", 3),
        ("h", "semi", 3),
    ] {
        put(c, game(id, "eu", Some(round), Some(seq))).await;
    }
    put(c, game("u", "us", Some("final"), Some(1))).await;
}

const EU: &str = "tournament = :t AND league = :r";

/// The values of `EU` and then `extra`.
/// Expression attribute values, by placeholder.
type Values<'a> = Vec<(&'a str, V)>;

fn eu<'a>(extra: &[(&'a str, V)]) -> Values<'a> {
    [(":t", s("w24")), (":r", s("eu"))]
        .into_iter()
        .chain(extra.iter().cloned())
        .collect()
}

#[tokio::test]
async fn create_and_describe_keep_every_key_attribute_in_order() {
    let (_emu, c) = emulator().await;
    matches_table(&c).await;
    let table = c
        .describe_table()
        .table_name("matches")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let index = &table.global_secondary_indexes()[0];
    let schema: Vec<(&str, &KeyType)> = index
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type()))
        .collect();
    assert_eq!(
        schema,
        [
            ("tournament", &HASH),
            ("league", &HASH),
            ("round", &RANGE),
            ("seq", &RANGE)
        ]
    );
    assert_eq!(table.attribute_definitions().len(), 5);
}

#[tokio::test]
async fn key_schema_checks_match_dynamodb() {
    let (_emu, c) = emulator().await;
    // Exactly the attributes the keys use are defined: an unused definition would be reported
    // first (AWS, October 2026).
    let create = |keys: &[(&str, KeyType)]| {
        let mut names = vec!["p"];
        names.extend(keys.iter().map(|(n, _)| *n).filter(|n| *n != "p"));
        names.dedup();
        c.create_table()
            .table_name("bad")
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(names.iter().map(|n| attr_def(n, T::S)).collect()))
            .key_schema(key("p", HASH))
            .global_secondary_indexes(gsi("gsi", keys, ProjectionType::All))
            .send()
    };
    let cases: [(&[(&str, KeyType)], &str); 5] = [
        (
            &[("a", HASH), ("b", HASH), ("c", HASH), ("d", HASH), ("e", HASH)],
            "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key \
             attributes",
        ),
        (
            &[
                ("p", HASH),
                ("a", RANGE),
                ("b", RANGE),
                ("c", RANGE),
                ("d", RANGE),
                ("e", RANGE),
            ],
            "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of RANGE key \
             attributes",
        ),
        (
            &[("a", HASH), ("b", RANGE), ("c", HASH)],
            "One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in \
             the KeySchema",
        ),
        (
            &[("a", HASH), ("a", HASH)],
            "The KeySchema contains multiple key attributes with the same name",
        ),
        (
            &[("a", RANGE), ("b", HASH)],
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
    ];
    for (keys, message) in cases {
        assert_eq!(error(create(keys).await.unwrap_err()), validation(message), "{keys:?}");
    }
    // Every key attribute needs a definition, as for single-attribute keys.
    let undefined = c
        .create_table()
        .table_name("bad")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("p", T::S))
        .attribute_definitions(attr_def("a", T::S))
        .key_schema(key("p", HASH))
        .global_secondary_indexes(gsi("gsi", &[("a", HASH), ("z", HASH)], ProjectionType::All))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(undefined),
        validation(
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [a, z], AttributeDefinitions: [p, a]"
        )
    );
    // Local secondary indexes keep one HASH and one RANGE attribute.
    let lsi = |keys: &[(&str, KeyType)]| {
        let mut names = vec!["p", "a"];
        names.extend(keys.iter().map(|(n, _)| *n).filter(|n| !["p", "a"].contains(n)));
        c.create_table()
            .table_name("bad")
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(names.iter().map(|n| attr_def(n, T::S)).collect()))
            .key_schema(key("p", HASH))
            .key_schema(key("a", RANGE))
            .local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name("lsi")
                    .set_key_schema(Some(keys.iter().map(|(n, t)| key(n, t.clone())).collect()))
                    .projection(Projection::builder().projection_type(ProjectionType::All).build())
                    .build()
                    .unwrap(),
            )
            .send()
    };
    assert_eq!(
        error(lsi(&[("p", HASH), ("b", RANGE), ("c", RANGE)]).await.unwrap_err()),
        validation(
            "1 validation error detected: Value '[KeySchemaElement(attributeName=p, keyType=HASH), KeySchemaElement(attributeName=b, keyType=RANGE), KeySchemaElement(attributeName=c, keyType=RANGE)]' at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"
        )
    );
    assert_eq!(
        error(lsi(&[("p", HASH), ("b", HASH)]).await.unwrap_err()),
        validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    );
}

#[tokio::test]
async fn update_table_creates_and_backfills_a_multi_attribute_index() {
    let (_emu, c) = emulator().await;
    crate::support::create_table(&c, "tbl", None).await;
    for (pk, a, b) in [
        ("1", Some("x"), Some(2)),
        ("2", Some("x"), None),
        ("3", Some("x"), Some(1)),
    ] {
        let mut i = item(&[("pk", s(pk))]);
        i.extend(a.map(|a| ("a".to_string(), s(a))));
        i.extend(b.map(|b| ("b".to_string(), n(b))));
        c.put_item().table_name("tbl").set_item(Some(i)).send().await.unwrap();
    }
    let create = |keys: &[(&str, KeyType)]| {
        c.update_table()
            .table_name("tbl")
            .attribute_definitions(attr_def("a", T::S))
            .attribute_definitions(attr_def("b", T::N))
            .attribute_definitions(attr_def("pk", T::S))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .create(
                        CreateGlobalSecondaryIndexAction::builder()
                            .index_name("byAB")
                            .set_key_schema(Some(keys.iter().map(|(n, t)| key(n, t.clone())).collect()))
                            .projection(Projection::builder().projection_type(ProjectionType::All).build())
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
    };
    assert_eq!(
        error(create(&[("a", HASH), ("b", HASH), ("a", RANGE)]).await.unwrap_err()),
        validation("The KeySchema contains multiple key attributes with the same name")
    );
    let created = create(&[("a", HASH), ("pk", RANGE), ("b", RANGE)]).await.unwrap();
    let table = created.table_description.unwrap();
    let index = &table.global_secondary_indexes()[0];
    let schema: Vec<&str> = index
        .key_schema()
        .iter()
        .map(KeySchemaElement::attribute_name)
        .collect();
    assert_eq!(schema, ["a", "pk", "b"]);
    // Item 2 lacks `b`: only items carrying every key attribute are indexed.
    let scan = c.scan().table_name("tbl").index_name("byAB").send().await.unwrap();
    let pks: Vec<&str> = scan.items().iter().map(|i| i["pk"].as_s().unwrap().as_str()).collect();
    assert_eq!(pks, ["1", "3"]);
}

#[tokio::test]
async fn writes_index_only_complete_items_and_check_every_key_type() {
    let (_emu, c) = emulator().await;
    matches_table(&c).await;
    put(&c, game("full", "eu", Some("semi"), Some(1))).await;
    put(&c, game("no-seq", "eu", Some("semi"), None)).await;
    put(&c, game("no-round", "eu", None, Some(1))).await;
    let scan_ids = || async {
        let page = c
            .scan()
            .table_name("matches")
            .index_name("byRound")
            .send()
            .await
            .unwrap();
        ids(page.items()).into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(scan_ids().await, ["full"]);

    // An update that completes the key indexes the item; one that removes a key attribute drops it.
    c.update_item()
        .table_name("matches")
        .key("id", s("no-seq"))
        .update_expression("SET seq = :q")
        .expression_attribute_values(":q", n(7))
        .send()
        .await
        .unwrap();
    c.update_item()
        .table_name("matches")
        .key("id", s("full"))
        .update_expression("REMOVE league")
        .send()
        .await
        .unwrap();
    assert_eq!(scan_ids().await, ["no-seq"]);

    let mut wrong = game("w", "eu", Some("semi"), None);
    wrong.insert("seq".into(), s("7"));
    let e = c
        .put_item()
        .table_name("matches")
        .set_item(Some(wrong))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "One or more parameter values were invalid: Type mismatch for Index Key seq Expected: N Actual: S IndexName: byRound"
        )
    );
}

#[tokio::test]
async fn query_orders_by_every_sort_attribute_left_to_right() {
    let (_emu, c) = emulator().await;
    seeded(&c).await;
    let run = |expr: String, values: Vec<(&'static str, V)>, forward: bool| {
        let c = c.clone();
        async move {
            let page = query(&c, &expr, &values)
                .scan_index_forward(forward)
                .send()
                .await
                .unwrap();
            ids(page.items()).into_iter().map(str::to_owned).collect::<Vec<_>>()
        }
    };
    let cases: Vec<(String, Values, Vec<&str>)> = vec![
        (EU.into(), eu(&[]), vec!["c", "f", "d", "b", "g", "e", "a", "h"]),
        (
            format!("{EU} AND round = :a"),
            eu(&[(":a", s("quarter"))]),
            vec!["f", "d", "b"],
        ),
        (
            format!("{EU} AND round > :a"),
            eu(&[(":a", s("quarter"))]),
            vec!["g", "e", "a", "h"],
        ),
        (
            format!("{EU} AND round <= :a"),
            eu(&[(":a", s("quarter"))]),
            vec!["c", "f", "d", "b"],
        ),
        (
            format!("{EU} AND begins_with(round, :a)"),
            eu(&[(":a", s("quarter"))]),
            vec!["f", "d", "b", "g"],
        ),
        (
            format!("{EU} AND round BETWEEN :a AND :b"),
            eu(&[(":a", s("final")), (":b", s("quarter"))]),
            vec!["c", "f", "d", "b"],
        ),
        (
            format!("{EU} AND round = :a AND seq = :b"),
            eu(&[(":a", s("semi")), (":b", n(2))]),
            vec!["a"],
        ),
        (
            format!("{EU} AND round = :a AND seq >= :b"),
            eu(&[(":a", s("quarter")), (":b", n(9))]),
            vec!["d", "b"],
        ),
        (
            format!("seq BETWEEN :a AND :b AND round = :c AND {EU}"),
            vec![
                (":t", s("w24")),
                (":r", s("eu")),
                (":a", n(2)),
                (":b", n(9)),
                (":c", s("semi")),
            ],
            vec!["a", "h"],
        ),
    ];
    for (expr, values, expected) in cases {
        assert_eq!(run(expr.clone(), values.clone(), true).await, expected, "{expr}");
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(run(expr.clone(), values, false).await, reversed, "{expr} backwards");
    }
    let us = run(EU.into(), vec![(":t", s("w24")), (":r", s("us"))], true).await;
    assert_eq!(us, ["u"]);
}

#[tokio::test]
async fn query_key_condition_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    matches_table(&c).await;
    let cases: Vec<(String, Values, &str)> = vec![
        (
            "tournament = :t".into(),
            vec![(":t", s("w24"))],
            "Query condition missed key schema element: league",
        ),
        ("tournament = :t AND league > :r".into(), eu(&[]), "Query key condition not supported"),
        (
            format!("{EU} AND seq = :a"),
            eu(&[(":a", n(1))]),
            "RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute seq",
        ),
        (
            format!("{EU} AND round > :a AND seq = :b"),
            eu(&[(":a", s("x")), (":b", n(1))]),
            "RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute seq",
        ),
        (
            format!("{EU} AND round = :a AND seq = :b"),
            eu(&[(":a", s("x")), (":b", s("1"))]),
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            format!("{EU} AND round = :a AND begins_with(seq, :b)"),
            eu(&[(":a", s("x")), (":b", n(1))]),
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
        ),
        // The value's type is checked against the schema before the function's (the conformance
        // suite's queryKeyConditionOperands.test.ts, AWS, October 2026).
        (
            format!("{EU} AND round = :a AND begins_with(seq, :b)"),
            eu(&[(":a", s("x")), (":b", s("1"))]),
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
    ];
    for (expr, values, message) in cases {
        let e = query(&c, &expr, &values).send().await.unwrap_err();
        assert_eq!(error(e), validation(message), "{expr}");
    }
}

#[tokio::test]
async fn legacy_key_conditions_follow_the_same_rules() {
    let (_emu, c) = emulator().await;
    seeded(&c).await;
    let cond = |op: ComparisonOperator, v: V| {
        Condition::builder()
            .comparison_operator(op)
            .attribute_value_list(v)
            .build()
            .unwrap()
    };
    let eq = |v: V| cond(ComparisonOperator::Eq, v);
    let legacy = |conds: Vec<(&str, Condition)>| {
        let mut q = c.query().table_name("matches").index_name("byRound");
        for (k, v) in conds {
            q = q.key_conditions(k, v);
        }
        q.send()
    };
    let page = legacy(vec![
        ("tournament", eq(s("w24"))),
        ("league", eq(s("eu"))),
        ("round", eq(s("quarter"))),
        ("seq", cond(ComparisonOperator::Gt, n(1))),
    ])
    .await
    .unwrap();
    assert_eq!(ids(page.items()), ["d", "b"]);
    let skipped = legacy(vec![
        ("tournament", eq(s("w24"))),
        ("league", eq(s("eu"))),
        ("seq", cond(ComparisonOperator::Gt, n(1))),
    ])
    .await
    .unwrap_err();
    assert_eq!(
        error(skipped),
        validation(
            "RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute seq"
        )
    );
    let partial = legacy(vec![("tournament", eq(s("w24")))]).await.unwrap_err();
    assert_eq!(
        error(partial),
        validation("Query condition missed key schema element: league")
    );
}

#[tokio::test]
async fn paging_projection_scan_and_capacity_carry_every_key_attribute() {
    let (_emu, c) = emulator().await;
    seeded(&c).await;
    let mut seen = Vec::new();
    let mut start = None;
    let mut keys = Vec::new();
    loop {
        let page = query(&c, EU, &eu(&[]))
            .limit(3)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        seen.extend(ids(page.items()).into_iter().map(str::to_owned));
        // KEYS_ONLY: the table key and every index key attribute, nothing else.
        assert!(
            page.items().iter().all(|i| i.len() == 5 && !i.contains_key("note")),
            "{:?}",
            page.items()
        );
        start = page.last_evaluated_key;
        match &start {
            Some(k) => keys.push(k.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ["c", "f", "d", "b", "g", "e", "a", "h"]);
    assert_eq!(
        keys[0],
        item(&[
            ("id", s("d")),
            ("tournament", s("w24")),
            ("league", s("eu")),
            ("round", s("quarter")),
            ("seq", n(9))
        ])
    );
    assert_eq!(keys.len(), 2);

    let mut incomplete = keys[0].clone();
    incomplete.remove("seq");
    let e = query(&c, EU, &eu(&[]))
        .set_exclusive_start_key(Some(incomplete))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("The provided starting key is invalid"));

    // A Scan of the index pages through every indexed item once.
    let mut scanned = Vec::new();
    let mut start = None;
    loop {
        let page = c
            .scan()
            .table_name("matches")
            .index_name("byRound")
            .limit(4)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        scanned.extend(ids(page.items()).into_iter().map(str::to_owned));
        start = page.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    scanned.sort();
    assert_eq!(scanned, ["a", "b", "c", "d", "e", "f", "g", "h", "u"]);

    let counted = query(&c, EU, &eu(&[]))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let capacity = counted.consumed_capacity.unwrap();
    assert_eq!(capacity.capacity_units, Some(0.5));
    assert_eq!(
        capacity.global_secondary_indexes.unwrap()["byRound"].capacity_units,
        Some(0.5)
    );
}

/// PartiQL reads no index with several partition or sort attributes: refused ahead of anything
/// about the WHERE clause, also as a BatchExecuteStatement member ahead of its key-only rule; the
/// table itself stays readable (the conformance suite's multiAttributeIndex tests, AWS, October
/// 2026).
#[tokio::test]
async fn partiql_refuses_to_read_a_multi_attribute_index() {
    let (_emu, c) = emulator().await;
    seeded(&c).await;
    let refused = validation(
        "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
    );
    for stmt in [
        r#"SELECT * FROM "matches"."byRound" WHERE tournament = 'w24' AND league = 'eu'"#,
        r#"SELECT * FROM "matches"."byRound" WHERE tournament = 1"#,
        r#"SELECT id FROM "matches"."byRound" WHERE id = 'a'"#,
        r#"SELECT * FROM "matches"."byRound""#,
        r#"SELECT id FROM "matches"."byRound" WHERE tournament = 'w24' AND league = 'eu' ORDER BY round DESC"#,
    ] {
        let e = c.execute_statement().statement(stmt).send().await.unwrap_err();
        assert_eq!(error(e), refused, "{stmt}");
    }
    let base = c
        .execute_statement()
        .statement(r#"SELECT id FROM "matches" WHERE id = 'a'"#)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(base.items()), ["a"]);
    let member = |stmt: &str| BatchStatementRequest::builder().statement(stmt).build().unwrap();
    let batch = c
        .batch_execute_statement()
        .statements(member(
            r#"SELECT * FROM "matches"."byRound" WHERE tournament = 'w24' AND league = 'eu'"#,
        ))
        .statements(member(r#"SELECT * FROM "matches" WHERE id = 'a'"#))
        .send()
        .await
        .unwrap();
    let responses = batch.responses();
    let refusal = responses[0].error().and_then(|e| e.message());
    assert_eq!(refusal, Some(refused.1.as_str()));
    assert_eq!(responses[1].item().map(|i| i["id"].clone()), Some(s("a")));
}
