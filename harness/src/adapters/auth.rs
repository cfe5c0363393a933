//! Auth.js's `@auth/dynamodb-adapter`: one table with `pk`/`sk`, a global index `GSI1` on
//! `GSI1PK`/`GSI1SK`, and TTL on `expires` (epoch seconds).
//!
//! | entity | pk | sk | GSI1PK / GSI1SK |
//! | --- | --- | --- | --- |
//! | user | `USER#<id>` | `USER#<id>` | `USER#<email>` / `USER#<email>` |
//! | account | `USER#<userId>` | `ACCOUNT#<provider>#<providerAccountId>` | `ACCOUNT#<provider>` / `ACCOUNT#<providerAccountId>` |
//! | session | `USER#<userId>` | `SESSION#<token>` | `SESSION#<token>` / `SESSION#<token>` |
//! | verification token | `VT#<identifier>` | `VT#<token>` | — |
//!
//! Entities carry a `type` tag (`USER`, `SESSION`, `VT`; accounts keep their own `type`). Dates
//! are ISO strings except `expires`, which is epoch seconds for TTL. `updateUser` and
//! `updateSession` are UpdateItem `SET` of every given field with `ReturnValues: ALL_NEW` (so,
//! as in the package, updating a missing user creates a partial item, and changing a user's email
//! does not move its GSI1 key); `deleteUser` queries the user's partition and deletes what it
//! finds with BatchWriteItem in chunks of 25; `useVerificationToken` is a DeleteItem with
//! `ReturnValues: ALL_OLD`, so a token works once. Expired sessions stay readable until TTL
//! deletes them (Auth.js core checks `expires` itself).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::types::{
    AttributeValue, BillingMode, DeleteRequest, GlobalSecondaryIndex, KeyType, Projection, ProjectionType, ReturnValue,
    WriteRequest,
};
use aws_sdk_dynamodb::Client;

use super::{attr_def, enable_ttl, get_n, get_s, key, n, s, Item, Waiter};
use crate::time::{iso, parse_iso};
use crate::Error;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdapterUser {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub image: Option<String>,
    /// Epoch seconds; stored as an ISO string.
    pub email_verified: Option<i64>,
}

/// What `createUser` gets: a user without an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: Option<String>,
    pub image: Option<String>,
    pub email_verified: Option<i64>,
}

/// What `updateUser` gets: the id and the fields to set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserUpdate {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub image: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterAccount {
    pub user_id: String,
    /// `oauth`, `oidc`, `email`, ...
    pub account_type: String,
    pub provider: String,
    pub provider_account_id: String,
    pub access_token: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterSession {
    pub session_token: String,
    pub user_id: String,
    /// Epoch seconds (the TTL attribute).
    pub expires: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationToken {
    pub identifier: String,
    pub token: String,
    pub expires: i64,
}

/// Generates user ids; the package uses `crypto.randomUUID()`.
pub type IdGenerator = Arc<dyn Fn() -> String + Send + Sync>;

pub struct DynamoDbAdapter {
    client: Client,
    table: String,
    new_id: IdGenerator,
}

const INDEX: &str = "GSI1";

impl DynamoDbAdapter {
    /// The adapter on `table` (the package's default is `next-auth`), with random user ids.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        let counter = Arc::new(AtomicU64::new(0));
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let new_id: IdGenerator = Arc::new(move || format!("{seed:x}-{:x}", counter.fetch_add(1, Ordering::Relaxed)));
        DynamoDbAdapter::with_id_generator(client, table, new_id)
    }

    /// The adapter with chosen user ids (tests give predictable ones).
    pub fn with_id_generator(client: Client, table: impl Into<String>, new_id: IdGenerator) -> Self {
        DynamoDbAdapter {
            client,
            table: table.into(),
            new_id,
        }
    }

    /// The table the package documents: `pk`/`sk`, `GSI1` on `GSI1PK`/`GSI1SK` projecting all,
    /// TTL on `expires`.
    pub async fn create_table(&self, waiter: &Waiter) -> Result<(), Error> {
        let index = GlobalSecondaryIndex::builder()
            .index_name(INDEX)
            .key_schema(key("GSI1PK", KeyType::Hash))
            .key_schema(key("GSI1SK", KeyType::Range))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()?;
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(["pk", "sk", "GSI1PK", "GSI1SK"].map(attr_def).to_vec()))
            .key_schema(key("pk", KeyType::Hash))
            .key_schema(key("sk", KeyType::Range))
            .global_secondary_indexes(index)
            .send()
            .await?;
        waiter.until_active(&self.client, &self.table).await?;
        enable_ttl(&self.client, &self.table, "expires").await
    }

    pub async fn create_user(&self, data: NewUser) -> Result<AdapterUser, Error> {
        let user = AdapterUser {
            id: (self.new_id)(),
            email: Some(data.email),
            name: data.name,
            image: data.image,
            email_verified: data.email_verified,
        };
        let email = user.email.clone().unwrap_or_default();
        let mut item = user_attributes(&user);
        item.insert("pk".into(), s(format!("USER#{}", user.id)));
        item.insert("sk".into(), s(format!("USER#{}", user.id)));
        item.insert("type".into(), s("USER"));
        item.insert("GSI1PK".into(), s(format!("USER#{email}")));
        item.insert("GSI1SK".into(), s(format!("USER#{email}")));
        self.put(item).await?;
        Ok(user)
    }

    pub async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>, Error> {
        let key = format!("USER#{id}");
        Ok(self.get(&key, &key).await?.as_ref().map(user_from))
    }

    pub async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>, Error> {
        let key = format!("USER#{email}");
        Ok(self.query_index(&key, &key).await?.as_ref().map(user_from))
    }

    pub async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>, Error> {
        let found = self
            .query_index(
                &format!("ACCOUNT#{provider}"),
                &format!("ACCOUNT#{provider_account_id}"),
            )
            .await?;
        let Some(user_id) = found.as_ref().and_then(|a| get_s(a, "userId")) else {
            return Ok(None);
        };
        self.get_user(&user_id).await
    }

    pub async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser, Error> {
        let mut fields = vec![("id", s(&update.id))];
        fields.extend(update.email.map(|v| ("email", s(v))));
        fields.extend(update.name.map(|v| ("name", s(v))));
        fields.extend(update.image.map(|v| ("image", s(v))));
        let key = format!("USER#{}", update.id);
        let item = self.update(&key, &key, fields).await?;
        Ok(user_from(&item))
    }

    pub async fn delete_user(&self, id: &str) -> Result<Option<AdapterUser>, Error> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_values(":pk", s(format!("USER#{id}")))
            .send()
            .await?;
        let items = out.items();
        let user = items
            .iter()
            .find(|i| get_s(i, "type").as_deref() == Some("USER"))
            .map(user_from);
        for chunk in items.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|i| {
                    let key = HashMap::from([("pk".to_string(), i["pk"].clone()), ("sk".to_string(), i["sk"].clone())]);
                    let delete = DeleteRequest::builder().set_key(Some(key)).build()?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<_, Error>>()?;
            while !requests.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .unwrap_or_default();
            }
        }
        Ok(user)
    }

    pub async fn link_account(&self, account: AdapterAccount) -> Result<AdapterAccount, Error> {
        let mut item = HashMap::from([
            ("pk".to_string(), s(format!("USER#{}", account.user_id))),
            (
                "sk".to_string(),
                s(format!("ACCOUNT#{}#{}", account.provider, account.provider_account_id)),
            ),
            ("GSI1PK".to_string(), s(format!("ACCOUNT#{}", account.provider))),
            (
                "GSI1SK".to_string(),
                s(format!("ACCOUNT#{}", account.provider_account_id)),
            ),
            ("id".to_string(), s((self.new_id)())),
            ("userId".to_string(), s(&account.user_id)),
            ("type".to_string(), s(&account.account_type)),
            ("provider".to_string(), s(&account.provider)),
            ("providerAccountId".to_string(), s(&account.provider_account_id)),
        ]);
        if let Some(token) = &account.access_token {
            item.insert("access_token".into(), s(token));
        }
        self.put(item).await?;
        Ok(account)
    }

    pub async fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterAccount>, Error> {
        let found = self
            .query_index(
                &format!("ACCOUNT#{provider}"),
                &format!("ACCOUNT#{provider_account_id}"),
            )
            .await?;
        let Some(account) = found.as_ref().and_then(account_from) else {
            return Ok(None);
        };
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("USER#{}", account.user_id)))
            .key("sk", s(format!("ACCOUNT#{provider}#{provider_account_id}")))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        Ok(Some(account))
    }

    pub async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession, Error> {
        let token = format!("SESSION#{}", session.session_token);
        let item = HashMap::from([
            ("pk".to_string(), s(format!("USER#{}", session.user_id))),
            ("sk".to_string(), s(&token)),
            ("GSI1PK".to_string(), s(&token)),
            ("GSI1SK".to_string(), s(&token)),
            ("type".to_string(), s("SESSION")),
            ("sessionToken".to_string(), s(&session.session_token)),
            ("userId".to_string(), s(&session.user_id)),
            ("expires".to_string(), n(session.expires)),
        ]);
        self.put(item).await?;
        Ok(session)
    }

    pub async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>, Error> {
        let Some(session) = self.find_session(session_token).await? else {
            return Ok(None);
        };
        let session = session_from(&session);
        Ok(self.get_user(&session.user_id).await?.map(|user| (session, user)))
    }

    /// Sets the given fields of the session (`expires` here) and returns it, or `None` when no
    /// session has that token.
    pub async fn update_session(&self, session_token: &str, expires: i64) -> Result<Option<AdapterSession>, Error> {
        let Some(found) = self.find_session(session_token).await? else {
            return Ok(None);
        };
        let pk = get_s(&found, "pk").unwrap_or_default();
        let sk = get_s(&found, "sk").unwrap_or_default();
        let fields = vec![("sessionToken", s(session_token)), ("expires", n(expires))];
        Ok(Some(session_from(&self.update(&pk, &sk, fields).await?)))
    }

    pub async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>, Error> {
        let Some(found) = self.find_session(session_token).await? else {
            return Ok(None);
        };
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", found["pk"].clone())
            .key("sk", found["sk"].clone())
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        Ok(out.attributes.as_ref().map(session_from))
    }

    pub async fn create_verification_token(&self, vt: VerificationToken) -> Result<VerificationToken, Error> {
        let item = HashMap::from([
            ("pk".to_string(), s(format!("VT#{}", vt.identifier))),
            ("sk".to_string(), s(format!("VT#{}", vt.token))),
            ("type".to_string(), s("VT")),
            ("identifier".to_string(), s(&vt.identifier)),
            ("token".to_string(), s(&vt.token)),
            ("expires".to_string(), n(vt.expires)),
        ]);
        self.put(item).await?;
        Ok(vt)
    }

    pub async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Result<Option<VerificationToken>, Error> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("VT#{identifier}")))
            .key("sk", s(format!("VT#{token}")))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        Ok(out.attributes.as_ref().map(|i| VerificationToken {
            identifier: get_s(i, "identifier").unwrap_or_default(),
            token: get_s(i, "token").unwrap_or_default(),
            expires: get_n(i, "expires").unwrap_or_default(),
        }))
    }

    async fn put(&self, item: Item) -> Result<(), Error> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, Error> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await?;
        Ok(out.item)
    }

    /// The first item of GSI1 with this key, as the package's `data.Items?.[0]`.
    async fn query_index(&self, gsi1pk: &str, gsi1sk: &str) -> Result<Option<Item>, Error> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX)
            .key_condition_expression("#gsi1pk = :gsi1pk AND #gsi1sk = :gsi1sk")
            .expression_attribute_names("#gsi1pk", "GSI1PK")
            .expression_attribute_names("#gsi1sk", "GSI1SK")
            .expression_attribute_values(":gsi1pk", s(gsi1pk))
            .expression_attribute_values(":gsi1sk", s(gsi1sk))
            .send()
            .await?;
        Ok(out.items.and_then(|items| items.into_iter().next()))
    }

    async fn find_session(&self, token: &str) -> Result<Option<Item>, Error> {
        let key = format!("SESSION#{token}");
        self.query_index(&key, &key).await
    }

    /// `generateUpdateExpression`: `set #f = :f, ...` for every field, ALL_NEW.
    async fn update(&self, pk: &str, sk: &str, fields: Vec<(&str, AttributeValue)>) -> Result<Item, Error> {
        let expression = fields
            .iter()
            .map(|(f, _)| format!("#{f} = :{f}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression(format!("set {expression}"))
            .return_values(ReturnValue::AllNew);
        for (f, v) in fields {
            req = req
                .expression_attribute_names(format!("#{f}"), f)
                .expression_attribute_values(format!(":{f}"), v);
        }
        Ok(req.send().await?.attributes.unwrap_or_default())
    }
}

fn user_attributes(user: &AdapterUser) -> Item {
    let mut item = HashMap::from([("id".to_string(), s(&user.id))]);
    if let Some(v) = &user.email {
        item.insert("email".into(), s(v));
    }
    if let Some(v) = &user.name {
        item.insert("name".into(), s(v));
    }
    if let Some(v) = &user.image {
        item.insert("image".into(), s(v));
    }
    // `emailVerified: null` when not verified, as the package writes it.
    item.insert(
        "emailVerified".into(),
        user.email_verified.map_or(AttributeValue::Null(true), |t| s(iso(t))),
    );
    item
}

fn user_from(item: &Item) -> AdapterUser {
    AdapterUser {
        id: get_s(item, "id").unwrap_or_default(),
        email: get_s(item, "email"),
        name: get_s(item, "name"),
        image: get_s(item, "image"),
        email_verified: get_s(item, "emailVerified").and_then(|t| parse_iso(&t)),
    }
}

fn account_from(item: &Item) -> Option<AdapterAccount> {
    Some(AdapterAccount {
        user_id: get_s(item, "userId")?,
        account_type: get_s(item, "type")?,
        provider: get_s(item, "provider")?,
        provider_account_id: get_s(item, "providerAccountId")?,
        access_token: get_s(item, "access_token"),
    })
}

fn session_from(item: &Item) -> AdapterSession {
    AdapterSession {
        session_token: get_s(item, "sessionToken").unwrap_or_default(),
        user_id: get_s(item, "userId").unwrap_or_default(),
        expires: get_n(item, "expires").unwrap_or_default(),
    }
}
