//! The KV store suite (unstorage / keyv shape), with TTL: entries expire on read at once, stay
//! in the table until a sweep, and then are gone.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{answer, ok, one_of};
use crate::adapters::kv::KvStore;
use crate::adapters::s;
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    Set {
        key: String,
        value: String,
        ttl: Option<u64>,
    },
    Get(String),
    Has(String),
    Remove(String),
    Keys(String),
    Clear,
    /// Whether the item is in the table at all (GetItem, no expiry check): expired-but-present
    /// until a sweep.
    RawPresent(String),
}

pub struct KvSuite;

const KEYS: &[&str] = &["a1", "a2", "ab", "b1", "b2", "c"];

/// value, absolute expiry
type Model = BTreeMap<String, (String, Option<i64>)>;

fn live(entry: &(String, Option<i64>), now: i64) -> bool {
    entry.1.is_none_or(|e| now <= e)
}

impl Suite for KvSuite {
    const NAME: &'static str = "KV store (unstorage/keyv)";
    const TABLE: &'static str = "kv";
    type Op = Op;
    type Model = Model;
    type Sut = (KvStore, String);

    fn op(clock: bool) -> BoxedStrategy<Op> {
        let ttl = if clock {
            proptest::option::of(prop::sample::select(vec![1u64, 60, 3600])).boxed()
        } else {
            proptest::option::of(Just(86_400u64)).boxed()
        };
        prop_oneof![
            4 => (one_of(KEYS), one_of(&["x", "y", "{\"n\":1}"]), ttl)
                .prop_map(|(key, value, ttl)| Op::Set { key, value, ttl }),
            3 => one_of(KEYS).prop_map(Op::Get),
            1 => one_of(KEYS).prop_map(Op::Has),
            1 => one_of(KEYS).prop_map(Op::Remove),
            2 => one_of(&["", "a", "b", "ab"]).prop_map(Op::Keys),
            1 => Just(Op::Clear),
            1 => one_of(KEYS).prop_map(Op::RawPresent),
        ]
        .boxed()
    }

    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        Self::setup(env, table).0.create_table(&env.waiter()).await
    }

    fn setup(env: &Env, table: &str) -> Self::Sut {
        // Two items a page, so `keys` follows LastEvaluatedKey even on a small table.
        let store = KvStore::new(env.client().clone(), table, env.clock()).with_page_size(2);
        (store, table.to_string())
    }

    async fn run(env: &Env, (store, table): &mut Self::Sut, op: &Op) -> String {
        match op {
            Op::Set { key, value, ttl } => answer(store.set(key, value, *ttl).await),
            Op::Get(key) => answer(store.get(key).await),
            Op::Has(key) => answer(store.has(key).await),
            Op::Remove(key) => answer(store.remove(key).await),
            Op::Keys(prefix) => answer(store.keys(prefix).await.map(|mut k| {
                k.sort();
                k
            })),
            Op::Clear => answer(store.clear().await),
            Op::RawPresent(key) => answer(
                env.client()
                    .get_item()
                    .table_name(table.as_str())
                    .key("key", s(key))
                    .consistent_read(true)
                    .send()
                    .await
                    .map(|o| o.item.is_some())
                    .map_err(Error::from),
            ),
        }
    }

    fn model(model: &mut Model, now: i64, op: &Op) -> String {
        match op {
            Op::Set { key, value, ttl } => {
                let expiry = ttl.filter(|t| *t > 0).map(|t| now + t as i64);
                model.insert(key.clone(), (value.clone(), expiry));
                ok(())
            }
            Op::Get(key) => ok(model.get(key).filter(|e| live(e, now)).map(|e| e.0.clone())),
            Op::Has(key) => ok(model.get(key).is_some_and(|e| live(e, now))),
            Op::Remove(key) => {
                model.remove(key);
                ok(())
            }
            Op::Keys(prefix) => ok(model
                .iter()
                .filter(|(k, e)| k.starts_with(prefix.as_str()) && live(e, now))
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>()),
            Op::Clear => {
                model.retain(|_, e| !live(e, now));
                ok(())
            }
            Op::RawPresent(key) => ok(model.contains_key(key)),
        }
    }

    fn sweep(model: &mut Model, now: i64) -> usize {
        let before = model.len();
        model.retain(|_, e| e.1.is_none_or(|expiry| expiry >= now));
        before - model.len()
    }
}
