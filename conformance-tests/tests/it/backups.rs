//! On-demand backups and restores, from a backup and to a point in time, as AWS answered them in
//! October 2026 (FIDELITY.md, "Backups and restores").

use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{
    BackupStatus, BackupType, BackupTypeFilter, BillingMode, GlobalSecondaryIndex, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ProvisionedThroughput, TableStatus,
};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_table, create_with_gsi, error, key, on_manual_clock, put, s, validation};

/// 2023-11-14 22:13:20 UTC.
const T0: u64 = 1_700_000_000;

/// CreateBackup's refusal of `table`.
async fn backup_refusal(c: &Client, table: &str) -> (String, String) {
    error(
        c.create_backup()
            .table_name(table)
            .backup_name("bk1")
            .send()
            .await
            .unwrap_err(),
    )
}

fn table_not_found(table: &str) -> (String, String) {
    ("TableNotFoundException".into(), format!("Table not found: {table}"))
}

async fn backup(c: &Client, table: &str, name: &str) -> String {
    let out = c
        .create_backup()
        .table_name(table)
        .backup_name(name)
        .send()
        .await
        .unwrap();
    out.backup_details.unwrap().backup_arn
}

/// The partition keys of `table` (or of its index), sorted.
async fn keys(c: &Client, table: &str, index: Option<&str>) -> Vec<String> {
    let out = c
        .scan()
        .table_name(table)
        .set_index_name(index.map(str::to_owned))
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = out
        .items
        .unwrap_or_default()
        .iter()
        .map(|i| i["pk"].as_s().unwrap().clone())
        .collect();
    keys.sort();
    keys
}

async fn status(c: &Client, table: &str) -> Option<TableStatus> {
    c.describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .table_status
}

fn by_group() -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name("renamed")
        .key_schema(key("g", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_backup_keeps_the_table_as_it_was_and_outlives_it() {
    let (_emu, c) = on_manual_clock(T0).await;
    create_with_gsi(&c, "users").await;
    for pk in ["a", "b", "c"] {
        put(&c, "users", &[("pk", s(pk)), ("g", s("G"))]).await;
    }
    let created = c
        .create_backup()
        .table_name("users")
        .backup_name("nightly")
        .send()
        .await
        .unwrap();
    let details = created.backup_details.unwrap();
    let arn = details.backup_arn.clone();
    assert_eq!(
        arn,
        format!(
            "arn:aws:dynamodb:us-east-1:000000000000:table/users/backup/0{}000-{}",
            T0,
            &arn[arn.len() - 8..]
        )
    );
    assert_eq!(
        (
            details.backup_status,
            details.backup_type,
            details.backup_name.as_str(),
            details.backup_creation_date_time.secs()
        ),
        (BackupStatus::Creating, BackupType::User, "nightly", T0 as i64)
    );
    put(&c, "users", &[("pk", s("d")), ("g", s("G"))]).await;
    c.delete_table().table_name("users").send().await.unwrap();

    let described = c
        .describe_backup()
        .backup_arn(&arn)
        .send()
        .await
        .unwrap()
        .backup_description
        .unwrap();
    assert_eq!(described.backup_details.unwrap().backup_status, BackupStatus::Available);
    let source = described.source_table_details.unwrap();
    assert_eq!(
        (source.table_name.as_str(), source.item_count, source.billing_mode),
        ("users", Some(3), Some(BillingMode::PayPerRequest))
    );
    let features = described.source_table_feature_details.unwrap();
    let gsis = features.global_secondary_indexes.unwrap();
    assert_eq!(
        gsis.iter().map(|i| i.index_name.as_deref()).collect::<Vec<_>>(),
        [Some("by_group")]
    );
    assert_eq!(
        (features.stream_description, features.time_to_live_description),
        (None, None)
    );
    let listed = c
        .list_backups()
        .table_name("users")
        .send()
        .await
        .unwrap()
        .backup_summaries
        .unwrap();
    assert_eq!(
        listed.iter().map(|b| b.backup_arn.as_deref()).collect::<Vec<_>>(),
        [Some(arn.as_str())]
    );

    let restored = c
        .restore_table_from_backup()
        .target_table_name("users2")
        .backup_arn(&arn)
        .send()
        .await
        .unwrap();
    let table = restored.table_description.unwrap();
    let summary = table.restore_summary.unwrap();
    assert_eq!(table.table_status, Some(TableStatus::Creating));
    assert_eq!(
        (
            summary.source_backup_arn.as_deref(),
            summary.source_table_arn.as_deref(),
            summary.restore_in_progress
        ),
        (
            Some(arn.as_str()),
            Some("arn:aws:dynamodb:us-east-1:000000000000:table/users"),
            true
        )
    );
    // ACTIVE at once here; nothing then says the table was restored.
    let now = c
        .describe_table()
        .table_name("users2")
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(
        (now.table_status, now.restore_summary),
        (Some(TableStatus::Active), None)
    );
    assert_eq!(keys(&c, "users2", None).await, ["a", "b", "c"]);
    assert_eq!(keys(&c, "users2", Some("by_group")).await, ["a", "b", "c"]);

    let deleted = c.delete_backup().backup_arn(&arn).send().await.unwrap();
    assert_eq!(
        deleted
            .backup_description
            .unwrap()
            .backup_details
            .unwrap()
            .backup_status,
        BackupStatus::Deleted
    );
    let gone = (
        "BackupNotFoundException".to_string(),
        format!("Backup not found: {arn}"),
    );
    assert_eq!(
        error(c.describe_backup().backup_arn(&arn).send().await.unwrap_err()),
        gone
    );
    assert_eq!(
        error(c.delete_backup().backup_arn(&arn).send().await.unwrap_err()),
        gone
    );
    assert!(c
        .list_backups()
        .send()
        .await
        .unwrap()
        .backup_summaries
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn restores_check_and_apply_their_overrides() {
    let (_emu, c) = on_manual_clock(T0).await;
    create_with_gsi(&c, "src").await;
    put(&c, "src", &[("pk", s("a")), ("g", s("G"))]).await;
    let arn = backup(&c, "src", "bk1").await;
    let restore = |target: &str| c.restore_table_from_backup().target_table_name(target).backup_arn(&arn);

    let renamed = restore("tt1")
        .global_secondary_index_override(by_group())
        .send()
        .await
        .unwrap();
    let gsis = renamed.table_description.unwrap().global_secondary_indexes.unwrap();
    assert_eq!(
        gsis.iter().map(|i| i.index_name.as_deref()).collect::<Vec<_>>(),
        [Some("renamed")]
    );
    assert_eq!(keys(&c, "tt1", Some("renamed")).await, ["a"]);
    let bare = restore("tt2")
        .set_global_secondary_index_override(Some(vec![]))
        .send()
        .await
        .unwrap();
    let bare = bare.table_description.unwrap();
    assert_eq!(
        (bare.global_secondary_indexes, bare.attribute_definitions.unwrap().len()),
        (None, 1)
    );
    let provisioned = restore("tt3")
        .billing_mode_override(BillingMode::Provisioned)
        .provisioned_throughput_override(
            ProvisionedThroughput::builder()
                .read_capacity_units(3)
                .write_capacity_units(4)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let gsi_units = provisioned.global_secondary_indexes.unwrap()[0]
        .provisioned_throughput
        .clone()
        .unwrap();
    assert_eq!(
        (gsi_units.read_capacity_units, gsi_units.write_capacity_units),
        (Some(3), Some(4))
    );

    let other_index = GlobalSecondaryIndex::builder()
        .index_name("other")
        .key_schema(key("g", KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
        .build()
        .unwrap();
    let refused = [
        (
            restore("tt4").global_secondary_index_override(other_index).send().await,
            validation("Index other does not match a secondary index that existed in the source table and cannot be created during the restore operation"),
        ),
        (
            restore("tt4")
                .provisioned_throughput_override(ProvisionedThroughput::builder().read_capacity_units(1).write_capacity_units(1).build().unwrap())
                .send()
                .await,
            validation("Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED"),
        ),
        (
            restore("tt4").billing_mode_override(BillingMode::Provisioned).send().await,
            validation("Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED"),
        ),
        (
            restore("tt1").send().await,
            ("TableAlreadyExistsException".into(), "Table already exists: tt1".into()),
        ),
        (
            c.restore_table_from_backup()
                .target_table_name("tt4")
                .backup_arn("arn:aws:dynamodb:us-east-1:000000000000:table/src")
                .send()
                .await,
            validation("Invalid Backup ARN"),
        ),
    ];
    for (got, want) in refused {
        assert_eq!(error(got.unwrap_err()), want);
    }
    let missing = format!("{}0", &arn[..arn.len() - 1]);
    let got = c
        .restore_table_from_backup()
        .target_table_name("tt4")
        .backup_arn(&missing)
        .send()
        .await;
    assert_eq!(
        error(got.unwrap_err()),
        ("BackupNotFoundException".into(), format!("Backup not found: {missing}"))
    );
    assert_eq!(status(&c, "tt1").await, Some(TableStatus::Active));
    let err = c.describe_table().table_name("tt4").send().await.unwrap_err();
    assert_eq!(error(err).0, "ResourceNotFoundException");
    assert_eq!(backup_refusal(&c, "nope").await, table_not_found("nope"));
}

#[tokio::test]
async fn list_backups_filters_by_table_time_and_type_and_pages() {
    let (emu, c) = on_manual_clock(T0).await;
    create_table(&c, "one", None).await;
    create_table(&c, "two", None).await;
    let mut arns = Vec::new();
    for table in ["one", "two", "one"] {
        arns.push(backup(&c, table, "bk1").await);
        emu.advance(Duration::from_secs(1));
    }
    let list = |f: fn(
        aws_sdk_dynamodb::operation::list_backups::builders::ListBackupsFluentBuilder,
    ) -> aws_sdk_dynamodb::operation::list_backups::builders::ListBackupsFluentBuilder| {
        let c = c.clone();
        async move {
            let out = f(c.list_backups()).send().await.unwrap();
            let arns: Vec<String> = out
                .backup_summaries
                .unwrap()
                .into_iter()
                .map(|b| b.backup_arn.unwrap())
                .collect();
            (arns, out.last_evaluated_backup_arn)
        }
    };
    assert_eq!(list(|r| r).await, (arns.clone(), None));
    assert_eq!(
        list(|r| r.table_name("one")).await,
        (vec![arns[0].clone(), arns[2].clone()], None)
    );
    assert_eq!(list(|r| r.limit(2)).await, (arns[..2].to_vec(), Some(arns[1].clone())));
    let second = c
        .list_backups()
        .limit(2)
        .exclusive_start_backup_arn(&arns[1])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (second.backup_summaries.unwrap().len(), second.last_evaluated_backup_arn),
        (1, None)
    );
    // [lower, upper): the second backup, made at T0 + 1 s, only.
    let at = |secs| aws_sdk_dynamodb::primitives::DateTime::from_secs(secs);
    let window = c
        .list_backups()
        .time_range_lower_bound(at(T0 as i64 + 1))
        .time_range_upper_bound(at(T0 as i64 + 2));
    let window = window.send().await.unwrap().backup_summaries.unwrap();
    assert_eq!(
        window.iter().map(|b| b.backup_arn.clone().unwrap()).collect::<Vec<_>>(),
        [arns[1].clone()]
    );
    assert_eq!(list(|r| r.backup_type(BackupTypeFilter::System)).await, (vec![], None));
    assert_eq!(list(|r| r.backup_type(BackupTypeFilter::All)).await.0.len(), 3);
    let inverted = c
        .list_backups()
        .time_range_lower_bound(at(T0 as i64 + 2))
        .time_range_upper_bound(at(T0 as i64));
    assert_eq!(
        error(inverted.send().await.unwrap_err()),
        validation("Time range lower bound must be less than or equal to upper bound")
    );
}

#[tokio::test]
async fn a_point_in_time_restore_sees_the_table_as_it_was_then() {
    let (emu, c) = on_manual_clock(T0).await;
    create_table(&c, "live", None).await;
    let restore = |target: &str| {
        c.restore_table_to_point_in_time()
            .source_table_name("live")
            .target_table_name(target)
    };
    let off = restore("rr0")
        .use_latest_restorable_time(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(off),
        (
            "PointInTimeRecoveryUnavailableException".into(),
            "Point in time recovery is not enabled for table 'live'".into()
        )
    );
    emu.advance(Duration::from_secs(10));
    let on = PointInTimeRecoverySpecification::builder()
        .point_in_time_recovery_enabled(true)
        .build()
        .unwrap();
    c.update_continuous_backups()
        .table_name("live")
        .point_in_time_recovery_specification(on)
        .send()
        .await
        .unwrap();
    put(&c, "live", &[("pk", s("first"))]).await;
    emu.advance(Duration::from_secs(60));
    put(&c, "live", &[("pk", s("second"))]).await;
    c.delete_item()
        .table_name("live")
        .key("pk", s("first"))
        .send()
        .await
        .unwrap();
    emu.advance(Duration::from_secs(600));

    let at = |secs: u64| aws_sdk_dynamodb::primitives::DateTime::from_secs((T0 + secs) as i64);
    restore("rr1").restore_date_time(at(30)).send().await.unwrap();
    assert_eq!(keys(&c, "rr1", None).await, ["first"]);
    // The latest restorable time is five minutes ago: after the second minute's writes.
    let latest = restore("rr2").use_latest_restorable_time(true).send().await.unwrap();
    let summary = latest.table_description.unwrap().restore_summary.unwrap();
    assert_eq!(
        (summary.source_backup_arn, summary.restore_date_time.secs()),
        (None, (T0 + 370) as i64)
    );
    assert_eq!(keys(&c, "rr2", None).await, ["second"]);
    // Before recovery was on, or after the latest restorable time.
    for secs in [0, 371] {
        let late = restore("rr3").restore_date_time(at(secs)).send().await.unwrap_err();
        assert_eq!(
            error(late),
            (
                "InvalidRestoreTimeException".into(),
                format!(
                    "RestoreDateTime '2023-11-14T22:{}Z' must be within EarliestRestorableDateTime '2023-11-14T22:13:30Z' and LatestRestorableDateTime '2023-11-14T22:19:30Z'",
                    if secs == 0 { "13:20" } else { "19:31" }
                )
            )
        );
    }
    let both = restore("rr3")
        .use_latest_restorable_time(true)
        .restore_date_time(at(30))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(both),
        validation("Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for point-in-time restore request. Please specify only one.")
    );
    let taken = restore("rr1")
        .use_latest_restorable_time(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(taken),
        ("TableAlreadyExistsException".into(), "Table already exists: rr1".into())
    );
}

#[tokio::test]
async fn a_backup_feeds_one_restore_at_a_time() {
    let emu = Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0))
        .delay_transient_statuses(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let c = emu.client();
    create_table(&c, "src", None).await;
    // Not yet: a CREATING table is not found.
    assert_eq!(backup_refusal(&c, "src").await, table_not_found("src"));
    emu.advance(Duration::from_secs(2));
    let arn = backup(&c, "src", "bk1").await;
    let restore = |target: &str, arn: &str| {
        c.restore_table_from_backup()
            .target_table_name(target)
            .backup_arn(arn)
            .send()
    };
    restore("dst", &arn).await.unwrap();
    assert_eq!(status(&c, "dst").await, Some(TableStatus::Creating));
    let again = restore("dst2", &arn).await;
    assert_eq!(
        error(again.unwrap_err()),
        (
            "BackupInUseException".into(),
            format!("Backup is being used to restore another table: {arn}")
        )
    );
    let delete = c.delete_backup().backup_arn(&arn).send().await;
    assert_eq!(
        error(delete.unwrap_err()),
        (
            "BackupInUseException".into(),
            format!("Backup is being used to restore table: {arn}")
        )
    );
    let other = backup(&c, "src", "bk2").await;
    let into = restore("dst", &other).await;
    assert_eq!(
        error(into.unwrap_err()),
        (
            "TableInUseException".into(),
            format!("Table: dst is already being restored from backup: {arn}")
        )
    );
    emu.advance(Duration::from_secs(2));
    assert_eq!(status(&c, "dst").await, Some(TableStatus::Active));
    restore("dst2", &arn).await.unwrap();
    emu.advance(Duration::from_secs(2));
    c.delete_backup().backup_arn(&arn).send().await.unwrap();
}

/// Another account's backup ARN is AccessDenied on each operation that names a backup, before
/// the backup is looked for, and so is another account's SourceTableArn on a point-in-time
/// restore; a restore from either makes no table; a malformed backup ARN is still
/// refused for its form first, and a missing backup of ours is BackupNotFound (ExtendDB's
/// AWS-captured backup scoping tests).
#[tokio::test]
async fn another_accounts_backup_is_denied() {
    let (_emu, c) = crate::support::emulator().await;
    create_table(&c, "src", None).await;
    let ours = backup(&c, "src", "bk1").await;
    let foreign = ours.replace(":000000000000:", ":999999999999:");
    let denied = || ("AccessDeniedException".to_string(), "Access is denied".to_string());
    let err = c.describe_backup().backup_arn(&foreign).send().await.unwrap_err();
    assert_eq!(error(err), denied());
    let err = c.delete_backup().backup_arn(&foreign).send().await.unwrap_err();
    assert_eq!(error(err), denied());
    let err = c
        .restore_table_from_backup()
        .target_table_name("copy")
        .backup_arn(&foreign)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(err), denied());
    let err = c
        .restore_table_to_point_in_time()
        .source_table_arn("arn:aws:dynamodb:us-east-1:999999999999:table/src")
        .target_table_name("copy")
        .use_latest_restorable_time(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(err), denied());
    let err = c.describe_table().table_name("copy").send().await.unwrap_err();
    assert_eq!(error(err).0, "ResourceNotFoundException");
    let err = c
        .describe_backup()
        .backup_arn("arn:aws:dynamodb:us-east-1:999999999999:table/src")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(err), validation("Invalid Backup ARN"));
    let missing = format!(
        "{}/backup/00000000000000-deadbeef",
        ours.split("/backup/").next().unwrap()
    );
    let err = c.describe_backup().backup_arn(&missing).send().await.unwrap_err();
    assert_eq!(
        error(err),
        ("BackupNotFoundException".into(), format!("Backup not found: {missing}"))
    );
    c.describe_backup().backup_arn(&ours).send().await.unwrap();
}

#[tokio::test]
async fn backup_actions_are_authorized_on_the_backup() {
    use aws_sdk_dynamodb::config::Credentials;
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["dynamodb:CreateBackup", "dynamodb:DescribeBackup"],
        "Resource": ["arn:aws:dynamodb:us-east-1:000000000000:table/src",
                     "arn:aws:dynamodb:us-east-1:000000000000:table/src/backup/*"]}]}"#;
    let creds: dynamodb_emulator::Credentials = "admin:a,app:s".parse().unwrap();
    let emu = Emulator::builder()
        .credentials(creds.with_policy("app", policy).unwrap())
        .start()
        .await
        .unwrap();
    let signed = |key: &str, secret: &str| {
        let conf = emu.client().config().to_builder();
        Client::from_conf(
            conf.credentials_provider(Credentials::new(key, secret, None, None, "test"))
                .build(),
        )
    };
    let (admin, app) = (signed("admin", "a"), signed("app", "s"));
    create_table(&admin, "src", None).await;
    let arn = backup(&app, "src", "bk1").await;
    app.describe_backup().backup_arn(&arn).send().await.unwrap();
    let denied = |action: &str, resource: &str| {
        (
            "AccessDeniedException".to_string(),
            format!("User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:{action} on resource: {resource} because no identity-based policy allows the dynamodb:{action} action"),
        )
    };
    let err = app.delete_backup().backup_arn(&arn).send().await.unwrap_err();
    assert_eq!(error(err), denied("DeleteBackup", &arn));
    let err = app.list_backups().send().await.unwrap_err();
    assert_eq!(error(err), denied("ListBackups", "*"));
}

#[tokio::test]
async fn snapshots_carry_backups() {
    let (emu, c) = on_manual_clock(T0).await;
    create_table(&c, "src", None).await;
    put(&c, "src", &[("pk", s("a"))]).await;
    let arn = backup(&c, "src", "bk1").await;
    let fixture = emu.snapshot();
    c.delete_backup().backup_arn(&arn).send().await.unwrap();
    let made_after = backup(&c, "src", "bk2").await;
    emu.restore(&fixture);
    let listed = c.list_backups().send().await.unwrap().backup_summaries.unwrap();
    assert_eq!(
        listed.iter().map(|b| b.backup_arn.as_deref()).collect::<Vec<_>>(),
        [Some(arn.as_str())]
    );
    assert_ne!(made_after, arn);
    c.restore_table_from_backup()
        .target_table_name("copy")
        .backup_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(keys(&c, "copy", None).await, ["a"]);
}
