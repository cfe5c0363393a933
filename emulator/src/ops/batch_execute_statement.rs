//! BatchExecuteStatement: up to 25 PartiQL statements, all reads (each naming one item by its full
//! key) or all writes, each run on its own: a failing statement answers with its `Error` in its
//! place in `Responses` and does not fail the call.

use std::collections::BTreeMap;

use super::answer::ConsumedCapacity;
use super::common::{data_table, read_units, request_key, CapacityDetail};
use super::multi::{capacities, Report, TableUnits};
use super::statements::{check_single_attribute_keys, write};
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{AttributeValue, Item, Stored};
use crate::partiql::{bind, Select, Statement};

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
    if reads > 0 && reads < prepared.count() {
        return Err(Error::validation(
            "The entire batch must consist of either read statements or write statements, you cannot mix both in one batch.",
        ));
    }
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut responses = Vec::with_capacity(input.statements.len());
    for request in input.statements {
        let mut r = StatementResponse::default();
        let outcome = request.prepared.and_then(|(stmt, params)| {
            match &stmt {
                Statement::Read(select) => {
                    let (table, item, read) = read_one(cx, request.consistent_read, select, &params)?;
                    r.table = Some(table.clone());
                    units.entry(table).or_default().read(read);
                    r.item = item;
                }
                Statement::Write(stmt) => {
                    r.table = Some(stmt.target().table.clone());
                    let done = write(cx, request.old_on_condition_failure, stmt, &params)?;
                    units.entry(done.table).or_default().add(done.units, done.indexes);
                    // A batch honours RETURNING, its one item in the response's Item.
                    r.item = done.items.and_then(|items| items.into_iter().next());
                }
            }
            Ok(())
        });
        r.error = outcome.err();
        responses.push(r);
    }
    Ok(Output {
        responses,
        capacity: capacities(input.capacity, Report::Sum, units),
    })
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
