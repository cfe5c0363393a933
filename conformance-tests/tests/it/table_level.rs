//! Table-level rules AWS answered in October 2026, as an ACK controller's public catalogue
//! measured them: a TableName is a name or the ARN of a table of the caller's account and region
//! (DDB-TABLE-011, -442, -448), DeleteTable's answer carries the table's encryption (-334), and
//! AttributeDefinitions and NonKeyAttributes are described sorted by name (-125).

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType, ScalarAttributeType,
    SseSpecification, SseStatus, SseType,
};

use crate::support::{attr_def, create_with_gsi, emulator, error, key, s, validation};

#[tokio::test]
async fn a_table_arn_must_be_of_this_account_region_and_a_table() {
    let (_emu, c) = emulator().await;
    create_with_gsi(&c, "users").await;
    let arn = c
        .describe_table()
        .table_name("users")
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .table_arn
        .unwrap();
    assert_eq!(arn, "arn:aws:dynamodb:us-east-1:000000000000:table/users");

    // The table's own ARN works wherever a name does, and answers with the name.
    let described = c.describe_table().table_name(&arn).send().await.unwrap();
    assert_eq!(described.table.unwrap().table_name.as_deref(), Some("users"));
    c.put_item()
        .table_name(&arn)
        .item("pk", s("k"))
        .item("g", s("x"))
        .send()
        .await
        .unwrap();
    let got = c.get_item().table_name(&arn).key("pk", s("k")).send().await.unwrap();
    assert_eq!(got.item.unwrap().get("g"), Some(&s("x")));

    let invalid =
        |what: &str, arn: &str| validation(&format!("1 validation error detected: Invalid {what} in '{arn}'"));
    let other_region = arn.replace(":us-east-1:", ":us-west-2:");
    let other_partition = arn.replace("arn:aws:", "arn:aws-cn:");
    let index = format!("{arn}/index/by_group");
    let other_account = arn.replace(":000000000000:", ":111122223333:");
    let describe = |name: String| {
        let c = c.clone();
        async move { error(c.describe_table().table_name(name).send().await.unwrap_err()) }
    };
    assert_eq!(
        describe(other_region.clone()).await,
        invalid("AWS region", &other_region)
    );
    assert_eq!(
        describe(other_partition.clone()).await,
        invalid("AWS partition", &other_partition)
    );
    assert_eq!(describe(index.clone()).await, invalid("resource type", &index));
    assert_eq!(
        describe(other_account.clone()).await,
        ("AccessDeniedException".to_string(), "Access is denied".to_string())
    );
    let missing = arn.replace("table/users", "table/nosuch");
    assert_eq!(
        describe(missing).await,
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found: Table: nosuch not found".to_string()
        )
    );

    // Another region's ARN names no table here: nothing is written or deleted through it.
    let put = c
        .put_item()
        .table_name(&other_region)
        .item("pk", s("k2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(put), invalid("AWS region", &other_region));
    let delete = c.delete_table().table_name(&other_region).send().await.unwrap_err();
    assert_eq!(error(delete), invalid("AWS region", &other_region));
    let backup = c
        .create_backup()
        .table_name(&other_account)
        .backup_name("bk1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(backup),
        ("AccessDeniedException".to_string(), "Access is denied".to_string())
    );
    let count = c.scan().table_name("users").send().await.unwrap().count;
    assert_eq!(count, 1);
}

#[tokio::test]
async fn table_level_operations_want_names_of_three_characters() {
    let (_emu, c) = emulator().await;
    let short = "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must \
                 have length greater than or equal to 3";
    let described = c.describe_table().table_name("ab").send().await.unwrap_err();
    assert_eq!(error(described), validation(short));
    let updated = c
        .update_table()
        .table_name("ab")
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(updated), validation(short));
    let deleted = c.delete_table().table_name("ab").send().await.unwrap_err();
    assert_eq!(error(deleted), validation(short));
    // The item operations take any name the ARN's shape admits, and then refuse it in words of their own.
    let got = c
        .get_item()
        .table_name("ab")
        .key("pk", s("k"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(got),
        validation("TableName must be at least 3 characters long and at most 255 characters long")
    );
}

#[tokio::test]
async fn delete_table_answers_with_the_tables_encryption() {
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("secret")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .sse_specification(SseSpecification::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let described = c
        .describe_table()
        .table_name("secret")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let key_arn = described.sse_description.unwrap().kms_master_key_arn.unwrap();
    let deleted = c.delete_table().table_name("secret").send().await.unwrap();
    let sse = deleted.table_description.unwrap().sse_description.unwrap();
    assert_eq!(sse.status, Some(SseStatus::Enabled));
    assert_eq!(sse.sse_type, Some(SseType::Kms));
    assert_eq!(sse.kms_master_key_arn, Some(key_arn));
}

#[tokio::test]
async fn definitions_and_projected_attributes_are_described_by_name() {
    let (_emu, c) = emulator().await;
    let index = |name: &str, hash: &str, range: &str, projected: &[&str]| {
        let mut projection = Projection::builder().projection_type(ProjectionType::Include);
        for a in projected {
            projection = projection.non_key_attributes(*a);
        }
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(hash, KeyType::Hash))
            .key_schema(key(range, KeyType::Range))
            .projection(projection.build())
            .build()
            .unwrap()
    };
    let created = c
        .create_table()
        .table_name("sorted")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("z", ScalarAttributeType::S))
        .attribute_definitions(attr_def("a", ScalarAttributeType::N))
        .attribute_definitions(attr_def("m", ScalarAttributeType::S))
        .attribute_definitions(attr_def("sk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(index("g-z", "z", "a", &["zz", "aa", "mm"]))
        .global_secondary_indexes(index("g-a", "m", "z", &["b"]))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let described = c
        .describe_table()
        .table_name("sorted")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    for table in [created, described] {
        let names: Vec<&str> = table
            .attribute_definitions()
            .iter()
            .map(AttributeDefinition::attribute_name)
            .collect();
        assert_eq!(names, ["a", "m", "pk", "sk", "z"]);
        let indexes = table.global_secondary_indexes();
        let index_names: Vec<_> = indexes.iter().map(|i| i.index_name().unwrap()).collect();
        assert_eq!(index_names, ["g-z", "g-a"]);
        assert_eq!(
            indexes[0].projection().unwrap().non_key_attributes(),
            ["aa", "mm", "zz"]
        );
    }
}
