//! unstorage's `aws-dynamodb` driver (keyv's `@keyv/dynamo` is the same shape): a table keyed by
//! `key`, the value in `value`, the expiry in `ttl` (epoch seconds, DynamoDB TTL enabled on it).
//!
//! `get`/`has` are GetItem, `set` PutItem (an entry with a TTL gets `ttl = now + seconds`),
//! `remove` DeleteItem, `keys` a Scan followed page by page through `LastEvaluatedKey`, and
//! `clear` the keys then one DeleteItem each. DynamoDB deletes expired items late, so, as the
//! driver does, reads hide an entry once `now > ttl` even while the item is still there.
//!
//! Differences from unstorage, kept small: the TTL is per `set` (keyv's shape; unstorage has one
//! `expireIn` for the store), the prefix of `keys` is a `begins_with` filter in the Scan
//! (unstorage filters after listing), and the page size is settable so small tables page too.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{BillingMode, KeyType};
use aws_sdk_dynamodb::Client;

use super::{attr_def, enable_ttl, get_n, get_s, key, n, s, Item, Waiter};
use crate::{Error, Now};

pub struct KvStore {
    client: Client,
    table: String,
    now: Now,
    page_size: Option<i32>,
}

impl KvStore {
    /// A store on `table`; `now` is the time expiry is judged by (epoch seconds).
    pub fn new(client: Client, table: impl Into<String>, now: Now) -> Self {
        KvStore {
            client,
            table: table.into(),
            now,
            page_size: None,
        }
    }

    /// Scan pages of at most `items` items (DynamoDB's `Limit`); default: 1 MB pages.
    pub fn with_page_size(mut self, items: i32) -> Self {
        self.page_size = Some(items);
        self
    }

    /// `key` (S) hash key, TTL on `ttl`.
    pub async fn create_table(&self, waiter: &Waiter) -> Result<(), Error> {
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("key"))
            .key_schema(key("key", KeyType::Hash))
            .send()
            .await?;
        waiter.until_active(&self.client, &self.table).await?;
        enable_ttl(&self.client, &self.table, "ttl").await
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, Error> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("key", s(key))
            .send()
            .await?;
        Ok(out
            .item
            .filter(|item| self.live(item))
            .and_then(|item| get_s(&item, "value")))
    }

    pub async fn has(&self, key: &str) -> Result<bool, Error> {
        Ok(self.get(key).await?.is_some())
    }

    /// Stores `value` under `key`, expiring `ttl_seconds` from now when given.
    pub async fn set(&self, key: &str, value: &str, ttl_seconds: Option<u64>) -> Result<(), Error> {
        let mut item = HashMap::from([("key".to_string(), s(key)), ("value".to_string(), s(value))]);
        if let Some(ttl) = ttl_seconds.filter(|t| *t > 0) {
            item.insert("ttl".into(), n((self.now)() + ttl as i64));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    pub async fn remove(&self, key: &str) -> Result<(), Error> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("key", s(key))
            .send()
            .await?;
        Ok(())
    }

    /// Every live key starting with `prefix`, in the table's scan order.
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let mut keys = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut req = self
                .client
                .scan()
                .table_name(&self.table)
                .set_limit(self.page_size)
                .set_exclusive_start_key(start.take());
            if !prefix.is_empty() {
                req = req
                    .filter_expression("begins_with(#k, :prefix)")
                    .expression_attribute_names("#k", "key")
                    .expression_attribute_values(":prefix", s(prefix));
            }
            let out = req.send().await?;
            keys.extend(
                out.items()
                    .iter()
                    .filter(|item| self.live(item))
                    .filter_map(|item| get_s(item, "key")),
            );
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(keys),
            }
        }
    }

    /// Removes every live entry.
    pub async fn clear(&self) -> Result<(), Error> {
        for key in self.keys("").await? {
            self.remove(&key).await?;
        }
        Ok(())
    }

    /// Visible unless it has a `ttl` and that has passed.
    fn live(&self, item: &Item) -> bool {
        get_n(item, "ttl").is_none_or(|ttl| (self.now)() <= ttl)
    }
}
