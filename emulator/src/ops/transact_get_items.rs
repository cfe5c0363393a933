//! TransactGetItems: up to 100 Gets read as one snapshot across tables (their read locks are taken
//! in name order and held together), answered in request order.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::common::{data_table, key_values_error, read_units, request_key, CapacityDetail};
use super::expressions;
use super::multi::{add_capacity, ItemRef, TableUnits};
use super::transact_write_items::{cancelled, conflict_reason};
use super::Cx;
use crate::error::{CancellationReason, Error, Result};
use crate::expr::{Op, Parsed};
use crate::model::{item_size, Item};
use crate::protocol::attr::encode_map;
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES,
    RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;
use crate::store::Table;

const GET: Shape = Shape::Struct {
    java: "Get",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        field("ProjectionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
    ],
};
const TRANSACT_GET_ITEM: Shape = Shape::Struct {
    java: "TransactGetItem",
    fields: &[required("Get", GET)],
};
const SHAPE: &[Field] = &[
    required(
        "TransactItems",
        Shape::List {
            member: &TRANSACT_GET_ITEM,
            min: 1,
            max: 100,
        },
    ),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

struct Get {
    table: Arc<Table>,
    key: Item,
    exprs: Parsed,
}

pub fn run(cx @ &Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let mut parsed = Vec::new();
    for entry in body.list("TransactItems") {
        let sub = Body(entry).child("Get").expect("validated");
        let exprs = crate::protocol::wire::expressions::parse(sub, Op::GetItem)?;
        let key = sub.item("Key")?.unwrap_or_default();
        parsed.push((sub, exprs, key));
    }
    let mut gets = Vec::with_capacity(parsed.len());
    let mut seen = HashSet::new();
    let mut refs: Vec<Option<ItemRef>> = Vec::new();
    for (sub, exprs, key) in parsed {
        let table = data_table(cx, sub.str("TableName").unwrap_or_default())?;
        let primary = {
            let state = table.state.read();
            if let Some(e) = key_values_error(&state.def, &key) {
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
    let tables: BTreeMap<&str, &Arc<Table>> =
        gets.iter().map(|g| (g.table.name.as_str(), &g.table)).collect();
    let guards: BTreeMap<&str, _> = tables.iter().map(|(n, t)| (*n, t.state.read())).collect();

    // Items a write transaction holds are being changed: this read loses, as in DynamoDB.
    let present: Vec<ItemRef> = refs.iter().flatten().cloned().collect();
    let busy: HashSet<ItemRef> = engine
        .transactions
        .busy(&present)
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
                reasons.push(CancellationReason {
                    code: "None",
                    message: None,
                    item: None,
                });
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
    let responses: Vec<Value> = gets
        .iter()
        .zip(found)
        .map(|(g, item)| {
            let item = item.flatten();
            units
                .entry(g.table.name.clone())
                .or_default()
                .add(2.0 * read_units(item.as_ref().map_or(0, |i| item_size(i)), true), &[]);
            match item {
                Some(i) => json!({"Item": encode_map(&expressions::projected(&i, g.exprs.projection.as_deref()))}),
                None => json!({}),
            }
        })
        .collect();
    let mut out = Map::new();
    out.insert("Responses".into(), Value::Array(responses));
    add_capacity(&mut out, CapacityDetail::of(body), &units);
    Ok(Value::Object(out))
}
