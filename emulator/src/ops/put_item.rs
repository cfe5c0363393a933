//! PutItem: replaces a whole item, optionally under a condition.

use super::answer::{ConsumedCapacity, ItemCollectionMetrics};
use super::common::{
    check_collection, data_table, metrics_if, touched_indexes, validate_item, write_units, CapacityDetail, ReturnValues,
};
use super::expressions;
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::Parsed;
use crate::fault;
use crate::model::Item;

pub struct Input {
    pub table: String,
    pub item: Item,
    /// NONE or ALL_OLD.
    pub return_values: ReturnValues,
    pub capacity: CapacityDetail,
    pub collection_metrics: bool,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub old_on_condition_failure: bool,
    /// The condition (ConditionExpression or Expected), parsed.
    pub exprs: Parsed,
}

pub struct Output {
    /// The replaced item, when ReturnValues is ALL_OLD and there was one.
    pub attributes: Option<Item>,
    pub capacity: Option<ConsumedCapacity>,
    pub collection_metrics: Option<ItemCollectionMetrics>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let item = input.item;
    let table = data_table(cx.engine, &input.table)?;
    let mut state = table.state.write();
    let key = validate_item(&state.def, &item)?;
    cx.engine.transactions.check_free(&table.name, &key)?;
    let old = state.get(&key).cloned();
    if !expressions::holds(input.exprs.condition.as_ref(), old.as_deref()) {
        let returned = old.as_deref().filter(|_| input.old_on_condition_failure);
        return Err(Error::conditional_check_failed(returned.cloned()));
    }
    check_collection(cx.engine, &state, &key, old.as_deref(), Some(&item))?;
    let units = write_units(old.as_deref(), Some(&item));
    let capacity =
        input.capacity.consumed(&table.name, units, || touched_indexes(&state.def, old.as_deref(), Some(&item)));
    let collection_metrics = metrics_if(input.collection_metrics, &state.def, &key);
    state.put(fault::put_item(cx.fault, item, old.as_deref()));
    Ok(Output {
        attributes: old.filter(|_| input.return_values == ReturnValues::AllOld).map(|o| (*o).clone()),
        capacity,
        collection_metrics,
    })
}
