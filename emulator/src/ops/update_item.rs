//! UpdateItem: edits (or creates) one item with an UpdateExpression or legacy AttributeUpdates,
//! optionally under a condition, and returns any of the five ReturnValues views.

use super::answer::WriteOutput;
use super::common::{
    check_collection, condition_failed, data_table, metrics_if, request_key, units_of_write, updated_item,
    write_capacity, Old, ReturnValues, WriteReturns,
};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::{self, Parsed};
use crate::model::{item_size, Item};
use crate::store::{Slot, Staged};

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
    let slot = Slot::new(&key);
    let old = Old::new(state.get_at(slot.bytes()));
    if !expressions::holds(cx, input.exprs.condition.as_ref(), || old.item()) {
        return Err(condition_failed(returns.old_on_condition_failure, old.item()));
    }
    let (new, paths) = updated_item(&state.def, &key, old.item(), input.exprs.update.as_ref())?;
    check_collection(cx.engine, &state, &key, || old.item(), new.as_ref())?;
    let units = units_of_write(old.size(), new.as_ref().map_or(0, item_size));
    let capacity = write_capacity(returns.capacity, &state.def, || old.item(), new.as_ref(), units);
    let collection_metrics = metrics_if(returns.collection_metrics, &state.def, &key);
    let attributes = match returns.values {
        ReturnValues::None => None,
        ReturnValues::AllOld => old.item().cloned(),
        ReturnValues::AllNew => new.clone(),
        ReturnValues::UpdatedOld => old.item().map(|o| expr::project(o, &paths)),
        ReturnValues::UpdatedNew => new.as_ref().map(|n| expr::project(n, &paths)),
    };
    let staged = new.map(|new| Staged::new(&state.def, key, &slot, new));
    let _replaced = staged.map(|staged| state.write(staged));
    drop(state); // the replaced item is freed once the lock is released
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
