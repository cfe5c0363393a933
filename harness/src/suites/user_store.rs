//! The Jovo user store suite: the table appears on first use (the run's first store creates it;
//! every case's stores then find it), documents are saved whole and read back strongly
//! consistent.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{answer, ok, one_of};
use crate::adapters::user_store::{DynamoDb, DynamoDbConfig, Initialized, UserRecord};
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    /// Load the user, then save it with this data (as a Jovo request does).
    Save {
        user: String,
        data: BTreeMap<String, String>,
        session: Option<BTreeMap<String, String>>,
    },
    Load(String),
    Initialize,
    /// A new store instance (a new Lambda container) on the same table.
    NewInstance,
}

pub struct UserStoreSuite;

fn strings() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        one_of(&["name", "level", "lang"]),
        one_of(&["1", "2", "en", "Ada"]),
        0..3,
    )
}

impl Suite for UserStoreSuite {
    const NAME: &'static str = "user store (Jovo)";
    const TABLE: &'static str = "jovo";
    type Op = Op;
    type Model = BTreeMap<String, UserRecord>;
    type Sut = (DynamoDb, DynamoDbConfig);

    fn op(_clock: bool) -> BoxedStrategy<Op> {
        let user = one_of(&["amzn1.ask.account.A", "amzn1.ask.account.B", "google:C"]);
        prop_oneof![
            4 => (user.clone(), strings(), proptest::option::of(strings()))
                .prop_map(|(user, data, session)| Op::Save { user, data, session }),
            4 => user.prop_map(Op::Load),
            1 => Just(Op::Initialize),
            1 => Just(Op::NewInstance),
        ]
        .boxed()
    }

    /// The store creates its table on first use: the run's first store does, and must say so.
    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        match Self::setup(env, table).0.initialize().await? {
            Initialized::Created => Ok(()),
            found => Err(Error::new(
                "UnexpectedTable",
                format!("the store's first use found {found:?}, not a table it had to create"),
            )),
        }
    }

    fn setup(env: &Env, table: &str) -> Self::Sut {
        let config = DynamoDbConfig::new(table);
        (
            DynamoDb::new(env.client().clone(), config.clone(), env.waiter()),
            config,
        )
    }

    async fn run(env: &Env, (store, config): &mut Self::Sut, op: &Op) -> String {
        match op {
            Op::Save { user, data, session } => {
                let saved = async {
                    let existing = store.load(user).await?;
                    let now = env.now();
                    store
                        .save(&UserRecord {
                            user_id: user.clone(),
                            data: data.clone(),
                            session: session.clone(),
                            created_at: existing.map_or(now, |e| e.created_at),
                            updated_at: now,
                        })
                        .await
                };
                answer(saved.await)
            }
            Op::Load(user) => answer(store.load(user).await),
            Op::Initialize => answer(store.initialize().await),
            Op::NewInstance => {
                *store = DynamoDb::new(env.client().clone(), config.clone(), env.waiter());
                ok(())
            }
        }
    }

    fn model(users: &mut Self::Model, now: i64, op: &Op) -> String {
        match op {
            Op::Save { user, data, session } => {
                let created_at = users.get(user).map_or(now, |u| u.created_at);
                users.insert(
                    user.clone(),
                    UserRecord {
                        user_id: user.clone(),
                        data: data.clone(),
                        session: session.clone(),
                        created_at,
                        updated_at: now,
                    },
                );
                ok(())
            }
            Op::Load(user) => ok(users.get(user).cloned()),
            Op::Initialize => ok(Initialized::Existing),
            Op::NewInstance => ok(()),
        }
    }

    fn sweep(_: &mut Self::Model, _: i64) -> usize {
        0
    }
}
