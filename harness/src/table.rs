//! A run's table: created once per suite run, emptied before each case, deleted when the run
//! ends, also when it fails or panics, and, on an endpoint, when the process gets Ctrl-C. On
//! DynamoDB creating and deleting a table takes seconds and is throttled; emptying one costs a
//! Scan and a BatchWriteItem per 25 items. On an emulator the run restores the state it had once
//! the table was made: no requests, and no reliance on the Scan a test fault may break.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::sync::{Mutex, Once, OnceLock, PoisonError};
use std::time::Duration;

use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Snapshot;
use tokio::runtime::Runtime;

use crate::adapters::Item;
use crate::{Env, Error};

/// BatchWriteItem's limit.
const BATCH: usize = 25;

/// Sends of a batch's unprocessed deletes before giving up, backing off from 10 ms doubling.
const UNPROCESSED_ATTEMPTS: u32 = 10;

pub(crate) struct RunTable<'a> {
    env: &'a Env,
    rt: &'a Runtime,
    name: String,
    /// The key attributes, learnt from the first DescribeTable that finds the table (a port may
    /// create its table during the first case).
    key: OnceLock<Vec<String>>,
    /// On an emulator, its whole state right after the table was made, restored before each case.
    made: Option<Snapshot>,
    deleted: bool,
}

impl<'a> RunTable<'a> {
    /// Has `create` create the table `name`; the table is deleted again when the returned guard
    /// goes, even when creating it failed half-way.
    pub(crate) fn create(
        rt: &'a Runtime,
        env: &'a Env,
        name: String,
        create: impl Future<Output = Result<(), Error>>,
    ) -> Result<RunTable<'a>, Error> {
        if !env.target().is_emulator() {
            on_interrupt_delete(env.admin(), &name);
        }
        let mut table = RunTable {
            env,
            rt,
            name,
            key: OnceLock::new(),
            made: None,
            deleted: false,
        };
        rt.block_on(create)?;
        table.made = env.emulator().map(|emulator| emulator.snapshot());
        Ok(table)
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Deletes every item: on an emulator by restoring the state the table was made in; on an
    /// endpoint with a strongly consistent Scan of the keys, page by page, and BatchWriteItem
    /// deletes, unprocessed ones sent again. A table that does not exist yet is empty.
    pub(crate) async fn clear(&self) -> Result<(), Error> {
        if let (Some(made), Some(emulator)) = (&self.made, self.env.emulator()) {
            emulator.restore(made);
            return Ok(());
        }
        let client = self.env.admin();
        let Some(key) = self.key().await? else {
            return Ok(());
        };
        let names: HashMap<String, String> = key
            .iter()
            .enumerate()
            .map(|(i, k)| (format!("#k{i}"), k.clone()))
            .collect();
        let projection = names.keys().cloned().collect::<Vec<_>>().join(", ");
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name(&self.name)
                .consistent_read(true)
                .projection_expression(&projection)
                .set_expression_attribute_names(Some(names.clone()))
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            for keys in page.items().chunks(BATCH) {
                delete(client, &self.name, keys).await?;
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(()),
            }
        }
    }

    async fn key(&self) -> Result<Option<&Vec<String>>, Error> {
        if let Some(key) = self.key.get() {
            return Ok(Some(key));
        }
        let described = match self.env.admin().describe_table().table_name(&self.name).send().await {
            Ok(out) => out.table,
            Err(e) => match Error::from(e) {
                e if e.code == "ResourceNotFoundException" => return Ok(None),
                e => return Err(e),
            },
        };
        let key = described
            .map(|t| t.key_schema().iter().map(|k| k.attribute_name().to_string()).collect())
            .unwrap_or_default();
        Ok(Some(self.key.get_or_init(|| key)))
    }

    /// Deletes the table now, saying whether that worked.
    pub(crate) fn delete(mut self) -> Result<(), Error> {
        self.deleted = true;
        forget(&self.name);
        self.rt.block_on(self.env.delete_table(&self.name))
    }
}

impl Drop for RunTable<'_> {
    fn drop(&mut self) {
        if !self.deleted {
            forget(&self.name);
            if let Err(e) = self.rt.block_on(self.env.delete_table(&self.name)) {
                eprintln!("could not delete the harness table {}: {e}", self.name);
            }
        }
    }
}

/// One BatchWriteItem of deletes, and its unprocessed deletes again with a backoff.
async fn delete(client: &Client, table: &str, keys: &[Item]) -> Result<(), Error> {
    let mut requests: Vec<WriteRequest> = keys
        .iter()
        .map(|key| {
            let delete = DeleteRequest::builder().set_key(Some(key.clone())).build()?;
            Ok(WriteRequest::builder().delete_request(delete).build())
        })
        .collect::<Result<_, aws_sdk_dynamodb::error::BuildError>>()
        .map_err(|e| Error::new("ValidationException", e.to_string()))?;
    let mut backoff = Duration::from_millis(10);
    for _ in 0..UNPROCESSED_ATTEMPTS {
        let out = client
            .batch_write_item()
            .request_items(table, std::mem::take(&mut requests))
            .send()
            .await?;
        requests = out
            .unprocessed_items
            .and_then(|mut u| u.remove(table))
            .unwrap_or_default();
        if requests.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    Err(Error::new(
        "UnprocessedItems",
        format!(
            "{} deletes from {table} still unprocessed after {UNPROCESSED_ATTEMPTS} attempts",
            requests.len()
        ),
    ))
}

/// The endpoint tables alive in this process, deleted if it is interrupted.
static LIVE: Mutex<Vec<(Client, String)>> = Mutex::new(Vec::new());

/// Registers `table` for deletion on Ctrl-C, installing the handler on first use: a thread that
/// waits for the signal, deletes every registered table and exits with 130 as the signal would
/// have. Only endpoint tables: an emulator's go with the process.
fn on_interrupt_delete(client: &Client, table: &str) {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        let spawned = std::thread::Builder::new().name("harness-interrupt".into()).spawn(|| {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(PoisonError::into_inner));
                // Straight to stderr: libtest captures `eprintln!` in threads a test spawned.
                let mut stderr = std::io::stderr();
                let _ = writeln!(stderr, "interrupted: deleting {} harness tables", live.len());
                for (client, table) in live {
                    if let Err(e) = client.delete_table().table_name(&table).send().await {
                        let _ = writeln!(stderr, "could not delete {table}: {}", Error::from(e));
                    }
                }
                std::process::exit(130);
            });
        });
        if let Err(e) = spawned {
            eprintln!("no Ctrl-C cleanup of harness tables: {e}");
        }
    });
    LIVE.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((client.clone(), table.to_string()));
}

fn forget(table: &str) {
    LIVE.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|(_, t)| t != table);
}
