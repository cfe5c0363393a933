//! TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions on distinct items,
//! all or nothing. Every involved table's write lock is taken (in name order, so transactions never
//! deadlock), every action is checked, and only then is anything applied: no reader sees half a
//! transaction. Items are also registered as held while the transaction is in flight, so concurrent
//! transactions and single-item writes on them conflict as in DynamoDB.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::common::{
    check_collection, collection_metrics, key_values_error, data_table, read_units, request_key, touched_indexes, validate_item,
    write_units, CapacityDetail,
};
use super::expressions;
use super::multi::{add_capacity, ItemRef, TableUnits, TokenState};
use super::update_item::updated_item;
use super::Cx;
use crate::engine::Engine;
use crate::error::{CancellationReason, Detail, Error, ErrorKind, Result};
use crate::expr::{Op, Parsed};
use crate::model::{item_size, Item, PrimaryKey};
use crate::protocol::shape::{
    field, required, string, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES,
    RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;
use crate::store::{Table, TableState};

const CHECK: Shape = Shape::Struct {
    java: "ConditionCheck",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        required("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const PUT: Shape = Shape::Struct {
    java: "Put",
    fields: &[
        required("Item", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const DELETE: Shape = Shape::Struct {
    java: "Delete",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const UPDATE: Shape = Shape::Struct {
    java: "Update",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("UpdateExpression", EXPRESSION),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const TRANSACT_WRITE_ITEM: Shape = Shape::Struct {
    java: "TransactWriteItem",
    fields: &[
        field("ConditionCheck", CHECK),
        field("Put", PUT),
        field("Delete", DELETE),
        field("Update", UPDATE),
    ],
};

const SHAPE: &[Field] = &[
    required(
        "TransactItems",
        Shape::List {
            member: &TRANSACT_WRITE_ITEM,
            min: 1,
            max: 100,
        },
    ),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
    field("ClientRequestToken", string(1, 36)),
];

/// DynamoDB's limit on the aggregate size of a transaction's items.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Check,
    Put,
    Delete,
    Update,
    /// PartiQL's INSERT: a Put that fails with DuplicateItem when the key exists.
    Insert,
}

/// One action, parsed and bound to its table.
pub(super) struct Action {
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

/// What an action will do once every action passed.
enum Effect {
    Nothing,
    Put(Item),
    Delete(PrimaryKey),
}

fn reason(code: &'static str, message: Option<String>, item: Option<Item>) -> CancellationReason {
    CancellationReason {
        code,
        message,
        item,
    }
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
    items: Vec<ItemRef>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.engine.transactions.release(&self.items);
    }
}

fn parse_actions(cx: &Cx, body: Body) -> Result<Vec<Action>> {
    let mut parsed = Vec::new();
    for entry in body.list("TransactItems") {
        let e = Body(entry);
        let present: Vec<(Kind, Body)> = [
            (Kind::Check, "ConditionCheck"),
            (Kind::Put, "Put"),
            (Kind::Delete, "Delete"),
            (Kind::Update, "Update"),
        ]
        .into_iter()
        .filter_map(|(k, name)| e.child(name).map(|b| (k, b)))
        .collect();
        let (kind, sub) = match present.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::validation(
                    "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
                ))
            }
            _ => {
                return Err(Error::validation(
                    "TransactItems can only contain one of Check, Put, Update or Delete",
                ))
            }
        };
        let op = match kind {
            Kind::Check => Op::ConditionCheck,
            Kind::Put | Kind::Insert => Op::PutItem,
            Kind::Delete => Op::DeleteItem,
            Kind::Update => Op::UpdateItem,
        };
        let exprs = crate::protocol::wire::expressions::parse(sub, op)?;
        let member = if kind == Kind::Put { "Item" } else { "Key" };
        let item = sub.item(member)?.unwrap_or_default();
        parsed.push((kind, sub, exprs, item));
    }
    let mut actions = Vec::with_capacity(parsed.len());
    for (kind, sub, exprs, item) in parsed {
        let table = data_table(cx, sub.str("TableName").unwrap_or_default())?;
        let key = {
            let state = table.state.read();
            if let Some(e) = key_values_error(&state.def, &item) {
                return Err(e);
            }
            state.def.key.key_of(&item)
        };
        let values_size = match kind {
            Kind::Update => sub
                .item("ExpressionAttributeValues")
                .ok()
                .flatten()
                .map_or(0, |v| item_size(&v)),
            _ => 0,
        };
        actions.push(Action {
            kind,
            wants_old: sub.str("ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD"),
            values_size,
            exprs,
            item,
            table,
            key,
        });
    }
    Ok(actions)
}

/// Checks one action against the locked table state: its key, then its condition, then what it
/// would write. `Err` is the action's cancellation reason.
fn check(engine: &Engine, action: &Action, state: &TableState) -> std::result::Result<Effect, CancellationReason> {
    let invalid = |e: Error| reason("ValidationError", e.message, None);
    let key = match action.kind {
        Kind::Put | Kind::Insert => validate_item(&state.def, &action.item).map_err(invalid)?,
        _ => request_key(&state.def, &action.item).map_err(invalid)?,
    };
    let old = state.get(&key).cloned();
    if action.kind == Kind::Insert && old.is_some() {
        return Err(reason("DuplicateItem", Some("Duplicate primary key exists in table".into()), None));
    }
    if !expressions::holds(action.exprs.condition.as_ref(), old.as_deref()) {
        let wants = action.wants_old;
        return Err(reason(
            "ConditionalCheckFailed",
            Some("The conditional request failed".into()),
            old.filter(|_| wants).map(|o| (*o).clone()),
        ));
    }
    Ok(match action.kind {
        Kind::Check => Effect::Nothing,
        Kind::Put | Kind::Insert => Effect::Put(action.item.clone()),
        Kind::Delete => Effect::Delete(key.clone()),
        Kind::Update => {
            let (new, _) = updated_item(&state.def, &key, old.as_deref(), action.exprs.update.as_ref())
                .map_err(invalid)?;
            new.map_or(Effect::Nothing, Effect::Put)
        }
    })
    .and_then(|effect| {
        let new = match &effect {
            Effect::Put(item) => item,
            _ => return Ok(effect),
        };
        check_collection(engine, state, &key, old.as_deref(), Some(new))
            .map(|()| effect)
            .map_err(|e| reason("ItemCollectionSizeLimitExceeded", e.message, None))
    })
}

/// The size an action adds to the transaction's aggregate.
fn action_size(action: &Action) -> usize {
    item_size(&action.item) + action.values_size
}

pub fn run(cx: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let actions = parse_actions(cx, body)?;
    run_actions(cx, body, &actions, "TransactItems")
}

/// Runs parsed actions as one transaction: the duplicate-item and size checks, the
/// ClientRequestToken (fingerprinted by the body's `member`), then the all-or-nothing execution.
pub(super) fn run_actions(cx: &Cx, body: Body, actions: &[Action], member: &str) -> Result<Value> {
    let engine = cx.engine;

    let mut targets = HashSet::new();
    let mut refs: Vec<ItemRef> = Vec::with_capacity(actions.len());
    for a in actions {
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

    let token = body.str("ClientRequestToken");
    if let Some(token) = token {
        let fingerprint = body.get(member).map(Value::to_string).unwrap_or_default();
        let now = engine.clock.now_millis();
        if let TokenState::Replay(response) = engine.transactions.begin_token(token, &fingerprint, now)? {
            return Ok(response);
        }
    }
    let result = execute(engine, body, actions, refs);
    if let Some(token) = token {
        let outcome = result
            .as_ref()
            .ok()
            .map(|r| (r.clone(), engine.clock.now_millis()));
        engine.transactions.end_token(token, outcome);
    }
    result
}

fn execute(engine: &Engine, body: Body, actions: &[Action], refs: Vec<ItemRef>) -> Result<Value> {
    // Hold the items first: a concurrent transaction on any of them makes this one lose.
    if let Err(busy) = engine.transactions.hold(&refs) {
        let busy: HashSet<&ItemRef> = busy.iter().map(|n| &refs[*n]).collect();
        let reasons = actions
            .iter()
            .map(|a| match &a.key {
                Some(k) if busy.contains(&(a.table.name.clone(), k.clone())) => conflict_reason(),
                _ => reason("None", None, None),
            })
            .collect();
        return Err(cancelled(reasons));
    }
    let held = Held {
        engine,
        items: refs,
    };

    // Lock every involved table, in name order.
    let tables: BTreeMap<&str, &Arc<Table>> =
        actions.iter().map(|a| (a.table.name.as_str(), &a.table)).collect();
    let mut guards: BTreeMap<&str, _> =
        tables.iter().map(|(name, t)| (*name, t.state.write())).collect();

    let mut effects = Vec::with_capacity(actions.len());
    let mut reasons = Vec::with_capacity(actions.len());
    let mut failed = false;
    for a in actions {
        match check(engine, a, &guards[a.table.name.as_str()]) {
            Ok(effect) => {
                effects.push(effect);
                reasons.push(reason("None", None, None));
            }
            Err(r) => {
                failed = true;
                effects.push(Effect::Nothing);
                reasons.push(r);
            }
        }
    }
    if failed {
        return Err(cancelled(reasons));
    }

    let detail = CapacityDetail::of(body);
    let metrics = body.str("ReturnItemCollectionMetrics") == Some("SIZE");
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut collections: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (a, effect) in actions.iter().zip(effects) {
        let state = guards.get_mut(a.table.name.as_str()).expect("locked");
        let entry = units.entry(a.table.name.clone()).or_default();
        let key = match &effect {
            Effect::Put(item) => state.def.key.key_of(item),
            Effect::Delete(key) => Some(key.clone()),
            Effect::Nothing => {
                let key = request_key(&state.def, &a.item).ok();
                let size = key.as_ref().and_then(|k| state.get(k)).map_or(0, |i| item_size(i));
                entry.add(2.0 * read_units(size, true), &[]);
                continue;
            }
        }
        .expect("checked");
        let old = state.get(&key).cloned();
        let new = match &effect {
            Effect::Put(item) => Some(item),
            _ => None,
        };
        let touched: Vec<String> = touched_indexes(&state.def, old.as_deref(), new)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
        entry.add(2.0 * write_units(old.as_deref(), new), &touched);
        if metrics && !state.def.local_indexes.is_empty() {
            collections.entry(a.table.name.clone()).or_default().push(collection_metrics(&state.def, &key));
        }
        match effect {
            Effect::Put(item) => {
                state.put(item);
            }
            Effect::Delete(key) => {
                state.delete(&key);
            }
            Effect::Nothing => {}
        }
    }
    // Nothing is in flight any more once the writes are in place; then readers may see them.
    drop(held);
    drop(guards);

    let mut out = Map::new();
    add_capacity(&mut out, detail, &units);
    if metrics {
        let m: Map<String, Value> = collections
            .into_iter()
            .map(|(t, l)| (t, Value::Array(l)))
            .collect();
        out.insert("ItemCollectionMetrics".into(), Value::Object(m));
    }
    Ok(Value::Object(out))
}
