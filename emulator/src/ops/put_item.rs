//! PutItem: replaces a whole item, optionally under a condition.

use std::sync::Arc;

use super::answer::WriteOutput;
use super::common::{
    check_collection, data_table, metrics_if, validate_item, write_capacity, ReturnValues,
    WriteReturns,
};
use super::item_write::{check_condition, decide_then_lock, write_units, Old};
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::{Item, TableDef};
use crate::store::{Slot, Staged};

pub struct Input {
    pub table: String,
    pub item: Item,
    /// ReturnValues is NONE or ALL_OLD.
    pub returns: WriteReturns,
    /// The condition (ConditionExpression or Expected), parsed.
    pub exprs: Parsed,
}

pub type Output = WriteOutput;

/// The item checked and staged (hashed, encoded, its index rows built) before the table's lock is
/// taken, again under it only if the table's definition changed meanwhile; a condition is
/// evaluated before the lock too, on the item as it was then (`decide_then_lock`).
pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let returns = input.returns;
    let table = data_table(cx, &input.table)?;
    let staged = stage(&table.def(), input.item)?;
    let condition = input.exprs.condition.as_ref();
    let decide = |def: &Arc<TableDef>, old: &mut Old| -> Result<_> {
        check_condition(cx, condition, returns, old)?;
        let item = staged.item();
        let units = write_units(def, old, Some(item));
        let capacity = write_capacity(returns.capacity, &input.table, def, || old.item(), Some(item), units);
        Ok((capacity, metrics_if(returns.collection_metrics, def, staged.key())))
    };
    let (mut state, old, (capacity, collection_metrics)) =
        decide_then_lock(cx, &table, staged.key(), staged.slot(), condition.is_some(), decide)?;
    let staged = if staged.fits(&state) { staged } else { stage(&state.def, staged.into_item())? };
    check_collection(cx.engine, &state, staged.key(), || old.item(), Some(staged.item()))?;
    #[cfg(feature = "faults")]
    let staged = match cx.fault {
        Some(_) => {
            let (key, slot) = (staged.key().clone(), crate::store::Slot::new(staged.key()));
            Staged::new(&state.def, key, &slot, crate::fault::put_item(cx.fault, staged.into_item(), old.item()))
        }
        None => staged,
    };
    let _replaced = state.write(staged);
    drop(state); // the replaced item is freed once the lock is released
    let attributes = (returns.values == ReturnValues::AllOld).then(|| old.into_item()).flatten();
    Ok(WriteOutput { attributes, capacity, collection_metrics })
}

/// `item` checked against `def` and staged for it.
fn stage(def: &Arc<TableDef>, item: Item) -> Result<Staged> {
    let key = validate_item(def, &item)?;
    let slot = Slot::new(&key);
    Ok(Staged::new(def, key, &slot, item))
}
