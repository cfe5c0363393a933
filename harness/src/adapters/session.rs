//! Shopify's `@shopify/shopify-app-session-storage-dynamodb`: one item per session in a table
//! keyed by `id`, with a KEYS_ONLY global index `shop_index` on `shop`.
//!
//! Sessions are stored with PutItem (the whole session, `undefined` fields left out, dates as
//! ISO strings), loaded with GetItem, deleted with DeleteItem (one per id for
//! `delete_sessions`), and found by shop with one Query of the index (projecting `id, shop`)
//! followed by a GetItem per id.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType};
use aws_sdk_dynamodb::Client;

use super::{attr_def, get_s, key, n, s, Item, Waiter};
use crate::time::{iso, parse_iso};
use crate::Error;

/// Table and index names; the package's defaults are `shopify_sessions` and `shop_index`.
#[derive(Clone, Debug)]
pub struct DynamoDbSessionStorageOptions {
    pub session_table_name: String,
    pub shop_index_name: String,
}

impl Default for DynamoDbSessionStorageOptions {
    fn default() -> Self {
        DynamoDbSessionStorageOptions {
            session_table_name: "shopify_sessions".into(),
            shop_index_name: "shop_index".into(),
        }
    }
}

/// The online-access part of a session (`onlineAccessInfo`), stored as a nested map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnlineAccessInfo {
    pub expires_in: i64,
    pub associated_user_scope: String,
    pub associated_user_id: i64,
}

/// A Shopify session (`Session.toObject()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub shop: String,
    pub state: String,
    pub is_online: bool,
    pub scope: Option<String>,
    /// Epoch seconds; stored as an ISO string.
    pub expires: Option<i64>,
    pub access_token: Option<String>,
    pub online_access_info: Option<OnlineAccessInfo>,
}

pub struct DynamoDbSessionStorage {
    client: Client,
    options: DynamoDbSessionStorageOptions,
}

impl DynamoDbSessionStorage {
    pub fn new(client: Client, options: DynamoDbSessionStorageOptions) -> Self {
        DynamoDbSessionStorage { client, options }
    }

    /// The table the package's README asks for: `id` (S) hash key, GSI on `shop` (S), KEYS_ONLY.
    pub async fn create_table(&self, waiter: &Waiter) -> Result<(), Error> {
        let index = GlobalSecondaryIndex::builder()
            .index_name(&self.options.shop_index_name)
            .key_schema(key("shop", KeyType::Hash))
            .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
            .build()?;
        self.client
            .create_table()
            .table_name(&self.options.session_table_name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("id"))
            .attribute_definitions(attr_def("shop"))
            .key_schema(key("id", KeyType::Hash))
            .global_secondary_indexes(index)
            .send()
            .await?;
        waiter
            .until_active(&self.client, &self.options.session_table_name)
            .await?;
        Ok(())
    }

    pub async fn store_session(&self, session: &Session) -> Result<bool, Error> {
        self.client
            .put_item()
            .table_name(&self.options.session_table_name)
            .set_item(Some(serialize(session)))
            .send()
            .await?;
        Ok(true)
    }

    pub async fn load_session(&self, id: &str) -> Result<Option<Session>, Error> {
        if id.is_empty() {
            return Ok(None);
        }
        let out = self
            .client
            .get_item()
            .table_name(&self.options.session_table_name)
            .key("id", s(id))
            .send()
            .await?;
        Ok(out.item.as_ref().and_then(deserialize))
    }

    pub async fn delete_session(&self, id: &str) -> Result<bool, Error> {
        self.client
            .delete_item()
            .table_name(&self.options.session_table_name)
            .key("id", s(id))
            .send()
            .await?;
        Ok(true)
    }

    pub async fn delete_sessions(&self, ids: &[String]) -> Result<bool, Error> {
        for id in ids {
            self.delete_session(id).await?;
        }
        Ok(true)
    }

    pub async fn find_sessions_by_shop(&self, shop: &str) -> Result<Vec<Session>, Error> {
        let out = self
            .client
            .query()
            .table_name(&self.options.session_table_name)
            .index_name(&self.options.shop_index_name)
            .key_condition_expression("shop = :shop")
            .expression_attribute_values(":shop", s(shop))
            .projection_expression("id, shop")
            .send()
            .await?;
        let mut sessions = Vec::new();
        for item in out.items() {
            if let Some(id) = get_s(item, "id") {
                if let Some(session) = self.load_session(&id).await? {
                    sessions.push(session);
                }
            }
        }
        Ok(sessions)
    }
}

fn serialize(session: &Session) -> Item {
    let mut item = HashMap::from([
        ("id".to_string(), s(&session.id)),
        ("shop".to_string(), s(&session.shop)),
        ("state".to_string(), s(&session.state)),
        ("isOnline".to_string(), AttributeValue::Bool(session.is_online)),
    ]);
    if let Some(scope) = &session.scope {
        item.insert("scope".into(), s(scope));
    }
    if let Some(expires) = session.expires {
        item.insert("expires".into(), s(iso(expires)));
    }
    if let Some(token) = &session.access_token {
        item.insert("accessToken".into(), s(token));
    }
    if let Some(info) = &session.online_access_info {
        let user = HashMap::from([("id".to_string(), n(info.associated_user_id))]);
        item.insert(
            "onlineAccessInfo".into(),
            AttributeValue::M(HashMap::from([
                ("expires_in".to_string(), n(info.expires_in)),
                ("associated_user_scope".to_string(), s(&info.associated_user_scope)),
                ("associated_user".to_string(), AttributeValue::M(user)),
            ])),
        );
    }
    item
}

fn deserialize(item: &Item) -> Option<Session> {
    let info = item.get("onlineAccessInfo").and_then(|v| v.as_m().ok()).and_then(|m| {
        let user = m.get("associated_user")?.as_m().ok()?;
        Some(OnlineAccessInfo {
            expires_in: super::get_n(m, "expires_in")?,
            associated_user_scope: get_s(m, "associated_user_scope")?,
            associated_user_id: super::get_n(user, "id")?,
        })
    });
    Some(Session {
        id: get_s(item, "id")?,
        shop: get_s(item, "shop")?,
        state: get_s(item, "state")?,
        is_online: item.get("isOnline").and_then(|v| v.as_bool().ok()).copied()?,
        scope: get_s(item, "scope"),
        expires: get_s(item, "expires").and_then(|e| parse_iso(&e)),
        access_token: get_s(item, "accessToken"),
        online_access_info: info,
    })
}
