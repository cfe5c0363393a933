//! Vector indexes and SearchVectors: creation and its refusals, writes checked against each index,
//! exact search by each distance, capacity, and an index added by UpdateTable walking through its
//! phases on the manual clock. Texts are AWS's as the conformance suite captured them (August 2026).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeValue, BillingMode, CreateVectorIndexAction, DeleteVectorIndexAction, IndexStatus, KeyType, Projection,
    ProjectionType, ReturnConsumedCapacity, ScalarAttributeType, SearchSchemaElement, SearchSchemaElementType,
    TableStatus, VectorAttributeDefinition, VectorDistanceFunction, VectorIndex, VectorIndexUpdate,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, emulator, error, item, key, n, put, s, validation, with_transient_delay};

fn vec_of(values: &[f64]) -> AttributeValue {
    AttributeValue::L(values.iter().map(n).collect())
}

fn vector_index(
    name: &str,
    dims: i64,
    distance: VectorDistanceFunction,
    schema: &[(&str, SearchSchemaElementType)],
) -> VectorIndex {
    let mut b = VectorIndex::builder()
        .index_name(name)
        .vector_attribute(
            VectorAttributeDefinition::builder()
                .attribute_name("embedding")
                .build()
                .unwrap(),
        )
        .dimensions(dims)
        .distance_function(distance)
        .projection(Projection::builder().projection_type(ProjectionType::All).build());
    for (attr, role) in schema {
        b = b.search_schema(
            SearchSchemaElement::builder()
                .attribute_name(*attr)
                .search_schema_element_type(role.clone())
                .build()
                .unwrap(),
        );
    }
    b.build().unwrap()
}

/// An UpdateTable action adding a 3-dimension COSINE index `name` on `embedding`, projecting ALL.
fn create_update(name: &str) -> VectorIndexUpdate {
    let action = CreateVectorIndexAction::builder()
        .index_name(name)
        .vector_attribute(
            VectorAttributeDefinition::builder()
                .attribute_name("embedding")
                .build()
                .unwrap(),
        )
        .dimensions(3)
        .distance_function(VectorDistanceFunction::Cosine)
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap();
    VectorIndexUpdate::builder().create(action).build()
}

/// An on-demand table keyed by `pk` (S) with these indexes, their search schemas' attributes
/// defined as strings.
async fn table(c: &Client, name: &str, indexes: Vec<VectorIndex>) {
    let mut searched: Vec<&str> = indexes
        .iter()
        .flat_map(|v| v.search_schema())
        .map(|e| e.attribute_name())
        .collect();
    searched.sort();
    searched.dedup();
    let mut req = c
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash));
    for attr in searched {
        req = req.attribute_definitions(attr_def(attr, ScalarAttributeType::S));
    }
    req.set_vector_indexes((!indexes.is_empty()).then_some(indexes.clone()))
        .send()
        .await
        .unwrap();
}

/// `plain` (no search schema) and `schema` (HASH tenant, INLINE_FILTER category) on `embedding`.
async fn plain_and_schema(c: &Client, name: &str) {
    let schema = [
        ("tenant", SearchSchemaElementType::Hash),
        ("category", SearchSchemaElementType::InlineFilter),
    ];
    let indexes = vec![
        vector_index("plain", 3, VectorDistanceFunction::Cosine, &[]),
        vector_index("schema", 3, VectorDistanceFunction::Cosine, &schema),
    ];
    table(c, name, indexes).await;
}

/// The pk of each result and its score, best first.
async fn search(c: &Client, table: &str, index: &str, query: &[f64], top_k: i32) -> Vec<(String, f64)> {
    let query = query.iter().map(n).collect();
    let out = c
        .search_vectors()
        .table_name(table)
        .index_name(index)
        .set_search_vector(Some(query));
    let out = out.top_k(top_k).send().await.unwrap();
    out.search_results()
        .iter()
        .map(|r| (r.item().unwrap()["pk"].as_s().unwrap().clone(), r.score()))
        .collect()
}

#[tokio::test]
async fn search_ranks_by_each_distance_in_f32_and_projects_the_index_copy() {
    let (_emu, c) = emulator().await;
    let indexes = [
        ("cosine", VectorDistanceFunction::Cosine),
        ("euclidean", VectorDistanceFunction::Euclidean),
        ("dot", VectorDistanceFunction::DotProduct),
    ];
    table(
        &c,
        "vec_t",
        indexes
            .iter()
            .map(|(name, d)| vector_index(name, 3, d.clone(), &[]))
            .collect(),
    )
    .await;
    for (pk, v) in [
        ("a", [1.0, 0.0, 0.0]),
        ("b", [0.0, 1.0, 0.0]),
        ("c", [-1.0, 0.0, 0.0]),
        ("d", [0.6, 0.8, 0.0]),
    ] {
        put(
            &c,
            "vec_t",
            &[
                ("pk", s(pk)),
                ("label", s(&format!("item-{pk}"))),
                ("embedding", vec_of(&v)),
            ],
        )
        .await;
    }
    put(&c, "vec_t", &[("pk", s("none")), ("label", s("no vector"))]).await;
    let f32s = |xs: &[f32]| xs.iter().map(|x| f64::from(*x)).collect::<Vec<_>>();
    let want = [
        ("cosine", vec!["a", "d", "b", "c"], f32s(&[0.0, 0.4, 1.0, 2.0])),
        (
            "euclidean",
            vec!["a", "d", "b", "c"],
            f32s(&[0.0, 0.8f32.sqrt(), 2f32.sqrt(), 2.0]),
        ),
        ("dot", vec!["a", "d", "b", "c"], f32s(&[1.0, 0.6, 0.0, -1.0])),
    ];
    for (index, order, scores) in want {
        let got = search(&c, "vec_t", index, &[1.0, 0.0, 0.0], 10).await;
        assert_eq!(
            got.iter().map(|(pk, _)| pk.as_str()).collect::<Vec<_>>(),
            order,
            "{index}"
        );
        for ((_, score), want) in got.iter().zip(&scores) {
            assert!((score - want).abs() < 1e-6, "{index}: {got:?}");
        }
    }
    assert_eq!(search(&c, "vec_t", "cosine", &[1.0, 0.0, 0.0], 1).await.len(), 1);

    // By default the vector attribute is left out; projected, it is the index's f32 copy.
    let query = || c.search_vectors().table_name("vec_t").index_name("cosine").top_k(1);
    let first = query()
        .search_vector(n(1))
        .search_vector(n(0))
        .search_vector(n(0))
        .send()
        .await
        .unwrap();
    let mut keys: Vec<&String> = first.search_results()[0].item().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["label", "pk"]);
    put(
        &c,
        "vec_t",
        &[
            ("pk", s("f32")),
            ("embedding", AttributeValue::L(vec![n("0.1"), n("16777217"), n("1")])),
        ],
    )
    .await;
    let projected = query()
        .search_vector(n("0.1"))
        .search_vector(n("16777217"))
        .search_vector(n("1"))
        .projection_expression("pk, embedding")
        .send()
        .await
        .unwrap();
    let hit = &projected.search_results()[0];
    assert_eq!(hit.item().unwrap()["pk"], s("f32"));
    // Printed as Java prints a float (AWS, August 2026: `1` comes back `1.0`).
    assert_eq!(
        hit.item().unwrap()["embedding"],
        AttributeValue::L(vec![n("0.1"), n("1.6777216E7"), n("1.0")])
    );
    let stored = c
        .get_item()
        .table_name("vec_t")
        .key("pk", s("f32"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stored.item().unwrap()["embedding"],
        AttributeValue::L(vec![n("0.1"), n("16777217"), n("1")])
    );
}

#[tokio::test]
async fn creation_is_refused_in_dynamodbs_words() {
    let (_emu, c) = emulator().await;
    let create = |indexes: Vec<VectorIndex>, billing: BillingMode| {
        let mut req = c
            .create_table()
            .table_name("bad")
            .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
            .key_schema(key("pk", KeyType::Hash))
            .billing_mode(billing.clone())
            .set_vector_indexes(Some(indexes));
        if billing == BillingMode::Provisioned {
            let t = aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5);
            req = req.provisioned_throughput(t.build().unwrap());
        }
        req.send()
    };
    let cosine = |name: &str, dims| vector_index(name, dims, VectorDistanceFunction::Cosine, &[]);
    let invalid = |detail: &str| validation(&format!("One or more parameter values were invalid: {detail}"));
    let cases = [
        (vec![cosine("vix", 3)], BillingMode::Provisioned, invalid("Vector indexes are only supported for PAY_PER_REQUEST tables")),
        (
            vec![vector_index("vix", 3, VectorDistanceFunction::Cosine, &[("tenant", SearchSchemaElementType::Hash)])],
            BillingMode::PayPerRequest,
            invalid("One element in SearchSchema is not defined in attribute definitions"),
        ),
        (vec![cosine("vix", 4097)], BillingMode::PayPerRequest, invalid("Number of dimensions must be between 1 and 4096 inclusive.")),
        (
            (0..6).map(|i| cosine(&format!("vix-{i}"), 3)).collect(),
            BillingMode::PayPerRequest,
            invalid("VectorIndex count exceeds the per-table limit of 5"),
        ),
        (
            vec![cosine("vix", 3), cosine("vix2", 4)],
            BillingMode::PayPerRequest,
            invalid("Conflicting attribute definition for 'embedding'. All VectorIndexes on the same vector attribute must use the same dimensions."),
        ),
        (
            vec![cosine("ab", 3)],
            BillingMode::PayPerRequest,
            validation("1 validation error detected: Value 'ab' at 'vectorIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"),
        ),
        // Dynoxide's captures (AWS, eu-west-2 and us-east-1, August 2026).
        (vec![], BillingMode::PayPerRequest, invalid("List of VectorIndexes is empty")),
        (
            vec![vector_index("vix", 3, VectorDistanceFunction::from("MANHATTAN"), &[])],
            BillingMode::PayPerRequest,
            validation("1 validation error detected: Value 'MANHATTAN' at 'vectorIndexes.1.member.distanceFunction' failed to satisfy constraint: Member must satisfy enum value set: [COSINE, DOT_PRODUCT, EUCLIDEAN]"),
        ),
    ];
    for (indexes, billing, want) in cases {
        assert_eq!(error(create(indexes, billing).await.unwrap_err()), want);
    }
    assert!(
        c.describe_table().table_name("bad").send().await.is_err(),
        "nothing was created"
    );
}

/// A search schema has one HASH and no attribute twice; a vector attribute is never an
/// AttributeDefinition nor a GSI's key; index names are shared with GSIs; a table with vector
/// indexes stays on-demand, checked before the call's other checks (AWS, eu-west-2 and
/// us-east-1, August 2026, as Dynoxide's `tests/vector_indexes.rs` captured them).
#[tokio::test]
async fn vector_indexes_keep_their_schemas_attributes_names_and_billing() {
    let (_emu, c) = emulator().await;
    let create = |defs: &[(&str, ScalarAttributeType)], index: VectorIndex| {
        let mut req = c
            .create_table()
            .table_name("bad")
            .key_schema(key("pk", KeyType::Hash))
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
            .vector_indexes(index);
        for (name, ty) in defs {
            req = req.attribute_definitions(attr_def(name, ty.clone()));
        }
        req.send()
    };
    let invalid = |detail: &str| validation(&format!("One or more parameter values were invalid: {detail}"));
    let (hash, filter, s_type) = (
        SearchSchemaElementType::Hash,
        SearchSchemaElementType::InlineFilter,
        ScalarAttributeType::S,
    );
    let cases = [
        (
            vec![("tenant", s_type.clone()), ("region", s_type.clone())],
            vector_index("vix", 3, VectorDistanceFunction::Cosine, &[("tenant", hash.clone()), ("region", hash.clone())]),
            invalid("Value '2' at 'SearchSchema' failed to satisfy constraint: Member must have HASH count less than or equal to 1"),
        ),
        (
            vec![("tenant", s_type.clone())],
            vector_index("vix", 3, VectorDistanceFunction::Cosine, &[("tenant", hash.clone()), ("tenant", filter)]),
            invalid("SearchSchema contains a duplicate AttributeName"),
        ),
        // Though the definition also goes unused.
        (
            vec![("embedding", ScalarAttributeType::B)],
            vector_index("vix", 3, VectorDistanceFunction::Cosine, &[]),
            invalid("Conflicting attribute definition for 'embedding'. An attribute cannot be defined in AttributeDefinitions when used as a VectorAttribute."),
        ),
    ];
    for (defs, index, want) in cases {
        assert_eq!(error(create(&defs, index).await.unwrap_err()), want);
    }

    table(
        &c,
        "vec_u",
        vec![vector_index("vix", 3, VectorDistanceFunction::Cosine, &[])],
    )
    .await;
    let gsi = |name: &str, attr: &str| {
        let create = aws_sdk_dynamodb::types::CreateGlobalSecondaryIndexAction::builder()
            .index_name(name)
            .key_schema(key(attr, KeyType::Hash))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .unwrap();
        c.update_table()
            .table_name("vec_u")
            .attribute_definitions(attr_def(attr, ScalarAttributeType::S))
            .global_secondary_index_updates(
                aws_sdk_dynamodb::types::GlobalSecondaryIndexUpdate::builder()
                    .create(create)
                    .build(),
            )
            .send()
    };
    assert_eq!(
        error(gsi("vix", "cat").await.unwrap_err()),
        validation("Attempting to create an index which already exists")
    );
    assert_eq!(
        error(gsi("gsi2", "embedding").await.unwrap_err()),
        invalid("Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. Existing schema: VectorIndexSchema:[VectorAttribute: key{embedding:L:3}] New schema: Schema:[SchemaElement: key{embedding:S:HASH}]")
    );
    let defined = c
        .update_table()
        .table_name("vec_u")
        .attribute_definitions(attr_def("embedding", ScalarAttributeType::B))
        .vector_index_updates(create_update("vix2"));
    assert_eq!(
        error(defined.send().await.unwrap_err()),
        invalid("Conflicting attribute definition for 'embedding'. An attribute cannot be defined in AttributeDefinitions when used as a VectorAttribute.")
    );
    let throughput = aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
        .read_capacity_units(5)
        .write_capacity_units(5)
        .build()
        .unwrap();
    let provisioned = || {
        c.update_table()
            .table_name("vec_u")
            .billing_mode(BillingMode::Provisioned)
            .provisioned_throughput(throughput.clone())
    };
    let delete_last = VectorIndexUpdate::builder()
        .delete(DeleteVectorIndexAction::builder().index_name("vix").build().unwrap())
        .build();
    for request in [provisioned(), provisioned().vector_index_updates(delete_last)] {
        assert_eq!(
            error(request.send().await.unwrap_err()),
            invalid("Tables with vector indexes must be in PAY_PER_REQUEST mode")
        );
    }
}

#[tokio::test]
async fn writes_are_checked_against_each_index_in_order() {
    let (_emu, c) = emulator().await;
    plain_and_schema(&c, "vec_w").await;
    let refused = |pairs: Vec<(&'static str, AttributeValue)>| {
        let c = c.clone();
        async move {
            let e = c
                .put_item()
                .table_name("vec_w")
                .set_item(Some(item(&pairs)))
                .send()
                .await
                .unwrap_err();
            error(e).1
        }
    };
    let mixed = AttributeValue::L(vec![n(1), s("oops"), n(0)]);
    let cases = [
        (vec![("pk", s("x")), ("embedding", vec_of(&[1.0, 0.0]))], "One or more parameter values were invalid. Invalid size for parameter embedding, Expected: 3, Actual: 2 IndexName: plain"),
        (vec![("pk", s("x")), ("embedding", mixed)], "One or more parameter values were invalid. Invalid type for parameter embedding[1], Expected: 32-bit floating point number, Actual: S. IndexName: plain"),
        (vec![("pk", s("x")), ("embedding", s("not-a-vector"))], "One or more parameter values were invalid. Invalid type for parameter embedding, Expected: 32-bit floating point number list IndexName: plain"),
        (vec![("pk", s("x")), ("tenant", s("")), ("embedding", vec_of(&[0.0, 0.0, 1.0]))], "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: schema, IndexKey: tenant"),
        // Dynoxide's captures (AWS, eu-west-2 and us-east-1, August 2026).
        (vec![("pk", s("x")), ("embedding", AttributeValue::L(vec![n("1E+39"), n(0), n(0)]))], "One or more parameter values were invalid. Invalid value for parameter embedding[0], Value: 1E+39 is outside valid range [-3.4028235E38, 3.4028235E38]. IndexName: plain"),
        (vec![("pk", s("x")), ("tenant", n(7)), ("embedding", vec_of(&[0.0, 0.0, 1.0]))], "One or more parameter values were invalid. Attribute 'tenant' type mismatch. Expected: S, Actual: N. IndexName: schema"),
        (vec![("pk", s("x")), ("tenant", s("t")), ("category", n(5)), ("embedding", vec_of(&[0.0, 0.0, 1.0]))], "One or more parameter values were invalid. Attribute 'category' type mismatch. Expected: S, Actual: N. IndexName: schema"),
    ];
    for (pairs, want) in cases {
        assert_eq!(refused(pairs).await, want);
    }
    // UpdateItem and BatchWriteItem are held to the same rules.
    let update = c
        .update_item()
        .table_name("vec_w")
        .key("pk", s("u"))
        .update_expression("SET embedding = :v");
    let e = update
        .expression_attribute_values(":v", vec_of(&[1.0]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e).1, "One or more parameter values were invalid. Invalid size for parameter embedding, Expected: 3, Actual: 1 IndexName: plain");

    // An item without the HASH attribute is written and searchable through `plain` alone.
    for (pk, tenant) in [("a", Some("t1")), ("b", Some("t1")), ("no-tenant", None)] {
        let mut pairs = vec![
            ("pk", s(pk)),
            ("category", s("c1")),
            ("embedding", vec_of(&[0.0, 0.0, 1.0])),
        ];
        pairs.extend(tenant.map(|t| ("tenant", s(t))));
        put(&c, "vec_w", &pairs).await;
    }
    let through_schema = c
        .search_vectors()
        .table_name("vec_w")
        .index_name("schema")
        .search_vector(n(0))
        .search_vector(n(0))
        .search_vector(n(1))
        .top_k(10)
        .search_condition_expression("tenant = :t AND category = :c")
        .expression_attribute_values(":t", s("t1"))
        .expression_attribute_values(":c", s("c1"))
        .send()
        .await
        .unwrap();
    let mut pks: Vec<_> = through_schema
        .search_results()
        .iter()
        .map(|r| r.item().unwrap()["pk"].as_s().unwrap().clone())
        .collect();
    pks.sort();
    assert_eq!(pks, ["a", "b"]);
    assert_eq!(search(&c, "vec_w", "plain", &[0.0, 0.0, 1.0], 10).await.len(), 3);
    c.update_item()
        .table_name("vec_w")
        .key("pk", s("b"))
        .update_expression("REMOVE embedding")
        .send()
        .await
        .unwrap();
    let left: Vec<String> = search(&c, "vec_w", "plain", &[0.0, 0.0, 1.0], 10)
        .await
        .into_iter()
        .map(|(pk, _)| pk)
        .collect();
    assert!(!left.contains(&"b".to_string()) && left.len() == 2, "{left:?}");
}

#[tokio::test]
async fn search_requests_are_checked_in_dynamodbs_words() {
    let (_emu, c) = emulator().await;
    plain_and_schema(&c, "vec_s").await;
    let base = |index: &str, query: Vec<AttributeValue>, top_k: i32| {
        c.search_vectors()
            .table_name("vec_s")
            .index_name(index)
            .set_search_vector(Some(query))
            .top_k(top_k)
    };
    let three = || vec![n(1), n(0), n(0)];
    let cases = [
        (base("plain", three(), 101), "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive"),
        (base("plain", three(), 0), "1 validation error detected: Value '0' at 'topK' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        (base("schema", three(), 1), "SearchConditionExpression must be provided when SearchSchema has a HASH key"),
        (
            base("schema", three(), 1).search_condition_expression("tenant < :t").expression_attribute_values(":t", s("t9")),
            "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression",
        ),
        (
            base("schema", three(), 1)
                .search_condition_expression("tenant = :t AND category < :c")
                .expression_attribute_values(":t", s("t1"))
                .expression_attribute_values(":c", s("c9")),
            "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression",
        ),
        (base("plain", vec![n(1), n(0)], 1), "Input search vector dimension 2 does not match vector index dimension 3"),
        (
            base("plain", three(), 1).search_condition_expression("tenant = :t").expression_attribute_values(":t", s("t1")),
            "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: tenant",
        ),
        (
            base("plain", vec![AttributeValue::L(three())], 1),
            "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
        ),
        (base("nope", three(), 1), "The table does not have the specified index: nope"),
        // IndexName's and SearchVector's faults name them as sent, without their value.
        (
            base("ab", three(), 1),
            "1 validation error detected: Value at 'IndexName' failed to satisfy constraint: Member must have length greater than or equal to 3",
        ),
        (
            base(&"x".repeat(256), three(), 1),
            "1 validation error detected: Value at 'IndexName' failed to satisfy constraint: Member must have length less than or equal to 255",
        ),
        (
            base("plain", vec![], 1),
            "1 validation error detected: Value at 'SearchVector' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
    ];
    for (request, want) in cases {
        assert_eq!(error(request.send().await.unwrap_err()), validation(want));
    }
    let missing = c
        .search_vectors()
        .table_name("absent")
        .index_name("vix")
        .set_search_vector(Some(three()))
        .top_k(1);
    assert_eq!(error(missing.send().await.unwrap_err()).0, "ResourceNotFoundException");
    // Query and Scan refuse it by its type; a consistent read as a GSI first (AWS, August 2026).
    let query = || {
        c.query()
            .table_name("vec_s")
            .index_name("plain")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("a"))
    };
    let scan = c.scan().table_name("vec_s").index_name("plain");
    assert_eq!(
        error(query().send().await.unwrap_err()),
        validation("Query operation not supported on this index type.")
    );
    assert_eq!(
        error(query().consistent_read(true).send().await.unwrap_err()),
        validation("Consistent reads are not supported on global secondary indexes")
    );
    assert_eq!(
        error(scan.send().await.unwrap_err()),
        validation("Scan operation not supported on this index type")
    );
    // PartiQL cannot read a vector index.
    let e = c
        .execute_statement()
        .statement("SELECT * FROM \"vec_s\".\"plain\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("Scan operation not supported on this index type"));
}

/// A SearchConditionExpression holds one equality per top-level attribute, checked with its
/// syntax (before names it leaves unused), then against the search schema: a value of the
/// attribute's defined type, the HASH one's never empty (AWS, eu-west-2 and us-east-1, August
/// 2026, as Dynoxide's `tests/search_vectors.rs` captured them).
#[tokio::test]
async fn search_conditions_are_equalities_on_the_search_schemas_attributes() {
    let (_emu, c) = emulator().await;
    plain_and_schema(&c, "vec_c").await;
    for (pk, tenant) in [("p1", "t1"), ("p2", "t2")] {
        put(
            &c,
            "vec_c",
            &[
                ("pk", s(pk)),
                ("tenant", s(tenant)),
                ("embedding", vec_of(&[1.0, 0.0, 0.0])),
            ],
        )
        .await;
    }
    let search = |condition: &str, values: &[(&str, AttributeValue)]| {
        let mut r = c
            .search_vectors()
            .table_name("vec_c")
            .index_name("schema")
            .set_search_vector(Some(vec![n(1), n(0), n(0)]))
            .top_k(5)
            .search_condition_expression(condition)
            .expression_attribute_names("#t", "tenant")
            .expression_attribute_names("#c", "category");
        for (k, v) in values {
            r = r.expression_attribute_values(*k, v.clone());
        }
        r
    };
    let once =
        "Invalid SearchConditionExpression: SearchConditionExpression must only contain one condition per attribute";
    let nested =
        "Invalid SearchConditionExpression: SearchConditionExpression cannot have conditions on nested attributes";
    let type_of = |letter: &str| {
        format!("Type of 'tenant' attribute in SearchConditionExpression ({letter}) does not match type in search schema (S)")
    };
    let list = AttributeValue::L(vec![s("t1")]);
    let map = AttributeValue::M(HashMap::from([("v".to_string(), s("t1"))]));
    let cases = [
        ("#t = :a AND #t = :b AND #c = :a", vec![(":a", s("t1")), (":b", s("t2"))], once.to_string()),
        ("#t = :a AND #t = :a AND #c = :a", vec![(":a", s("t1"))], once.to_string()),
        // The repeat is found before the type of any value is read.
        ("#t = :c AND #t = :a AND #c = :a", vec![(":a", s("x")), (":c", n(1))], once.to_string()),
        // `#c` goes unused: the nested path is refused first.
        ("#t.deep = :a", vec![(":a", s("t1"))], nested.to_string()),
        ("#t = :a AND #c.deep = :a", vec![(":a", s("t1"))], nested.to_string()),
        ("#t = :a AND #c[0] = :a", vec![(":a", s("t1"))], nested.to_string()),
        ("#t = :a AND #c = :a", vec![(":a", n(1))], type_of("N")),
        ("#t = :a AND #c = :b", vec![(":a", AttributeValue::Bool(true)), (":b", s("c1"))], type_of("BOOL")),
        ("#t = :a AND #c = :b", vec![(":a", list), (":b", s("c1"))], type_of("L")),
        ("#t = :a AND #c = :b", vec![(":a", map), (":b", s("c1"))], type_of("M")),
        (
            "#t = :a AND #c = :b",
            vec![(":a", s("")), (":b", s("c1"))],
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: tenant".to_string(),
        ),
    ];
    for (condition, values, want) in cases {
        let e = search(condition, &values).send().await.unwrap_err();
        assert_eq!(error(e), validation(&want), "{condition}");
    }
    // An INLINE_FILTER attribute's value may be empty: only the HASH one is a key (our reading).
    let found = search("#t = :a AND #c = :b", &[(":a", s("t1")), (":b", s(""))])
        .send()
        .await
        .unwrap();
    assert_eq!(found.search_results().len(), 0);
    let refused = search("#t = :a AND (#c = :b OR #c <> :b)", &[(":a", s("t1")), (":b", s("c1"))])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(refused),
        validation("Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression")
    );
}

/// Scores sum the index's f32s in f64 and land in f32's range; the vector attribute comes back
/// only from an index whose projection names it (AWS, August 2026, as Dynoxide captured it).
#[tokio::test]
async fn scores_stay_in_f32s_range_and_only_projected_vectors_come_back() {
    let (_emu, c) = emulator().await;
    let indexes = [
        ("dot", VectorDistanceFunction::DotProduct),
        ("euclidean", VectorDistanceFunction::Euclidean),
        ("cosine", VectorDistanceFunction::Cosine),
    ];
    let mut keys_only = vector_index("keys", 2, VectorDistanceFunction::Cosine, &[]);
    keys_only.projection = Some(Projection::builder().projection_type(ProjectionType::KeysOnly).build());
    let mut defs: Vec<VectorIndex> = indexes
        .iter()
        .map(|(i, d)| vector_index(i, 2, d.clone(), &[]))
        .collect();
    defs.push(keys_only);
    table(&c, "vec_f", defs).await;
    put(
        &c,
        "vec_f",
        &[("pk", s("big")), ("embedding", vec_of(&[3.4e38, -3.4e38]))],
    )
    .await;
    assert_eq!(
        search(&c, "vec_f", "dot", &[3.4e38, 3.4e38], 1).await,
        [("big".to_string(), 0.0)]
    );
    assert_eq!(
        search(&c, "vec_f", "euclidean", &[-3.4e38, 3.4e38], 1).await,
        [("big".to_string(), f64::from(f32::MAX))]
    );
    put(&c, "vec_f", &[("pk", s("big")), ("embedding", vec_of(&[1e-23, 0.0]))]).await;
    assert_eq!(
        search(&c, "vec_f", "cosine", &[1e-23, 0.0], 1).await,
        [("big".to_string(), 0.0)]
    );

    let projected = |index: &str| {
        c.search_vectors()
            .table_name("vec_f")
            .index_name(index)
            .set_search_vector(Some(vec![n(1), n(0)]))
            .top_k(1)
            .projection_expression("pk, embedding")
            .send()
    };
    let keys = projected("keys").await.unwrap();
    assert_eq!(keys.search_results()[0].item().unwrap(), &item(&[("pk", s("big"))]));
    let all = projected("cosine").await.unwrap();
    assert_eq!(
        all.search_results()[0].item().unwrap(),
        &item(&[
            ("pk", s("big")),
            ("embedding", AttributeValue::L(vec![n("1.0E-23"), n("0.0")]))
        ])
    );
}

#[tokio::test]
async fn capacity_reports_vector_bytes_only_where_dynamodb_does() {
    let (_emu, c) = emulator().await;
    table(
        &c,
        "vec_c",
        vec![vector_index("vix", 3, VectorDistanceFunction::Cosine, &[])],
    )
    .await;
    let searched = |detail: ReturnConsumedCapacity| {
        c.search_vectors()
            .table_name("vec_c")
            .index_name("vix")
            .search_vector(n(1))
            .search_vector(n(0))
            .search_vector(n(0))
            .top_k(1)
            .return_consumed_capacity(detail)
            .send()
    };
    for detail in [ReturnConsumedCapacity::Total, ReturnConsumedCapacity::Indexes] {
        let cc = searched(detail).await.unwrap().consumed_capacity().cloned().unwrap();
        assert_eq!(
            (cc.vector_search_request_bytes(), cc.vector_write_request_bytes()),
            (Some(1024.0), None)
        );
    }
    assert!(searched(ReturnConsumedCapacity::None)
        .await
        .unwrap()
        .consumed_capacity()
        .is_none());

    let write = |pk: &str, v: Option<&[f64]>, detail: ReturnConsumedCapacity| {
        let mut pairs = vec![("pk", s(pk))];
        pairs.extend(v.map(|v| ("embedding", vec_of(v))));
        c.put_item()
            .table_name("vec_c")
            .set_item(Some(item(&pairs)))
            .return_consumed_capacity(detail)
            .send()
    };
    let vector_bytes = |cc: &aws_sdk_dynamodb::types::ConsumedCapacity| -> Option<HashMap<String, Option<f64>>> {
        cc.vector_indexes().map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.vector_write_request_bytes()))
                .collect()
        })
    };
    let fresh = write("a", Some(&[0.5, 0.5, 0.0]), ReturnConsumedCapacity::Indexes)
        .await
        .unwrap();
    let cc = fresh.consumed_capacity().unwrap();
    assert_eq!(
        (cc.capacity_units(), vector_bytes(cc)),
        (Some(1.0), Some(HashMap::from([("vix".to_string(), Some(1024.0))])))
    );
    let same = write("a", Some(&[0.5, 0.5, 0.0]), ReturnConsumedCapacity::Indexes)
        .await
        .unwrap();
    assert_eq!(
        vector_bytes(same.consumed_capacity().unwrap()),
        None,
        "an identical vector writes nothing to the index"
    );
    let total = write("b", Some(&[0.0, 0.0, 1.0]), ReturnConsumedCapacity::Total)
        .await
        .unwrap();
    assert_eq!(vector_bytes(total.consumed_capacity().unwrap()), None);
    let plain = write("c", None, ReturnConsumedCapacity::Indexes).await.unwrap();
    assert_eq!(vector_bytes(plain.consumed_capacity().unwrap()), None);
}

/// The October 2026 capture (eu-west-2 and us-east-1): a write bills a vector at its name and 4
/// bytes per dimension, and a vector index's VectorWriteRequestBytes is its entry's billed size,
/// at least 1,024, charged when the entry (the vector or an attribute it projects) changes.
#[tokio::test]
async fn vector_writes_are_billed_by_dimensions_and_charged_on_the_entry() {
    let (_emu, c) = emulator().await;
    let keys_only = VectorIndex::builder()
        .index_name("vkeys")
        .vector_attribute(
            VectorAttributeDefinition::builder()
                .attribute_name("embedding")
                .build()
                .unwrap(),
        )
        .dimensions(3)
        .distance_function(VectorDistanceFunction::Cosine)
        .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
        .build()
        .unwrap();
    let all = vector_index("vix", 3, VectorDistanceFunction::Cosine, &[]);
    table(&c, "vec_b", vec![all, keys_only]).await;
    let wide = "12345678901234567890123456789012345678"; // 20 bytes as a number, 4 billed
    let vector = |v: &str| AttributeValue::L(vec![n(v), n(v), n(v)]);
    let put = |pairs: Vec<(&'static str, AttributeValue)>, detail: ReturnConsumedCapacity| {
        c.put_item()
            .table_name("vec_b")
            .set_item(Some(item(&pairs)))
            .return_consumed_capacity(detail)
            .send()
    };
    let charged = |out: aws_sdk_dynamodb::operation::put_item::PutItemOutput| {
        let cc = out.consumed_capacity().unwrap().clone();
        let mut bytes: Vec<(String, f64)> = (cc.vector_indexes().into_iter().flatten())
            .map(|(k, v)| (k.clone(), v.vector_write_request_bytes().unwrap()))
            .collect();
        bytes.sort_by(|a, b| a.0.cmp(&b.0));
        (cc.capacity_units().unwrap(), bytes)
    };
    let blob = || s(&"x".repeat(1500));

    // pk 2+2, embedding 9+12, blob 4+1,500: 1,529 in the ALL index, 1,024 (the floor) in KEYS_ONLY.
    let first = put(
        vec![("pk", s("p1")), ("embedding", vector(wide)), ("blob", blob())],
        ReturnConsumedCapacity::Indexes,
    );
    let both = vec![("vix".to_string(), 1529.0), ("vkeys".to_string(), 1024.0)];
    assert_eq!(charged(first.await.unwrap()), (2.0, both));
    // A note only the ALL index projects: only its entry changed (1,529 + 4 + 6).
    let noted = vec![
        ("pk", s("p1")),
        ("embedding", vector(wide)),
        ("blob", blob()),
        ("note", s("after!")),
    ];
    let again = put(noted.clone(), ReturnConsumedCapacity::Indexes).await.unwrap();
    assert_eq!(charged(again), (2.0, vec![("vix".to_string(), 1539.0)]));
    let same = put(noted, ReturnConsumedCapacity::Indexes).await.unwrap();
    assert_eq!(charged(same), (2.0, vec![]), "an unchanged entry is not written");
    // An entry that shrinks is charged its larger size, as a global index is (AWS, August 2026).
    let shrunk = put(
        vec![("pk", s("p1")), ("embedding", vector(wide))],
        ReturnConsumedCapacity::Indexes,
    );
    assert_eq!(charged(shrunk.await.unwrap()), (2.0, vec![("vix".to_string(), 1539.0)]));

    // Billed, 1,024 bytes are one unit and 1,025 two, though 54 more bytes are stored.
    let billed = |pk: &'static str, size: usize| {
        vec![
            ("pk", s(pk)),
            ("embedding", vector(wide)),
            ("pad", s(&"y".repeat(size - 28))),
        ]
    };
    for (pk, size, units) in [("a3", 1024, 1.0), ("b3", 1025, 2.0)] {
        let out = put(billed(pk, size), ReturnConsumedCapacity::Total).await.unwrap();
        assert_eq!(
            out.consumed_capacity().unwrap().capacity_units(),
            Some(units),
            "{size} billed bytes"
        );
        let deleted = c
            .delete_item()
            .table_name("vec_b")
            .key("pk", s(pk))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.consumed_capacity().unwrap().capacity_units(), Some(units));
    }
}

/// SearchVectors' body is deserialized strictly before any member is checked or any table looked
/// up (the conformance suite's October 2026 capture): a null member is a SerializationException
/// and a missing one a ValidationException, in the deserializer's words with the position.
#[tokio::test]
async fn search_vectors_bodies_are_read_strictly_first() {
    let (_emu, c) = emulator().await;
    let send = |body: &'static str| {
        c.search_vectors()
            .table_name("absent")
            .index_name("vix")
            .search_vector(n(1))
            .top_k(1)
            .customize()
            .mutate_request(move |req| {
                *req.body_mut() = body.into();
                req.headers_mut().insert("content-length", body.len().to_string());
            })
            .send()
    };
    let cases = [
        (
            r#"{"TableName":"absent","IndexName":null,"SearchVector":[{"N":"1"}],"TopK":1}"#,
            "SerializationException",
            "invalid type: null, expected a string at line 1 column 38",
        ),
        (
            r#"{"TableName":"absent","IndexName":"vix","SearchVector":null,"TopK":1}"#,
            "SerializationException",
            "invalid type: null, expected a sequence at line 1 column 59",
        ),
        (
            r#"{"TableName":"absent","IndexName":"vix","SearchVector":[{"N":"1"}],"TopK":null}"#,
            "SerializationException",
            "invalid type: null, expected i32 at line 1 column 78",
        ),
        // Missing, and beside an IndexName too short for its constraint: the missing member only.
        (
            r#"{"IndexName":"ab","SearchVector":[{"N":"1"}],"TopK":1}"#,
            "ValidationException",
            "missing field `TableName` at line 1 column 54",
        ),
    ];
    for (body, kind, message) in cases {
        let e = send(body).await.unwrap_err();
        assert_eq!(error(e), (kind.to_string(), message.to_string()), "{body}");
    }
}

const DELAY: Duration = Duration::from_secs(10);

/// The table's status, and the index's status and Backfilling member.
async fn phase(c: &Client, name: &str) -> (Option<TableStatus>, Option<(Option<IndexStatus>, Option<bool>)>) {
    let t = c.describe_table().table_name(name).send().await.unwrap().table.unwrap();
    let ix = t
        .vector_indexes()
        .iter()
        .find(|v| v.index_name() == Some("vix"))
        .map(|v| (v.index_status().cloned(), v.backfilling()));
    (t.table_status, ix)
}

#[tokio::test]
async fn an_index_added_by_update_table_allocates_then_backfills_then_answers() {
    let (emu, c) = with_transient_delay(DELAY).await;
    table(&c, "vec_u", vec![]).await;
    emu.advance(DELAY);
    for i in 0..5 {
        put(
            &c,
            "vec_u",
            &[
                ("pk", s(&format!("item-{i}"))),
                ("embedding", vec_of(&[f64::from(i), 1.0, 0.0])),
            ],
        )
        .await;
    }
    let create = |name: &str| {
        c.update_table()
            .table_name("vec_u")
            .vector_index_updates(create_update(name))
    };
    let delete = || {
        let action = DeleteVectorIndexAction::builder().index_name("vix").build().unwrap();
        c.update_table()
            .table_name("vec_u")
            .vector_index_updates(VectorIndexUpdate::builder().delete(action).build())
    };
    let searched = || {
        c.search_vectors()
            .table_name("vec_u")
            .index_name("vix")
            .search_vector(n(1))
            .search_vector(n(1))
            .search_vector(n(0))
            .top_k(5)
            .send()
    };
    let answer = create("vix").send().await.unwrap();
    assert_eq!(
        answer.table_description().unwrap().table_status(),
        Some(&TableStatus::Updating)
    );

    // Allocating: the table UPDATING, the index CREATING without a backfill; not searchable,
    // not cancellable, and no second index.
    assert_eq!(
        phase(&c, "vec_u").await,
        (
            Some(TableStatus::Updating),
            Some((Some(IndexStatus::Creating), Some(false)))
        )
    );
    assert_eq!(
        error(searched().await.unwrap_err()),
        validation("The table does not have the specified index: vix")
    );
    assert_eq!(
        error(delete().send().await.unwrap_err()),
        ("ResourceInUseException".into(), "Attempt to change a resource which is still in use: Index creation is in resource allocation phase. Retry deletion during backfilling phase or when the index is active. Table: vec_u Index: vix".into())
    );
    let limit = (
        "LimitExceededException".to_string(),
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table".to_string(),
    );
    assert_eq!(error(create("vix2").send().await.unwrap_err()), limit);

    // Backfilling: the table ACTIVE again, the index still CREATING; the table cannot be deleted.
    emu.advance(DELAY / 2);
    assert_eq!(
        phase(&c, "vec_u").await,
        (
            Some(TableStatus::Active),
            Some((Some(IndexStatus::Creating), Some(true)))
        )
    );
    assert_eq!(
        error(searched().await.unwrap_err()),
        validation("Cannot search backfilling vector index: vix")
    );
    assert_eq!(
        error(c.delete_table().table_name("vec_u").send().await.unwrap_err()),
        ("ResourceInUseException".into(), "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.".into())
    );

    // Done: ACTIVE without a Backfilling member, every item searchable; then deleted.
    emu.advance(DELAY / 2);
    assert_eq!(
        phase(&c, "vec_u").await,
        (Some(TableStatus::Active), Some((Some(IndexStatus::Active), None)))
    );
    assert_eq!(searched().await.unwrap().search_results().len(), 5);
    delete().send().await.unwrap();
    emu.advance(DELAY);
    assert_eq!(phase(&c, "vec_u").await, (Some(TableStatus::Active), None));
}
