//! UpdateItem: edits (or creates) one item with an UpdateExpression or legacy AttributeUpdates,
//! optionally under a condition, and returns any of the five ReturnValues views.

use serde_json::{Map, Value};

use super::common::{
    add_attributes, add_collection_metrics, check_collection, check_index_keys, condition_failed, request_key, table, touched_indexes,
    write_units, CapacityDetail, ReturnValues,
};
use super::expressions;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{self, Op, Path, Update};
use crate::model::{item_size, nesting_ok, Item, PrimaryKey, TableDef, MAX_ITEM_SIZE};
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_UPDATES, CONDITIONAL_OPERATOR, EXPRESSION,
    EXPRESSION_NAMES, LEGACY_CONDITIONS, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS,
    RETURN_VALUES, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Key", ATTRIBUTE_MAP),
    field("AttributeUpdates", ATTRIBUTE_UPDATES),
    field("Expected", LEGACY_CONDITIONS),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ReturnValues", RETURN_VALUES),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
    field("UpdateExpression", EXPRESSION),
    field("ConditionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let key_item = body.item("Key")?.unwrap_or_default();
    let return_values = ReturnValues::of(body);
    let exprs = expressions::parse(body, Op::UpdateItem)?;
    let table = table(engine, body)?;
    let mut state = table.state.write();
    let key = request_key(&state.def, &key_item)?;
    engine.transactions.check_free(&table.name, &key)?;
    let old = state.get(&key).cloned();
    if !expressions::holds(exprs.condition.as_ref(), old.as_deref()) {
        return Err(condition_failed(body, old.as_deref()));
    }
    let (new, paths) = updated_item(&state.def, &key, old.as_deref(), exprs.update.as_ref())?;
    check_collection(engine, &state, &key, old.as_deref(), new.as_ref())?;
    let mut out = Map::new();
    let units = write_units(old.as_deref(), new.as_ref());
    CapacityDetail::of(body).add_to(&mut out, &table.name, units, || touched_indexes(&state.def, old.as_deref(), new.as_ref()));
    add_collection_metrics(&mut out, body, &state.def, &key);
    let returned = match return_values {
        ReturnValues::None => None,
        ReturnValues::AllOld => old.as_deref().cloned(),
        ReturnValues::AllNew => new.clone(),
        ReturnValues::UpdatedOld => old.as_deref().map(|o| expr::project(o, &paths)),
        ReturnValues::UpdatedNew => new.as_ref().map(|n| expr::project(n, &paths)),
    };
    if let Some(new) = new {
        state.put(new);
    }
    add_attributes(&mut out, returned.as_ref());
    Ok(Value::Object(out))
}

/// The item after an update: the old item (or just the key, for an upsert) with the update applied,
/// checked like any written item; `None` when an update that only removes finds no item, so
/// nothing is written. Also returns the paths the update touched.
pub fn updated_item(
    def: &TableDef,
    key: &PrimaryKey,
    old: Option<&Item>,
    update: Option<&Update>,
) -> Result<(Option<Item>, Vec<Path>)> {
    if let Some(update) = update.filter(|u| old.is_none() && u.only_removes()) {
        update.check_key(&def.key)?;
        return Ok((None, Vec::new()));
    }
    let mut item = old.cloned().unwrap_or_else(|| key.to_item(&def.key));
    let paths = match update {
        Some(u) => u.apply(&mut item, &def.key)?,
        None => Vec::new(),
    };
    for index in def.indexes() {
        check_index_keys(index, &item)?;
    }
    if item_size(&item) > MAX_ITEM_SIZE {
        return Err(Error::validation("Item size to update has exceeded the maximum allowed size"));
    }
    if !nesting_ok(&item) {
        return Err(Error::nesting_exceeded());
    }
    Ok((Some(item), paths))
}
