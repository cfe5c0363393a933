//! TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions on distinct items,
//! all or nothing, run on the machinery in [`transactions`](super::transactions).

use super::common::{data_table, empty_index_value_error, item_too_large, empty_key_values_error, CapacityDetail};
use super::transactions::{run_actions, Action, ClientToken, Kind, Options};
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::{item_size, Item, MAX_ITEM_SIZE};

pub use super::transactions::Written as Output;

pub struct Input {
    pub actions: Vec<ActionRequest>,
    pub capacity: CapacityDetail,
    /// ReturnItemCollectionMetrics is SIZE.
    pub collection_metrics: bool,
    pub token: Option<ClientToken>,
}

/// One action as the request names it, its table not looked up yet.
pub struct ActionRequest {
    pub kind: Kind,
    pub table: String,
    pub exprs: Parsed,
    /// The Put's item or the others' Key.
    pub item: Item,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    pub wants_old: bool,
    /// Bytes the action's ExpressionAttributeValues add to the transaction's aggregate size.
    pub values_size: usize,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let actions = input
        .actions
        .into_iter()
        .map(|a| bind(cx, a))
        .collect::<Result<Vec<_>>>()?;
    let options = Options {
        capacity: input.capacity,
        collection_metrics: input.collection_metrics,
        token: input.token,
    };
    run_actions(cx, actions, options)
}

/// Looks an action's table up; empty key values, empty index key values (in a Put's item or an
/// Update's SET) and a Put's item over the size limit (knowable from the request, unlike an
/// Update's) fail the whole request here. A key over its size limit fails only its action.
fn bind(cx: &Cx, a: ActionRequest) -> Result<Action> {
    let table = data_table(cx, &a.table)?;
    let key = {
        let state = table.state.read();
        if let Some(e) = empty_key_values_error(&state.def, &a.item) {
            return Err(e);
        }
        if a.kind == Kind::Put && item_size(&a.item) > MAX_ITEM_SIZE {
            return Err(item_too_large());
        }
        let item = (a.kind == Kind::Put).then_some(&a.item);
        if let Some(e) = empty_index_value_error(&state.def, item.unwrap_or(&Item::new()), a.exprs.update.as_ref()) {
            return Err(e);
        }
        state.def.key.key_of(&a.item)
    };
    Ok(Action {
        kind: a.kind,
        exprs: a.exprs,
        item: a.item,
        table,
        key,
        wants_old: a.wants_old,
        values_size: a.values_size,
    })
}
