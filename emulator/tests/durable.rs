//! Durable mode end to end: the binary with `--db-path`, written to through the SDK and killed
//! with SIGKILL mid-load, must come back with every acknowledged write (also those put into a table
//! whose CreateTable was still being saved) and no batch or transaction half there; a corrupt
//! database stops it at start with the file named.
//!
//! `CRASH_ROUNDS` (default 3) sets how many kills one run makes; the long run is
//! `CRASH_ROUNDS=100 cargo test --release -p dynamodb-emulator --test durable`.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dynamodb_emulator::aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, Put, PutRequest, ScalarAttributeType,
    TransactWriteItem, WriteRequest,
};
use dynamodb_emulator::aws_sdk_dynamodb::Client;

const TABLE: &str = "crash";

struct Emulator {
    child: Child,
    client: Client,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Emulator {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .args(["--port", "0", "--db-path"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(url) = line.trim().strip_prefix("listening on ").map(str::to_string) else {
        // It did not start: what it said is the failure.
        let mut said = String::new();
        let _ = child.stderr.take().unwrap().read_to_string(&mut said);
        panic!("the emulator did not start on {}: {said}", dir.display());
    };
    // Drained so that a chatty emulator never blocks on a full pipe.
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Emulator {
        child,
        client: dynamodb_emulator::transport_for_endpoint(&url),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddbemu-durable-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// One write the load made: its items (key → group), in one request.
struct Write {
    keys: Vec<String>,
}

/// Runs one writer until a request fails (the process was killed); returns the writes that were
/// acknowledged and every key it tried.
async fn writer(client: Client, round: usize, w: usize) -> (Vec<Write>, Vec<String>) {
    let (mut acked, mut tried) = (Vec::new(), Vec::new());
    for i in 0.. {
        let keys: Vec<String> = (0..[1, 3, 2][i % 3])
            .map(|k| format!("r{round}-w{w}-{i}-{k}"))
            .collect();
        tried.extend(keys.iter().cloned());
        let group = format!("r{round}-w{w}-{i}");
        let item = |k: &String| {
            [
                ("pk".to_string(), s(k)),
                ("group".to_string(), s(&group)),
                ("size".to_string(), AttributeValue::N(keys.len().to_string())),
            ]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>()
        };
        let ok = match i % 3 {
            0 => client
                .put_item()
                .table_name(TABLE)
                .set_item(Some(item(&keys[0])))
                .send()
                .await
                .is_ok(),
            1 => {
                let requests = keys
                    .iter()
                    .map(|k| {
                        WriteRequest::builder()
                            .put_request(PutRequest::builder().set_item(Some(item(k))).build().unwrap())
                            .build()
                    })
                    .collect();
                // The emulator applies a whole batch; nothing comes back unprocessed.
                let out = client.batch_write_item().request_items(TABLE, requests).send().await;
                out.is_ok_and(|o| o.unprocessed_items().is_none_or(|u| u.is_empty()))
            }
            _ => {
                let items = keys
                    .iter()
                    .map(|k| {
                        TransactWriteItem::builder()
                            .put(
                                Put::builder()
                                    .table_name(TABLE)
                                    .set_item(Some(item(k)))
                                    .build()
                                    .unwrap(),
                            )
                            .build()
                    })
                    .collect();
                client
                    .transact_write_items()
                    .set_transact_items(Some(items))
                    .send()
                    .await
                    .is_ok()
            }
        };
        if !ok {
            break;
        }
        acked.push(Write { keys });
    }
    (acked, tried)
}

/// Creates tables one after another, each time putting an item into the new table as soon as it
/// exists (while its CreateTable is still being saved), until a request fails (the process was
/// killed); returns the (table, key) of every acknowledged put.
async fn creator(client: Client, round: usize) -> Vec<(String, String)> {
    let mut acked = Vec::new();
    for i in 0.. {
        let table = format!("made-r{round}-{i}");
        let create = client
            .create_table()
            .table_name(&table)
            .key_schema(key_schema())
            .attribute_definitions(key_definition())
            .billing_mode(BillingMode::PayPerRequest)
            .send();
        let create = tokio::spawn(create);
        let key = format!("{table}-item");
        let put = loop {
            let put = client.put_item().table_name(&table).item("pk", s(&key)).send().await;
            match put {
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    tokio::task::yield_now().await
                }
                put => break put,
            }
        };
        if put.is_err() {
            break;
        }
        acked.push((table, key));
        if create.await.unwrap().is_err() {
            break;
        }
    }
    acked
}

fn key_schema() -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name("pk")
        .key_type(KeyType::Hash)
        .build()
        .unwrap()
}

fn key_definition() -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name("pk")
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap()
}

/// Every item of the table: key → (group, size).
async fn scan_all(client: &Client) -> BTreeMap<String, (String, usize)> {
    let mut items = BTreeMap::new();
    let mut start = None;
    loop {
        let page = client
            .scan()
            .table_name(TABLE)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items() {
            let get = |k: &str| item[k].as_s().or_else(|_| item[k].as_n()).unwrap().clone();
            items.insert(get("pk"), (get("group"), get("size").parse().unwrap()));
        }
        start = page.last_evaluated_key().cloned();
        if start.is_none() {
            return items;
        }
    }
}

/// A few milliseconds from 150 to 550, different on every call (no random crate needed).
fn kill_after() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    Duration::from_millis(150 + u64::from(nanos % 400))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_kill_9_and_no_group_is_half_there() {
    let rounds: usize = std::env::var("CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let dir = scratch("crash");
    let emu = start(&dir);
    emu.client
        .create_table()
        .table_name(TABLE)
        .key_schema(key_schema())
        .attribute_definitions(key_definition())
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let mut emu = Some(emu);
    let (mut acked, mut tried) = (Vec::new(), BTreeSet::new());
    let mut made = Vec::new();
    let mut checked = 0;
    for round in 0..rounds {
        let running = emu.take().unwrap_or_else(|| start(&dir));
        let writers: Vec<_> = (0..4)
            .map(|w| tokio::spawn(writer(running.client.clone(), round, w)))
            .collect();
        let creating = tokio::spawn(creator(running.client.clone(), round));
        tokio::time::sleep(kill_after()).await;
        let mut running = running;
        running.child.kill().unwrap(); // SIGKILL
        running.child.wait().unwrap();
        for w in writers {
            let (a, t) = w.await.unwrap();
            acked.extend(a);
            tried.extend(t);
        }
        made.extend(creating.await.unwrap());
        let back = start(&dir);
        for (table, key) in &made {
            let got = back.client.get_item().table_name(table).key("pk", s(key)).send().await;
            let item = got.map(|g| g.item().cloned());
            assert!(
                matches!(&item, Ok(Some(i)) if i["pk"] == s(key)),
                "round {round}: acknowledged {key} in a new table lost: {item:?}"
            );
        }
        let items = scan_all(&back.client).await;
        for write in &acked {
            for k in &write.keys {
                assert_eq!(
                    items.get(k).map(|(_, size)| *size),
                    Some(write.keys.len()),
                    "round {round}: acknowledged {k} lost"
                );
            }
        }
        checked = acked.iter().map(|w| w.keys.len()).sum::<usize>() + made.len();
        // Nothing that was never written, and every group all there or not at all.
        let mut groups: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (k, (group, size)) in &items {
            assert!(tried.contains(k), "round {round}: {k} was never written");
            let g = groups.entry(group).or_insert((0, *size));
            g.0 += 1;
        }
        for (group, (present, size)) in groups {
            assert_eq!(present, size, "round {round}: group {group} is half there");
        }
        emu = Some(back);
    }
    eprintln!("{rounds} kills, {checked} acknowledged items checked");
    assert!(checked > 0, "the load wrote nothing before the kills");
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_database_stops_the_start_with_the_file_named() {
    let dir = scratch("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wal-1"), b"not ours").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .args(["--port", "0", "--db-path"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        err,
        format!(
            "error: cannot open --db-path {d}: {d}/wal-1: not a dynamodb-emulator database file (wrong header); is --db-path the right directory?\n",
            d = dir.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}
