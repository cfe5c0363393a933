//! The engine's transaction bookkeeping: items held by in-flight write transactions and the
//! ClientRequestTokens of recent ones, per namespace. State, so it lives below the operations;
//! `ops/transactions.rs` runs transactions against it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ConsumedCapacity, ItemCollectionMetrics, PrimaryKey};
use crate::store::{Namespace, NamespaceKey};

/// One item of one table, as transactions lock it.
pub type ItemRef = (String, PrimaryKey);

/// Transaction bookkeeping of an engine, kept apart per namespace (account and region) as AWS
/// does: items held by in-flight write transactions (so concurrent writers conflict as in
/// DynamoDB) and ClientRequestTokens seen in the last ten minutes. A namespace's transactions
/// never conflict with, or replay, another's.
#[derive(Default)]
pub struct Transactions {
    held: Mutex<HashMap<NamespaceKey, HashSet<ItemRef>>>,
    /// How many items `held` holds in all, changed under its lock: every single-item write asks
    /// [`Transactions::check_free`], and while no transaction holds anything (nearly always) the
    /// answer needs neither that lock, shared by every writer, nor a key to look up.
    held_count: AtomicUsize,
    tokens: Mutex<HashMap<NamespaceKey, HashMap<String, Token>>>,
    /// Where finished tokens are reported (the durable mode's log); set once.
    journal: OnceLock<Arc<dyn TokenJournal>>,
}

/// Where a token's success is reported, under the tokens' lock (so in the order they finished,
/// and never between [`Transactions::with_done`]'s copy and what runs with it).
pub trait TokenJournal: Send + Sync {
    fn done(&self, ns: &NamespaceKey, token: &str, done: &Done);
}

fn key_of(ns: &Namespace) -> NamespaceKey {
    (ns.account.clone(), ns.region.clone())
}

pub enum Token {
    /// A transaction with this token is running.
    Running { fingerprint: String },
    /// It succeeded.
    Done(Done),
}

/// A transaction that succeeded: a replay with the same request answers `response` until
/// `expires` (ms), charged `replay_reads`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Done {
    pub fingerprint: String,
    pub expires: i64,
    pub response: Written,
    /// Per table, what a replay reads: each item transactionally, at the larger of its sizes
    /// before and after the transaction (AWS-verified; FIDELITY.md), whatever it holds now.
    #[serde(default)]
    pub replay_reads: BTreeMap<String, f64>,
}

/// What a ClientRequestToken lookup decided.
pub enum TokenState {
    /// Not seen (or expired): run the transaction; the token is now marked running.
    Fresh,
    /// Same request already succeeded: answer this without applying anything.
    Replay(Done),
}

pub const TOKEN_LIFETIME_MS: i64 = 10 * 60 * 1000;

impl Transactions {
    /// Marks `items` as held by a write transaction. Returns the positions of items another
    /// transaction already holds (nothing is marked then).
    pub fn hold(&self, ns: &Namespace, items: &[ItemRef]) -> std::result::Result<(), Vec<usize>> {
        let mut held = self.held.lock();
        let held = held.entry(key_of(ns)).or_default();
        let busy: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| held.contains(*i))
            .map(|(n, _)| n)
            .collect();
        if !busy.is_empty() {
            return Err(busy);
        }
        let added = items.iter().filter(|i| held.insert((*i).clone())).count();
        self.held_count.fetch_add(added, Ordering::SeqCst);
        Ok(())
    }

    pub fn release(&self, ns: &Namespace, items: &[ItemRef]) {
        let mut held = self.held.lock();
        let held = held.entry(key_of(ns)).or_default();
        let removed = items.iter().filter(|i| held.remove(*i)).count();
        self.held_count.fetch_sub(removed, Ordering::SeqCst);
    }

    /// Positions of `items` an in-flight write transaction holds.
    pub fn busy(&self, ns: &Namespace, items: &[ItemRef]) -> Vec<usize> {
        let held = self.held.lock();
        let Some(held) = held.get(&key_of(ns)) else {
            return vec![];
        };
        (0..items.len()).filter(|n| held.contains(&items[*n])).collect()
    }

    /// Fails a single-item write to an item an in-flight transaction holds.
    pub fn check_free(&self, ns: &Namespace, table: &str, key: &PrimaryKey) -> Result<()> {
        if self.held_count.load(Ordering::SeqCst) == 0 {
            return Ok(());
        }
        let held = self.held.lock();
        let Some(held) = held.get(&key_of(ns)) else {
            return Ok(());
        };
        if held.is_empty() || !held.contains(&(table.to_string(), key.clone())) {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::TransactionConflict,
            "Transaction is ongoing for the item",
        ))
    }

    /// Forgets every finished ClientRequestToken: after a snapshot is restored, a replay must not
    /// answer for a transaction the restored state never saw.
    pub fn forget_tokens(&self) {
        for tokens in self.tokens.lock().values_mut() {
            tokens.retain(|_, t| matches!(t, Token::Running { .. }));
        }
    }

    /// From now on, reports each token's success to `journal`.
    pub fn attach(&self, journal: Arc<dyn TokenJournal>) {
        let _ = self.journal.set(journal);
    }

    /// Puts back a finished token (the durable mode's recovery).
    pub fn keep(&self, ns: NamespaceKey, token: String, done: Done) {
        self.tokens
            .lock()
            .entry(ns)
            .or_default()
            .insert(token, Token::Done(done));
    }

    /// Runs `then` with every finished token, while none can finish (a checkpoint's copy, taken
    /// with the start of its log).
    pub fn with_done<R>(&self, then: impl FnOnce(Vec<(NamespaceKey, String, Done)>) -> R) -> R {
        let tokens = self.tokens.lock();
        let done = tokens
            .iter()
            .flat_map(|(ns, tokens)| {
                tokens.iter().filter_map(move |(token, t)| match t {
                    Token::Done(done) => Some((ns.clone(), token.clone(), done.clone())),
                    Token::Running { .. } => None,
                })
            })
            .collect();
        then(done)
    }

    /// Looks a ClientRequestToken up at time `now` (ms).
    pub fn begin_token(&self, ns: &Namespace, token: &str, fingerprint: &str, now: i64) -> Result<TokenState> {
        let mut tokens = self.tokens.lock();
        let tokens = tokens.entry(key_of(ns)).or_default();
        tokens.retain(|_, t| !matches!(t, Token::Done(done) if done.expires <= now));
        match tokens.get(token) {
            Some(Token::Running { fingerprint: f }) | Some(Token::Done(Done { fingerprint: f, .. }))
                if f != fingerprint =>
            {
                Err(Error::new(
                    ErrorKind::IdempotentParameterMismatch,
                    "Request token 'client_request_token' has already been used with different request parameters.",
                ))
            }
            // AWS's words, as an SDK quotes them (aws/aws-sdk-java-v2#2518).
            Some(Token::Running { .. }) => Err(Error::new(
                ErrorKind::TransactionInProgress,
                "Transaction from previous request is still in progress",
            )),
            Some(Token::Done(done)) => Ok(TokenState::Replay(done.clone())),
            None => {
                tokens.insert(
                    token.to_string(),
                    Token::Running {
                        fingerprint: fingerprint.to_string(),
                    },
                );
                Ok(TokenState::Fresh)
            }
        }
    }

    /// Records how a fresh token's transaction ended: success keeps it for replays, failure
    /// forgets it (a retry runs again).
    pub fn end_token(&self, ns: &Namespace, token: &str, outcome: Option<(Written, BTreeMap<String, f64>, i64)>) {
        let mut tokens = self.tokens.lock();
        let ns = key_of(ns);
        let tokens = tokens.entry(ns.clone()).or_default();
        match outcome {
            Some((response, replay_reads, now)) => {
                if let Some(Token::Running { fingerprint }) = tokens.remove(token) {
                    let done = Done {
                        fingerprint,
                        expires: now + TOKEN_LIFETIME_MS,
                        response,
                        replay_reads,
                    };
                    if let Some(journal) = self.journal.get() {
                        journal.done(&ns, token, &done);
                    }
                    tokens.insert(token.to_string(), Token::Done(done));
                }
            }
            None => {
                tokens.remove(token);
            }
        }
    }
}

/// What a write transaction answers (and a replay of its ClientRequestToken answers again).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Written {
    pub capacity: Option<Vec<ConsumedCapacity>>,
    /// Per table, the item collections the writes touched, when asked.
    pub collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::clock::Clock;
    use crate::engine::Engine;
    use crate::model::KeyValue;

    fn item(pk: &str) -> ItemRef {
        let key = PrimaryKey {
            hash: [KeyValue::S(pk.into())].into(),
            range: Default::default(),
        };
        ("t".to_string(), key)
    }

    /// An item is busy exactly while a transaction of its namespace holds it, however many
    /// times it was listed, and free again once released.
    #[test]
    fn a_write_conflicts_only_while_its_item_is_held() {
        let engine = Engine::new(Clock::manual(SystemTime::UNIX_EPOCH));
        let (east, west) = (engine.namespace("1", "us-east-1"), engine.namespace("1", "us-west-2"));
        let txs = Transactions::default();
        let (a, b) = (item("a"), item("b"));
        let free = |ns: &Namespace, i: &ItemRef| txs.check_free(ns, &i.0, &i.1).is_ok();
        assert!(free(&east, &a));
        txs.hold(&east, &[a.clone(), a.clone()]).unwrap();
        assert!(!free(&east, &a));
        assert!(free(&east, &b) && free(&west, &a));
        txs.hold(&west, std::slice::from_ref(&b)).unwrap();
        txs.release(&west, std::slice::from_ref(&b));
        assert!(!free(&east, &a), "another namespace's release leaves this item held");
        txs.release(&east, std::slice::from_ref(&a));
        assert!(free(&east, &a));
        txs.hold(&east, std::slice::from_ref(&b)).unwrap();
        assert!(!free(&east, &b), "a released item can be held again");
    }

    /// A retry that arrives while its token's transaction still runs is refused in DynamoDB's
    /// words; other parameters under that token are a mismatch, as they are once it has run.
    #[test]
    fn a_token_still_running_is_refused_as_dynamodb_refuses_it() {
        let engine = Engine::new(Clock::manual(SystemTime::UNIX_EPOCH));
        let ns = engine.namespace("1", "us-east-1");
        let txs = Transactions::default();
        assert!(matches!(txs.begin_token(&ns, "tok", "f1", 0), Ok(TokenState::Fresh)));
        let refusal = |fingerprint: &str| {
            let e = txs.begin_token(&ns, "tok", fingerprint, 1).err().unwrap();
            (e.kind, e.message.unwrap())
        };
        assert_eq!(
            refusal("f1"),
            (
                ErrorKind::TransactionInProgress,
                "Transaction from previous request is still in progress".to_string()
            )
        );
        assert_eq!(refusal("f2").0, ErrorKind::IdempotentParameterMismatch);
    }
}
