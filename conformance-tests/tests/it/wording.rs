//! DynamoDB's two wordings of a ValidationException: its newer validator counts errors
//! ("1 validation error detected: …") for PutItem, UpdateItem and DeleteItem request checks and
//! Query's Select checks; every other operation, and every check against the table, keeps the
//! older wording. Texts as AWS answered them in August 2026 (moto's AWS-verified tests).

use aws_sdk_dynamodb::types::{AttributeValue as V, ConditionCheck, Get, Select, TransactGetItem, TransactWriteItem};

use crate::support::{create_table, emulator, error, s, validation};

const COUNTED: &str = "1 validation error detected: ";
const UNUSED_NAME: &str = "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}";
const EMPTY_SET: &str = "One or more parameter values were invalid: An string set  may not be empty";

#[tokio::test]
async fn request_checks_are_counted_on_single_item_writes_only() {
    let (_emu, c) = emulator().await;
    create_table(&c, "words", None).await;
    let counted = |m: &str| validation(&format!("{COUNTED}{m}"));
    let cases = [
        (
            error(
                c.put_item()
                    .table_name("words")
                    .item("pk", s("k"))
                    .condition_expression("attribute_exists(a)")
                    .expression_attribute_names("#unused", "u")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted(UNUSED_NAME),
        ),
        (
            error(
                c.delete_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .condition_expression("attribute_exists(a)")
                    .expression_attribute_names("#unused", "u")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted(UNUSED_NAME),
        ),
        // DeleteItem's ReturnValues, as AWS answered it in October 2026 (the conformance suite's
        // error-messages/deleteItem.test.ts, eu-west-2 and us-east-1).
        (
            error(
                c.delete_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted("ReturnValues can only be ALL_OLD or NONE"),
        ),
        (
            error(
                c.update_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .update_expression("")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted("Invalid UpdateExpression: The expression can not be empty;"),
        ),
        (
            error(
                c.update_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .update_expression("ADD ss :e")
                    .expression_attribute_values(":e", V::Ss(vec![]))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted(EMPTY_SET),
        ),
        (
            error(
                c.update_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .update_expression("SET a = :a SET b = :a")
                    .expression_attribute_values(":a", s("v"))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            counted("Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"),
        ),
        (
            error(
                c.get_item()
                    .table_name("words")
                    .key("pk", s("k"))
                    .projection_expression("a")
                    .expression_attribute_names("#unused", "u")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation(UNUSED_NAME),
        ),
        (
            error(
                c.scan()
                    .table_name("words")
                    .projection_expression("a")
                    .expression_attribute_names("#unused", "u")
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation(UNUSED_NAME),
        ),
        (
            error(
                c.query()
                    .table_name("words")
                    .key_condition_expression("pk = :v")
                    .expression_attribute_values(":v", V::Ss(vec![]))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation(&format!(
                "ExpressionAttributeValues contains invalid value: {EMPTY_SET} for key :v"
            )),
        ),
        (
            error(
                c.transact_write_items()
                    .transact_items(
                        TransactWriteItem::builder()
                            .condition_check(
                                ConditionCheck::builder()
                                    .table_name("words")
                                    .key("pk", s("k"))
                                    .condition_expression("attribute_exists(a)")
                                    .expression_attribute_names("#unused", "u")
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation(UNUSED_NAME),
        ),
        // A check against the table keeps the older wording on UpdateItem too.
        (
            error(
                c.update_item()
                    .table_name("words")
                    .key("nope", s("k"))
                    .update_expression("SET a = :a")
                    .expression_attribute_values(":a", s("v"))
                    .send()
                    .await
                    .unwrap_err(),
            ),
            validation("The provided key element does not match the schema"),
        ),
    ];
    for (i, (got, want)) in cases.into_iter().enumerate() {
        assert_eq!(got, want, "case {i}");
    }
}

#[tokio::test]
async fn select_checks_are_counted_on_query_not_scan() {
    let (_emu, c) = emulator().await;
    create_table(&c, "sel", None).await;
    let query = || {
        c.query()
            .table_name("sel")
            .key_condition_expression("pk = :v")
            .expression_attribute_values(":v", s("k"))
    };
    let cases = [
        (
            error(query().select(Select::Count).projection_expression("pk").send().await.unwrap_err()),
            format!("{COUNTED}Cannot specify the ProjectionExpression when choosing to get only the Count"),
        ),
        (
            error(c.scan().table_name("sel").select(Select::Count).projection_expression("pk").send().await.unwrap_err()),
            "Cannot specify the ProjectionExpression when choosing to get only the Count".into(),
        ),
        (
            error(c.scan().table_name("sel").select(Select::AllAttributes).attributes_to_get("pk").send().await.unwrap_err()),
            "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES".into(),
        ),
        (
            error(query().select(Select::AllProjectedAttributes).send().await.unwrap_err()),
            format!("{COUNTED}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
        ),
        (
            error(query().select(Select::SpecificAttributes).send().await.unwrap_err()),
            format!("{COUNTED}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
        ),
        (
            error(c.scan().table_name("sel").select(Select::AllProjectedAttributes).send().await.unwrap_err()),
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName".into(),
        ),
    ];
    for (i, (got, want)) in cases.into_iter().enumerate() {
        assert_eq!(got, validation(&want), "case {i}");
    }
}

/// Enum value sets list their values in DynamoDB's order (dynalite's tests, run against AWS, and
/// a public conformance suite pinned against AWS in October 2026), not the API reference's.
#[tokio::test]
async fn enum_value_sets_are_listed_in_dynamodb_order() {
    use aws_sdk_dynamodb::types::{ConditionalOperator, ReturnValue};
    let (_emu, c) = emulator().await;
    let e = c
        .update_item()
        .table_name("absent")
        .key("pk", s("a"))
        .return_values(ReturnValue::from("BOGUS"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value 'BOGUS' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    );
    let e = c
        .scan()
        .table_name("absent")
        .conditional_operator(ConditionalOperator::from("XOR"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]")
    );
}

/// Violations are listed in DynamoDB's member order, not the request's or the API reference's
/// (nubo-db's conformance suite, captured against AWS in eu-west-2 and us-east-1, October 2026):
/// UpdateItem's ReturnConsumedCapacity, table name, ReturnValues and ConditionalOperator come
/// before its missing Key; CreateTable's global indexes before its local ones.
#[tokio::test]
async fn violations_are_listed_in_dynamodb_member_order() {
    use aws_sdk_dynamodb::types::{
        GlobalSecondaryIndex, KeySchemaElement, KeyType, LocalSecondaryIndex, Projection, ProjectionType,
        ScalarAttributeType,
    };
    let (emu, c) = emulator().await;
    // No Key and an empty table name: the SDK insists on both, so ask the engine directly.
    let message = |operation: &str, body: serde_json::Value| {
        let res = emu
            .engine()
            .handle(&dynamodb_emulator::testing::request(operation, &body));
        let answer: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        answer["message"].as_str().unwrap_or_default().to_string()
    };
    let update_item = |body| message("UpdateItem", body);
    // TransactWriteItems reports its ClientRequestToken ahead of ReturnConsumedCapacity (the
    // conformance suite's validation-ordering/transactions.test.ts, AWS, October 2026).
    let token = "x".repeat(37);
    let transaction = serde_json::json!({
        "TransactItems": [{"Put": {"TableName": "absent", "Item": {"pk": {"S": "a"}}}}],
        "ReturnConsumedCapacity": "BOGUS",
        "ClientRequestToken": token
    });
    assert_eq!(
        message("TransactWriteItems", transaction),
        format!(
            "2 validation errors detected: \
             Value '{token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36; \
             Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
        )
    );
    let no_key = "Value null at 'key' failed to satisfy constraint: Member must not be null";
    let body = serde_json::json!({
        "TableName": "",
        "UpdateExpression": "SET a = :a",
        "ExpressionAttributeValues": {":a": {"S": "x"}},
        "ReturnConsumedCapacity": "INVALID",
        "ReturnValues": "INVALID"
    });
    assert_eq!(
        update_item(body),
        format!(
            "4 validation errors detected: \
             Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; \
             Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1; \
             Value 'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; \
             {no_key}"
        )
    );
    let xor = serde_json::json!({
        "TableName": "absent",
        "AttributeUpdates": {"x": {"Action": "PUT", "Value": {"S": "1"}}},
        "Expected": {"a": {"Exists": false}, "b": {"Exists": false}},
        "ConditionalOperator": "XOR"
    });
    assert_eq!(
        update_item(xor),
        format!(
            "2 validation errors detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]; {no_key}"
        )
    );

    let key = |name: &str, ty| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(ty)
            .build()
            .unwrap()
    };
    let all = || Projection::builder().projection_type(ProjectionType::All).build();
    let lsi = LocalSecondaryIndex::builder()
        .index_name("aa")
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("lr", KeyType::Range))
        .projection(all())
        .build()
        .unwrap();
    let gsi = GlobalSecondaryIndex::builder()
        .index_name("zz")
        .key_schema(key("gh", KeyType::Hash))
        .projection(all())
        .build()
        .unwrap();
    let e = c
        .create_table()
        .table_name("index_names")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(crate::support::attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(crate::support::attr_def("sk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .local_secondary_indexes(lsi)
        .global_secondary_indexes(gsi)
        .send()
        .await
        .unwrap_err();
    let short = |name: &str, member: &str| {
        format!("Value '{name}' at '{member}.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3")
    };
    assert_eq!(
        error(e),
        validation(&format!(
            "2 validation errors detected: {}; {}",
            short("zz", "globalSecondaryIndexes"),
            short("aa", "localSecondaryIndexes")
        ))
    );
}

/// Two violations DynamoDB reports alone (nubo-db's conformance suite, captured against AWS in
/// eu-west-2 and us-east-1, October 2026): BatchWriteItem's malformed table name gives way to an
/// unknown enum (BatchGetItem lists both), and Query refuses an unknown ConditionalOperator before
/// its other members, in the newer framework's bare words.
#[tokio::test]
async fn some_violations_are_reported_alone() {
    use aws_sdk_dynamodb::types::{
        ComparisonOperator, Condition, ConditionalOperator, KeysAndAttributes, PutRequest, ReturnConsumedCapacity,
        WriteRequest,
    };
    let (_emu, c) = emulator().await;
    let rcc = "Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]";
    let put = PutRequest::builder().item("pk", s("a")).build().unwrap();
    let e = c
        .batch_write_item()
        .request_items("bad!name", vec![WriteRequest::builder().put_request(put).build()])
        .return_consumed_capacity(ReturnConsumedCapacity::from("BOGUS"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation(&format!("1 validation error detected: {rcc}")));
    let keys = KeysAndAttributes::builder()
        .keys(std::collections::HashMap::from([("pk".to_string(), s("a"))]))
        .build()
        .unwrap();
    let e = c
        .batch_get_item()
        .request_items("bad!name", keys)
        .return_consumed_capacity(ReturnConsumedCapacity::from("BOGUS"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!(
            "2 validation errors detected: Value '{{\"bad!name\":{{\"Keys\":[{{\"pk\":{{\"S\":\"a\"}}}}]}}}}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; {rcc}"
        ))
    );

    let null = || {
        Condition::builder()
            .comparison_operator(ComparisonOperator::Null)
            .build()
            .unwrap()
    };
    let eq = Condition::builder()
        .comparison_operator(ComparisonOperator::Eq)
        .attribute_value_list(s("a"))
        .build()
        .unwrap();
    let e = c
        .query()
        .table_name("absent")
        .key_conditions("pk", eq)
        .query_filter("b", null())
        .query_filter("c", null())
        .conditional_operator(ConditionalOperator::from("XOR"))
        .select(Select::from("BOGUS"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]")
    );
}

/// ExpressionAttributeValues without an expression to use them: the counted wording of the
/// single-item writes stops at the rule (nubo-db/dynamodb-conformance,
/// tier3/error-messages/putItem.test.ts :: PutItem - request validation envelope, verified against
/// AWS in eu-west-2 and us-east-1, October 2026); the older wording goes on to name the
/// expressions missing. Transactions take them and ignore them.
#[tokio::test]
async fn values_without_an_expression_name_what_is_missing_only_in_the_older_wording() {
    let (_emu, c) = emulator().await;
    create_table(&c, "words", None).await;
    let rule = "ExpressionAttributeValues can only be specified when using expressions";
    let counted = validation(&format!("{COUNTED}{rule}"));
    let put = c
        .put_item()
        .table_name("words")
        .item("pk", s("k"))
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(put), counted);
    let update = c
        .update_item()
        .table_name("words")
        .key("pk", s("k"))
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(update), counted);
    let delete = c
        .delete_item()
        .table_name("words")
        .key("pk", s("k"))
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(delete), counted);
    let scan = c
        .scan()
        .table_name("words")
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(scan), validation(&format!("{rule}: FilterExpression is null")));
    // A transaction's members take names and values with no expression and ignore them; with
    // an expression, an unused one is refused as anywhere (AWS, 2026: ExtendDB's dual-target
    // suite, tests/test_transact_expression_validation.py).
    let put = |pk: &str| {
        aws_sdk_dynamodb::types::Put::builder()
            .table_name("words")
            .item("pk", s(pk))
    };
    c.transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(put("j").expression_attribute_values(":v", s("x")).build().unwrap())
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .put(put("i").expression_attribute_names("#n", "foo").build().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let got = c
        .transact_get_items()
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("words")
                        .key("pk", s("j"))
                        .expression_attribute_names("#n", "foo")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(got.responses()[0].item().map(|i| i["pk"].clone()), Some(s("j")));
    let unused = c
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(
                    put("h")
                        .condition_expression("attribute_not_exists(pk)")
                        .expression_attribute_names("#n", "foo")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(unused),
        validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}")
    );
}
