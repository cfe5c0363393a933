//! DeleteItem: removes one item by key, optionally under a condition; deleting nothing succeeds.

use std::sync::Arc;

use super::answer::WriteOutput;
use super::common::{data_table, metrics_if, request_key, write_capacity, ReturnValues, WriteReturns};
use super::item_write::{check_condition, decide_then_lock, write_units, Old};
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::{Item, TableDef};
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

/// A condition is evaluated before the table's write lock, on the item as it was then
/// (`decide_then_lock`).
pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let returns = input.returns;
    let table = data_table(cx, &input.table)?;
    let key = request_key(&table.def(), &input.key)?;
    let slot = Slot::new(&key);
    let condition = input.exprs.condition.as_ref();
    let decide = |def: &Arc<TableDef>, old: &mut Old| -> Result<_> {
        check_condition(cx, condition, returns, old)?;
        let units = write_units(def, old, None);
        let capacity = write_capacity(returns.capacity, &input.table, def, || old.item(), None, units);
        Ok((capacity, metrics_if(returns.collection_metrics, def, &key)))
    };
    let (mut state, old, (capacity, collection_metrics)) =
        decide_then_lock(cx, &table, &key, slot.bytes(), condition.is_some(), decide)?;
    let _removed = state.delete_at(slot.bytes());
    drop(state); // the removed item is freed once the lock is released
    let attributes = (returns.values == ReturnValues::AllOld).then(|| old.into_item()).flatten();
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}
