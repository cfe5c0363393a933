//! PartiQL writes: one INSERT, UPDATE or DELETE run through the same checks and store writes as
//! PutItem, UpdateItem and DeleteItem; and the rules of a SELECT's target. ExecuteStatement and
//! BatchExecuteStatement share them.

use super::common::{
    check_collection, condition_failed, data_table, request_key, touched_indexes, units_of_write, updated_item,
    validate_item, write_units, Touched,
};
use super::expressions;
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{self, Condition, Path, Update};
use crate::model::{item_size, AttributeValue, Item, TableDef};
use crate::partiql::{self, bind, Returning, Write};

/// What a write did, for the response and consumed capacity.
pub struct Written {
    pub table: String,
    pub units: f64,
    pub indexes: Touched,
    /// RETURNING's items.
    pub items: Option<Vec<Item>>,
}

/// PartiQL reads no index whose partition or sort key has several attributes, refused ahead of
/// anything about the statement's WHERE clause (the conformance suite's multiAttributeIndex and
/// partiqlMultiAttributeIndex tests, AWS, October 2026). The table itself stays readable.
pub fn check_single_attribute_keys(def: &TableDef, target: &partiql::ast::Target) -> Result<()> {
    let index = target.index.as_ref().and_then(|name| def.index(name));
    if index.is_some_and(|(i, _)| i.key.hash.len() > 1 || i.key.range.len() > 1) {
        return Err(Error::validation(
            "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
        ));
    }
    Ok(())
}

/// The condition an UPDATE or DELETE carries: its whole WHERE clause (the key equalities hold for
/// the item the key names).
pub fn where_condition(filter: Option<&partiql::Expr>, params: &[AttributeValue]) -> Result<Option<Condition>> {
    filter.map(|f| bind::condition(f, params)).transpose()
}

fn duplicate() -> Error {
    Error::new(ErrorKind::DuplicateItem, "Duplicate primary key exists in table")
}

/// A write statement with its values bound, and the WHERE clause's condition.
enum Bound<'s> {
    Insert(Item),
    Update {
        update: Update,
        filter: Option<&'s partiql::Expr>,
        cond: Option<Condition>,
        returning: Option<Returning>,
    },
    Delete {
        filter: Option<&'s partiql::Expr>,
        cond: Option<Condition>,
        returning: Option<Returning>,
    },
}

/// A write names a table, never an index: refused before anything else about the statement,
/// the table's existence included. (INSERT's grammar already refuses the qualifier.)
pub fn no_index(stmt: &Write) -> Result<()> {
    match stmt.target().index {
        Some(_) => Err(Error::validation("This operation is not supported on an index")),
        None => Ok(()),
    }
}

/// A write statement's refusal, and the units a batch still charges for it: one refused at its
/// item (a condition that does not hold, a duplicate INSERT) is charged the write it attempted,
/// by the larger of the item stored there and an INSERT's item (AWS-measured; FIDELITY.md); one
/// refused before, nothing.
pub struct Refused {
    pub error: Error,
    pub units: f64,
}

impl From<Error> for Refused {
    fn from(error: Error) -> Refused {
        Refused { error, units: 0.0 }
    }
}

impl From<Refused> for Error {
    fn from(refused: Refused) -> Error {
        refused.error
    }
}

/// Runs one INSERT, UPDATE or DELETE under its table's write lock.
pub fn write(
    cx: &Cx,
    old_on_failure: bool,
    stmt: &Write,
    params: &[AttributeValue],
) -> std::result::Result<Written, Refused> {
    no_index(stmt)?;
    let engine = cx.engine;
    let target = stmt.target();
    // Values are bound (and number literals checked) before the table is looked up.
    let bound = match stmt {
        Write::Insert { value, .. } => Bound::Insert(bind::insert_item(value, params)?),
        Write::Update {
            actions,
            filter,
            returning,
            ..
        } => Bound::Update {
            update: bind::update(actions, params)?,
            filter: filter.as_ref(),
            cond: where_condition(filter.as_ref(), params)?,
            returning: *returning,
        },
        Write::Delete { filter, returning, .. } => Bound::Delete {
            filter: filter.as_ref(),
            cond: where_condition(filter.as_ref(), params)?,
            returning: *returning,
        },
        // DynamoDB Local's words; AWS documents EXISTS for transactions only.
        Write::Exists { .. } => {
            return Err(Error::validation("EXISTS can only be used in ExecuteTransaction write requests.").into())
        }
    };
    let table = data_table(cx, &target.table)?;
    let mut state = cx.write(&table)?;
    let at_item = |error, size| Refused {
        error,
        units: units_of_write(size, 0),
    };
    let (key, old, new, returning) = match bound {
        Bound::Insert(item) => {
            let key = validate_item(&state.def, &item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            if let Some(stored) = state.get(&key) {
                return Err(at_item(duplicate(), stored.size().max(item_size(&item))));
            }
            (key, None, Some(item), None)
        }
        Bound::Update {
            update,
            filter,
            cond,
            returning,
        } => {
            let key_item = bind::key_of(filter, &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            let old = state.get(&key).map(|s| s.item());
            // UPDATE never creates an item.
            if old.is_none() || !expressions::holds(cx, cond.as_ref(), || old.as_ref()) {
                return Err(at_item(
                    condition_failed(old_on_failure, old.as_ref()),
                    old.as_ref().map_or(0, item_size),
                ));
            }
            let new = updated_item(&state.def, &key, old.clone(), Some(&update))?;
            (key, old, new, returning)
        }
        Bound::Delete {
            filter,
            cond,
            returning,
        } => {
            let key_item = bind::key_of(filter, &state.def.key, params)?;
            let key = request_key(&state.def, &key_item)?;
            engine.transactions.check_free(cx.ns, &table.name, &key)?;
            let old = state.get(&key).map(|s| s.item());
            // Deleting nothing succeeds; the condition applies to an item that exists.
            if old.is_some() && !expressions::holds(cx, cond.as_ref(), || old.as_ref()) {
                return Err(at_item(
                    condition_failed(old_on_failure, old.as_ref()),
                    old.as_ref().map_or(0, item_size),
                ));
            }
            (key, old, None, returning)
        }
    };
    check_collection(engine, &state, &key, || old.as_ref(), new.as_ref())?;
    let units = write_units(&state.def, old.as_ref(), new.as_ref());
    let indexes = touched_indexes(&state.def, old.as_ref(), new.as_ref());
    let items = returning.map(|r| returned(r, stmt, old.as_ref(), new.as_ref()));
    match new {
        Some(item) => {
            state.put(item);
        }
        None => {
            state.delete(&key);
        }
    }
    Ok(Written {
        table: table.name.clone(),
        units,
        indexes,
        items,
    })
}

/// RETURNING's items: the whole old or new item, or the paths the statement modified.
fn returned(r: Returning, stmt: &Write, old: Option<&Item>, new: Option<&Item>) -> Vec<Item> {
    let modified: Vec<Path> = match stmt {
        Write::Update { actions, .. } => actions
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
