//! The Auth.js adapter suite: users, accounts, sessions and verification tokens in one table,
//! sessions and tokens expiring through TTL on `expires`.
//!
//! Ids are predictable (`user-1`, `user-2`, ... in creation order) and each user's email is
//! `user<N>@example.com`, so the model knows them; account and session keys name their user, so
//! no two users ever share a GSI1 key (whose order DynamoDB does not define).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use proptest::prelude::*;

use super::{answer, expiry_offset, ok, one_of};
use crate::adapters::auth::{
    AdapterAccount, AdapterSession, AdapterUser, DynamoDbAdapter, NewUser, UserUpdate, VerificationToken,
};
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    CreateUser {
        name: Option<String>,
        verified: bool,
    },
    GetUser(u8),
    GetUserByEmail(u8),
    GetUserByAccount {
        provider: String,
        user: u8,
        n: u8,
    },
    UpdateUser {
        user: u8,
        name: Option<String>,
        image: Option<String>,
        new_email: bool,
    },
    DeleteUser(u8),
    LinkAccount {
        provider: String,
        user: u8,
        n: u8,
        access_token: Option<String>,
    },
    UnlinkAccount {
        provider: String,
        user: u8,
        n: u8,
    },
    CreateSession {
        user: u8,
        n: u8,
        expires_in: i64,
    },
    GetSessionAndUser {
        user: u8,
        n: u8,
    },
    UpdateSession {
        user: u8,
        n: u8,
        expires_in: i64,
    },
    DeleteSession {
        user: u8,
        n: u8,
    },
    CreateVerificationToken {
        identifier: String,
        token: String,
        expires_in: i64,
    },
    UseVerificationToken {
        identifier: String,
        token: String,
    },
}

pub struct AuthSuite;

fn user_id(k: u8) -> String {
    format!("user-{k}")
}
fn email(k: u8) -> String {
    format!("user{k}@example.com")
}
fn account_id(user: u8, n: u8) -> String {
    format!("{user}-{n}")
}
fn session_token(user: u8, n: u8) -> String {
    format!("{}.s{n}", user_id(user))
}

#[derive(Clone, Debug, Default)]
struct UserRow {
    user: AdapterUser,
    /// The email in the user's GSI1 key (set at creation; updates do not move it).
    indexed_email: Option<String>,
    /// Created by createUser (has the `USER` type tag), not by an update of a missing user.
    tagged: bool,
}

#[derive(Default)]
pub struct Model {
    created: u8,
    users: BTreeMap<String, UserRow>,
    accounts: BTreeMap<(String, String), AdapterAccount>,
    sessions: BTreeMap<String, AdapterSession>,
    tokens: BTreeMap<(String, String), VerificationToken>,
}

impl Model {
    fn user(&self, id: &str) -> Option<AdapterUser> {
        self.users.get(id).map(|r| r.user.clone())
    }
}

pub struct Sut {
    adapter: DynamoDbAdapter,
    created: Arc<AtomicU64>,
}

impl Suite for AuthSuite {
    const NAME: &'static str = "auth adapter (Auth.js)";
    const TABLE: &'static str = "auth";
    type Op = Op;
    type Model = Model;
    type Sut = Sut;

    fn op(clock: bool) -> BoxedStrategy<Op> {
        let user = 1u8..=3;
        let n = 0u8..2;
        let provider = one_of(&["github", "google"]);
        let maybe = |v: &'static [&'static str]| proptest::option::of(one_of(v));
        prop_oneof![
            3 => (maybe(&["Ada", "Grace"]), any::<bool>())
                .prop_map(|(name, verified)| Op::CreateUser { name, verified }),
            2 => user.clone().prop_map(Op::GetUser),
            2 => user.clone().prop_map(Op::GetUserByEmail),
            2 => (provider.clone(), user.clone(), n.clone())
                .prop_map(|(provider, user, n)| Op::GetUserByAccount { provider, user, n }),
            2 => (user.clone(), maybe(&["Alan", "Edsger"]), maybe(&["a.png"]), any::<bool>())
                .prop_map(|(user, name, image, new_email)| Op::UpdateUser { user, name, image, new_email }),
            1 => user.clone().prop_map(Op::DeleteUser),
            2 => (provider.clone(), user.clone(), n.clone(), maybe(&["gho_1", "gho_2"]))
                .prop_map(|(provider, user, n, access_token)| Op::LinkAccount { provider, user, n, access_token }),
            1 => (provider, user.clone(), n.clone())
                .prop_map(|(provider, user, n)| Op::UnlinkAccount { provider, user, n }),
            2 => (user.clone(), n.clone(), expiry_offset(clock))
                .prop_map(|(user, n, expires_in)| Op::CreateSession { user, n, expires_in }),
            3 => (user.clone(), n.clone()).prop_map(|(user, n)| Op::GetSessionAndUser { user, n }),
            1 => (user.clone(), n.clone(), expiry_offset(clock))
                .prop_map(|(user, n, expires_in)| Op::UpdateSession { user, n, expires_in }),
            1 => (user, n).prop_map(|(user, n)| Op::DeleteSession { user, n }),
            2 => (one_of(&["a@example.com", "b@example.com"]), one_of(&["t1", "t2"]), expiry_offset(clock))
                .prop_map(|(identifier, token, expires_in)| Op::CreateVerificationToken { identifier, token, expires_in }),
            2 => (one_of(&["a@example.com", "b@example.com"]), one_of(&["t1", "t2"]))
                .prop_map(|(identifier, token)| Op::UseVerificationToken { identifier, token }),
        ]
        .boxed()
    }

    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        Self::setup(env, table).adapter.create_table(&env.waiter()).await
    }

    fn setup(env: &Env, table: &str) -> Sut {
        let created = Arc::new(AtomicU64::new(0));
        let counter = created.clone();
        let adapter = DynamoDbAdapter::with_id_generator(
            env.client().clone(),
            table,
            Arc::new(move || format!("user-{}", counter.load(Ordering::SeqCst))),
        );
        Sut { adapter, created }
    }

    async fn run(env: &Env, sut: &mut Sut, op: &Op) -> String {
        let a = &sut.adapter;
        let now = env.now();
        match op {
            Op::CreateUser { name, verified } => {
                let k = sut.created.fetch_add(1, Ordering::SeqCst) + 1;
                answer(
                    a.create_user(NewUser {
                        email: email(k as u8),
                        name: name.clone(),
                        image: None,
                        email_verified: verified.then_some(now),
                    })
                    .await,
                )
            }
            Op::GetUser(k) => answer(a.get_user(&user_id(*k)).await),
            Op::GetUserByEmail(k) => answer(a.get_user_by_email(&email(*k)).await),
            Op::GetUserByAccount { provider, user, n } => {
                answer(a.get_user_by_account(provider, &account_id(*user, *n)).await)
            }
            Op::UpdateUser {
                user,
                name,
                image,
                new_email,
            } => answer(
                a.update_user(UserUpdate {
                    id: user_id(*user),
                    email: new_email.then(|| format!("new{user}@example.com")),
                    name: name.clone(),
                    image: image.clone(),
                })
                .await,
            ),
            Op::DeleteUser(k) => answer(a.delete_user(&user_id(*k)).await),
            Op::LinkAccount {
                provider,
                user,
                n,
                access_token,
            } => answer(
                a.link_account(AdapterAccount {
                    user_id: user_id(*user),
                    account_type: "oauth".into(),
                    provider: provider.clone(),
                    provider_account_id: account_id(*user, *n),
                    access_token: access_token.clone(),
                })
                .await,
            ),
            Op::UnlinkAccount { provider, user, n } => answer(a.unlink_account(provider, &account_id(*user, *n)).await),
            Op::CreateSession { user, n, expires_in } => answer(
                a.create_session(AdapterSession {
                    session_token: session_token(*user, *n),
                    user_id: user_id(*user),
                    expires: now + expires_in,
                })
                .await,
            ),
            Op::GetSessionAndUser { user, n } => answer(a.get_session_and_user(&session_token(*user, *n)).await),
            Op::UpdateSession { user, n, expires_in } => {
                answer(a.update_session(&session_token(*user, *n), now + expires_in).await)
            }
            Op::DeleteSession { user, n } => answer(a.delete_session(&session_token(*user, *n)).await),
            Op::CreateVerificationToken {
                identifier,
                token,
                expires_in,
            } => answer(
                a.create_verification_token(VerificationToken {
                    identifier: identifier.clone(),
                    token: token.clone(),
                    expires: now + expires_in,
                })
                .await,
            ),
            Op::UseVerificationToken { identifier, token } => answer(a.use_verification_token(identifier, token).await),
        }
    }

    fn model(m: &mut Model, now: i64, op: &Op) -> String {
        match op {
            Op::CreateUser { name, verified } => {
                m.created += 1;
                let user = AdapterUser {
                    id: user_id(m.created),
                    email: Some(email(m.created)),
                    name: name.clone(),
                    image: None,
                    email_verified: verified.then_some(now),
                };
                m.users.insert(
                    user.id.clone(),
                    UserRow {
                        user: user.clone(),
                        indexed_email: user.email.clone(),
                        tagged: true,
                    },
                );
                ok(user)
            }
            Op::GetUser(k) => ok(m.user(&user_id(*k))),
            Op::GetUserByEmail(k) => ok(m
                .users
                .values()
                .find(|r| r.indexed_email.as_deref() == Some(email(*k).as_str()))
                .map(|r| r.user.clone())),
            Op::GetUserByAccount { provider, user, n } => ok(m
                .accounts
                .get(&(provider.clone(), account_id(*user, *n)))
                .and_then(|a| m.user(&a.user_id))),
            Op::UpdateUser {
                user,
                name,
                image,
                new_email,
            } => {
                let id = user_id(*user);
                let row = m.users.entry(id.clone()).or_insert_with(|| UserRow {
                    user: AdapterUser {
                        id: id.clone(),
                        email: None,
                        name: None,
                        image: None,
                        email_verified: None,
                    },
                    ..Default::default()
                });
                if *new_email {
                    row.user.email = Some(format!("new{user}@example.com"));
                }
                if name.is_some() {
                    row.user.name = name.clone();
                }
                if image.is_some() {
                    row.user.image = image.clone();
                }
                ok(row.user.clone())
            }
            Op::DeleteUser(k) => {
                let id = user_id(*k);
                let row = m.users.remove(&id);
                m.accounts.retain(|_, a| a.user_id != id);
                m.sessions.retain(|_, s| s.user_id != id);
                ok(row.filter(|r| r.tagged).map(|r| r.user))
            }
            Op::LinkAccount {
                provider,
                user,
                n,
                access_token,
            } => {
                let account = AdapterAccount {
                    user_id: user_id(*user),
                    account_type: "oauth".into(),
                    provider: provider.clone(),
                    provider_account_id: account_id(*user, *n),
                    access_token: access_token.clone(),
                };
                m.accounts
                    .insert((provider.clone(), account.provider_account_id.clone()), account.clone());
                ok(account)
            }
            Op::UnlinkAccount { provider, user, n } => {
                ok(m.accounts.remove(&(provider.clone(), account_id(*user, *n))))
            }
            Op::CreateSession { user, n, expires_in } => {
                let session = AdapterSession {
                    session_token: session_token(*user, *n),
                    user_id: user_id(*user),
                    expires: now + expires_in,
                };
                m.sessions.insert(session.session_token.clone(), session.clone());
                ok(session)
            }
            Op::GetSessionAndUser { user, n } => ok(m
                .sessions
                .get(&session_token(*user, *n))
                .and_then(|s| Some((s.clone(), m.user(&s.user_id)?)))),
            Op::UpdateSession { user, n, expires_in } => ok(m.sessions.get_mut(&session_token(*user, *n)).map(|s| {
                s.expires = now + expires_in;
                s.clone()
            })),
            Op::DeleteSession { user, n } => ok(m.sessions.remove(&session_token(*user, *n))),
            Op::CreateVerificationToken {
                identifier,
                token,
                expires_in,
            } => {
                let vt = VerificationToken {
                    identifier: identifier.clone(),
                    token: token.clone(),
                    expires: now + expires_in,
                };
                m.tokens.insert((identifier.clone(), token.clone()), vt.clone());
                ok(vt)
            }
            Op::UseVerificationToken { identifier, token } => ok(m.tokens.remove(&(identifier.clone(), token.clone()))),
        }
    }

    fn sweep(m: &mut Model, now: i64) -> usize {
        let before = m.sessions.len() + m.tokens.len();
        m.sessions.retain(|_, s| s.expires >= now);
        m.tokens.retain(|_, t| t.expires >= now);
        before - m.sessions.len() - m.tokens.len()
    }
}
