//! Jovo's `@jovotech/db-dynamodb`: one item per user, keyed by `userId`, the whole user document
//! written with PutItem and read with a strongly consistent GetItem. The table is created on
//! first use: DescribeTable, and on ResourceNotFoundException, CreateTable (Jovo's defaults:
//! provisioned, 2 read and 2 write units).
//!
//! The item: `userId`, `user` (a map holding `data`, the app's user data), `session` (when the
//! app stores session data), `createdAt` and `updatedAt` (ISO strings).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ProvisionedThroughput};
use aws_sdk_dynamodb::Client;
use tokio::sync::OnceCell;

use super::{attr_def, get_s, key, s, Item, Waiter};
use crate::time::{iso, parse_iso};
use crate::Error;

#[derive(Clone, Debug)]
pub struct DynamoDbConfig {
    pub table_name: String,
    /// Default `userId`.
    pub primary_key_column: String,
    /// Default true; when false a missing table is an error.
    pub create_table_on_init: bool,
    pub read_capacity_units: i64,
    pub write_capacity_units: i64,
}

impl DynamoDbConfig {
    pub fn new(table_name: impl Into<String>) -> Self {
        DynamoDbConfig {
            table_name: table_name.into(),
            primary_key_column: "userId".into(),
            create_table_on_init: true,
            read_capacity_units: 2,
            write_capacity_units: 2,
        }
    }
}

/// The persisted part of a Jovo user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRecord {
    pub user_id: String,
    /// `$user.data`.
    pub data: BTreeMap<String, String>,
    /// `$session.data`, when stored.
    pub session: Option<BTreeMap<String, String>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What [`DynamoDb::initialize`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initialized {
    Existing,
    /// Jovo throws "Creating a table. Please wait a moment and resend the request..." here; the
    /// port waits for the table to be ACTIVE instead.
    Created,
}

pub struct DynamoDb {
    client: Client,
    config: DynamoDbConfig,
    initialized: OnceCell<Initialized>,
    waiter: Waiter,
}

impl DynamoDb {
    /// A store; `waiter` is how it waits for a table it creates to be ACTIVE.
    pub fn new(client: Client, config: DynamoDbConfig, waiter: Waiter) -> Self {
        DynamoDb {
            client,
            config,
            initialized: OnceCell::new(),
            waiter,
        }
    }

    /// DescribeTable; on ResourceNotFoundException, CreateTable (when allowed). Runs once per
    /// store; `load`/`save` call it first.
    pub async fn initialize(&self) -> Result<Initialized, Error> {
        self.initialized
            .get_or_try_init(|| async {
                match self
                    .client
                    .describe_table()
                    .table_name(&self.config.table_name)
                    .send()
                    .await
                {
                    Ok(_) => Ok(Initialized::Existing),
                    Err(e) => {
                        let e = Error::from(e);
                        if e.code != "ResourceNotFoundException" {
                            return Err(e);
                        }
                        if !self.config.create_table_on_init {
                            return Err(Error::new(
                                "TableMissing",
                                format!(
                                    "Table {} does not exist and setting up a table automatically deactivated.",
                                    self.config.table_name
                                ),
                            ));
                        }
                        self.create_table().await?;
                        Ok(Initialized::Created)
                    }
                }
            })
            .await
            .copied()
    }

    async fn create_table(&self) -> Result<(), Error> {
        let column = &self.config.primary_key_column;
        self.client
            .create_table()
            .table_name(&self.config.table_name)
            .attribute_definitions(attr_def(column))
            .key_schema(key(column, KeyType::Hash))
            .provisioned_throughput(
                ProvisionedThroughput::builder()
                    .read_capacity_units(self.config.read_capacity_units)
                    .write_capacity_units(self.config.write_capacity_units)
                    .build()?,
            )
            .send()
            .await?;
        self.waiter.until_active(&self.client, &self.config.table_name).await
    }

    /// `getDbItem`: the raw item, read with ConsistentRead.
    pub async fn get_db_item(&self, user_id: &str) -> Result<Option<Item>, Error> {
        self.initialize().await?;
        let out = self
            .client
            .get_item()
            .table_name(&self.config.table_name)
            .key(&self.config.primary_key_column, s(user_id))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item)
    }

    /// `loadData`: the stored user, if any.
    pub async fn load(&self, user_id: &str) -> Result<Option<UserRecord>, Error> {
        let Some(item) = self.get_db_item(user_id).await? else {
            return Ok(None);
        };
        let strings = |v: Option<&AttributeValue>| -> BTreeMap<String, String> {
            v.and_then(|v| v.as_m().ok())
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let user = item.get("user").and_then(|u| u.as_m().ok());
        Ok(Some(UserRecord {
            user_id: get_s(&item, &self.config.primary_key_column).unwrap_or_default(),
            data: strings(user.and_then(|u| u.get("data"))),
            session: item.get("session").map(|v| strings(Some(v))),
            created_at: get_s(&item, "createdAt")
                .and_then(|t| parse_iso(&t))
                .unwrap_or_default(),
            updated_at: get_s(&item, "updatedAt")
                .and_then(|t| parse_iso(&t))
                .unwrap_or_default(),
        }))
    }

    /// `saveData`: writes the whole document with PutItem.
    pub async fn save(&self, user: &UserRecord) -> Result<(), Error> {
        self.initialize().await?;
        let map = |m: &BTreeMap<String, String>| AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), s(v))).collect());
        let mut item = HashMap::from([
            (self.config.primary_key_column.clone(), s(&user.user_id)),
            (
                "user".to_string(),
                AttributeValue::M(HashMap::from([("data".to_string(), map(&user.data))])),
            ),
            ("createdAt".to_string(), s(iso(user.created_at))),
            ("updatedAt".to_string(), s(iso(user.updated_at))),
        ]);
        if let Some(session) = &user.session {
            item.insert("session".into(), map(session));
        }
        self.client
            .put_item()
            .table_name(&self.config.table_name)
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }
}
