//! Query and Scan through the SDK: ordering, paging (including many items sharing one index key),
//! Limit before filter, 1 MB pages, parallel scan coverage, index rules.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::{
    AttributeValue as V, BillingMode, GlobalSecondaryIndex, KeyType, LocalSecondaryIndex, Projection, ProjectionType,
    ScalarAttributeType as T, Select,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, emulator, error, key, n, s, validation};

/// `pk`/`sk`(N) with GSI `byShop` (shop, KEYS_ONLY) and LSI `byScore` (score N, ALL).
async fn indexed_table(c: &Client, name: &str) {
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::N))
        .attribute_definitions(attr_def("shop", T::S))
        .attribute_definitions(attr_def("score", T::N))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byShop")
                .key_schema(key("shop", KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("byScore")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("score", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn put(c: &Client, table: &str, item: &[(&str, V)]) {
    let item: HashMap<String, V> = item.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    c.put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
}

fn sks(items: &[HashMap<String, V>]) -> Vec<i64> {
    items.iter().map(|i| i["sk"].as_n().unwrap().parse().unwrap()).collect()
}

#[tokio::test]
async fn query_orders_filters_and_pages() {
    let (_emu, c) = emulator().await;
    indexed_table(&c, "qtab").await;
    for i in 1..=10 {
        put(
            &c,
            "qtab",
            &[("pk", s("a")), ("sk", n(i)), ("even", V::Bool(i % 2 == 0))],
        )
        .await;
    }
    put(&c, "qtab", &[("pk", s("b")), ("sk", n(1))]).await;
    let q = |expr: &str, values: &[(&str, V)]| {
        let mut req = c.query().table_name("qtab").key_condition_expression(expr);
        for (k, v) in values {
            req = req.expression_attribute_values(*k, v.clone());
        }
        req
    };
    let all = q(
        "pk = :p AND sk BETWEEN :x AND :y",
        &[(":p", s("a")), (":x", n(3)), (":y", n(6))],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(sks(all.items()), [3, 4, 5, 6]);
    let desc = q("pk = :p AND sk > :y", &[(":p", s("a")), (":y", n(6))])
        .scan_index_forward(false)
        .send()
        .await
        .unwrap();
    assert_eq!(sks(desc.items()), [10, 9, 8, 7]);

    // Limit counts items evaluated before the filter.
    let filtered = c
        .query()
        .table_name("qtab")
        .key_condition_expression("pk = :p")
        .filter_expression("even = :t")
        .expression_attribute_values(":p", s("a"))
        .expression_attribute_values(":t", V::Bool(true))
        .limit(3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (sks(filtered.items()), filtered.count, filtered.scanned_count),
        (vec![2], 1, 3)
    );
    let lek = filtered.last_evaluated_key.unwrap();
    assert_eq!(lek, HashMap::from([("pk".into(), s("a")), ("sk".into(), n(3))]));

    // Paging backwards resumes before the last key.
    let mut seen = Vec::new();
    let mut start = None;
    loop {
        let page = c
            .query()
            .table_name("qtab")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("a"))
            .scan_index_forward(false)
            .limit(4)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        seen.extend(sks(page.items()));
        start = page.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    assert_eq!(seen, (1..=10).rev().collect::<Vec<_>>());

    let count = c
        .query()
        .table_name("qtab")
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s("a"))
        .select(Select::Count)
        .send()
        .await
        .unwrap();
    assert_eq!((count.count, count.items.is_none()), (10, true));
}

#[tokio::test]
async fn gsi_paging_with_one_shared_key_returns_every_item_once() {
    let (_emu, c) = emulator().await;
    indexed_table(&c, "gtab").await;
    for i in 0..1000 {
        put(
            &c,
            "gtab",
            &[
                ("pk", s(&format!("user{}", i % 37))),
                ("sk", n(i)),
                ("shop", s("one-shop")),
            ],
        )
        .await;
    }
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    let mut start = None;
    loop {
        let page = c
            .query()
            .table_name("gtab")
            .index_name("byShop")
            .key_condition_expression("shop = :s")
            .expression_attribute_values(":s", s("one-shop"))
            .limit(7)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        pages += 1;
        for item in page.items() {
            let sk: i64 = item["sk"].as_n().unwrap().parse().unwrap();
            assert!(seen.insert(sk), "item {sk} returned twice");
            assert_eq!(item.len(), 3, "KEYS_ONLY projects index and table keys: {item:?}");
        }
        start = page.last_evaluated_key;
        if let Some(k) = &start {
            assert_eq!(k.len(), 3, "index LastEvaluatedKey holds index key and table key");
        } else {
            break;
        }
        assert!(pages < 200, "paging loops");
    }
    assert_eq!(seen.len(), 1000);
    assert_eq!(pages, 143, "1000 items in pages of 7: 142 full pages and one of 6");
}

#[tokio::test]
async fn local_index_query_and_index_rules() {
    let (_emu, c) = emulator().await;
    indexed_table(&c, "ltab").await;
    for (sk, score) in [(1, 30), (2, 10), (3, 20)] {
        put(
            &c,
            "ltab",
            &[("pk", s("a")), ("sk", n(sk)), ("score", n(score)), ("x", s("full"))],
        )
        .await;
    }
    put(&c, "ltab", &[("pk", s("a")), ("sk", n(4))]).await; // sparse: no score
    let by_score = c
        .query()
        .table_name("ltab")
        .index_name("byScore")
        .key_condition_expression("pk = :p AND score >= :m")
        .expression_attribute_values(":p", s("a"))
        .expression_attribute_values(":m", n(15))
        .send()
        .await
        .unwrap();
    assert_eq!(sks(by_score.items()), [3, 1]);
    assert_eq!(by_score.items()[0]["x"], s("full"));

    let consistent_gsi = c
        .query()
        .table_name("ltab")
        .index_name("byShop")
        .key_condition_expression("shop = :s")
        .expression_attribute_values(":s", s("x"))
        .consistent_read(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(consistent_gsi),
        validation("Consistent reads are not supported on global secondary indexes")
    );
    let all_on_keys_only = c
        .query()
        .table_name("ltab")
        .index_name("byShop")
        .key_condition_expression("shop = :s")
        .expression_attribute_values(":s", s("x"))
        .select(Select::AllAttributes)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(all_on_keys_only),
        validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byShop because its projection type is not ALL")
    );
    let no_index = c
        .query()
        .table_name("ltab")
        .index_name("nope")
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s("a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(no_index),
        validation("The table does not have the specified index: nope")
    );
    let bad_start = c
        .query()
        .table_name("ltab")
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s("a"))
        .exclusive_start_key("pk", s("a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(bad_start),
        validation("The provided starting key is invalid: The provided key element does not match the schema")
    );
}

#[tokio::test]
async fn pages_are_cut_at_one_megabyte() {
    let (_emu, c) = emulator().await;
    indexed_table(&c, "mbtab").await;
    let blob = "x".repeat(100 * 1024);
    for i in 0..25 {
        put(&c, "mbtab", &[("pk", s("a")), ("sk", n(i)), ("v", s(&blob))]).await;
    }
    let first = c
        .query()
        .table_name("mbtab")
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s("a"))
        .send()
        .await
        .unwrap();
    // Each item is just over 100 KB; the page ends with the item that reaches 1 MB.
    assert_eq!(first.count, 11);
    assert!(first.last_evaluated_key.is_some());
    let mut total = first.count;
    let mut start = first.last_evaluated_key;
    while let Some(k) = start {
        let page = c
            .scan()
            .table_name("mbtab")
            .exclusive_start_key("pk", k["pk"].clone())
            .exclusive_start_key("sk", k["sk"].clone())
            .send()
            .await
            .unwrap();
        total += page.count;
        start = page.last_evaluated_key;
    }
    assert_eq!(total, 25);
}

#[tokio::test]
async fn parallel_scan_covers_every_item_exactly_once() {
    let (_emu, c) = emulator().await;
    indexed_table(&c, "ptab").await;
    for i in 0..300 {
        put(&c, "ptab", &[("pk", s(&format!("k{i}"))), ("sk", n(i))]).await;
    }
    for total in [1, 2, 3, 7] {
        let mut seen = BTreeSet::new();
        for segment in 0..total {
            let mut start = None;
            loop {
                let page = c
                    .scan()
                    .table_name("ptab")
                    .segment(segment)
                    .total_segments(total)
                    .limit(50)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .unwrap();
                for sk in sks(page.items()) {
                    assert!(seen.insert(sk), "{sk} in two segments of {total}");
                }
                start = page.last_evaluated_key;
                if start.is_none() {
                    break;
                }
            }
        }
        assert_eq!(seen.len(), 300, "TotalSegments {total}");
    }
    let err = c
        .scan()
        .table_name("ptab")
        .segment(5)
        .total_segments(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5")
    );
}

#[tokio::test]
async fn item_collections_of_tables_with_local_indexes_are_limited() {
    let emu = dynamodb_emulator::Emulator::builder()
        .item_collection_limit(3000)
        .start()
        .await
        .unwrap();
    let c = emu.client();
    indexed_table(&c, "coll").await;
    let blob = "x".repeat(900);
    // Each item is ~930 bytes, and ~1860 with its LSI entry (ALL projection): one fits, two do not.
    put(
        &c,
        "coll",
        &[("pk", s("a")), ("sk", n(1)), ("score", n(1)), ("v", s(&blob))],
    )
    .await;
    let full = c
        .put_item()
        .table_name("coll")
        .item("pk", s("a"))
        .item("sk", n(2))
        .item("score", n(2))
        .item("v", s(&blob))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(full),
        (
            "ItemCollectionSizeLimitExceededException".into(),
            "Collection size exceeded.".into()
        )
    );
    // Another partition has its own collection; an item outside the LSI counts once.
    put(
        &c,
        "coll",
        &[("pk", s("b")), ("sk", n(1)), ("score", n(1)), ("v", s(&blob))],
    )
    .await;
    put(&c, "coll", &[("pk", s("a")), ("sk", n(3)), ("v", s(&blob))]).await;
    // Deleting frees the space again.
    c.delete_item()
        .table_name("coll")
        .key("pk", s("a"))
        .key("sk", n(1))
        .send()
        .await
        .unwrap();
    put(
        &c,
        "coll",
        &[("pk", s("a")), ("sk", n(2)), ("score", n(2)), ("v", s(&blob))],
    )
    .await;
}

#[tokio::test]
async fn scan_returns_partition_a_before_b_when_written_interleaved() {
    let (_emu, c) = emulator().await;
    crate::support::create_table(&c, "order", Some(T::S)).await;
    for i in 0..6 {
        let pk = if i % 2 == 1 { "A" } else { "B" };
        put(&c, "order", &[("pk", s(pk)), ("sk", s(&i.to_string()))]).await;
    }
    let items = c.scan().table_name("order").send().await.unwrap().items.unwrap();
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["pk"].as_s().unwrap().as_str(), i["sk"].as_s().unwrap().as_str()))
        .collect();
    assert_eq!(
        got,
        [("A", "1"), ("A", "3"), ("A", "5"), ("B", "0"), ("B", "2"), ("B", "4")]
    );
}

#[tokio::test]
async fn legacy_conditions_and_filters_follow_dynamodb_rules() {
    use aws_sdk_dynamodb::types::{ComparisonOperator as Op, Condition, ConditionalOperator, ExpectedAttributeValue};
    let (_emu, c) = emulator().await;
    crate::support::create_table(&c, "legacy", Some(T::N)).await;
    c.put_item()
        .table_name("legacy")
        .item("pk", s("a"))
        .item("sk", n(1))
        .item("x", n(5))
        .send()
        .await
        .unwrap();
    let cond = |op: Op, values: Vec<V>| {
        Condition::builder()
            .comparison_operator(op)
            .set_attribute_value_list(Some(values))
            .build()
            .unwrap()
    };
    let hash = cond(Op::Eq, vec![s("a")]);

    // An operator outside the enum (here lower case) fails the constraint, by its place.
    let lower = c
        .query()
        .table_name("legacy")
        .key_conditions("pk", cond(Op::from("eq"), vec![s("a")]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(lower),
        validation(
            "1 validation error detected: Value 'eq' at 'keyConditions.pk.member.comparisonOperator' failed to \
             satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, \
             NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
        )
    );
    let begins = c
        .query()
        .table_name("legacy")
        .key_conditions("pk", hash.clone())
        .key_conditions("sk", cond(Op::BeginsWith, vec![n(1)]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(begins),
        validation("One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type")
    );

    // A Query's filter may not read the key; a Scan's may.
    let filter = c
        .query()
        .table_name("legacy")
        .key_condition_expression("pk = :a")
        .filter_expression("x > :n OR size(sk) > :n")
        .expression_attribute_values(":a", s("a"))
        .expression_attribute_values(":n", n(0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(filter),
        validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
    );
    let query_filter = c
        .query()
        .table_name("legacy")
        .key_conditions("pk", hash.clone())
        .query_filter("pk", hash.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(query_filter),
        validation("QueryFilter can only contain non-primary key attributes: Primary key attribute: pk")
    );
    let scan = c
        .scan()
        .table_name("legacy")
        .filter_expression("sk > :n")
        .expression_attribute_values(":n", n(0))
        .send()
        .await
        .unwrap();
    assert_eq!(scan.count, 1);

    // Consecutive NOTs are legal.
    let nots = c
        .query()
        .table_name("legacy")
        .key_condition_expression("pk = :a")
        .filter_expression("NOT NOT x = :n")
        .expression_attribute_values(":a", s("a"))
        .expression_attribute_values(":n", n(5))
        .send()
        .await
        .unwrap();
    assert_eq!(nots.count, 1);

    // ConditionalOperator needs conditions to join.
    let put = || c.put_item().table_name("legacy").item("pk", s("b")).item("sk", n(1));
    let nothing =
        validation("1 validation error detected: ConditionalOperator cannot be used without Filter or Expected");
    assert_eq!(
        error(
            put()
                .conditional_operator(ConditionalOperator::And)
                .send()
                .await
                .unwrap_err()
        ),
        nothing
    );
    assert_eq!(
        error(
            put()
                .conditional_operator(ConditionalOperator::Or)
                .set_expected(Some(HashMap::new()))
                .send()
                .await
                .unwrap_err()
        ),
        nothing
    );
    let scan_op = c
        .scan()
        .table_name("legacy")
        .conditional_operator(ConditionalOperator::And)
        .send()
        .await;
    assert_eq!(
        error(scan_op.unwrap_err()),
        validation("ConditionalOperator cannot be used without Filter or Expected")
    );
    put()
        .conditional_operator(ConditionalOperator::And)
        .expected("pk", ExpectedAttributeValue::builder().exists(false).build())
        .send()
        .await
        .unwrap();
    assert_eq!(c.scan().table_name("legacy").send().await.unwrap().count, 2);
}
