//! GetItem: one item by key, optionally projected.

use super::answer::ConsumedCapacity;
use super::common::{check_scalar_keys, data_table, read_units, request_key, CapacityDetail, Touched};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::Parsed;
use crate::model::{Item, Stored};

pub struct Input {
    pub table: String,
    pub key: Item,
    pub consistent_read: bool,
    pub capacity: CapacityDetail,
    /// The projection (ProjectionExpression or AttributesToGet), parsed.
    pub exprs: Parsed,
}

pub struct Output {
    /// `None` when no item has the key.
    pub item: Option<Stored>,
    pub capacity: Option<ConsumedCapacity>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let table = data_table(cx, &input.table)?;
    let state = cx.read(&table)?;
    let key = request_key(&state.def, &input.key)?;
    let projection = input.exprs.projection.as_deref().unwrap_or_default();
    check_scalar_keys(&state.def, true, |name| projection.iter().any(|p| p.descends_into(name)))?;
    let item = cx.read_data(&state, None, input.consistent_read).get(&key);
    let units = read_units(item.map_or(0, Stored::size), input.consistent_read);
    Ok(Output {
        capacity: input.capacity.consumed(&input.table, units, Touched::default),
        item: item.map(|i| expressions::projected_stored(i, input.exprs.projection.as_deref())),
    })
}
