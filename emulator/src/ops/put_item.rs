//! PutItem: replaces a whole item, optionally under a condition.

use super::answer::WriteOutput;
use super::common::{
    check_collection, condition_failed, data_table, metrics_if, write_capacity, validate_item, write_units, ReturnValues,
    WriteReturns,
};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::Item;

pub struct Input {
    pub table: String,
    pub item: Item,
    /// ReturnValues is NONE or ALL_OLD.
    pub returns: WriteReturns,
    /// The condition (ConditionExpression or Expected), parsed.
    pub exprs: Parsed,
}

pub type Output = WriteOutput;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let (item, returns) = (input.item, input.returns);
    let table = data_table(cx, &input.table)?;
    let mut state = cx.write(&table)?;
    let key = validate_item(&state.def, &item)?;
    cx.engine.transactions.check_free(cx.ns, &table.name, &key)?;
    let old = state.get(&key).map(|s| s.item());
    if !expressions::holds(cx, input.exprs.condition.as_ref(), old.as_ref()) {
        return Err(condition_failed(returns.old_on_condition_failure, old.as_ref()));
    }
    check_collection(cx.engine, &state, &key, old.as_ref(), Some(&item))?;
    let units = write_units(old.as_ref(), Some(&item));
    let capacity = write_capacity(returns.capacity, &state.def, old.as_ref(), Some(&item), units);
    let collection_metrics = metrics_if(returns.collection_metrics, &state.def, &key);
    #[cfg(feature = "faults")]
    let item = crate::fault::put_item(cx.fault, item, old.as_ref());
    state.put(item);
    let attributes = old.filter(|_| returns.values == ReturnValues::AllOld);
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
