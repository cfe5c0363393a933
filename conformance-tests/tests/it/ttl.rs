//! Time to Live through the SDK: UpdateTimeToLive/DescribeTimeToLive with AWS's messages, expiry on
//! a manual clock (deterministic), the background sweeper on the real clock, and a race between
//! sweeps and writes that move an expiry forward.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{AttributeValue as V, TimeToLiveSpecification, TimeToLiveStatus};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_table, create_with_gsi, error, n, s, validation};

/// The manual clock's start: 2023-11-14T22:13:20Z.
const T0: i64 = 1_700_000_000;
const SIX_YEARS: i64 = 6 * 365 * 24 * 3600;
/// How long after a change UpdateTimeToLive refuses the next (AWS, October 2026: about 31 minutes).
const COOLDOWN: Duration = Duration::from_secs(31 * 60);

async fn manual_emulator() -> (Emulator, Client) {
    let emu = Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0 as u64))
        .start()
        .await
        .unwrap();
    let client = emu.client();
    (emu, client)
}

fn spec(attribute: &str, enabled: bool) -> TimeToLiveSpecification {
    TimeToLiveSpecification::builder()
        .attribute_name(attribute)
        .enabled(enabled)
        .build()
        .unwrap()
}

async fn set_ttl(c: &Client, table: &str, attribute: &str, enabled: bool) {
    let out = c
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(spec(attribute, enabled))
        .send()
        .await
        .unwrap();
    assert_eq!(out.time_to_live_specification, Some(spec(attribute, enabled)));
}

async fn exists(c: &Client, table: &str, pk: &str) -> bool {
    c.get_item()
        .table_name(table)
        .key("pk", s(pk))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .is_some()
}

/// (table ItemCount, table size, GSI ItemCount) as DescribeTable reports them.
async fn counts(c: &Client, table: &str) -> (i64, i64, i64) {
    let t = c
        .describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let gsi = t
        .global_secondary_indexes()
        .first()
        .map_or(-1, |i| i.item_count.unwrap());
    (t.item_count.unwrap(), t.table_size_bytes.unwrap(), gsi)
}

#[tokio::test]
async fn update_time_to_live_errors_match_dynamodb() {
    let (emu, c) = manual_emulator().await;
    create_table(&c, "ttl_errors", None).await;
    let update = |attribute: &str, enabled: bool| {
        c.update_time_to_live()
            .table_name("ttl_errors")
            .time_to_live_specification(spec(attribute, enabled))
            .send()
    };

    let describe = c.describe_time_to_live().table_name("ttl_errors").send().await.unwrap();
    let d = describe.time_to_live_description.unwrap();
    assert_eq!(
        (d.time_to_live_status, d.attribute_name),
        (Some(TimeToLiveStatus::Disabled), None)
    );

    let e = update("exp", false).await.unwrap_err();
    assert_eq!(error(e), validation("TimeToLive is already disabled"));
    let e = update("", true).await.unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )
    );
    let e = c
        .update_time_to_live()
        .table_name("no_such_table")
        .time_to_live_specification(spec("exp", true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Table: no_such_table not found".into()
        )
    );
    let e = c
        .describe_time_to_live()
        .table_name("no_such_table")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Table: no_such_table not found".into()
        )
    );

    set_ttl(&c, "ttl_errors", "exp", true).await;
    let d = c
        .describe_time_to_live()
        .table_name("ttl_errors")
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(
        (d.time_to_live_status, d.attribute_name.as_deref()),
        (Some(TimeToLiveStatus::Enabled), Some("exp"))
    );

    let e = update("exp", true).await.unwrap_err();
    assert_eq!(error(e), validation("TimeToLive is already enabled"));
    let different = "TimeToLive is active on a different AttributeName: current AttributeName is exp";
    let e = update("other", true).await.unwrap_err();
    assert_eq!(error(e), validation(different));
    let e = update("other", false).await.unwrap_err();
    assert_eq!(error(e), validation(different));

    // A change within about 31 minutes of the last one is refused, after the checks above and
    // without moving the window (AWS, October 2026, the ACK catalogue's DDB-TABLE-143).
    let cooldown = validation("Time to live has been modified multiple times within a fixed interval");
    assert_eq!(error(update("exp", false).await.unwrap_err()), cooldown);
    assert!(emu.advance(COOLDOWN - Duration::from_secs(1)));
    assert_eq!(error(update("exp", false).await.unwrap_err()), cooldown);
    assert!(emu.advance(Duration::from_secs(1)));
    set_ttl(&c, "ttl_errors", "exp", false).await;
    let d = c
        .describe_time_to_live()
        .table_name("ttl_errors")
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(
        (d.time_to_live_status, d.attribute_name),
        (Some(TimeToLiveStatus::Disabled), None)
    );
    // Effective at once, and the change starts a new window: another attribute can be enabled
    // once it has passed.
    assert_eq!(error(update("other", true).await.unwrap_err()), cooldown);
    assert!(emu.advance(COOLDOWN));
    set_ttl(&c, "ttl_errors", "other", true).await;
}

#[tokio::test]
async fn manual_clock_expires_exactly_the_right_items() {
    let (emu, c) = manual_emulator().await;
    create_with_gsi(&c, "sessions").await;
    let put = |pk: &'static str, exp: Option<V>| {
        let mut req = c
            .put_item()
            .table_name("sessions")
            .item("pk", s(pk))
            .item("g", s("grp"));
        if let Some(v) = exp {
            req = req.item("exp", v);
        }
        req.send()
    };
    // Written before TTL is enabled: enabling indexes them.
    put("past", Some(n(T0 - 10))).await.unwrap();
    put("string", Some(s(&(T0 - 10).to_string()))).await.unwrap();
    set_ttl(&c, "sessions", "exp", true).await;
    put("soon", Some(n(T0 + 30))).await.unwrap();
    put("later", Some(n(T0 + 3600))).await.unwrap();
    put("missing", None).await.unwrap();
    put("ancient", Some(n(T0 - SIX_YEARS))).await.unwrap();
    put("list", Some(V::L(vec![n(T0 - 10)]))).await.unwrap();
    put("set", Some(V::Ns(vec![(T0 - 10).to_string()]))).await.unwrap();
    put("fraction", Some(V::N(format!("{}.5", T0 + 59)))).await.unwrap();
    let (items, size_before, in_index) = counts(&c, "sessions").await;
    assert_eq!((items, in_index), (9, 9));

    // Expired but not yet swept: still readable, and nothing happens in the background.
    assert!(exists(&c, "sessions", "past").await);
    assert!(emu.advance(Duration::from_secs(60)));
    tokio::task::yield_now().await;
    assert!(exists(&c, "sessions", "soon").await);
    assert_eq!(counts(&c, "sessions").await.0, 9);

    assert_eq!(emu.sweep_expired(), 3, "past, soon and fraction (T0+59.5 < T0+60)");
    let mut gone = Vec::new();
    for pk in [
        "past", "string", "soon", "later", "missing", "ancient", "list", "set", "fraction",
    ] {
        if !exists(&c, "sessions", pk).await {
            gone.push(pk);
        }
    }
    assert_eq!(gone, ["past", "soon", "fraction"]);
    let (items, size_after, in_index) = counts(&c, "sessions").await;
    assert_eq!((items, in_index), (6, 6));
    assert!(size_after < size_before);
    assert_eq!(emu.sweep_expired(), 0);

    // A write can bring the expiry into the past; a disabled TTL deletes nothing.
    c.update_item()
        .table_name("sessions")
        .key("pk", s("later"))
        .update_expression("SET exp = :e")
        .expression_attribute_values(":e", n(T0))
        .send()
        .await
        .unwrap();
    assert!(emu.advance(COOLDOWN));
    set_ttl(&c, "sessions", "exp", false).await;
    assert_eq!(emu.sweep_expired(), 0);
    assert!(exists(&c, "sessions", "later").await);
    assert!(emu.advance(COOLDOWN));
    set_ttl(&c, "sessions", "exp", true).await;
    assert_eq!(emu.sweep_expired(), 1);
    assert!(!exists(&c, "sessions", "later").await);
    assert_eq!(counts(&c, "sessions").await.0, 5);
    assert_eq!(counts(&c, "sessions").await.2, 5);
    let tables = c.list_tables().send().await.unwrap();
    assert_eq!(tables.table_names(), ["sessions"]);
}

/// The item expires one to two seconds after it is written; the bound is generous because
/// a loaded machine can stall the test for longer than any margin a tighter one would leave.
#[tokio::test]
async fn real_clock_sweeper_deletes_within_seconds() {
    let emu = Emulator::builder()
        .ttl_sweep_interval(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let c = emu.client();
    create_table(&c, "real", None).await;
    set_ttl(&c, "real", "exp", true).await;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    for (pk, exp) in [("short", now + 1), ("long", now + 3600)] {
        c.put_item()
            .table_name("real")
            .item("pk", s(pk))
            .item("exp", n(exp))
            .send()
            .await
            .unwrap();
    }
    let start = Instant::now();
    while exists(&c, "real", "short").await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "expired item still there after 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(exists(&c, "real", "long").await);
    assert_eq!(emu.sweep_expired(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_the_expiry_forward_always_beats_a_concurrent_sweep() {
    const ITEMS: usize = 100;
    let (emu, c) = manual_emulator().await;
    create_table(&c, "race", None).await;
    set_ttl(&c, "race", "exp", true).await;
    let (mut kept, mut swept) = (0, 0);
    for round in 0..30 {
        for i in 0..ITEMS {
            c.put_item()
                .table_name("race")
                .item("pk", s(&format!("{round}-{i}")))
                .item("exp", n(T0 - 1))
                .send()
                .await
                .unwrap();
        }
        let done = Arc::new(AtomicBool::new(false));
        let sweeper = {
            let (emu, done) = (emu.clone(), done.clone());
            tokio::task::spawn_blocking(move || {
                let mut deleted = 0;
                while !done.load(Ordering::SeqCst) {
                    deleted += emu.sweep_expired();
                    std::thread::yield_now();
                }
                deleted
            })
        };
        let updates: Vec<_> = (0..ITEMS)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.update_item()
                        .table_name("race")
                        .key("pk", s(&format!("{round}-{i}")))
                        .update_expression("SET exp = :later")
                        .condition_expression("attribute_exists(pk)")
                        .expression_attribute_values(":later", n(T0 + 3600))
                        .send()
                        .await
                        .map_err(|e| error(e).0)
                })
            })
            .collect();
        let mut outcome = HashMap::new();
        for (i, u) in updates.into_iter().enumerate() {
            outcome.insert(i, u.await.unwrap());
        }
        done.store(true, Ordering::SeqCst);
        // Whatever the sweeper still finds now is exactly the items no update reached.
        let mut deleted = sweeper.await.unwrap();
        deleted += emu.sweep_expired();
        let mut updated = 0;
        for (i, result) in outcome {
            let item = c
                .get_item()
                .table_name("race")
                .key("pk", s(&format!("{round}-{i}")))
                .send()
                .await
                .unwrap()
                .item;
            match result {
                Ok(_) => {
                    updated += 1;
                    assert_eq!(item.unwrap()["exp"], n(T0 + 3600), "item {round}-{i} lost");
                }
                Err(code) => {
                    assert_eq!(code, "ConditionalCheckFailedException");
                    assert_eq!(item, None);
                }
            }
        }
        assert_eq!(updated + deleted, ITEMS, "round {round}");
        kept += updated;
        swept += deleted;
    }
    assert_eq!(kept + swept, 30 * ITEMS);
}
