//! ExecuteTransaction: up to 100 PartiQL statements, all reads or all writes, all or nothing.
//! Writes become TransactWriteItems actions and run on its machinery (item holds, table locks in
//! name order, check-everything-then-apply, ClientRequestToken idempotency); an INSERT of an
//! existing key cancels with DuplicateItem. Reads name one item each by its full key and are read
//! as one snapshot.

use std::collections::{BTreeMap, HashSet};

use super::answer::ConsumedCapacity;
use super::statements::no_index;
use super::common::{data_table, empty_key_values_error, read_units, request_key, CapacityDetail};
use super::multi::{capacities, Report, TableUnits};
use super::transactions::{cancelled, conflict_reason, passed, run_actions, Action, ClientToken, ItemRef, Kind, Options};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{Condition, Parsed, Path};
use crate::model::{AttributeValue, Item, Stored};
use crate::partiql::{bind, Select, Statement, Write};

pub struct Input {
    pub statements: Vec<TransactStatement>,
    pub capacity: CapacityDetail,
    pub token: Option<ClientToken>,
}

/// One ParameterizedStatement, parsed, with its Parameters.
pub struct TransactStatement {
    pub statement: Statement,
    pub params: Vec<AttributeValue>,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub wants_old: bool,
}

pub struct Output {
    /// One per statement of a read transaction (its item, if any); none at all for a write
    /// transaction, whose `Responses` DynamoDB answers empty.
    pub responses: Vec<Option<Item>>,
    pub capacity: Option<Vec<ConsumedCapacity>>,
}

/// A statement's validation error, named by its position.
pub fn at(i: usize) -> impl Fn(Error) -> Error {
    move |e| match e.kind {
        ErrorKind::Validation => Error::validation(format!(
            "Validation failed in TransactStatements[{i}]: {}",
            e.message.unwrap_or_default()
        )),
        _ => e,
    }
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for s in &input.statements {
        match &s.statement {
            Statement::Read(select) => reads.push((select, s.params.as_slice())),
            Statement::Write(write) => writes.push((write, s)),
        }
    }
    // Worded as Dynoxide's AWS capture and DynamoDB Local have it, not as the API reference.
    if !reads.is_empty() && !writes.is_empty() {
        return Err(Error::validation(
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ));
    }
    if !reads.is_empty() {
        return read(cx, input.capacity, &reads);
    }
    let mut actions = Vec::with_capacity(writes.len());
    for (i, (write, s)) in writes.into_iter().enumerate() {
        actions.push(action(cx, s.wants_old, write, &s.params).map_err(at(i))?);
    }
    let options = Options {
        capacity: input.capacity,
        collection_metrics: false,
        token: input.token,
    };
    let written = run_actions(cx, actions, options)?;
    Ok(Output {
        responses: Vec::new(),
        capacity: written.capacity,
    })
}

/// A write statement as a TransactWriteItems action.
fn action(cx: &Cx, wants_old: bool, stmt: &Write, params: &[AttributeValue]) -> Result<Action> {
    no_index(stmt)?;
    if matches!(stmt, Write::Update { returning: Some(_), .. } | Write::Delete { returning: Some(_), .. }) {
        return Err(Error::validation("RETURNING clause is not supported in ExecuteTransaction."));
    }
    let target = stmt.target();
    let mut exprs = Parsed::default();
    let (kind, item) = match stmt {
        Write::Insert { value, .. } => (Kind::Insert, bind::insert_item(value, params)?),
        Write::Update { actions, .. } => {
            exprs.update = Some(bind::update(actions, params)?);
            (Kind::Update, Item::new())
        }
        Write::Delete { .. } => (Kind::Delete, Item::new()),
        Write::Exists { .. } => (Kind::Check, Item::new()),
    };
    let table = data_table(cx, &target.table)?;
    let (item, key) = {
        let state = table.state.read();
        let def = &state.def;
        let item = match stmt {
            Write::Update { filter, .. } | Write::Delete { filter, .. } | Write::Exists { filter, .. } => {
                // EXISTS reads one item, named by equalities (an IN list does not name it), and
                // checks something of it (Floci's handler, AWS eu-west-2, 2026-09-17).
                if matches!(stmt, Write::Exists { .. })
                    && !filter.as_ref().is_some_and(|f| bind::names_item_with_condition(f, &def.key))
                {
                    return Err(Error::validation(
                        "EXISTS() must contain a single item read with additional condition",
                    ));
                }
                let key_item = bind::key_of(filter.as_ref(), &def.key, params)?;
                let hash = Path::attr(def.key.partition().name.clone());
                let cond = filter.as_ref().map(|f| bind::condition(f, params)).transpose()?;
                exprs.condition = Some(match (stmt, cond) {
                    // UPDATE never creates an item; EXISTS holds for an item that exists.
                    (Write::Update { .. } | Write::Exists { .. }, Some(c)) => {
                        Condition::And(Box::new(Condition::Exists(hash)), Box::new(c))
                    }
                    (Write::Update { .. } | Write::Exists { .. }, None) => Condition::Exists(hash),
                    // DELETE of a missing item succeeds; its condition applies to an item that exists.
                    (_, Some(c)) => Condition::Or(Box::new(Condition::NotExists(hash)), Box::new(c)),
                    (_, None) => Condition::Or(Box::new(Condition::NotExists(hash.clone())), Box::new(Condition::Exists(hash))),
                });
                key_item
            }
            Write::Insert { .. } => item,
        };
        if let Some(e) = empty_key_values_error(def, &item) {
            return Err(e);
        }
        let key = def.key.key_of(&item);
        (item, key)
    };
    Ok(Action {
        kind,
        exprs,
        item,
        table,
        key,
        wants_old,
        values_size: 0,
    })
}

/// A read transaction: every SELECT names one item by its full key and nothing else (it is a
/// TransactGetItems, which filters nothing: the conformance suite, AWS, October 2026); all are
/// read under the involved tables' read locks, taken in name order, and fail together if a write
/// transaction holds any of them.
fn read(cx: &Cx, capacity: CapacityDetail, statements: &[(&Select, &[AttributeValue])]) -> Result<Output> {
    let mut gets = Vec::with_capacity(statements.len());
    for (i, (select, params)) in statements.iter().enumerate() {
        let Select {
            target,
            projection,
            filter,
            ..
        } = select;
        if target.index.is_some() {
            return Err(at(i)(Error::validation("Reads on indices are not supported within transactions.")));
        }
        let table = data_table(cx, &target.table)?;
        let key = {
            let state = table.state.read();
            let key_item = bind::key_of(filter.as_ref(), &state.def.key, params).map_err(at(i))?;
            if !filter.as_ref().is_some_and(|f| bind::names_key_alone(f, &state.def.key)) {
                return Err(at(i)(Error::validation(
                    "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
                )));
            }
            request_key(&state.def, &key_item).map_err(at(i))?
        };
        gets.push((table, key, projection.clone()));
    }
    let tables: BTreeMap<&str, _> = gets.iter().map(|(t, ..)| (t.name.as_str(), t)).collect();
    let guards: BTreeMap<&str, _> = tables.iter().map(|(n, t)| (*n, t.state.read())).collect();
    let refs: Vec<ItemRef> = gets.iter().map(|(t, k, ..)| (t.name.clone(), k.clone())).collect();
    let busy: HashSet<usize> = cx.engine.transactions.busy(cx.ns, &refs).into_iter().collect();
    if !busy.is_empty() {
        let reasons = (0..gets.len())
            .map(|n| {
                if busy.contains(&n) {
                    conflict_reason()
                } else {
                    passed()
                }
            })
            .collect();
        return Err(cancelled(reasons));
    }
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut responses = Vec::with_capacity(gets.len());
    for (table, key, projection) in &gets {
        let state = &guards[table.name.as_str()];
        let item = state.get(key);
        units
            .entry(table.name.clone())
            .or_default()
            .read(2.0 * read_units(item.map_or(0, Stored::size), true));
        let item = item.map(Stored::item);
        // As TransactGetItems: nothing projected from a present item answers as a missing one.
        let projected = item.map(|i| match projection {
            Some(paths) => bind::project(&i, paths),
            None => i,
        });
        responses.push(projected.filter(|i| !i.is_empty()));
    }
    Ok(Output {
        responses,
        capacity: capacities(capacity, Report::ReadsAndWrites, units),
    })
}
