//! Transient statuses (`Builder::delay_transient_statuses`) on the manual clock: CREATING,
//! UPDATING and DELETING tables, backfilling indexes, and DynamoDB's answers meanwhile.

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableDescription, TableStatus,
};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{attr_def, create_table, error, key, s, validation, with_transient_delay};

const DELAY: Duration = Duration::from_millis(500);

async fn emulator() -> (Emulator, Client) {
    with_transient_delay(DELAY).await
}

fn gsi(name: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key("g", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap()
}

/// The table's status and each global index's (name, status, Backfilling).
type Statuses = (Option<TableStatus>, Vec<(String, Option<IndexStatus>, Option<bool>)>);

fn statuses(t: &TableDescription) -> Statuses {
    let indexes = t.global_secondary_indexes().iter();
    let indexes = indexes.map(|i| (i.index_name.clone().unwrap(), i.index_status.clone(), i.backfilling));
    (t.table_status.clone(), indexes.collect())
}

/// DescribeTimeToLive of table `tbl`, as (code, message) or the status it describes.
async fn ttl_described(c: &Client) -> Result<String, (String, String)> {
    let out = c
        .describe_time_to_live()
        .table_name("tbl")
        .send()
        .await
        .map_err(error)?;
    let status = out.time_to_live_description.and_then(|d| d.time_to_live_status);
    Ok(status.map(|s| s.as_str().to_string()).unwrap_or_default())
}

/// DescribeTimeToLive's refusal while a table is in `state` (AWS, October 2026, the ACK
/// catalogue's DDB-TABLE-442 and -118).
fn ttl_refused(state: &str) -> Result<String, (String, String)> {
    Err(validation(&format!(
        "Cannot describe time to live while table is in {state} state: Current table state is {state}"
    )))
}

async fn described(c: &Client, name: &str) -> Statuses {
    statuses(&c.describe_table().table_name(name).send().await.unwrap().table.unwrap())
}

fn in_use(doing: &str, name: &str) -> (String, String) {
    (
        "ResourceInUseException".into(),
        format!("Attempt to change a resource which is still in use: Table is being {doing}: {name}"),
    )
}

fn not_found() -> (String, String) {
    (
        "ResourceNotFoundException".into(),
        "Requested resource not found".into(),
    )
}

#[tokio::test]
async fn a_new_table_is_creating_with_its_indexes_until_the_delay_has_passed() {
    let (emu, c) = emulator().await;
    let created = c
        .create_table()
        .table_name("tbl")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("g", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(gsi("byG"))
        .send()
        .await
        .unwrap();
    let creating = (
        Some(TableStatus::Creating),
        vec![("byG".to_string(), Some(IndexStatus::Creating), None)],
    );
    assert_eq!(statuses(&created.table_description.unwrap()), creating);
    assert_eq!(described(&c, "tbl").await, creating);
    assert_eq!(c.list_tables().send().await.unwrap().table_names(), ["tbl"]);

    // Items of a CREATING table are out of reach; table changes are refused.
    let put = c.put_item().table_name("tbl").item("pk", s("a")).send().await;
    assert_eq!(error(put.unwrap_err()), not_found());
    let get = c.get_item().table_name("tbl").key("pk", s("a")).send().await;
    assert_eq!(error(get.unwrap_err()), not_found());
    let delete = c.delete_table().table_name("tbl").send().await;
    assert_eq!(error(delete.unwrap_err()), in_use("created", "tbl"));
    let update = c
        .update_table()
        .table_name("tbl")
        .deletion_protection_enabled(true)
        .send()
        .await;
    assert_eq!(error(update.unwrap_err()), in_use("created", "tbl"));
    assert_eq!(ttl_described(&c).await, ttl_refused("CREATING"));

    emu.advance(DELAY - Duration::from_millis(1));
    assert_eq!(described(&c, "tbl").await, creating);
    emu.advance(Duration::from_millis(1));
    let active = (
        Some(TableStatus::Active),
        vec![("byG".to_string(), Some(IndexStatus::Active), None)],
    );
    assert_eq!(described(&c, "tbl").await, active);
    assert_eq!(ttl_described(&c).await, Ok("DISABLED".to_string()));
    c.put_item().table_name("tbl").item("pk", s("a")).send().await.unwrap();
}

#[tokio::test]
async fn an_added_index_backfills_while_the_table_is_updating() {
    let (emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    emu.advance(DELAY);
    c.put_item()
        .table_name("tbl")
        .item("pk", s("a"))
        .item("g", s("x"))
        .send()
        .await
        .unwrap();
    let updated = c
        .update_table()
        .table_name("tbl")
        .attribute_definitions(attr_def("g", ScalarAttributeType::S))
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(
                    aws_sdk_dynamodb::types::CreateGlobalSecondaryIndexAction::builder()
                        .index_name("byG")
                        .key_schema(key("g", KeyType::Hash))
                        .projection(Projection::builder().projection_type(ProjectionType::All).build())
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let updating = (
        Some(TableStatus::Updating),
        vec![("byG".to_string(), Some(IndexStatus::Creating), Some(true))],
    );
    assert_eq!(statuses(&updated.table_description.unwrap()), updating);
    assert_eq!(described(&c, "tbl").await, updating);

    // The table serves items meanwhile; the new index cannot be read, nor the table changed again.
    c.put_item()
        .table_name("tbl")
        .item("pk", s("b"))
        .item("g", s("x"))
        .send()
        .await
        .unwrap();
    let query = c
        .query()
        .table_name("tbl")
        .index_name("byG")
        .key_condition_expression("g = :g")
        .expression_attribute_values(":g", s("x"))
        .send();
    assert_eq!(
        error(query.await.unwrap_err()),
        validation("Cannot read from backfilling global secondary index")
    );
    let scan = c.scan().table_name("tbl").index_name("byG").send().await;
    assert_eq!(
        error(scan.unwrap_err()),
        validation("Cannot read from backfilling global secondary index")
    );
    let again = c
        .update_table()
        .table_name("tbl")
        .deletion_protection_enabled(true)
        .send()
        .await;
    assert_eq!(error(again.unwrap_err()), in_use("updated", "tbl"));
    let ttl = c
        .update_time_to_live()
        .table_name("tbl")
        .time_to_live_specification(
            aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("exp")
                .build()
                .unwrap(),
        )
        .send()
        .await;
    assert_eq!(error(ttl.unwrap_err()), in_use("updated", "tbl"));

    emu.advance(DELAY);
    let active = (
        Some(TableStatus::Active),
        vec![("byG".to_string(), Some(IndexStatus::Active), None)],
    );
    assert_eq!(described(&c, "tbl").await, active);
    let found = c
        .query()
        .table_name("tbl")
        .index_name("byG")
        .key_condition_expression("g = :g")
        .expression_attribute_values(":g", s("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(found.count, 2);
}

#[tokio::test]
async fn a_deleted_table_is_deleting_and_its_name_taken_until_the_delay_has_passed() {
    let (emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    emu.advance(DELAY);
    c.put_item().table_name("tbl").item("pk", s("a")).send().await.unwrap();
    let deleted = c.delete_table().table_name("tbl").send().await.unwrap();
    assert_eq!(
        deleted.table_description.unwrap().table_status,
        Some(TableStatus::Deleting)
    );
    assert_eq!(described(&c, "tbl").await, (Some(TableStatus::Deleting), vec![]));
    assert_eq!(c.list_tables().send().await.unwrap().table_names(), ["tbl"]);

    let get = c.get_item().table_name("tbl").key("pk", s("a")).send().await;
    assert_eq!(error(get.unwrap_err()), not_found());
    // A second DeleteTable is no error while the table is DELETING.
    let twice = c.delete_table().table_name("tbl").send().await.unwrap();
    assert_eq!(
        twice.table_description.unwrap().table_status,
        Some(TableStatus::Deleting)
    );
    let update = c
        .update_table()
        .table_name("tbl")
        .deletion_protection_enabled(true)
        .send()
        .await;
    assert_eq!(error(update.unwrap_err()), in_use("deleted", "tbl"));
    assert_eq!(ttl_described(&c).await, ttl_refused("DELETING"));
    let recreate = c
        .create_table()
        .table_name("tbl")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await;
    let exists = (
        "ResourceInUseException".to_string(),
        "Table already exists: tbl".to_string(),
    );
    assert_eq!(error(recreate.unwrap_err()), exists);

    emu.advance(DELAY);
    let gone = c.describe_table().table_name("tbl").send().await;
    let missing = (
        "ResourceNotFoundException".to_string(),
        "Requested resource not found: Table: tbl not found".to_string(),
    );
    assert_eq!(error(gone.unwrap_err()), missing);
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
    create_table(&c, "tbl", None).await;
}

/// Runs `wait` while, 30 s of tokio time later, the emulator's clock moves past the transient
/// delay; returns what `wait` gave and how long it took, timed when it returned (`join!` alone
/// would also wait for the clock step).
async fn wait_past_settling<T>(emu: &Emulator, wait: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = tokio::time::Instant::now();
    let settle = async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        emu.advance(DELAY);
    };
    let timed = async { (wait.await, started.elapsed()) };
    tokio::join!(timed, settle).0
}

/// The SDK's own waiters poll DescribeTable every 20 s or more: on tokio's paused time those
/// sleeps pass at once, while the emulator's manual clock decides when the table settles. Each
/// returns only after the clock moved, on a later poll.
#[tokio::test(start_paused = true)]
async fn the_sdk_waiters_wait_for_active_and_for_the_deletion() {
    let (emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let wait = c
        .wait_until_table_exists()
        .table_name("tbl")
        .wait(Duration::from_secs(300));
    let (waited, took) = wait_past_settling(&emu, wait).await;
    let table = waited.unwrap().into_result().unwrap().table.unwrap();
    assert_eq!(table.table_status, Some(TableStatus::Active));
    assert!(took >= Duration::from_secs(30), "{took:?}");

    c.delete_table().table_name("tbl").send().await.unwrap();
    let wait = c
        .wait_until_table_not_exists()
        .table_name("tbl")
        .wait(Duration::from_secs(300));
    let (waited, took) = wait_past_settling(&emu, wait).await;
    waited.unwrap();
    assert!(took >= Duration::from_secs(30), "{took:?}");
}

#[tokio::test]
async fn a_restore_puts_back_settled_tables_and_frees_deleting_names() {
    let (emu, c) = emulator().await;
    create_table(&c, "tbl", None).await;
    let fixture = emu.snapshot();
    assert_eq!(described(&c, "tbl").await.0, Some(TableStatus::Creating));
    // Restored tables are ACTIVE at once, whatever they were when the snapshot was taken.
    emu.restore(&fixture);
    assert_eq!(described(&c, "tbl").await.0, Some(TableStatus::Active));
    c.delete_table().table_name("tbl").send().await.unwrap();
    assert_eq!(described(&c, "tbl").await.0, Some(TableStatus::Deleting));
    // A restore replaces the DELETING table by the snapshot's, usable before any time passes.
    emu.restore(&fixture);
    assert_eq!(described(&c, "tbl").await.0, Some(TableStatus::Active));
    let tables = c.list_tables().send().await.unwrap();
    assert_eq!(tables.table_names(), ["tbl"]);
    c.put_item().table_name("tbl").item("pk", s("a")).send().await.unwrap();
    // After a reset the name is free for a new table.
    c.delete_table().table_name("tbl").send().await.unwrap();
    emu.reset();
    create_table(&c, "tbl", None).await;
    assert_eq!(described(&c, "tbl").await.0, Some(TableStatus::Creating));
}

/// Without a delay, an index UpdateTable adds is answered as AWS answers it, CREATING and
/// backfilling, and described ACTIVE at once (ExtendDB's dual-target test_gsi_async.py).
#[tokio::test]
async fn an_added_index_is_answered_creating_even_when_it_settles_at_once() {
    let (_emu, c) = crate::support::emulator().await;
    create_table(&c, "tbl", None).await;
    let create = aws_sdk_dynamodb::types::CreateGlobalSecondaryIndexAction::builder()
        .index_name("byG")
        .key_schema(key("g", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap();
    let updated = c
        .update_table()
        .table_name("tbl")
        .attribute_definitions(attr_def("g", ScalarAttributeType::S))
        .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
        .send()
        .await
        .unwrap();
    let answered = (
        Some(TableStatus::Updating),
        vec![("byG".to_string(), Some(IndexStatus::Creating), Some(true))],
    );
    assert_eq!(statuses(&updated.table_description.unwrap()), answered);
    let active = (
        Some(TableStatus::Active),
        vec![("byG".to_string(), Some(IndexStatus::Active), None)],
    );
    assert_eq!(described(&c, "tbl").await, active);
}
