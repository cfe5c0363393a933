//! UpdateItem: edits (or creates) one item with an UpdateExpression or legacy AttributeUpdates,
//! optionally under a condition, and returns any of the five ReturnValues views.

use super::answer::WriteOutput;
use super::common::{
    check_collection, condition_failed, data_table, metrics_if, request_key, updated_item, write_capacity, write_units,
    ReturnValues, WriteReturns,
};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::{self, Parsed};
use crate::model::Item;

pub struct Input {
    pub table: String,
    pub key: Item,
    pub returns: WriteReturns,
    /// The update (UpdateExpression or AttributeUpdates) and condition, parsed.
    pub exprs: Parsed,
}

pub type Output = WriteOutput;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let returns = input.returns;
    let table = data_table(cx, &input.table)?;
    let mut state = cx.write(&table)?;
    let key = request_key(&state.def, &input.key)?;
    cx.engine.transactions.check_free(cx.ns, &table.name, &key)?;
    let old = state.get(&key).map(|s| s.item());
    if !expressions::holds(cx, input.exprs.condition.as_ref(), old.as_ref()) {
        return Err(condition_failed(returns.old_on_condition_failure, old.as_ref()));
    }
    let (new, paths) = updated_item(&state.def, &key, old.as_ref(), input.exprs.update.as_ref())?;
    check_collection(cx.engine, &state, &key, old.as_ref(), new.as_ref())?;
    let units = write_units(old.as_ref(), new.as_ref());
    let capacity = write_capacity(returns.capacity, &state.def, old.as_ref(), new.as_ref(), units);
    let collection_metrics = metrics_if(returns.collection_metrics, &state.def, &key);
    let attributes = match returns.values {
        ReturnValues::None => None,
        ReturnValues::AllOld => old.as_ref().cloned(),
        ReturnValues::AllNew => new.clone(),
        ReturnValues::UpdatedOld => old.as_ref().map(|o| expr::project(o, &paths)),
        ReturnValues::UpdatedNew => new.as_ref().map(|n| expr::project(n, &paths)),
    };
    if let Some(new) = new {
        state.put(new);
    }
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
