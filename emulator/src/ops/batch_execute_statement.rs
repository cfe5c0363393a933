//! BatchExecuteStatement: up to 25 PartiQL statements, all reads (each naming one item by its full
//! key) or all writes, each run on its own: a failing statement answers with its `Error` in its
//! place in `Responses` and does not fail the call.

use std::collections::{BTreeMap, HashSet};

use super::answer::ConsumedCapacity;
use super::common::{data_table, read_units, request_key, CapacityDetail};
use super::multi::{capacities, Report, TableUnits};
use super::statements::{check_single_attribute_keys, write, Refused};
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{AttributeValue, Item, PrimaryKey, Stored};
use crate::partiql::{bind, Select, Statement, Write};

pub struct Input {
    pub statements: Vec<StatementRequest>,
    pub capacity: CapacityDetail,
}

/// One BatchStatementRequest.
pub struct StatementRequest {
    /// The statement, parsed, and its Parameters; a statement that fails to parse or bind fails
    /// alone, in its place.
    pub prepared: Result<(Statement, Vec<AttributeValue>)>,
    pub consistent_read: bool,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub old_on_condition_failure: bool,
}

pub struct Output {
    /// One per statement, in request order.
    pub responses: Vec<StatementResponse>,
    pub capacity: Option<Vec<ConsumedCapacity>>,
}

/// A statement's outcome.
#[derive(Debug, Default)]
pub struct StatementResponse {
    /// The statement's table, once it reached it: a write that parsed, a SELECT that named an
    /// item by its key (AWS leaves it out for a SELECT refused before it ran).
    pub table: Option<String>,
    /// A SELECT's item, or what a write's RETURNING clause returned.
    pub item: Option<Item>,
    pub error: Option<Error>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let prepared = input.statements.iter().filter_map(|s| s.prepared.as_ref().ok());
    let reads = prepared.clone().filter(|(s, _)| matches!(s, Statement::Read(_))).count();
    // Worded as Dynoxide's AWS capture and DynamoDB Local have it, not as the API reference.
    if reads > 0 && reads < prepared.count() {
        return Err(Error::validation(
            "Read and write requests together in the same batch is not supported.",
        ));
    }
    // Two statements naming one item are refused before any runs, reads as writes (AWS-measured).
    let mut targets = HashSet::new();
    let items = input.statements.iter().filter_map(|s| s.prepared.as_ref().ok());
    if !items.filter_map(|(stmt, params)| target(cx, stmt, params)).all(|t| targets.insert(t)) {
        return Err(Error::validation("Provided list of item keys contains duplicates"));
    }
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut responses = Vec::with_capacity(input.statements.len());
    for request in input.statements {
        let mut r = StatementResponse::default();
        let outcome = request.prepared.map_err(Refused::from).and_then(|(stmt, params)| {
            match &stmt {
                Statement::Read(select) => {
                    let (table, item, read) = read_one(cx, request.consistent_read, select, &params)?;
                    r.table = Some(table.clone());
                    units.entry(table).or_default().read(read);
                    r.item = item;
                }
                Statement::Write(stmt) => {
                    let table = stmt.target().table.clone();
                    r.table = Some(table.clone());
                    let done = write(cx, request.old_on_condition_failure, stmt, &params).inspect_err(|refused| {
                        if refused.units > 0.0 {
                            units.entry(table).or_default().refused += refused.units;
                        }
                    })?;
                    units.entry(done.table).or_default().add(done.units, done.indexes);
                    // A batch honours RETURNING, its one item in the response's Item.
                    r.item = done.items.and_then(|items| items.into_iter().next());
                }
            }
            Ok(())
        });
        r.error = outcome.err().map(Error::from);
        responses.push(r);
    }
    // A table none of whose statements succeeded is not reported, nor its refusals' charge, and
    // a batch with no success reports no capacity at all (AWS-measured; every success costs).
    units.retain(|_, u| u.table > 0.0);
    Ok(Output {
        responses,
        capacity: capacities(input.capacity, Report::Sum, units).filter(|c| !c.is_empty()),
    })
}

/// The table and key of the item a statement names outright, if it does: an INSERT's item, or a
/// WHERE clause holding the whole key of a table that exists.
fn target(cx: &Cx, stmt: &Statement, params: &[AttributeValue]) -> Option<(String, PrimaryKey)> {
    let table = data_table(cx, &stmt.target().table).ok()?;
    let def = table.def();
    let key_item = match stmt {
        Statement::Write(Write::Insert { value, .. }) => {
            let item = bind::insert_item(value, params).ok()?;
            def.key.attrs().map(|a| Some((a.name.clone(), item.get(&a.name)?.clone()))).collect::<Option<Item>>()?
        }
        Statement::Read(Select { filter, target, .. }) if target.index.is_none() => {
            bind::key_of(filter.as_ref(), &def.key, params).ok()?
        }
        Statement::Write(Write::Update { filter, .. } | Write::Delete { filter, .. }) => {
            bind::key_of(filter.as_ref(), &def.key, params).ok()?
        }
        _ => return None,
    };
    Some((table.name.clone(), request_key(&def, &key_item).ok()?))
}

/// A batch SELECT must name one item of the table by its full key and nothing else (it is a
/// BatchGetItem, which filters nothing): an index, a WHERE clause without the key or with a
/// condition besides, is refused in these words (AWS, June and October 2026).
fn unkeyed() -> Error {
    Error::validation("Select statements within BatchExecuteStatement must specify the primary key in the where clause.")
}

/// A batch SELECT: one item by its full key, kept when the rest of the WHERE clause holds.
fn read_one(
    cx: &Cx,
    consistent_read: bool,
    stmt: &Select,
    params: &[AttributeValue],
) -> Result<(String, Option<Item>, f64)> {
    let Select {
        target,
        projection,
        filter,
        ..
    } = stmt;
    let table = data_table(cx, &target.table)?;
    let state = table.state.read();
    check_single_attribute_keys(&state.def, target)?;
    if target.index.is_some() || !filter.as_ref().is_some_and(|f| bind::names_key_alone(f, &state.def.key)) {
        return Err(unkeyed());
    }
    let key_item = bind::key_or(filter.as_ref(), &state.def.key, params, unkeyed)?;
    let key = request_key(&state.def, &key_item)?;
    let item = cx.read_data(&state, None, consistent_read).get(&key);
    let units = read_units(item.map_or(0, Stored::size), consistent_read);
    let item = item.map(Stored::item).map(|i| match projection {
            Some(paths) => bind::project(&i, paths),
            None => i,
        });
    Ok((table.name.clone(), item, units))
}
