//! GetItem: one item by key, optionally projected.

use serde_json::{Map, Value};

use super::common::{read_units, request_key, table, CapacityDetail};
use super::expressions;
use crate::engine::Engine;
use crate::expr::Op;
use crate::error::Result;
use crate::model::item_size;
use crate::protocol::attr::encode_map;
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, ATTRIBUTE_NAMES, EXPRESSION,
    EXPRESSION_NAMES, RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Key", ATTRIBUTE_MAP),
    field("AttributesToGet", ATTRIBUTE_NAMES),
    field("ConsistentRead", Shape::Bool),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ProjectionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let key_item = body.item("Key")?.unwrap_or_default();
    let exprs = expressions::parse(body, Op::GetItem)?;
    let table = table(engine, body)?;
    let state = table.state.read();
    let key = request_key(&state.def, &key_item)?;
    let item = state.get(&key);
    let mut out = Map::new();
    let units = read_units(item.map_or(0, |i| item_size(i)), body.bool("ConsistentRead").unwrap_or(false));
    CapacityDetail::of(body).add_to(&mut out, &table.name, units, Vec::new);
    if let Some(item) = item {
        out.insert("Item".into(), encode_map(&expressions::projected(item, exprs.projection.as_deref())));
    }
    Ok(Value::Object(out))
}
