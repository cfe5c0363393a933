//! DeleteItem: removes one item by key, optionally under a condition; deleting nothing succeeds.

use super::answer::WriteOutput;
use super::common::{
    condition_failed, data_table, metrics_if, request_key, write_capacity, write_units, ReturnValues, WriteReturns,
};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::Item;

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
    let old = state.get(&key).map(|s| s.item());
    if !expressions::holds(cx, input.exprs.condition.as_ref(), old.as_ref()) {
        return Err(condition_failed(returns.old_on_condition_failure, old.as_ref()));
    }
    let units = write_units(old.as_ref(), None);
    let capacity = write_capacity(returns.capacity, &state.def, old.as_ref(), None, units);
    let collection_metrics = metrics_if(returns.collection_metrics, &state.def, &key);
    state.delete(&key);
    let attributes = old.filter(|_| returns.values == ReturnValues::AllOld);
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
