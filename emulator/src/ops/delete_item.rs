//! DeleteItem: removes one item by key, optionally under a condition; deleting nothing succeeds.

use super::answer::WriteOutput;
use super::common::{
    condition_failed, data_table, metrics_if, request_key, units_of_write, write_capacity, Old, ReturnValues,
    WriteReturns,
};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::Item;
use crate::store::Slot;

pub struct Input {
    pub table: String,
    pub key: Item,
    /// ReturnValues is NONE or ALL_OLD.
    pub returns: WriteReturns,
    /// The condition (ConditionExpression or Expected), parsed.
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
    let units = units_of_write(old.size(), 0);
    let capacity = write_capacity(returns.capacity, &state.def, || old.item(), None, units);
    let collection_metrics = metrics_if(returns.collection_metrics, &state.def, &key);
    let _removed = state.delete_at(slot.bytes());
    drop(state); // the removed item is freed once the lock is released
    let attributes = (returns.values == ReturnValues::AllOld).then(|| old.into_item()).flatten();
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
