//! TransactGetItems: up to 100 Gets read as one snapshot across tables (their read locks are taken
//! in name order and held together), answered in request order.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::answer::ConsumedCapacity;
use super::common::{data_table, empty_key_values_error, read_units, request_key, CapacityDetail};
use super::expressions;
use super::multi::{capacities, Report, TableUnits};
use super::transactions::{cancelled, conflict_reason, passed, ItemRef};
use super::Cx;
use crate::error::{CancellationReason, Error, Result};
use crate::expr::Parsed;
use crate::model::{Item, Stored};
use crate::store::Table;

pub struct Input {
    pub gets: Vec<GetRequest>,
    pub capacity: CapacityDetail,
}

/// One Get as the request names it.
pub struct GetRequest {
    pub table: String,
    pub key: Item,
    /// The projection, parsed.
    pub exprs: Parsed,
}

pub struct Output {
    /// Each Get's item, projected, in request order; `None` when no item has the key.
    pub responses: Vec<Option<Item>>,
    pub capacity: Option<Vec<ConsumedCapacity>>,
}

struct Get {
    table: Arc<Table>,
    key: Item,
    exprs: Parsed,
}

pub fn run(cx @ &Cx { engine, .. }: &Cx, input: Input) -> Result<Output> {
    let mut gets = Vec::with_capacity(input.gets.len());
    let mut seen = HashSet::new();
    let mut refs: Vec<Option<ItemRef>> = Vec::new();
    for GetRequest { table, key, exprs } in input.gets {
        let table = data_table(cx, &table)?;
        let primary = {
            let state = table.state.read();
            if let Some(e) = empty_key_values_error(&state.def, &key) {
                return Err(e);
            }
            state.def.key.key_of(&key)
        };
        let r = primary.map(|k| (table.name.clone(), k));
        if let Some(r) = &r {
            if !seen.insert(r.clone()) {
                return Err(Error::validation(
                    "Transaction request cannot include multiple operations on one item",
                ));
            }
        }
        refs.push(r);
        gets.push(Get { table, key, exprs });
    }

    // One snapshot: every table's read lock at once, in name order.
    let tables: BTreeMap<&str, &Arc<Table>> = gets.iter().map(|g| (g.table.name.as_str(), &g.table)).collect();
    let guards: BTreeMap<&str, _> = tables.iter().map(|(n, t)| (*n, t.state.read())).collect();

    // Items a write transaction holds are being changed: this read loses, as in DynamoDB.
    let present: Vec<ItemRef> = refs.iter().flatten().cloned().collect();
    let busy: HashSet<ItemRef> = engine
        .transactions
        .busy(cx.ns, &present)
        .into_iter()
        .map(|n| present[n].clone())
        .collect();
    let mut reasons: Vec<CancellationReason> = Vec::with_capacity(gets.len());
    let mut found = Vec::with_capacity(gets.len());
    let mut failed = false;
    for (g, r) in gets.iter().zip(&refs) {
        let state = &guards[g.table.name.as_str()];
        if r.as_ref().is_some_and(|r| busy.contains(r)) {
            failed = true;
            reasons.push(conflict_reason());
            found.push(None);
            continue;
        }
        match request_key(&state.def, &g.key) {
            Ok(key) => {
                reasons.push(passed());
                found.push(Some(state.get(&key).cloned()));
            }
            Err(e) => {
                failed = true;
                reasons.push(CancellationReason {
                    code: "ValidationError",
                    message: e.message,
                    item: None,
                });
                found.push(None);
            }
        }
    }
    drop(guards);
    if failed {
        return Err(cancelled(reasons));
    }

    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let responses = gets
        .iter()
        .zip(found)
        .map(|(g, item)| {
            let item = item.flatten();
            units
                .entry(g.table.name.clone())
                .or_default()
                .read(2.0 * read_units(item.as_ref().map_or(0, Stored::size), true));
            // A present item the projection takes nothing from is answered as a missing one.
            item.map(|i| expressions::projected(i.item(), g.exprs.projection.as_deref()))
                .filter(|i| !i.is_empty())
        })
        .collect();
    Ok(Output {
        responses,
        capacity: capacities(input.capacity, Report::ReadsAndWrites, units),
    })
}
