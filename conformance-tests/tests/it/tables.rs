//! CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable.

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    BillingMode, CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, KeyType, LocalSecondaryIndex, Projection, ProjectionType, ProvisionedThroughput,
    ScalarAttributeType as T, TableStatus,
};

use crate::support::{attr_def, create_table, emulator, error, key, s, validation};

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
async fn delete_table_describes_the_table_briefly() {
    let (_emu, c) = emulator().await;
    let projection = Projection::builder().projection_type(ProjectionType::All).build();
    c.create_table()
        .table_name("brief")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::S))
        .attribute_definitions(attr_def("g", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_g")
                .key_schema(key("g", KeyType::Hash))
                .projection(projection.clone())
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("by_pk_g")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("g", KeyType::Range))
                .projection(projection)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.put_item()
        .table_name("brief")
        .item("pk", s("a"))
        .item("sk", s("b"))
        .send()
        .await
        .unwrap();
    let table_id = c
        .describe_table()
        .table_name("brief")
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .table_id;

    let d = c
        .delete_table()
        .table_name("brief")
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.table_name.as_deref(), Some("brief"));
    assert_eq!(d.table_status, Some(TableStatus::Deleting));
    assert_eq!(d.table_id, table_id);
    assert_eq!(
        d.table_arn.as_deref(),
        Some("arn:aws:dynamodb:us-east-1:000000000000:table/brief")
    );
    assert_eq!((d.item_count, d.table_size_bytes), (Some(1), Some(6)));
    assert_eq!(
        d.billing_mode_summary.unwrap().billing_mode,
        Some(BillingMode::PayPerRequest)
    );
    let t = d.provisioned_throughput.unwrap();
    assert_eq!(
        (
            t.number_of_decreases_today,
            t.read_capacity_units,
            t.write_capacity_units
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(d.creation_date_time, None);
    assert_eq!(d.key_schema, None);
    assert_eq!(d.attribute_definitions, None);
    assert_eq!(d.global_secondary_indexes, None);
    assert_eq!(d.local_secondary_indexes, None);
}

#[tokio::test]
async fn continuous_backups_and_point_in_time_recovery() {
    use aws_sdk_dynamodb::types::{
        ContinuousBackupsStatus, PointInTimeRecoverySpecification, PointInTimeRecoveryStatus,
    };
    use std::time::{Duration, UNIX_EPOCH};

    const T0: i64 = 1_700_000_000;
    let emu = dynamodb_emulator::Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0 as u64))
        .start()
        .await
        .unwrap();
    let c = emu.client();
    create_table(&c, "backed", None).await;
    let spec = |enabled: bool, days: Option<i32>| {
        PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .set_recovery_period_in_days(days)
            .build()
            .unwrap()
    };
    // (continuous backups, recovery status, days, earliest, latest restorable second)
    type Seen = (
        Option<ContinuousBackupsStatus>,
        Option<PointInTimeRecoveryStatus>,
        Option<i32>,
        Option<i64>,
        Option<i64>,
    );
    let seen = |d: aws_sdk_dynamodb::types::ContinuousBackupsDescription| -> Seen {
        let p = d.point_in_time_recovery_description.unwrap();
        (
            Some(d.continuous_backups_status),
            p.point_in_time_recovery_status,
            p.recovery_period_in_days,
            p.earliest_restorable_date_time.map(|t| t.secs()),
            p.latest_restorable_date_time.map(|t| t.secs()),
        )
    };
    let describe = |name: &'static str| c.describe_continuous_backups().table_name(name).send();
    let update = |enabled: bool, days: Option<i32>| {
        c.update_continuous_backups()
            .table_name("backed")
            .point_in_time_recovery_specification(spec(enabled, days))
            .send()
    };
    let off: Seen = (
        Some(ContinuousBackupsStatus::Enabled),
        Some(PointInTimeRecoveryStatus::Disabled),
        None,
        None,
        None,
    );
    let d = describe("backed")
        .await
        .unwrap()
        .continuous_backups_description
        .unwrap();
    assert_eq!(seen(d), off);

    let on = |days, latest| {
        (
            Some(ContinuousBackupsStatus::Enabled),
            Some(PointInTimeRecoveryStatus::Enabled),
            Some(days),
            Some(T0),
            Some(latest),
        )
    };
    let d = update(true, None)
        .await
        .unwrap()
        .continuous_backups_description
        .unwrap();
    assert_eq!(seen(d), on(35, T0));
    // Enabling again keeps the start; restores reach to about five minutes ago.
    emu.advance(Duration::from_secs(600));
    let d = update(true, Some(10))
        .await
        .unwrap()
        .continuous_backups_description
        .unwrap();
    assert_eq!(seen(d), on(10, T0 + 300));
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/backed";
    let d = describe(arn).await.unwrap().continuous_backups_description.unwrap();
    assert_eq!(seen(d), on(10, T0 + 300));

    let d = update(false, None)
        .await
        .unwrap()
        .continuous_backups_description
        .unwrap();
    assert_eq!(seen(d), off);

    let missing = (
        "TableNotFoundException".to_string(),
        "Table not found: nope".to_string(),
    );
    assert_eq!(error(describe("nope").await.unwrap_err()), missing);
    let e = c
        .update_continuous_backups()
        .table_name("nope")
        .point_in_time_recovery_specification(spec(true, None))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), missing);
    // A period names how far back an enabled recovery reaches: not for turning it off.
    assert_eq!(
        error(update(false, Some(7)).await.unwrap_err()),
        validation("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.")
    );
    assert_eq!(
        error(update(true, Some(0)).await.unwrap_err()),
        validation("1 validation error detected: Value '0' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 1")
    );

    // No TableName: the SDK insists on one, so ask the engine directly.
    let req = dynamodb_emulator::testing::request("DescribeContinuousBackups", &serde_json::json!({}));
    let res = emu.engine().handle(&req);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(res.body()).unwrap(),
        serde_json::json!({
            "__type": "com.amazon.coral.validate#ValidationException",
            "message": "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        })
    );
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
    assert_eq!(error(err), validation("Attribute Name is duplicated: pk"));
}

/// With an index in the request, unused definitions are named: the definitions as sent, the keys
/// in schema order (table, then index). Without one the count text stays (create_table_errors_*).
#[tokio::test]
async fn unused_definitions_beside_an_index_are_named() {
    let (_emu, c) = emulator().await;
    let err = c
        .create_table()
        .table_name("unused-with-gsi")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("sales", T::N))
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("g", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byG")
                .key_schema(key("g", KeyType::Hash))
                .key_schema(key("pk", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation("One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [sales, pk, g], keys used: [pk, g]")
    );
}

#[tokio::test]
async fn a_projected_attribute_named_twice_is_refused() {
    let (_emu, c) = emulator().await;
    let err = c
        .create_table()
        .table_name("twice")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("g", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byG")
                .key_schema(key("g", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("a")
                        .non_key_attributes("b")
                        .non_key_attributes("a")
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation("One or more parameter values were invalid: Duplicate attribute in NonKeyAttributes: a")
    );
    let tables = c.list_tables().send().await.unwrap();
    assert!(tables.table_names().is_empty());
}

/// A GSI creation action on `tbl`: index `name` hashed on `attr`, projecting everything.
pub(crate) fn create_gsi(name: &str, attr: &str) -> GlobalSecondaryIndexUpdate {
    GlobalSecondaryIndexUpdate::builder()
        .create(
            CreateGlobalSecondaryIndexAction::builder()
                .index_name(name)
                .key_schema(key(attr, KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .build()
}

pub(crate) fn delete_gsi(name: &str) -> GlobalSecondaryIndexUpdate {
    GlobalSecondaryIndexUpdate::builder()
        .delete(
            DeleteGlobalSecondaryIndexAction::builder()
                .index_name(name)
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn update_table_index_actions_are_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", Some(T::N)).await;
    let update = |defs: &[(&str, T)], updates: Vec<GlobalSecondaryIndexUpdate>| {
        c.update_table()
            .table_name("tbl")
            .set_attribute_definitions(Some(defs.iter().map(|(n, t)| attr_def(n, t.clone())).collect()))
            .set_global_secondary_index_updates(Some(updates))
            .send()
    };
    let outcome = |r: Result<_, _>| error(r.unwrap_err());

    // The table types sk as N; a new index may not retype it.
    assert_eq!(
        outcome(update(&[("sk", T::S)], vec![create_gsi("bySk", "sk")]).await),
        validation(
            "One or more parameter values were invalid: Attributes cannot be redefined. Please check that your \
             attribute has the same type as previously defined. Existing schema: Schema:[SchemaElement: \
             key{pk:S:HASH}, SchemaElement: key{sk:N:RANGE}] New schema: Schema:[SchemaElement: key{sk:S:HASH}]"
        )
    );
    // Known to the table, but the request must still define it.
    assert_eq!(
        outcome(update(&[], vec![create_gsi("bySk", "sk")]).await),
        validation(
            "One or more parameter values were invalid: Some index key attributes are not defined in \
             AttributeDefinitions. Keys: [sk], AttributeDefinitions: []"
        )
    );
    assert_eq!(
        outcome(update(&[], vec![GlobalSecondaryIndexUpdate::builder().build()]).await),
        validation(
            "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, \
             GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"
        )
    );
    let both = GlobalSecondaryIndexUpdate::builder()
        .set_create(create_gsi("byA", "a").create)
        .set_delete(delete_gsi("byB").delete)
        .build();
    assert_eq!(
        outcome(update(&[("a", T::S)], vec![both]).await),
        validation(
            "One or more parameter values were invalid: Only one global secondary index action is allowed per \
             GlobalSecondaryIndexUpdate object"
        )
    );
    let limit = (
        "LimitExceededException".to_string(),
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table".to_string(),
    );
    let two = vec![create_gsi("byA", "a"), create_gsi("byB", "b")];
    assert_eq!(outcome(update(&[("a", T::S), ("b", T::S)], two).await), limit);
    assert_eq!(
        outcome(update(&[], vec![delete_gsi("byA"), delete_gsi("byB")]).await),
        limit
    );
    assert_eq!(
        outcome(update(&[], vec![]).await),
        validation(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, \
             SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, \
             DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
        )
    );
    let table = c
        .describe_table()
        .table_name("tbl")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert!(table.global_secondary_indexes.is_none());

    // The same type, defined again in the request, is fine.
    update(&[("sk", T::N)], vec![create_gsi("bySk", "sk")]).await.unwrap();
}

/// UpdateTable's AttributeDefinitions have CreateTable's shape: a name over 255 bytes fails it
/// even when no index key names it (ScyllaDB's Alternator tests, run against AWS).
#[tokio::test]
async fn update_table_attribute_definitions_are_shape_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let long = "x".repeat(256);
    let err = c
        .update_table()
        .table_name("tbl")
        .attribute_definitions(attr_def(&long, T::S))
        .global_secondary_index_updates(create_gsi("hello", "short"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation(&format!(
            "1 validation error detected: Value '{long}' at 'attributeDefinitions.1.member.attributeName' failed to \
             satisfy constraint: Member must have length less than or equal to 255"
        ))
    );
}

#[tokio::test]
async fn a_new_index_leaves_out_items_whose_key_it_could_not_hold() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    for (pk, x) in [
        ("1", "ok".to_string()),
        ("2", String::new()),
        ("3", "p".repeat(2049)),
        ("4", "q".repeat(2048)),
    ] {
        c.put_item()
            .table_name("tbl")
            .item("pk", s(pk))
            .item("x", s(&x))
            .send()
            .await
            .unwrap();
    }
    c.update_table()
        .table_name("tbl")
        .attribute_definitions(attr_def("x", T::S))
        .global_secondary_index_updates(create_gsi("byX", "x"))
        .send()
        .await
        .unwrap();
    let scan = c.scan().table_name("tbl").index_name("byX").send().await.unwrap();
    let mut keys: Vec<&str> = scan.items().iter().map(|i| i["pk"].as_s().unwrap().as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["1", "4"]);
}
