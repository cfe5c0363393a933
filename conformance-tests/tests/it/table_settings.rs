//! UpdateTable's one-change-per-call rule, table classes, encryption settings and deletion
//! protection, as AWS answered them in October 2026 (FIDELITY.md, "Table settings").

use aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder;
use aws_sdk_dynamodb::types::TableDescription;
use aws_sdk_dynamodb::types::{
    BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, KeyType,
    LocalSecondaryIndex, OnDemandThroughput, Projection, ProjectionType, ProvisionedThroughput,
    ScalarAttributeType as T, SseSpecification, SseStatus, SseType, StreamSpecification, StreamViewType, TableClass,
    TableStatus, UpdateGlobalSecondaryIndexAction, WarmThroughput,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, create_table, emulator, error, key, validation};
use crate::tables::{create_gsi, delete_gsi};

fn throughput(units: i64) -> ProvisionedThroughput {
    ProvisionedThroughput::builder()
        .read_capacity_units(units)
        .write_capacity_units(units)
        .build()
        .unwrap()
}

fn stream_on() -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::KeysOnly)
        .build()
        .unwrap()
}

fn sse(enabled: Option<bool>, kind: Option<SseType>, key: Option<&str>) -> SseSpecification {
    SseSpecification::builder()
        .set_enabled(enabled)
        .set_sse_type(kind)
        .set_kms_master_key_id(key.map(str::to_owned))
        .build()
}

fn only(what: &str) -> (String, String) {
    validation(&format!(
        "One or more parameter values were invalid: {what} must be the only operation in the request"
    ))
}

fn invalid(detail: &str) -> (String, String) {
    validation(&format!("One or more parameter values were invalid: {detail}"))
}

/// The table as DescribeTable shows it now.
async fn described(c: &Client, name: &str) -> TableDescription {
    c.describe_table().table_name(name).send().await.unwrap().table.unwrap()
}

/// A provisioned table `name` (pk S, 1/1) with a GSI `byA` on `a`.
async fn provisioned(c: &Client, name: &str) {
    c.create_table()
        .table_name(name)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("a", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .provisioned_throughput(throughput(1))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byA")
                .key_schema(key("a", KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .provisioned_throughput(throughput(1))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn update_table_takes_one_kind_of_change_per_call() {
    let (_emu, c) = emulator().await;
    provisioned(&c, "tbl").await;
    let update = || c.update_table().table_name("tbl");
    let refused = |req: UpdateTableFluentBuilder| async move { error(req.send().await.unwrap_err()) };
    let create_b = || {
        c.update_table()
            .table_name("tbl")
            .attribute_definitions(attr_def("b", T::S))
            .global_secondary_index_updates(create_gsi("byB", "b"))
    };
    let warm = WarmThroughput::builder().read_units_per_second(12_000).build();
    let on_demand = OnDemandThroughput::builder().max_read_request_units(10).build();

    // Each of these goes alone; when several are asked, the first of this order is named.
    let sse_on = sse(Some(true), None, None);
    assert_eq!(
        refused(
            update()
                .sse_specification(sse_on.clone())
                .deletion_protection_enabled(true)
        )
        .await,
        only("Server-Side Encryption modification")
    );
    assert_eq!(
        refused(
            update()
                .table_class(TableClass::StandardInfrequentAccess)
                .deletion_protection_enabled(true)
        )
        .await,
        only("TableClass modification")
    );
    assert_eq!(
        refused(
            update()
                .deletion_protection_enabled(true)
                .billing_mode(BillingMode::PayPerRequest)
        )
        .await,
        only("DeletionProtection modification")
    );
    assert_eq!(
        refused(update().deletion_protection_enabled(true).warm_throughput(warm.clone())).await,
        only("DeletionProtection modification")
    );
    assert_eq!(
        refused(update().warm_throughput(warm.clone()).stream_specification(stream_on())).await,
        only("WarmThroughput")
    );
    assert_eq!(
        refused(create_b().warm_throughput(warm)).await,
        invalid("Create global secondary index cannot be specified when updating WarmThroughput")
    );
    assert_eq!(
        refused(
            update()
                .on_demand_throughput(on_demand.clone())
                .stream_specification(stream_on())
        )
        .await,
        invalid("OnDemandThroughput can only be combined with BillingMode in an UpdateTable request")
    );
    // Capacity ("IOPS"), stream and index builds exclude each other.
    assert_eq!(
        refused(
            update()
                .provisioned_throughput(throughput(2))
                .stream_specification(stream_on())
        )
        .await,
        invalid("You cannot modify stream status while updating table IOPS")
    );
    assert_eq!(
        refused(create_b().provisioned_throughput(throughput(2))).await,
        invalid("You cannot create or delete index while updating table IOPS")
    );
    assert_eq!(
        refused(create_b().stream_specification(stream_on())).await,
        invalid("You cannot create or delete index while changing stream status")
    );
    // Nothing of a refused call is applied.
    let table = described(&c, "tbl").await;
    assert_eq!(table.global_secondary_indexes().len(), 1);
    assert_eq!(
        (
            table.deletion_protection_enabled,
            table.stream_specification,
            table.table_class_summary,
            table.sse_description
        ),
        (Some(false), None, None, None)
    );

    // Capacity and index throughput combine; so do on-demand billing with a stream and with
    // OnDemandThroughput.
    let index_throughput = GlobalSecondaryIndexUpdate::builder()
        .update(
            UpdateGlobalSecondaryIndexAction::builder()
                .index_name("byA")
                .provisioned_throughput(throughput(3))
                .build()
                .unwrap(),
        )
        .build();
    update()
        .provisioned_throughput(throughput(2))
        .global_secondary_index_updates(index_throughput)
        .send()
        .await
        .unwrap();
    let table = update()
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(stream_on())
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(table.stream_specification, Some(stream_on()));
    update()
        .billing_mode(BillingMode::PayPerRequest)
        .on_demand_throughput(on_demand)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn deletion_protection_changes_at_once() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let changed = c
        .update_table()
        .table_name("tbl")
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(
        (changed.table_status, changed.deletion_protection_enabled),
        (Some(TableStatus::Active), Some(true))
    );
    let err = c.delete_table().table_name("tbl").send().await.unwrap_err();
    assert_eq!(
        error(err),
        validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
    );
}

#[tokio::test]
async fn table_classes_are_checked_and_summarised() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let invalid_class = validation(
        "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].",
    );
    let bad = c
        .update_table()
        .table_name("tbl")
        .table_class(TableClass::from("standard"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(bad), invalid_class);
    let bad = c
        .create_table()
        .table_name("other")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .table_class(TableClass::from("junk"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(bad), invalid_class);

    // STANDARD on a table that never set a class changes nothing: still no summary.
    c.update_table()
        .table_name("tbl")
        .table_class(TableClass::Standard)
        .send()
        .await
        .unwrap();
    assert_eq!(described(&c, "tbl").await.table_class_summary, None);
    // A change answers with the class as it was, and is then described with its time.
    let answer = c
        .update_table()
        .table_name("tbl")
        .table_class(TableClass::StandardInfrequentAccess)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(
        (answer.table_status, answer.table_class_summary),
        (Some(TableStatus::Updating), None)
    );
    let summary = described(&c, "tbl").await.table_class_summary.unwrap();
    assert_eq!(summary.table_class, Some(TableClass::StandardInfrequentAccess));
    assert!(summary.last_update_date_time.is_some());
}

#[tokio::test]
async fn encryption_settings_follow_dynamodb() {
    let (_emu, c) = emulator().await;
    let create = |name: &str, spec: SseSpecification| {
        c.create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk", T::S))
            .key_schema(key("pk", KeyType::Hash))
            .sse_specification(spec)
            .send()
    };
    for (spec, detail) in [
        (
            sse(Some(false), Some(SseType::Kms), None),
            "SSEType can not be specified if Enabled is false",
        ),
        (
            sse(Some(false), None, Some("k")),
            "KMSMasterKeyId can not be specified if Enabled is false",
        ),
        (
            sse(Some(true), None, Some("k")),
            "SSEType KMS is required if KMSMasterKeyId is specified",
        ),
        (
            sse(Some(true), Some(SseType::Aes256), None),
            "SSEType AES256 is not supported",
        ),
    ] {
        assert_eq!(error(create("bad", spec).await.unwrap_err()), invalid(detail));
    }
    // `{}` is the default (an AWS-owned key, not described); SSEType KMS alone turns KMS on, with
    // the account's DynamoDB-managed key unless a key is named.
    create("plain", sse(None, None, None)).await.unwrap();
    assert_eq!(described(&c, "plain").await.sse_description, None);
    create("managed", sse(None, Some(SseType::Kms), None)).await.unwrap();
    let managed = described(&c, "managed").await.sse_description.unwrap();
    assert_eq!(
        (managed.status, managed.sse_type),
        (Some(SseStatus::Enabled), Some(SseType::Kms))
    );
    let managed_arn = managed.kms_master_key_arn.unwrap();
    assert!(
        managed_arn.starts_with("arn:aws:kms:us-east-1:000000000000:key/"),
        "{managed_arn}"
    );
    create(
        "own",
        sse(
            Some(true),
            Some(SseType::Kms),
            Some("1234abcd-12ab-34cd-56ef-1234567890ab"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        described(&c, "own")
            .await
            .sse_description
            .unwrap()
            .kms_master_key_arn
            .as_deref(),
        Some("arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    );

    let update = |name: &str, spec: SseSpecification| c.update_table().table_name(name).sse_specification(spec).send();
    let err = update("plain", sse(Some(false), None, None)).await.unwrap_err();
    assert_eq!(error(err), invalid("Table is already encrypted by default"));
    // A change answers ACTIVE, the encryption as it was with Status UPDATING; then it is described.
    let answer = update("plain", sse(Some(true), None, None))
        .await
        .unwrap()
        .table_description
        .unwrap();
    let updating = answer.sse_description.unwrap();
    assert_eq!(
        (answer.table_status, updating.status, updating.sse_type),
        (Some(TableStatus::Active), Some(SseStatus::Updating), None)
    );
    assert_eq!(
        described(&c, "plain").await.sse_description.unwrap().kms_master_key_arn,
        Some(managed_arn.clone())
    );
    let err = update("plain", sse(Some(true), Some(SseType::Kms), Some(&managed_arn)))
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key")
    );
    update("plain", sse(Some(false), None, None)).await.unwrap();
    assert_eq!(described(&c, "plain").await.sse_description, None);
}

#[tokio::test]
async fn index_actions_are_checked_before_the_new_index() {
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("tbl")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::S))
        .attribute_definitions(attr_def("a", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("local")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("a", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let updates = |list: Vec<GlobalSecondaryIndexUpdate>| {
        c.update_table()
            .table_name("tbl")
            .set_global_secondary_index_updates(Some(list))
            .send()
    };
    // The existing name is found before the missing definition of `b`.
    let err = updates(vec![create_gsi("local", "b")]).await.unwrap_err();
    assert_eq!(
        error(err),
        validation("Attempting to create an index which already exists")
    );
    let err = updates(vec![delete_gsi("local")]).await.unwrap_err();
    assert_eq!(
        error(err),
        validation("Cannot delete an index that is not a GlobalSecondaryIndex: local")
    );
    let err = updates(vec![delete_gsi("byB"), delete_gsi("byB")]).await.unwrap_err();
    assert_eq!(
        error(err),
        invalid("Only one global secondary index update per index is allowed simultaneously. Index: byB")
    );
    let err = updates(vec![delete_gsi("byB")]).await.unwrap_err();
    assert_eq!(
        error(err),
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found: Index byB for table tbl".to_string()
        )
    );
}

#[tokio::test]
async fn create_table_words_streams_and_index_throughput_as_dynamodb() {
    let (_emu, c) = emulator().await;
    let base = || {
        c.create_table()
            .table_name("tbl")
            .attribute_definitions(attr_def("pk", T::S))
            .key_schema(key("pk", KeyType::Hash))
    };
    let no_view = StreamSpecification::builder().stream_enabled(true).build().unwrap();
    let err = base()
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(no_view)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("Table is being created with a stream enabled, UpdateViewType is required")
    );
    let index = GlobalSecondaryIndex::builder()
        .index_name("byPk")
        .key_schema(key("pk", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap();
    let err = base()
        .provisioned_throughput(throughput(1))
        .global_secondary_indexes(index)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("ProvisionedThroughput is not specified for index: byPk")
    );
}

#[tokio::test]
async fn index_throughput_follows_the_billing_mode() {
    let (_emu, c) = emulator().await;
    provisioned(&c, "tbl").await;
    let index_update = |units: i64| {
        GlobalSecondaryIndexUpdate::builder()
            .update(
                UpdateGlobalSecondaryIndexAction::builder()
                    .index_name("byA")
                    .provisioned_throughput(throughput(units))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let update = || c.update_table().table_name("tbl");
    let err = update()
        .global_secondary_index_updates(index_update(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation(
            "The provisioned throughput for the index byA will not change. The requested value equals the current \
             value. Current ReadCapacityUnits provisioned for index byA: 1. Requested ReadCapacityUnits: 1. Current \
             WriteCapacityUnits provisioned for index byA: 1. Requested WriteCapacityUnits: 1. Refer to the Amazon \
             DynamoDB Developer Guide for current limits and how to request higher limits."
        )
    );
    // BillingMode PROVISIONED always needs the table's throughput, even on a provisioned table.
    let err = update()
        .billing_mode(BillingMode::Provisioned)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    );

    update().billing_mode(BillingMode::PayPerRequest).send().await.unwrap();
    let err = update()
        .global_secondary_index_updates(index_update(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "The only Updates for index: byA when TableThroughputMode is PAY_PER_REQUEST can be to \
             OnDemandThroughput, WarmThroughput"
        )
    );
    // Back to PROVISIONED: each index needs its throughput in the same call.
    let err = update()
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("ProvisionedThroughput must be specified for index: byA")
    );
    update()
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(1))
        .global_secondary_index_updates(index_update(2))
        .send()
        .await
        .unwrap();
    let table = described(&c, "tbl").await;
    let index = &table.global_secondary_indexes()[0]
        .provisioned_throughput
        .as_ref()
        .unwrap();
    assert_eq!(
        (index.read_capacity_units, index.write_capacity_units),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn warm_throughput_and_billing_summary_keep_their_history() {
    let (_emu, c) = emulator().await;
    let table = || described(&c, "tbl");
    let warm = |t: &TableDescription| {
        let w = t.warm_throughput.as_ref().unwrap();
        assert_eq!(w.status, Some(TableStatus::Active));
        (w.read_units_per_second.unwrap(), w.write_units_per_second.unwrap())
    };
    let created = c
        .create_table()
        .table_name("tbl")
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .provisioned_throughput(throughput(1))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!((created.warm_throughput, created.billing_mode_summary), (None, None));
    let update = || c.update_table().table_name("tbl");
    // Warm throughput follows the most ever provisioned, never down; a table always provisioned
    // has no billing summary.
    assert_eq!(
        (warm(&table().await), table().await.billing_mode_summary),
        ((1, 1), None)
    );
    update().provisioned_throughput(throughput(3)).send().await.unwrap();
    update().provisioned_throughput(throughput(2)).send().await.unwrap();
    assert_eq!(warm(&table().await), (3, 3));
    // On demand: at least 12,000/4,000, kept when the table is provisioned again, whose summary
    // then says when it last became on-demand.
    update().billing_mode(BillingMode::PayPerRequest).send().await.unwrap();
    let since = table()
        .await
        .billing_mode_summary
        .unwrap()
        .last_update_to_pay_per_request_date_time;
    assert!(since.is_some());
    update()
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(2))
        .send()
        .await
        .unwrap();
    let now = table().await;
    assert_eq!(warm(&now), (12_000, 4_000));
    let summary = now.billing_mode_summary.unwrap();
    assert_eq!(
        (summary.billing_mode, summary.last_update_to_pay_per_request_date_time),
        (Some(BillingMode::Provisioned), since)
    );

    let err = update()
        .warm_throughput(WarmThroughput::builder().read_units_per_second(11_000).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported")
    );
    let answer = update()
        .warm_throughput(WarmThroughput::builder().write_units_per_second(5_000).build())
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(
        (answer.table_status, warm(&table().await)),
        (Some(TableStatus::Active), (12_000, 5_000))
    );

    let err = c
        .create_table()
        .table_name("other")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .warm_throughput(
            WarmThroughput::builder()
                .read_units_per_second(12_000)
                .write_units_per_second(3_000)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "Requested WriteUnitsPerSecond for WarmThroughput for table is lower than initial throughput for \
             OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/\
             on-demand-capacity-mode.html#on-demand-capacity-mode-initial"
        )
    );
}

#[tokio::test]
async fn capacity_changes_are_dated_and_decreases_counted_per_utc_day() {
    use std::time::{Duration, UNIX_EPOCH};
    // 2023-11-14 22:13:20 UTC.
    const T0: u64 = 1_700_000_000;
    let emu = dynamodb_emulator::Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0))
        .start()
        .await
        .unwrap();
    let c = emu.client();
    provisioned(&c, "tbl").await;
    let shown = |p: aws_sdk_dynamodb::types::ProvisionedThroughputDescription| {
        let secs = |d: Option<aws_sdk_dynamodb::primitives::DateTime>| d.map(|d| d.secs());
        (
            p.read_capacity_units,
            p.write_capacity_units,
            secs(p.last_increase_date_time),
            secs(p.last_decrease_date_time),
            p.number_of_decreases_today,
        )
    };
    let capacity = || async { shown(described(&c, "tbl").await.provisioned_throughput.unwrap()) };
    let set = |r: i64, w: i64| {
        c.update_table()
            .table_name("tbl")
            .provisioned_throughput(
                ProvisionedThroughput::builder()
                    .read_capacity_units(r)
                    .write_capacity_units(w)
                    .build()
                    .unwrap(),
            )
            .send()
    };
    let t0 = T0 as i64;
    assert_eq!(capacity().await, (Some(1), Some(1), None, None, Some(0)));
    set(5, 5).await.unwrap();
    emu.advance(Duration::from_secs(10));
    // The answer shows the capacity and the day's decreases as they were, beside the change's
    // date, while the change is under way (dynalite's "should triple rates and then reduce if
    // requested", run against AWS; Dynoxide's test_triple_rates_and_reduce).
    let answer = set(4, 4).await.unwrap().table_description.unwrap();
    assert_eq!(
        answer.table_status,
        Some(aws_sdk_dynamodb::types::TableStatus::Updating)
    );
    let before = (Some(5), Some(5), Some(t0), Some(t0 + 10), Some(0));
    assert_eq!(shown(answer.provisioned_throughput.unwrap()), before);
    assert_eq!(capacity().await, (Some(4), Some(4), Some(t0), Some(t0 + 10), Some(1)));
    emu.advance(Duration::from_secs(10));
    // One member down, the other up: an increase and a decrease.
    set(3, 6).await.unwrap();
    assert_eq!(
        capacity().await,
        (Some(3), Some(6), Some(t0 + 20), Some(t0 + 20), Some(2))
    );
    // The count starts again at midnight UTC.
    emu.advance(Duration::from_secs(2 * 3600));
    assert_eq!(
        capacity().await,
        (Some(3), Some(6), Some(t0 + 20), Some(t0 + 20), Some(0))
    );
}

#[tokio::test]
async fn on_demand_limits_are_kept_merged_and_lifted_by_minus_one() {
    let (_emu, c) = emulator().await;
    let limits = |read: Option<i64>, write: Option<i64>| {
        OnDemandThroughput::builder()
            .set_max_read_request_units(read)
            .set_max_write_request_units(write)
            .build()
    };
    c.create_table()
        .table_name("odt")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .on_demand_throughput(limits(Some(10), Some(5)))
        .send()
        .await
        .unwrap();
    let current = |t: TableDescription| {
        t.on_demand_throughput
            .map(|o| (o.max_read_request_units, o.max_write_request_units))
    };
    assert_eq!(current(described(&c, "odt").await), Some((Some(10), Some(5))));
    // Each member given replaces its limit and -1 lifts it; a lifted limit is left out, and with
    // both lifted the member is gone. The change is made at once.
    let steps = [
        ((Some(20), None), Some((Some(20), Some(5)))),
        ((None, Some(-1)), Some((Some(20), None))),
        ((Some(-1), None), None),
    ];
    for ((read, write), want) in steps {
        let answer = c
            .update_table()
            .table_name("odt")
            .on_demand_throughput(limits(read, write))
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.table_description.unwrap().table_status,
            Some(TableStatus::Active)
        );
        assert_eq!(current(described(&c, "odt").await), want);
    }
    for (read, write, member) in [
        (Some(0), None, "MaxReadRequestUnits"),
        (None, Some(-2), "MaxWriteRequestUnits"),
    ] {
        let e = c
            .update_table()
            .table_name("odt")
            .on_demand_throughput(limits(read, write))
            .send()
            .await
            .unwrap_err();
        let detail = format!("Requested {member} for OnDemandThroughput for table is outside of valid range");
        assert_eq!(error(e), invalid(&detail));
    }
}

// Index and throughput rules as AWS answered them in October 2026 (FIDELITY.md, "Index and
// throughput rules (session 17)").

fn limit_exceeded(message: &str) -> (String, String) {
    ("LimitExceededException".to_string(), message.to_string())
}

fn limits(read: Option<i64>, write: Option<i64>) -> OnDemandThroughput {
    OnDemandThroughput::builder()
        .set_max_read_request_units(read)
        .set_max_write_request_units(write)
        .build()
}

fn gsi(name: &str, attr: &str) -> aws_sdk_dynamodb::types::builders::GlobalSecondaryIndexBuilder {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(attr, KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
}

fn index_update(name: &str) -> aws_sdk_dynamodb::types::builders::UpdateGlobalSecondaryIndexActionBuilder {
    UpdateGlobalSecondaryIndexAction::builder().index_name(name)
}

fn updating(
    action: aws_sdk_dynamodb::types::builders::UpdateGlobalSecondaryIndexActionBuilder,
) -> GlobalSecondaryIndexUpdate {
    GlobalSecondaryIndexUpdate::builder()
        .update(action.build().unwrap())
        .build()
}

/// An on-demand table `name` (pk S) with a GSI `byA` on `a`.
async fn on_demand(c: &Client, name: &str, index: GlobalSecondaryIndex) {
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("a", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(index)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_21st_global_index_is_over_the_subscriber_limit_on_update_table() {
    let (_emu, c) = emulator().await;
    let names: Vec<String> = (0..21).map(|i| format!("g{i:02}")).collect();
    let mut create = c
        .create_table()
        .table_name("tbl")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash));
    for name in &names[..20] {
        create = create
            .attribute_definitions(attr_def(name, T::S))
            .global_secondary_indexes(gsi(name, name).build().unwrap());
    }
    create.send().await.unwrap();
    let err = c
        .update_table()
        .table_name("tbl")
        .attribute_definitions(attr_def("g20", T::S))
        .global_secondary_index_updates(create_gsi("g20", "g20"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded("Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20")
    );
    assert_eq!(described(&c, "tbl").await.global_secondary_indexes().len(), 20);
}

#[tokio::test]
async fn on_demand_limits_belong_to_on_demand_tables_and_their_indexes() {
    let (_emu, c) = emulator().await;
    let base = |name: &str| {
        c.create_table()
            .table_name(name)
            .attribute_definitions(attr_def("pk", T::S))
            .attribute_definitions(attr_def("a", T::S))
            .key_schema(key("pk", KeyType::Hash))
    };
    // CreateTable: not on a provisioned table (nor index), -1 is out of range at creation, and an
    // index's 0 or -1 too.
    let err = base("tb1")
        .provisioned_throughput(throughput(1))
        .on_demand_throughput(limits(Some(10), Some(10)))
        .global_secondary_indexes(gsi("g-a", "a").provisioned_throughput(throughput(1)).build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "MaxReadRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED."
        )
    );
    let index = gsi("g-a", "a")
        .provisioned_throughput(throughput(1))
        .on_demand_throughput(limits(None, Some(10)))
        .build()
        .unwrap();
    let err = base("tb1")
        .provisioned_throughput(throughput(1))
        .global_secondary_indexes(index)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "MaxWriteRequestUnits for OnDemandThroughput for index: g-a cannot be specified when table BillingMode \
             is PROVISIONED."
        )
    );
    let on_demand_base = |name: &str| base(name).billing_mode(BillingMode::PayPerRequest);
    let err = on_demand_base("tb1")
        .on_demand_throughput(limits(Some(-1), Some(-1)))
        .global_secondary_indexes(gsi("g-a", "a").build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range")
    );
    for units in [0, -1] {
        let index = gsi("g-a", "a")
            .on_demand_throughput(limits(Some(units), Some(5)))
            .build()
            .unwrap();
        let err = on_demand_base("tb1")
            .global_secondary_indexes(index)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error(err),
            invalid("Requested MaxReadRequestUnits for OnDemandThroughput for index : g-a is outside of valid range")
        );
    }

    // An index's limits are its own: kept, merged, lifted by -1, independent of the table's.
    let index = gsi("byA", "a")
        .on_demand_throughput(limits(Some(50), Some(50)))
        .build()
        .unwrap();
    on_demand(&c, "tbl", index).await;
    let index_limits = |t: &TableDescription| {
        let o = t.global_secondary_indexes()[0].on_demand_throughput.as_ref();
        o.map(|o| (o.max_read_request_units, o.max_write_request_units))
    };
    let table = described(&c, "tbl").await;
    assert_eq!(
        (index_limits(&table), table.on_demand_throughput),
        (Some((Some(50), Some(50))), None)
    );
    let update = || c.update_table().table_name("tbl");
    update()
        .global_secondary_index_updates(updating(
            index_update("byA").on_demand_throughput(limits(Some(5000), Some(-1))),
        ))
        .send()
        .await
        .unwrap();
    update()
        .on_demand_throughput(limits(Some(100), None))
        .send()
        .await
        .unwrap();
    let table = described(&c, "tbl").await;
    assert_eq!(index_limits(&table), Some((Some(5000), None)));

    // Provisioned again: the limits are gone from table and index, and cannot be set.
    update()
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(1))
        .global_secondary_index_updates(updating(index_update("byA").provisioned_throughput(throughput(1))))
        .send()
        .await
        .unwrap();
    let table = described(&c, "tbl").await;
    assert_eq!((index_limits(&table), table.on_demand_throughput), (None, None));
    let err = update()
        .on_demand_throughput(limits(Some(100), Some(100)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "MaxReadRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED"
        )
    );
    let err = update()
        .global_secondary_index_updates(updating(
            index_update("byA").on_demand_throughput(limits(Some(10), None)),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "MaxReadRequestUnits for OnDemandThroughput for index : byA cannot be specified when the table \
             BillingMode is PROVISIONED"
        )
    );
}

#[tokio::test]
async fn an_empty_index_update_list_beside_a_change_is_refused_whole() {
    let (_emu, c) = emulator().await;
    on_demand(&c, "tbl", gsi("byA", "a").build().unwrap()).await;
    let err = c
        .update_table()
        .table_name("tbl")
        .set_global_secondary_index_updates(Some(vec![]))
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(err), invalid("List of GlobalSecondaryIndexUpdates is empty"));
    assert_eq!(described(&c, "tbl").await.deletion_protection_enabled, Some(false));
}

#[tokio::test]
async fn index_updates_on_demand_set_limits_or_raise_warm_throughput() {
    let (_emu, c) = emulator().await;
    on_demand(&c, "tbl", gsi("byA", "a").build().unwrap()).await;
    let update = |table: &str, action| {
        c.update_table()
            .table_name(table)
            .global_secondary_index_updates(updating(action))
            .send()
    };
    let warm = |read: Option<i64>, write: Option<i64>| {
        WarmThroughput::builder()
            .set_read_units_per_second(read)
            .set_write_units_per_second(write)
            .build()
    };
    let only = invalid(
        "The only Updates for index: byA when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, \
         WarmThroughput",
    );
    assert_eq!(error(update("tbl", index_update("byA")).await.unwrap_err()), only);
    let empty_limits = index_update("byA").on_demand_throughput(limits(None, None));
    assert_eq!(error(update("tbl", empty_limits).await.unwrap_err()), only);
    // An empty WarmThroughput is refused before the index, or the table, is looked up.
    for (table, index) in [("tbl", "byA"), ("tbl", "ghost"), ("no_such_table", "ghost")] {
        let err = update(table, index_update(index).warm_throughput(warm(None, None)))
            .await
            .unwrap_err();
        let detail =
            format!("WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: {index}");
        assert_eq!(error(err), invalid(&detail));
    }
    let err = update("tbl", index_update("ghost").on_demand_throughput(limits(Some(5), None)))
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found: Index ghost for table tbl".to_string()
        )
    );
    let err = update("tbl", index_update("byA").warm_throughput(warm(Some(100), Some(100))))
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid(
            "Requested ReadUnitsPerSecond for WarmThroughput for index byA is lower than current WarmThroughput, \
             decreasing WarmThroughput is not supported"
        )
    );
    update("tbl", index_update("byA").warm_throughput(warm(Some(12_001), None)))
        .await
        .unwrap();
    let table = described(&c, "tbl").await;
    let w = table.global_secondary_indexes()[0].warm_throughput.as_ref().unwrap();
    assert_eq!(
        (w.read_units_per_second, w.write_units_per_second),
        (Some(12_001), Some(4_000))
    );
}

#[tokio::test]
async fn capacity_above_the_table_maximum_is_over_the_account_quota() {
    let (_emu, c) = emulator().await;
    let base = |name: &str| {
        c.create_table()
            .table_name(name)
            .attribute_definitions(attr_def("pk", T::S))
            .attribute_definitions(attr_def("a", T::S))
            .key_schema(key("pk", KeyType::Hash))
    };
    let capacity = |read: i64, write: i64| {
        ProvisionedThroughput::builder()
            .read_capacity_units(read)
            .write_capacity_units(write)
            .build()
            .unwrap()
    };
    let index = |t: ProvisionedThroughput| gsi("gsi1", "a").provisioned_throughput(t).build().unwrap();
    let err = base("tb1")
        .provisioned_throughput(capacity(40_001, 1))
        .global_secondary_indexes(index(throughput(1)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded(
            "The requested ReadCapacityUnits, 40001, is above the per table maximum for the account in us-east-1. \
             Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to \
             request higher limits."
        )
    );
    let err = base("tb1")
        .provisioned_throughput(throughput(1))
        .global_secondary_indexes(index(capacity(1, 40_001)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded(
            "The requested WriteCapacityUnits for index gsi1, 40001, is above the per index maximum for the account \
             in us-east-1. Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits \
             and how to request higher limits."
        )
    );
    // The index's capacity is not added to the table's.
    base("tb1")
        .provisioned_throughput(capacity(39_900, 1))
        .global_secondary_indexes(index(capacity(200, 1)))
        .send()
        .await
        .unwrap();
    let err = c
        .update_table()
        .table_name("tb1")
        .provisioned_throughput(capacity(40_001, 1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded(
            "The requested ReadCapacityUnits, 40001, is above the per table maximum for the account in us-east-1. \
             Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to \
             request higher limits."
        )
    );
    on_demand(&c, "tb2", gsi("gsi1", "a").build().unwrap()).await;
    let err = c
        .update_table()
        .table_name("tb2")
        .on_demand_throughput(limits(Some(40_001), Some(1_000)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded(
            "Subscriber limit exceeded: Requested MaxReadRequestUnits for OnDemandThroughput for table exceeds \
             TableMaxReadCapacityUnits of the account in region us-east-1"
        )
    );
    let err = c
        .update_table()
        .table_name("tb2")
        .global_secondary_index_updates(updating(
            index_update("gsi1").on_demand_throughput(limits(Some(40_001), None)),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        limit_exceeded(
            "Subscriber limit exceeded: Requested MaxReadRequestUnits for OnDemandThroughput for index : gsi1 exceeds \
             TableMaxReadCapacityUnits of the account in region us-east-1"
        )
    );
}

#[tokio::test]
async fn update_table_words_index_creation_as_dynamodb() {
    let (_emu, c) = emulator().await;
    provisioned(&c, "prov").await;
    on_demand(&c, "ppr", gsi("byA", "a").build().unwrap()).await;
    let create = |table: &str, defs: Option<Vec<_>>, index: CreateGlobalSecondaryIndexAction| {
        c.update_table()
            .table_name(table)
            .set_attribute_definitions(defs)
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(index).build())
            .send()
    };
    let new_index = |t: Option<ProvisionedThroughput>| {
        CreateGlobalSecondaryIndexAction::builder()
            .index_name("byB")
            .key_schema(key("b", KeyType::Hash))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .set_provisioned_throughput(t)
            .build()
            .unwrap()
    };
    let b = || Some(vec![attr_def("b", T::S)]);
    let err = create("prov", None, new_index(Some(throughput(1)))).await.unwrap_err();
    assert_eq!(
        error(err),
        invalid("AttributeDefinitions is not specified for index: byB")
    );
    let err = create("prov", b(), new_index(None)).await.unwrap_err();
    assert_eq!(
        error(err),
        invalid("Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: byB")
    );
    let err = create("ppr", b(), new_index(Some(throughput(1)))).await.unwrap_err();
    assert_eq!(
        error(err),
        invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: byB when BillingMode is PAY_PER_REQUEST")
    );
    let err = c
        .update_table()
        .table_name("ppr")
        .set_replica_updates(Some(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        validation(
            "1 validation error detected: Value '[]' at 'replicaUpdates' failed to satisfy constraint: Member must \
             have length greater than or equal to 1"
        )
    );
}

#[tokio::test]
async fn unused_attribute_definitions_hide_the_indexes_other_faults() {
    let (_emu, c) = emulator().await;
    let include_without_attributes = GlobalSecondaryIndex::builder()
        .index_name("byA")
        .key_schema(key("a", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::Include).build())
        .build()
        .unwrap();
    let err = c
        .create_table()
        .table_name("tbl")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("a", T::S))
        .attribute_definitions(attr_def("extra", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(include_without_attributes)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(err),
        invalid("Some AttributeDefinitions are not used. AttributeDefinitions: [pk, a, extra], keys used: [pk, a]")
    );
}
