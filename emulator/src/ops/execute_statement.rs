//! ExecuteStatement: one PartiQL statement. SELECT reads one partition (when the WHERE clause fixes
//! the partition key) or scans, with Limit and NextToken paging; INSERT, UPDATE and DELETE run
//! through the same checks and store writes as PutItem, UpdateItem and DeleteItem. The pieces
//! here are shared with BatchExecuteStatement and ExecuteTransaction.

use std::ops::Bound;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::common::{
    check_collection, condition_failed, data_table, request_key, touched_indexes, validate_item, write_units, CapacityDetail,
};
use super::expressions;
use super::query::sort_bounds;
use super::read::{collect, rows_between, PageSpec, Select, Source};
use super::update_item::updated_item;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{self, Condition, Path};
use crate::model::{AttributeValue, Item, KeyAttr, KeyValue, KeyValues};
use crate::partiql::{self, bind, Returning, Statement};
use crate::protocol::attr::{self, encode_map};
use crate::protocol::shape::{
    field, int, required, string, validate, Field, Shape, RETURN_CONSUMED_CAPACITY,
    RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;
use crate::store::Slot;

pub const STATEMENT: Shape = string(1, 8192);
pub const PARAMETERS: Shape = Shape::List { member: &Shape::Attr, min: 1, max: usize::MAX };

const SHAPE: &[Field] = &[
    required("Statement", STATEMENT),
    field("Parameters", PARAMETERS),
    field("ConsistentRead", Shape::Bool),
    field("NextToken", string(1, 32768)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("Limit", int(Some(1), None)),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let (stmt, params) = prepare(body)?;
    if stmt.is_read() {
        return select(engine, body, &stmt, &params);
    }
    let done = write(engine, body, &stmt, &params)?;
    let mut out = Map::new();
    // Writes answer an empty Items list unless they return items.
    let items = done.items.iter().flatten().map(encode_map).collect();
    out.insert("Items".into(), Value::Array(items));
    CapacityDetail::of(body).add_to(&mut out, &done.table, done.units, || done.indexes.iter().map(String::as_str).collect());
    Ok(Value::Object(out))
}

/// A statement member's Parameters, decoded.
pub fn parameters(body: Body) -> Result<Vec<AttributeValue>> {
    body.list("Parameters").iter().map(attr::decode).collect()
}

/// Parses a request's (or list member's) `Statement` and binds its `Parameters`.
pub fn prepare(body: Body) -> Result<(Statement, Vec<AttributeValue>)> {
    let params = parameters(body)?;
    let (stmt, count) =
        partiql::parse(body.str("Statement").unwrap_or_default()).map_err(|e| Error::validation(e.0))?;
    if count != params.len() {
        return Err(bind::param_count());
    }
    Ok((stmt, params))
}

/// What a write did, for the response and consumed capacity.
pub struct Written {
    pub table: String,
    pub units: f64,
    pub indexes: Vec<String>,
    /// RETURNING's items.
    pub items: Option<Vec<Item>>,
}

/// The condition an UPDATE or DELETE carries: its whole WHERE clause (the key equalities hold for
/// the item the key names).
fn where_condition(filter: Option<&partiql::Expr>, params: &[AttributeValue]) -> Result<Option<Condition>> {
    filter.map(|f| bind::condition(f, params)).transpose()
}

fn duplicate() -> Error {
    Error::new(ErrorKind::DuplicateItem, "Duplicate primary key exists in table")
}

/// Runs one INSERT, UPDATE or DELETE under its table's write lock.
pub fn write(engine: &Engine, body: Body, stmt: &Statement, params: &[AttributeValue]) -> Result<Written> {
    let target = stmt.target();
    // Values are bound (and number literals checked) before the table is looked up.
    let insert = match stmt {
        Statement::Insert { value, .. } => Some(bind::insert_item(value, params)?),
        _ => None,
    };
    let (update, cond) = match stmt {
        Statement::Update { actions, filter, .. } => {
            (Some(bind::update(actions, params)?), where_condition(filter.as_ref(), params)?)
        }
        Statement::Delete { filter, .. } => (None, where_condition(filter.as_ref(), params)?),
        _ => (None, None),
    };
    let table = data_table(engine, &target.table)?;
    let mut state = table.state.write();
    if target.index.is_some() {
        return Err(Error::validation("Index cannot be specified in a write statement"));
    }
    let (key, old, new, returning) = match stmt {
        Statement::Insert { .. } => {
            let item = insert.expect("bound above");
            let key = validate_item(&state.def, &item)?;
            engine.transactions.check_free(&table.name, &key)?;
            if state.get(&key).is_some() {
                return Err(duplicate());
            }
            (key, None, Some(item), None)
        }
        Statement::Update { filter, returning, .. } => {
            let key_item = bind::key_of(filter.as_ref(), &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(&table.name, &key)?;
            let old = state.get(&key).cloned();
            // UPDATE never creates an item.
            if old.is_none() || !expressions::holds(cond.as_ref(), old.as_deref()) {
                return Err(condition_failed(body, old.as_deref()));
            }
            let (new, _) = updated_item(&state.def, &key, old.as_deref(), update.as_ref())?;
            (key, old.map(|o| (*o).clone()), Some(new), *returning)
        }
        Statement::Delete { filter, returning, .. } => {
            let key_item = bind::key_of(filter.as_ref(), &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(&table.name, &key)?;
            let old = state.get(&key).cloned();
            // Deleting nothing succeeds; the condition applies to an item that exists.
            if old.is_some() && !expressions::holds(cond.as_ref(), old.as_deref()) {
                return Err(condition_failed(body, old.as_deref()));
            }
            (key, old.map(|o| (*o).clone()), None, *returning)
        }
        Statement::Select { .. } => unreachable!("reads are not writes"),
    };
    check_collection(engine, &state, &key, old.as_ref(), new.as_ref())?;
    let units = write_units(old.as_ref(), new.as_ref());
    let indexes = touched_indexes(&state.def, old.as_ref(), new.as_ref()).into_iter().map(str::to_owned).collect();
    let items = returning.map(|r| returned(r, stmt, old.as_ref(), new.as_ref()));
    match new {
        Some(item) => {
            state.put(item);
        }
        None => {
            state.delete(&key);
        }
    }
    Ok(Written { table: table.name.clone(), units, indexes, items })
}

/// RETURNING's items: the whole old or new item, or the paths the statement modified.
fn returned(r: Returning, stmt: &Statement, old: Option<&Item>, new: Option<&Item>) -> Vec<Item> {
    let modified: Vec<Path> = match stmt {
        Statement::Update { actions, .. } => actions
            .iter()
            .map(|a| match a {
                partiql::ast::UpdateClause::Set(p, _) | partiql::ast::UpdateClause::Remove(p) => p.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let item = match r {
        Returning::AllOld => old.cloned(),
        Returning::AllNew => new.cloned(),
        Returning::ModifiedOld => old.map(|o| expr::project(o, &modified)),
        Returning::ModifiedNew => new.map(|n| expr::project(n, &modified)),
    };
    item.into_iter().filter(|i| !i.is_empty()).collect()
}

fn invalid_token() -> Error {
    Error::validation("Given NextToken is not valid")
}

/// NextToken: the page's LastEvaluatedKey, encoded.
fn encode_token(last: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(last.to_string())
}

fn decode_token(token: &str) -> Result<Value> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| invalid_token())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| invalid_token())?;
    if !v.is_object() {
        return Err(invalid_token());
    }
    Ok(v)
}

/// Runs a SELECT: a page of items, NextToken and LastEvaluatedKey when more remain.
pub fn select(engine: &Engine, body: Body, stmt: &Statement, params: &[AttributeValue]) -> Result<Value> {
    let Statement::Select { target, projection, filter, descending } = stmt else {
        unreachable!("only SELECT reads")
    };
    let cond = where_condition(filter.as_ref(), params)?;
    let table = data_table(engine, &target.table)?;
    let state = table.state.read();
    if target.index.as_ref().is_some_and(|name| state.def.index(name).is_none()) {
        // Unlike Query and Scan, PartiQL's message does not name the index.
        return Err(Error::validation("The table does not have the specified index"));
    }
    let source = Source::for_index(engine, &table, &state, target.index.as_deref(), body.bool("ConsistentRead") == Some(true))?;
    let start = match body.str("NextToken") {
        None => None,
        Some(t) => {
            let start = json!({ "ExclusiveStartKey": decode_token(t)? });
            source.start_key(Body(&start)).map_err(|_| invalid_token())?
        }
    };
    let key = source.key();
    // Equalities on every partition attribute make the read one partition.
    let partition = match filter {
        Some(f) => {
            let equality = |a: &KeyAttr| Ok(bind::equality(f, &a.name, params)?.map(|v| (v, a.ty)));
            key.hash.iter().map(equality).collect::<Result<Option<Vec<_>>>>()?
        }
        None => None,
    };
    let forward = !descending;
    let rows = match partition {
        Some(values) => {
            let typed = values.iter().map(|(v, ty)| KeyValue::from_attr(v).filter(|k| k.scalar_type() == *ty));
            match typed.collect::<Option<KeyValues>>() {
                // A partition key of another type matches nothing.
                None => Box::new(std::iter::empty()),
                Some(hash) => {
                    let (lo, hi) = sort_bounds(&[], None);
                    let at = |pos| Slot::at(&hash, pos);
                    rows_between(&source, lo.map(at), hi.map(at), start, forward)
                }
            }
        }
        None => rows_between(&source, Bound::Unbounded, Bound::Unbounded, start, true),
    };
    let project = |item: &Item| match projection {
        Some(paths) => bind::project(item, paths),
        None => item.clone(),
    };
    let spec = PageSpec {
        limit: body.int("Limit").map(|l| l as usize),
        filter: cond.as_ref(),
        projection: None,
        select: if source.index.is_some() { Select::AllProjected } else { Select::AllAttributes },
        transform: Some(&project),
    };
    let page = collect(body, &source, rows, spec);
    let Value::Object(mut page) = page else { unreachable!("pages are objects") };
    let mut out = Map::new();
    out.insert("Items".into(), page.remove("Items").unwrap_or_else(|| json!([])));
    if let Some(last) = page.remove("LastEvaluatedKey") {
        out.insert("NextToken".into(), Value::String(encode_token(&last)));
        out.insert("LastEvaluatedKey".into(), last);
    }
    if let Some(c) = page.remove("ConsumedCapacity") {
        out.insert("ConsumedCapacity".into(), c);
    }
    Ok(Value::Object(out))
}
