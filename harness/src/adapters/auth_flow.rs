//! A register/login flow as apps write it on DynamoDB: unique email and unique username kept by
//! one TransactWriteItems, password hashes with Argon2id, login by email through a global index,
//! and sessions that expire (TTL on `expires`).
//!
//! One table keyed by `pk` (S):
//!
//! | item | pk | attributes |
//! | --- | --- | --- |
//! | user | `USER#<userId>` | `userId`, `username`, `email`, `passwordHash`, `createdAt` |
//! | email claim | `EMAIL#<email>` | `userId` |
//! | username claim | `USERNAME#<username>` | `userId` |
//! | session | `SESSION#<token>` | `userId`, `expires` (epoch seconds) |
//!
//! Registration puts the user and both claims in one transaction, each with
//! `attribute_not_exists(pk)`, so of two racing registrations of one email exactly one commits;
//! the other is told which claim was taken, never given a duplicate. The global index
//! `email_index` on `email` (user items only) serves login.

use std::collections::HashMap;
use std::sync::Arc;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType, Put, TransactWriteItem,
};
use aws_sdk_dynamodb::Client;

use super::{attr_def, enable_ttl, get_n, get_s, key, n, s, Item, Waiter};
use crate::time::iso;
use crate::{Error, Now};

const INDEX: &str = "email_index";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterError {
    EmailTaken,
    UsernameTaken,
    Db(Error),
}

impl std::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegisterError::EmailTaken => f.write_str("email already taken"),
            RegisterError::UsernameTaken => f.write_str("username already taken"),
            RegisterError::Db(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown email or wrong password (not told apart).
    InvalidCredentials,
    Db(Error),
}

impl From<Error> for LoginError {
    fn from(e: Error) -> Self {
        LoginError::Db(e)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub user_id: String,
    pub username: String,
    /// Epoch seconds.
    pub expires: i64,
}

/// The flow's settings.
#[derive(Clone)]
pub struct AuthFlowConfig {
    pub table: String,
    /// How long a session lasts, seconds (default a day).
    pub session_seconds: i64,
    /// Argon2id parameters: `Params::default()` (19 MiB, 2 passes) for real use; tests use
    /// [`AuthFlowConfig::cheap_hashing`].
    pub argon2: Params,
}

impl AuthFlowConfig {
    pub fn new(table: impl Into<String>) -> Self {
        AuthFlowConfig {
            table: table.into(),
            session_seconds: 86_400,
            argon2: Params::default(),
        }
    }

    /// Argon2id with 1 MiB and one pass: still a real hash, cheap enough for property tests.
    #[allow(clippy::expect_used)] // Constant parameters within Argon2's bounds.
    pub fn cheap_hashing(mut self) -> Self {
        self.argon2 = Params::new(1024, 1, 1, None).expect("valid parameters");
        self
    }
}

#[derive(Clone)]
pub struct AuthFlow {
    client: Client,
    config: Arc<AuthFlowConfig>,
    now: Now,
}

impl AuthFlow {
    pub fn new(client: Client, config: AuthFlowConfig, now: Now) -> Self {
        AuthFlow {
            client,
            config: Arc::new(config),
            now,
        }
    }

    pub async fn create_table(&self, waiter: &Waiter) -> Result<(), Error> {
        let index = GlobalSecondaryIndex::builder()
            .index_name(INDEX)
            .key_schema(key("email", KeyType::Hash))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()?;
        self.client
            .create_table()
            .table_name(&self.config.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk"))
            .attribute_definitions(attr_def("email"))
            .key_schema(key("pk", KeyType::Hash))
            .global_secondary_indexes(index)
            .send()
            .await?;
        waiter.until_active(&self.client, &self.config.table).await?;
        enable_ttl(&self.client, &self.config.table, "expires").await
    }

    fn hasher(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.config.argon2.clone())
    }

    /// Registers a user; its id.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> Result<String, RegisterError> {
        let salt = SaltString::generate(&mut OsRng);
        let hash = self
            .hasher()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| RegisterError::Db(Error::new("HashError", e.to_string())))?
            .to_string();
        let user_id = random_token();
        let now = (self.now)();
        let user = HashMap::from([
            ("pk".to_string(), s(format!("USER#{user_id}"))),
            ("userId".to_string(), s(&user_id)),
            ("username".to_string(), s(username)),
            ("email".to_string(), s(email)),
            ("passwordHash".to_string(), s(hash)),
            ("createdAt".to_string(), s(iso(now))),
        ]);
        let claim = |pk: String| HashMap::from([("pk".to_string(), s(pk)), ("userId".to_string(), s(&user_id))]);
        let items = [
            user,
            claim(format!("EMAIL#{email}")),
            claim(format!("USERNAME#{username}")),
        ];
        let mut attempt = 0;
        loop {
            let mut req = self.client.transact_write_items();
            for item in &items {
                req = req.transact_items(
                    TransactWriteItem::builder()
                        .put(
                            Put::builder()
                                .table_name(&self.config.table)
                                .set_item(Some(item.clone()))
                                .condition_expression("attribute_not_exists(pk)")
                                .build()
                                .map_err(|e| RegisterError::Db(e.into()))?,
                        )
                        .build(),
                );
            }
            match req.send().await {
                Ok(_) => return Ok(user_id),
                Err(SdkError::ServiceError(e)) => match e.into_err() {
                    TransactWriteItemsError::TransactionCanceledException(c) => {
                        let failed = |i: usize| {
                            c.cancellation_reasons().get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed")
                        };
                        if failed(1) {
                            return Err(RegisterError::EmailTaken);
                        }
                        if failed(2) {
                            return Err(RegisterError::UsernameTaken);
                        }
                        // Cancelled for another reason (a conflicting transaction): try again.
                        if attempt >= 20 {
                            return Err(RegisterError::Db(Error::new(
                                "TransactionCanceledException",
                                c.message().unwrap_or_default(),
                            )));
                        }
                    }
                    other => {
                        let code = other.code().unwrap_or("Unknown");
                        if code != "TransactionConflictException" || attempt >= 20 {
                            return Err(RegisterError::Db(Error::new(code, other.message().unwrap_or_default())));
                        }
                    }
                },
                Err(e) => return Err(RegisterError::Db(e.into())),
            }
            attempt += 1;
            tokio::time::sleep(std::time::Duration::from_millis(2 * attempt)).await;
        }
    }

    /// Logs in by email; a new session.
    pub async fn login(&self, email: &str, password: &str) -> Result<Session, LoginError> {
        let out = self
            .client
            .query()
            .table_name(&self.config.table)
            .index_name(INDEX)
            .key_condition_expression("email = :email")
            .expression_attribute_values(":email", s(email))
            .send()
            .await
            .map_err(Error::from)?;
        let Some(user) = out.items().first() else {
            return Err(LoginError::InvalidCredentials);
        };
        let hash = get_s(user, "passwordHash").unwrap_or_default();
        let parsed = PasswordHash::new(&hash).map_err(|_| LoginError::InvalidCredentials)?;
        if self.hasher().verify_password(password.as_bytes(), &parsed).is_err() {
            return Err(LoginError::InvalidCredentials);
        }
        let session = Session {
            token: random_token(),
            user_id: get_s(user, "userId").unwrap_or_default(),
            username: get_s(user, "username").unwrap_or_default(),
            expires: (self.now)() + self.config.session_seconds,
        };
        self.client
            .put_item()
            .table_name(&self.config.table)
            .item("pk", s(format!("SESSION#{}", session.token)))
            .item("userId", s(&session.user_id))
            .item("username", s(&session.username))
            .item("expires", n(session.expires))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(Error::from)?;
        Ok(session)
    }

    /// The user a session token belongs to, while the session has not expired.
    pub async fn validate(&self, token: &str) -> Result<Option<String>, Error> {
        let out = self
            .client
            .get_item()
            .table_name(&self.config.table)
            .key("pk", s(format!("SESSION#{token}")))
            .consistent_read(true)
            .send()
            .await?;
        let now = (self.now)();
        Ok(out
            .item
            .filter(|i: &Item| get_n(i, "expires").is_some_and(|e| now < e))
            .and_then(|i| get_s(&i, "userId")))
    }

    pub async fn logout(&self, token: &str) -> Result<(), Error> {
        self.client
            .delete_item()
            .table_name(&self.config.table)
            .key("pk", s(format!("SESSION#{token}")))
            .send()
            .await?;
        Ok(())
    }

    /// How many user items hold `email` (for uniqueness checks: never more than one).
    pub async fn users_with_email(&self, email: &str) -> Result<usize, Error> {
        let out = self
            .client
            .query()
            .table_name(&self.config.table)
            .index_name(INDEX)
            .key_condition_expression("email = :email")
            .expression_attribute_values(":email", s(email))
            .consistent_read(false)
            .send()
            .await?;
        Ok(out.items().len())
    }
}

/// 128 random bits, hex.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
