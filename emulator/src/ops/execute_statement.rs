//! ExecuteStatement: one PartiQL statement. SELECT reads one partition (when the WHERE clause fixes
//! the partition key) or scans, with Limit and NextToken paging; INSERT, UPDATE and DELETE run
//! through the same checks and store writes as PutItem, UpdateItem and DeleteItem. The pieces
//! here are shared with BatchExecuteStatement and ExecuteTransaction.

use std::ops::Bound;
use std::sync::Arc;

use super::answer::{ConsumedCapacity, Page};
use super::common::{
    check_collection, key_size_error, condition_failed, data_table, request_key, touched_indexes, validate_item, write_units, CapacityDetail,
};
use super::expressions;
use super::query::sort_bounds;
use super::read::{collect, rows_between, PageSpec, Select, Source};
use super::update_item::updated_item;
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{self, Condition, Path};
use crate::model::{AttributeValue, Item, KeyAttr, KeyValue, KeyValues};
use crate::partiql::{self, bind, Returning, Statement};
use crate::store::Slot;

pub struct Input {
    /// The statement, parsed, and its Parameters (as many as it has `?`).
    pub statement: Statement,
    pub params: Vec<AttributeValue>,
    pub consistent_read: bool,
    pub limit: Option<usize>,
    /// NextToken, decoded; a bad token is refused after the table lookup, as DynamoDB does.
    pub next_token: Result<Option<Item>>,
    pub capacity: CapacityDetail,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub old_on_condition_failure: bool,
}

pub struct Output {
    /// A SELECT's page, or a write's RETURNING items (empty without RETURNING).
    pub items: Vec<Arc<Item>>,
    /// Where the next SELECT page starts (NextToken).
    pub last_evaluated_key: Option<Item>,
    pub capacity: Option<ConsumedCapacity>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    if input.statement.is_read() {
        let page = select(cx, &input)?;
        return Ok(Output {
            items: page.items.unwrap_or_default(),
            last_evaluated_key: page.last_evaluated_key,
            capacity: page.capacity,
        });
    }
    let done = write(cx, input.old_on_condition_failure, &input.statement, &input.params)?;
    let indexes = || done.indexes.iter().map(String::as_str).collect();
    Ok(Output {
        capacity: input.capacity.consumed(&done.table, done.units, indexes),
        items: done.items.into_iter().flatten().map(Arc::new).collect(),
        last_evaluated_key: None,
    })
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
pub fn write(cx: &Cx, old_on_failure: bool, stmt: &Statement, params: &[AttributeValue]) -> Result<Written> {
    let engine = cx.engine;
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
    let table = data_table(cx, &target.table)?;
    let mut state = table.state.write();
    if target.index.is_some() {
        return Err(Error::validation("Index cannot be specified in a write statement"));
    }
    let (key, old, new, returning) = match stmt {
        Statement::Insert { .. } => {
            let item = insert.expect("bound above");
            let key = validate_item(&state.def, &item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            if state.get(&key).is_some() {
                return Err(duplicate());
            }
            (key, None, Some(item), None)
        }
        Statement::Update { filter, returning, .. } => {
            let key_item = bind::key_of(filter.as_ref(), &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            let old = state.get(&key).cloned();
            // UPDATE never creates an item.
            if old.is_none() || !expressions::holds(cond.as_ref(), old.as_deref()) {
                return Err(condition_failed(old_on_failure, old.as_deref()));
            }
            let (new, _) = updated_item(&state.def, &key, old.as_deref(), update.as_ref())?;
            (key, old.map(|o| (*o).clone()), new, *returning)
        }
        Statement::Delete { filter, returning, .. } => {
            let key_item = bind::key_of(filter.as_ref(), &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            let old = state.get(&key).cloned();
            // Deleting nothing succeeds; the condition applies to an item that exists.
            if old.is_some() && !expressions::holds(cond.as_ref(), old.as_deref()) {
                return Err(condition_failed(old_on_failure, old.as_deref()));
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

/// The error of a NextToken that does not name a position of the statement's source.
pub fn invalid_token() -> Error {
    Error::validation("Given NextToken is not valid")
}

/// Runs a SELECT: a page of items, and where the next one starts when more remain.
fn select(cx: &Cx, input: &Input) -> Result<Page> {
    let Statement::Select { target, projection, filter, descending } = &input.statement else {
        unreachable!("only SELECT reads")
    };
    let params = &input.params;
    let cond = where_condition(filter.as_ref(), params)?;
    let table = data_table(cx, &target.table)?;
    let state = table.state.read();
    if target.index.as_ref().is_some_and(|name| state.def.index(name).is_none()) {
        // Unlike Query and Scan, PartiQL's message does not name the index.
        return Err(Error::validation("The table does not have the specified index"));
    }
    let source = Source::for_index(&table, &state, target.index.as_deref(), input.consistent_read, cx.now_millis)?;
    let start = source.start_key(&input.next_token).map_err(|_| invalid_token())?;
    let key = source.key();
    // Equalities on key attributes are keys, so they are held to the key size limits.
    if let Some(f) = filter {
        for (attrs, hash) in [(&key.hash, true), (&key.range, false)] {
            for attr in attrs {
                if let Some(e) = bind::equality(f, &attr.name, params)?.and_then(|v| key_size_error(&v, hash)) {
                    return Err(e);
                }
            }
        }
    }
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
        limit: input.limit,
        filter: cond.as_ref(),
        projection: None,
        select: if source.index.is_some() { Select::AllProjected } else { Select::AllAttributes },
        transform: Some(&project),
    };
    Ok(collect(&source, rows, spec, input.consistent_read, input.capacity))
}
