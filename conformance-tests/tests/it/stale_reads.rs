//! Eventual consistency under a chaos plan, on the manual clock: stale eventually consistent reads
//! (by time and by writes), a GSI that lags its table, and nothing stale when no plan asks.

use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;
use serde_json::{json, Value};

use crate::support::{create_table, create_with_gsi, item, s};

/// An emulator on a manual clock under `plan` (none when `Value::Null`), with table `tbl` (key
/// `pk`) and `gtbl` (key `pk`, a GSI `by_group` on `g`).
async fn setup(plan: Value) -> (Emulator, Client) {
    let mut builder = Emulator::builder().manual_clock(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    if !plan.is_null() {
        builder = builder.chaos(plan.to_string().parse().unwrap());
    }
    let emu = builder.start().await.unwrap();
    let c = emu.client();
    create_table(&c, "tbl", None).await;
    create_with_gsi(&c, "gtbl").await;
    (emu, c)
}

async fn put(c: &Client, v: &str) {
    c.put_item()
        .table_name("tbl")
        .item("pk", s("a"))
        .item("v", s(v))
        .send()
        .await
        .unwrap();
}

fn v(found: Option<&std::collections::HashMap<String, AttributeValue>>) -> String {
    found.map_or("none".into(), |i| i["v"].as_s().unwrap().clone())
}

/// Item `a`'s `v` as GetItem, Query, Scan, BatchGetItem and a PartiQL SELECT see it ("none" when
/// absent), each with `ConsistentRead` as given.
async fn reads(c: &Client, consistent: bool) -> [String; 5] {
    let get = c
        .get_item()
        .table_name("tbl")
        .key("pk", s("a"))
        .consistent_read(consistent)
        .send()
        .await
        .unwrap();
    let query = c
        .query()
        .table_name("tbl")
        .key_condition_expression("pk = :a")
        .expression_attribute_values(":a", s("a"))
        .consistent_read(consistent)
        .send()
        .await
        .unwrap();
    let scan = c
        .scan()
        .table_name("tbl")
        .consistent_read(consistent)
        .send()
        .await
        .unwrap();
    let keys = KeysAndAttributes::builder()
        .keys(item(&[("pk", s("a"))]))
        .consistent_read(consistent)
        .build()
        .unwrap();
    let batch = c.batch_get_item().request_items("tbl", keys).send().await.unwrap();
    let partiql = c
        .execute_statement()
        .statement("SELECT * FROM tbl WHERE pk = 'a'")
        .consistent_read(consistent)
        .send()
        .await
        .unwrap();
    [
        v(get.item()),
        v(query.items().first()),
        v(scan.items().first()),
        v(batch.responses().unwrap()["tbl"].first()),
        v(partiql.items().first()),
    ]
}

async fn gsi_count(c: &Client) -> usize {
    let q = c
        .query()
        .table_name("gtbl")
        .index_name("by_group")
        .key_condition_expression("g = :g")
        .expression_attribute_values(":g", s("shop"))
        .send()
        .await
        .unwrap();
    q.items().len()
}

fn all(v: &str) -> [String; 5] {
    std::array::from_fn(|_| v.to_string())
}

#[tokio::test]
async fn eventually_consistent_reads_see_the_old_value_until_the_lag_passes() {
    let (emu, c) = setup(json!({"seed": 1, "rules": [{"table": "tbl", "stale_reads": {"lag_ms": 1000}}]})).await;
    put(&c, "1").await;
    assert_eq!(reads(&c, false).await, all("none"), "a fresh item is not seen yet");
    emu.advance(Duration::from_millis(2000));
    assert_eq!(reads(&c, false).await, all("1"));
    put(&c, "2").await;
    assert_eq!(reads(&c, false).await, all("1"));
    assert_eq!(
        reads(&c, true).await,
        all("2"),
        "strongly consistent reads see the latest"
    );
    // Conditions are checked against the latest too.
    c.update_item()
        .table_name("tbl")
        .key("pk", s("a"))
        .update_expression("SET v = :new")
        .condition_expression("v = :two")
        .expression_attribute_values(":two", s("2"))
        .expression_attribute_values(":new", s("3"))
        .send()
        .await
        .unwrap();
    emu.advance(Duration::from_millis(999));
    assert_eq!(reads(&c, false).await, all("1"));
    emu.advance(Duration::from_millis(1));
    assert_eq!(reads(&c, false).await, all("3"));
}

#[tokio::test]
async fn writes_ago_reads_miss_the_latest_writes() {
    let (_emu, c) = setup(json!({"rules": [{"table": "tbl", "stale_reads": {"writes_ago": 1}}]})).await;
    put(&c, "1").await;
    put(&c, "2").await;
    assert_eq!(reads(&c, false).await, all("1"));
    put(&c, "3").await;
    assert_eq!(reads(&c, false).await, all("2"));
    assert_eq!(reads(&c, true).await, all("3"));
}

#[tokio::test]
async fn a_gsi_query_misses_a_fresh_item_until_the_index_lag_passes() {
    let (emu, c) = setup(json!({"rules": [{"table": "gtbl", "index": "by_group", "gsi_lag_ms": 500}]})).await;
    let new = c.put_item().table_name("gtbl").item("pk", s("s1")).item("g", s("shop"));
    new.send().await.unwrap();
    assert_eq!(gsi_count(&c).await, 0);
    // The table itself is not behind.
    let got = c.get_item().table_name("gtbl").key("pk", s("s1")).send().await.unwrap();
    assert!(got.item().is_some());
    emu.advance(Duration::from_millis(499));
    assert_eq!(gsi_count(&c).await, 0);
    emu.advance(Duration::from_millis(1));
    assert_eq!(gsi_count(&c).await, 1);
}

#[tokio::test]
async fn nothing_is_stale_without_a_lagging_rule() {
    for plan in [Value::Null, json!({"rules": [{"table": "tbl", "latency_ms": 0}]})] {
        let (emu, c) = setup(plan).await;
        put(&c, "1").await;
        assert_eq!(reads(&c, false).await, all("1"));
        c.put_item()
            .table_name("gtbl")
            .item("pk", s("s1"))
            .item("g", s("shop"))
            .send()
            .await
            .unwrap();
        assert_eq!(gsi_count(&c).await, 1);
        emu.chaos().clear();
    }
    // A plan that lagged, once cleared, lags no more.
    let (emu, c) = setup(json!({"rules": [{"table": "tbl", "stale_reads": {"lag_ms": 60000}}]})).await;
    put(&c, "1").await;
    emu.chaos().clear();
    assert_eq!(reads(&c, false).await, all("1"));
}
