//! The Shopify session storage suite.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{answer, ok, one_of};
use crate::adapters::session::{DynamoDbSessionStorage, DynamoDbSessionStorageOptions, OnlineAccessInfo, Session};
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    StoreSession(Session),
    LoadSession(String),
    DeleteSession(String),
    DeleteSessions(Vec<String>),
    FindSessionsByShop(String),
}

pub struct SessionSuite;

const IDS: &[&str] = &["offline_a", "offline_b", "s1", "s2", "s3"];
const SHOPS: &[&str] = &["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"];

fn session() -> impl Strategy<Value = Session> {
    let info =
        (0i64..100_000, one_of(&["read_orders", "write_products"]), 1i64..1000).prop_map(|(expires_in, scope, id)| {
            OnlineAccessInfo {
                expires_in,
                associated_user_scope: scope,
                associated_user_id: id,
            }
        });
    (
        one_of(IDS),
        one_of(SHOPS),
        one_of(&["state-1", "state-2"]),
        any::<bool>(),
        proptest::option::of(one_of(&["read_orders", "read_orders,write_products"])),
        proptest::option::of(1_600_000_000i64..1_900_000_000),
        proptest::option::of(one_of(&["shpat_1", "shpat_2"])),
        proptest::option::of(info),
    )
        .prop_map(
            |(id, shop, state, is_online, scope, expires, access_token, online_access_info)| Session {
                id,
                shop,
                state,
                is_online,
                scope,
                expires,
                access_token,
                online_access_info,
            },
        )
}

impl Suite for SessionSuite {
    const NAME: &'static str = "session storage (Shopify)";
    const TABLE: &'static str = "sessions";
    type Op = Op;
    type Model = BTreeMap<String, Session>;
    type Sut = DynamoDbSessionStorage;

    fn op(_clock: bool) -> BoxedStrategy<Op> {
        prop_oneof![
            4 => session().prop_map(Op::StoreSession),
            2 => one_of(IDS).prop_map(Op::LoadSession),
            1 => one_of(IDS).prop_map(Op::DeleteSession),
            1 => prop::collection::vec(one_of(IDS), 0..3).prop_map(Op::DeleteSessions),
            3 => one_of(SHOPS).prop_map(Op::FindSessionsByShop),
        ]
        .boxed()
    }

    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        Self::setup(env, table).create_table(&env.waiter()).await
    }

    fn setup(env: &Env, table: &str) -> Self::Sut {
        DynamoDbSessionStorage::new(
            env.client().clone(),
            DynamoDbSessionStorageOptions {
                session_table_name: table.to_string(),
                ..Default::default()
            },
        )
    }

    async fn run(_env: &Env, storage: &mut Self::Sut, op: &Op) -> String {
        match op {
            Op::StoreSession(s) => answer(storage.store_session(s).await),
            Op::LoadSession(id) => answer(storage.load_session(id).await),
            Op::DeleteSession(id) => answer(storage.delete_session(id).await),
            Op::DeleteSessions(ids) => answer(storage.delete_sessions(ids).await),
            Op::FindSessionsByShop(shop) => {
                answer(storage.find_sessions_by_shop(shop).await.map(|mut found| {
                    // DynamoDB does not order items that share an index key.
                    found.sort_by(|a, b| a.id.cmp(&b.id));
                    found
                }))
            }
        }
    }

    fn model(model: &mut Self::Model, _now: i64, op: &Op) -> String {
        match op {
            Op::StoreSession(s) => {
                model.insert(s.id.clone(), s.clone());
                ok(true)
            }
            Op::LoadSession(id) => ok(model.get(id).cloned()),
            Op::DeleteSession(id) => {
                model.remove(id);
                ok(true)
            }
            Op::DeleteSessions(ids) => {
                for id in ids {
                    model.remove(id);
                }
                ok(true)
            }
            Op::FindSessionsByShop(shop) => ok(model.values().filter(|s| &s.shop == shop).cloned().collect::<Vec<_>>()),
        }
    }

    fn sweep(_: &mut Self::Model, _: i64) -> usize {
        0
    }
}
