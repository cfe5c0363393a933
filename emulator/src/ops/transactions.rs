//! Transactions: the all-or-nothing execution TransactWriteItems and ExecuteTransaction's writes
//! share, against the engine's registry of held items and ClientRequestTokens (`inflight.rs`). Every involved table's write lock is taken (in name order, so transactions never
//! deadlock), every action is checked, and only then is anything applied: no reader sees half a
//! transaction. Items are registered as held while the transaction is in flight, so concurrent
//! transactions and single-item writes on them conflict as in DynamoDB.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::common::{
    check_collection, check_update_keys, metrics, read_units, request_key, units_of_write, updated_item, validate_item,
    CapacityDetail,
};
use super::expressions;
use super::item_write::{write_charge, Old};
use super::multi::{capacities, Report, TableUnits};
use super::Cx;
use crate::engine::Engine;
use crate::error::{CancellationReason, Detail, Error, ErrorKind, Result};
use crate::expr::Parsed;
use crate::inflight::{Done, TokenState};
pub use crate::inflight::{ItemRef, Written};
use crate::model::{item_size, Item, ItemCollectionMetrics, PrimaryKey};
use crate::store::{Namespace, Slot, Table, TableState};

/// DynamoDB's limit on the aggregate size of a transaction's items.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

/// The cancellation code of an action that failed validation.
const VALIDATION_ERROR: &str = "ValidationError";

/// A ClientRequestToken and the fingerprint of the request it came with: the same token with
/// other actions is refused.
pub struct ClientToken {
    pub token: String,
    pub fingerprint: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Check,
    Put,
    Delete,
    Update,
    /// PartiQL's INSERT: a Put that fails with DuplicateItem when the key exists.
    Insert,
}

/// One action, parsed and bound to its table.
pub struct Action {
    pub kind: Kind,
    pub exprs: Parsed,
    /// The Put's (or Insert's) item or the others' Key.
    pub item: Item,
    pub table: Arc<Table>,
    /// The item's key when it matches the table's schema (otherwise the action fails validation).
    pub key: Option<PrimaryKey>,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub wants_old: bool,
    /// Bytes the action's values add to the transaction's aggregate besides its item.
    pub values_size: usize,
}

/// What a write transaction asks to get back, and its ClientRequestToken.
pub struct Options {
    pub capacity: CapacityDetail,
    /// ReturnItemCollectionMetrics is SIZE.
    pub collection_metrics: bool,
    pub token: Option<ClientToken>,
}

/// What an action will do once every action passed. A Put's own item stays in its action until
/// it is stored, so a transaction never holds a second copy of it.
enum Effect {
    Nothing,
    /// The action's item, under the key the check found.
    PutRequested(PrimaryKey),
    /// An update's new item with its key.
    Put(PrimaryKey, Item),
    Delete(PrimaryKey),
}

fn reason(code: &'static str, message: Option<String>, item: Option<Item>) -> CancellationReason {
    CancellationReason { code, message, item }
}

/// The reason of an action that did not fail.
pub fn passed() -> CancellationReason {
    reason("None", None, None)
}

/// TransactionCanceledException with reasons in request order.
pub fn cancelled(reasons: Vec<CancellationReason>) -> Error {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code).collect();
    Error {
        kind: ErrorKind::TransactionCanceled,
        message: Some(format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        )),
        detail: Detail::Cancellation(reasons),
        check: Default::default(),
    }
}

pub fn conflict_reason() -> CancellationReason {
    reason(
        "TransactionConflict",
        Some("Transaction is ongoing for the item".into()),
        None,
    )
}

/// Releases held items when the transaction ends, however it ends.
struct Held<'e> {
    engine: &'e Engine,
    ns: &'e Namespace,
    items: Vec<ItemRef>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.engine.transactions.release(self.ns, &self.items);
    }
}

fn check(cx: &Cx, action: &Action, state: &TableState) -> std::result::Result<Effect, CancellationReason> {
    let invalid = |e: Error| reason(VALIDATION_ERROR, e.message, None);
    let key = match action.kind {
        Kind::Put | Kind::Insert => validate_item(&state.def, &action.item).map_err(invalid)?,
        _ => request_key(&state.def, &action.item).map_err(invalid)?,
    };
    // An update's own key checks come before the item is read, as UpdateItem's do.
    if let Some(update) = action.exprs.update.as_ref().filter(|_| action.kind == Kind::Update) {
        check_update_keys(&state.def, update).map_err(invalid)?;
    }
    let stored = state.get_at(Slot::new(&key).bytes());
    if action.kind == Kind::Insert && stored.is_some() {
        return Err(reason(
            "DuplicateItem",
            Some("Duplicate primary key exists in table".into()),
            None,
        ));
    }
    // The replaced item is decoded only for what reads it, as a single-item write's is.
    let mut old = Old::new(stored);
    if !expressions::holds(cx, action.exprs.condition.as_ref(), || old.item()) {
        return Err(reason(
            "ConditionalCheckFailed",
            Some("The conditional request failed".into()),
            action.wants_old.then(|| old.into_item()).flatten(),
        ));
    }
    Ok(match action.kind {
        Kind::Check => Effect::Nothing,
        Kind::Put | Kind::Insert => Effect::PutRequested(key.clone()),
        Kind::Delete => Effect::Delete(key.clone()),
        Kind::Update => {
            let new = updated_item(&state.def, &key, old.take_item(), action.exprs.update.as_ref()).map_err(invalid)?;
            new.map_or(Effect::Nothing, |item| Effect::Put(key.clone(), item))
        }
    })
    .and_then(|effect| {
        let new = match &effect {
            Effect::PutRequested(_) => &action.item,
            Effect::Put(_, item) => item,
            _ => return Ok(effect),
        };
        check_collection(cx.engine, state, &key, || old.item(), Some(new))
            .map(|()| effect)
            .map_err(|e| reason("ItemCollectionSizeLimitExceeded", e.message, None))
    })
}

/// The size an action adds to the transaction's aggregate.
fn action_size(action: &Action) -> usize {
    item_size(&action.item) + action.values_size
}

/// Runs bound actions as one transaction: the duplicate-item and size checks, the
/// ClientRequestToken, then the all-or-nothing execution.
pub fn run_actions(cx: &Cx, actions: Vec<Action>, options: Options) -> Result<Written> {
    let engine = cx.engine;
    let mut targets = HashSet::new();
    let mut refs: Vec<ItemRef> = Vec::with_capacity(actions.len());
    for a in &actions {
        if let Some(key) = &a.key {
            let r = (a.table.name.clone(), key.clone());
            if !targets.insert(r.clone()) {
                return Err(Error::validation(
                    "Transaction request cannot include multiple operations on one item",
                ));
            }
            refs.push(r);
        }
    }
    if actions.iter().map(action_size).sum::<usize>() > MAX_TRANSACTION_BYTES {
        return Err(Error::validation(
            "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit",
        ));
    }

    if let Some(t) = &options.token {
        if let TokenState::Replay(done) =
            engine
                .transactions
                .begin_token(cx.ns, &t.token, &t.fingerprint, cx.now_millis)?
        {
            return Ok(replayed(&options, done));
        }
    }
    let result = execute(cx, actions, refs, &options);
    if let Some(t) = &options.token {
        let outcome = result
            .as_ref()
            .ok()
            .map(|(w, reads)| (w.clone(), reads.clone(), cx.now_millis));
        engine.transactions.end_token(cx.ns, &t.token, outcome);
    }
    result.map(|(written, _)| written)
}

/// A ClientRequestToken's replay: the first answer, with the capacity of the reads DynamoDB makes
/// instead of writing again (`Done::replay_reads`).
fn replayed(options: &Options, done: Done) -> Written {
    let units = (done.replay_reads.into_iter())
        .map(|(table, units)| {
            let mut u = TableUnits::default();
            u.read(units);
            (table, u)
        })
        .collect();
    Written {
        capacity: capacities(options.capacity, Report::ReadsAndWrites, units),
        ..done.response
    }
}

/// Runs the checked actions; with the answer, what a replay of it reads per table.
fn execute(
    cx @ &Cx {
        engine, ns, ref chaos, ..
    }: &Cx,
    actions: Vec<Action>,
    refs: Vec<ItemRef>,
    options: &Options,
) -> Result<(Written, BTreeMap<String, f64>)> {
    // Chaos: a conflict the plan makes, answered as a concurrent transaction's would be.
    let forced = chaos.conflicts(actions.iter().map(|a| (a.table.name.as_str(), &a.item)));
    if forced.contains(&true) {
        let reasons = forced
            .into_iter()
            .map(|c| if c { conflict_reason() } else { passed() })
            .collect();
        return Err(cancelled(reasons));
    }
    // Hold the items first: a concurrent transaction on any of them makes this one lose.
    if let Err(busy) = engine.transactions.hold(ns, &refs) {
        let busy: HashSet<&ItemRef> = busy.iter().map(|n| &refs[*n]).collect();
        let reasons = actions
            .iter()
            .map(|a| match &a.key {
                Some(k) if busy.contains(&(a.table.name.clone(), k.clone())) => conflict_reason(),
                _ => passed(),
            })
            .collect();
        return Err(cancelled(reasons));
    }
    let held = Held {
        engine,
        ns,
        items: refs,
    };

    // Lock every involved table, in name order.
    let tables: BTreeMap<String, Arc<Table>> = actions
        .iter()
        .map(|a| (a.table.name.clone(), a.table.clone()))
        .collect();
    let mut guards =
        (tables.iter().map(|(name, t)| Ok((name.as_str(), cx.write(t)?)))).collect::<Result<BTreeMap<&str, _>>>()?;

    // Check every action in order. As in DynamoDB, validation stops at the first action that fails
    // it: the actions after it are not evaluated and report None.
    let mut effects = Vec::with_capacity(actions.len());
    let mut reasons = Vec::with_capacity(actions.len());
    let (mut failed, mut stopped) = (false, false);
    for a in &actions {
        if stopped {
            reasons.push(passed());
            continue;
        }
        match check(cx, a, &guards[a.table.name.as_str()]) {
            Ok(effect) => {
                effects.push(effect);
                reasons.push(passed());
            }
            Err(r) => {
                failed = true;
                stopped = r.code == VALIDATION_ERROR;
                reasons.push(r);
            }
        }
    }
    if failed {
        return Err(cancelled(reasons));
    }

    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut replay_reads: BTreeMap<String, f64> = BTreeMap::new();
    let mut collections: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
    for (a, effect) in actions.into_iter().zip(effects) {
        #[allow(clippy::expect_used)] // `guards` holds every action's table: built from `actions`.
        let state = guards.get_mut(a.table.name.as_str()).expect("locked");
        let entry = units.entry(a.table.name.clone()).or_default();
        // Kept only for a ClientRequestToken's replay.
        let replay = options
            .token
            .is_some()
            .then(|| replay_reads.entry(a.table.name.clone()).or_default());
        let (key, new) = match effect {
            Effect::PutRequested(key) => (key, Some(a.item)),
            Effect::Put(key, item) => (key, Some(item)),
            Effect::Delete(key) => (key, None),
            Effect::Nothing => {
                let key = request_key(&state.def, &a.item).ok();
                let size = key.as_ref().and_then(|k| state.get(k)).map_or(0, |i| i.size());
                // A check reads, charged per KB of the item it reads, twice (AWS-verified).
                entry.read(2.0 * units_of_write(size, 0));
                if let Some(replay) = replay {
                    *replay += 2.0 * read_units(size, true);
                }
                continue;
            }
        };
        let old = Old::new(state.get_at(Slot::new(&key).bytes()));
        let (units, touched) = write_charge(options.capacity, &state.def, &old, new.as_ref());
        entry.add(2.0 * units, touched);
        if let Some(replay) = replay {
            *replay += 2.0 * read_units(old.size().max(new.as_ref().map_or(0, item_size)), true);
        }
        if options.collection_metrics && !state.def.local_indexes.is_empty() {
            collections
                .entry(a.table.name.clone())
                .or_default()
                .push(metrics(&state.def, &key));
        }
        match new {
            Some(item) => {
                state.put(item);
            }
            None => {
                state.delete(&key);
            }
        }
    }
    // Nothing is in flight any more once the writes are in place; then readers may see them.
    drop(held);
    drop(guards);

    let written = Written {
        capacity: capacities(options.capacity, Report::ReadsAndWrites, units),
        collection_metrics: options.collection_metrics.then_some(collections),
    };
    Ok((written, replay_reads))
}
