//! Ports of DynamoDB adapters. Each keeps the published package's table layout, attribute names
//! and calls (which operation, which expressions, which ReturnValues), with a Rust-shaped API
//! close to the original's. Each also has a `create_table` with the layout its documentation
//! asks for, since the packages (except Jovo's) expect the table to exist.

pub mod auth;
pub mod auth_flow;
pub mod kv;
pub mod matches;
pub mod session;
pub mod user_store;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, IndexStatus, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

use crate::Error;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

pub(crate) fn get_n(item: &Item, name: &str) -> Option<i64> {
    let v = item.get(name)?.as_n().ok()?;
    // JavaScript adapters may write fractional seconds (`getTime() / 1000`).
    v.parse::<i64>()
        .ok()
        .or_else(|| v.parse::<f64>().ok().map(|f| f as i64))
}

#[allow(clippy::expect_used)] // Both required members are set.
pub(crate) fn attr_def(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("complete")
}

#[allow(clippy::expect_used)] // Both required members are set.
pub(crate) fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("complete")
}

/// Turns on TTL for `attribute`, as each package's setup guide asks.
pub(crate) async fn enable_ttl(client: &Client, table: &str, attribute: &str) -> Result<(), Error> {
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(attribute)
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}

/// How time passes while a port waits: a real sleep on an endpoint, a step of the emulator's
/// manual clock on an emulator (so a wait costs nothing there).
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// How a port waits for its table after CreateTable, as the packages do with the JS SDK's
/// `waitUntilTableExists`: one DescribeTable at once, then polls after delays doubling from
/// `min_delay` up to `max_delay`, `max_wait` at most in all (the SDK draws each delay at random
/// below that bound; the ports take the bound, so runs repeat). Unlike the SDK's waiter it also
/// waits for every global secondary index to be ACTIVE, since the ports query theirs at once.
#[derive(Clone)]
pub struct Waiter {
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub max_wait: Duration,
    pub sleep: Sleep,
}

impl Waiter {
    /// The JS SDK's defaults for DynamoDB's table waiters (20 s, 120 s), five minutes at most.
    pub fn js_sdk(sleep: Sleep) -> Waiter {
        Waiter {
            min_delay: Duration::from_secs(20),
            max_delay: Duration::from_secs(120),
            max_wait: Duration::from_secs(300),
            sleep,
        }
    }

    /// Waits until `table` and its global indexes are ACTIVE; a missing table is waited for too
    /// (it may not be visible yet). Fails with `WaiterTimeout`, naming what was still not ACTIVE,
    /// once `max_wait` would be exceeded, and with DescribeTable's error on any other error.
    pub async fn until_active(&self, client: &Client, table: &str) -> Result<(), Error> {
        let (mut waited, mut delay) = (Duration::ZERO, self.min_delay);
        loop {
            let pending = match client.describe_table().table_name(table).send().await {
                Ok(out) => match out.table {
                    Some(t) => not_active(&t),
                    None => Some("no table description".to_string()),
                },
                Err(e) => {
                    let e = Error::from(e);
                    if e.code != "ResourceNotFoundException" {
                        return Err(e);
                    }
                    Some("table not found".to_string())
                }
            };
            let Some(pending) = pending else {
                return Ok(());
            };
            if waited + delay > self.max_wait {
                return Err(Error::new(
                    "WaiterTimeout",
                    format!(
                        "table {table} not ACTIVE after waiting {}s: {pending}",
                        waited.as_secs()
                    ),
                ));
            }
            (self.sleep)(delay).await;
            waited += delay;
            delay = (delay * 2).min(self.max_delay);
        }
    }
}

/// What of a table is not ACTIVE yet, if anything.
fn not_active(t: &aws_sdk_dynamodb::types::TableDescription) -> Option<String> {
    let mut pending: Vec<String> = Vec::new();
    if t.table_status() != Some(&TableStatus::Active) {
        pending.push(format!("table {:?}", t.table_status()));
    }
    for index in t.global_secondary_indexes() {
        if index.index_status() != Some(&IndexStatus::Active) {
            pending.push(format!(
                "index {} {:?}",
                index.index_name().unwrap_or_default(),
                index.index_status()
            ));
        }
    }
    (!pending.is_empty()).then(|| pending.join(", "))
}
