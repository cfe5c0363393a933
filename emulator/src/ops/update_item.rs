//! UpdateItem: edits (or creates) one item with an UpdateExpression or legacy AttributeUpdates,
//! optionally under a condition, and returns any of the five ReturnValues views.

use std::sync::Arc;

use super::answer::WriteOutput;
use super::common::{
    check_collection, check_update_keys, check_update_size, data_table, metrics_if, request_key,
    updated_item, write_capacity, ReturnValues, WriteReturns,
};
use super::item_write::{check_condition, decide_then_lock, write_units, Old};
use super::Cx;
use crate::error::Result;
use crate::expr::{self, Parsed, Update};
use crate::model::{Item, TableDef};
use crate::store::{Slot, Staged};

pub struct Input {
    pub table: String,
    pub key: Item,
    pub returns: WriteReturns,
    /// The update (UpdateExpression or AttributeUpdates) and condition, parsed.
    pub exprs: Parsed,
}

pub type Output = WriteOutput;

/// The new item is built and staged, and the answer made, from the item as it was before the
/// table's write lock; the lock only checks that it still is (`decide_then_lock`) and writes.
pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let returns = input.returns;
    let table = data_table(cx, &input.table)?;
    let key = request_key(&table.def(), &input.key)?;
    let slot = Slot::new(&key);
    let update = input.exprs.update.as_ref();
    let decide = |def: &Arc<TableDef>, old: &mut Old| -> Result<_> {
        if let Some(update) = update {
            check_update_keys(def, update)?;
            check_update_size(update, old.item())?;
        }
        check_condition(cx, input.exprs.condition.as_ref(), returns, old)?;
        // The old item, decoded once, becomes the new one unless the answer shows it.
        let base = match returns.values {
            ReturnValues::AllOld | ReturnValues::UpdatedOld => old.item().cloned(),
            _ => old.take_item(),
        };
        let new = updated_item(def, &key, base, update)?;
        let units = write_units(def, old, new.as_ref());
        let capacity = write_capacity(returns.capacity, &input.table, def, || old.item(), new.as_ref(), units);
        let collection_metrics = metrics_if(returns.collection_metrics, def, &key);
        let paths = || update.map(Update::paths).unwrap_or_default();
        let attributes = match returns.values {
            ReturnValues::None => None,
            ReturnValues::AllOld => old.item().cloned(),
            ReturnValues::AllNew => new.clone(),
            ReturnValues::UpdatedOld => old.item().map(|o| expr::project(o, &paths())),
            ReturnValues::UpdatedNew => new.as_ref().map(|n| expr::project(n, &paths())),
        };
        let staged = new.map(|new| Staged::new(def, key.clone(), &slot, new));
        Ok((staged, WriteOutput { attributes, capacity, collection_metrics }))
    };
    let (mut state, old, (staged, output)) = decide_then_lock(cx, &table, &key, slot.bytes(), true, decide)?;
    check_collection(cx.engine, &state, &key, || old.item(), staged.as_ref().map(Staged::item))?;
    let _replaced = staged.map(|staged| state.write(staged));
    drop(state); // the replaced item is freed once the lock is released
    Ok(output)
}
