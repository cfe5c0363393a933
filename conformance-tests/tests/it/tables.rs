//! CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable.

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    BillingMode, GlobalSecondaryIndex, KeyType, LocalSecondaryIndex, Projection, ProjectionType, ProvisionedThroughput,
    ScalarAttributeType as T, TableStatus,
};

use crate::support::{attr_def, create_table, emulator, error, key, validation};

fn throughput(r: i64, w: i64) -> ProvisionedThroughput {
    ProvisionedThroughput::builder()
        .read_capacity_units(r)
        .write_capacity_units(w)
        .build()
        .unwrap()
}

#[tokio::test]
async fn create_describe_list_delete() {
    let (_emu, c) = emulator().await;
    let created = c
        .create_table()
        .table_name("users")
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::N))
        .attribute_definitions(attr_def("g", T::S))
        .attribute_definitions(attr_def("l", T::B))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .provisioned_throughput(throughput(5, 7))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byG")
                .key_schema(key("g", KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .provisioned_throughput(throughput(1, 1))
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("byL")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("l", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("x")
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = created.table_description.unwrap();
    assert_eq!(d.table_status, Some(TableStatus::Creating));
    assert_eq!(
        d.table_arn.as_deref(),
        Some("arn:aws:dynamodb:us-east-1:000000000000:table/users")
    );

    let t = c
        .describe_table()
        .table_name("users")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(t.table_status, Some(TableStatus::Active));
    assert_eq!(t.item_count, Some(0));
    assert_eq!(t.key_schema().len(), 2);
    let pt = t.provisioned_throughput.as_ref().unwrap();
    assert_eq!((pt.read_capacity_units, pt.write_capacity_units), (Some(5), Some(7)));
    let gsi = &t.global_secondary_indexes()[0];
    assert_eq!(gsi.index_name.as_deref(), Some("byG"));
    assert_eq!(gsi.index_status.as_ref().map(|s| s.as_str()), Some("ACTIVE"));
    let lsi = &t.local_secondary_indexes()[0];
    assert_eq!(lsi.projection.as_ref().unwrap().non_key_attributes(), ["x"]);

    // The SDK's waiter returns at once: tables are ACTIVE immediately.
    c.wait_until_table_exists()
        .table_name("users")
        .wait(std::time::Duration::from_secs(5))
        .await
        .unwrap();

    for name in ["b-table", "a-table", "c-table"] {
        create_table(&c, name, None).await;
    }
    let page = c.list_tables().limit(2).send().await.unwrap();
    assert_eq!(page.table_names(), ["a-table", "b-table"]);
    assert_eq!(page.last_evaluated_table_name.as_deref(), Some("b-table"));
    let rest = c
        .list_tables()
        .exclusive_start_table_name("b-table")
        .send()
        .await
        .unwrap();
    assert_eq!(rest.table_names(), ["c-table", "users"]);
    assert_eq!(rest.last_evaluated_table_name, None);

    let deleted = c.delete_table().table_name("a-table").send().await.unwrap();
    assert_eq!(
        deleted.table_description.unwrap().table_status,
        Some(TableStatus::Deleting)
    );
    let err = error(c.describe_table().table_name("a-table").send().await.unwrap_err());
    assert_eq!(
        err,
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Table: a-table not found".into()
        )
    );
    let err = error(c.delete_table().table_name("a-table").send().await.unwrap_err());
    assert_eq!(err.0, "ResourceNotFoundException");
}

#[tokio::test]
async fn create_table_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    create_table(&c, "dup", None).await;
    let again = c
        .create_table()
        .table_name("dup")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(again),
        ("ResourceInUseException".into(), "Table already exists: dup".into())
    );

    let short = c
        .create_table()
        .table_name("ab")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(short),
        validation("1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
    );

    let undefined = c
        .create_table()
        .table_name("undefined-key")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("other", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(undefined),
        validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]")
    );

    let no_throughput = c
        .create_table()
        .table_name("provisioned")
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(no_throughput),
        validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
    );

    let extra_definition = c
        .create_table()
        .table_name("extra-def")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("unused", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(extra_definition),
        validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
    );

    let lsi_without_range = c
        .create_table()
        .table_name("lsi-no-range")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("l", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("lsi")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("l", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(lsi_without_range),
        validation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
    );
}

#[tokio::test]
async fn update_table_changes_billing_and_throughput() {
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("prov")
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .provisioned_throughput(throughput(5, 5))
        .send()
        .await
        .unwrap();
    let same = c
        .update_table()
        .table_name("prov")
        .provisioned_throughput(throughput(5, 5))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(same).0, "ValidationException");
    c.update_table()
        .table_name("prov")
        .provisioned_throughput(throughput(20, 15))
        .send()
        .await
        .unwrap();
    let t = c
        .describe_table()
        .table_name("prov")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let pt = t.provisioned_throughput.unwrap();
    assert_eq!((pt.read_capacity_units, pt.write_capacity_units), (Some(20), Some(15)));

    c.update_table()
        .table_name("prov")
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let t = c
        .describe_table()
        .table_name("prov")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(
        t.billing_mode_summary.unwrap().billing_mode,
        Some(BillingMode::PayPerRequest)
    );

    let missing = c
        .update_table()
        .table_name("nope")
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(missing).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn an_attribute_defined_twice_is_named_before_the_count_mismatch() {
    let (_emu, c) = emulator().await;
    let err = c
        .create_table()
        .table_name("twice")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(err), validation("Cannot have two attributes with the same name"));
}
