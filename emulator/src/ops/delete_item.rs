//! DeleteItem: removes one item by key, optionally under a condition; deleting nothing succeeds.

use serde_json::{Map, Value};

use super::common::{
    add_attributes, add_collection_metrics, condition_failed, request_key, table, touched_indexes, write_units,
    CapacityDetail, ReturnValues,
};
use super::expressions;
use super::Cx;
use crate::expr::Op;
use crate::error::Result;
use crate::protocol::shape::{
    field, required, validate, Field, Shape, ATTRIBUTE_MAP, CONDITIONAL_OPERATOR, EXPRESSION,
    EXPRESSION_NAMES, LEGACY_CONDITIONS, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS,
    RETURN_VALUES, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("Key", ATTRIBUTE_MAP),
    field("Expected", LEGACY_CONDITIONS),
    field("ConditionalOperator", CONDITIONAL_OPERATOR),
    field("ReturnValues", RETURN_VALUES),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
    field("ConditionExpression", EXPRESSION),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let key_item = body.item("Key")?.unwrap_or_default();
    let return_values = ReturnValues::of(body).old_or_none()?;
    let exprs = expressions::parse(body, Op::DeleteItem)?;
    let table = table(engine, body)?;
    let mut state = table.state.write();
    let key = request_key(&state.def, &key_item)?;
    engine.transactions.check_free(&table.name, &key)?;
    let old = state.get(&key).cloned();
    if !expressions::holds(exprs.condition.as_ref(), old.as_deref()) {
        return Err(condition_failed(body, old.as_deref()));
    }
    let mut out = Map::new();
    let units = write_units(old.as_deref(), None);
    CapacityDetail::of(body).add_to(&mut out, &table.name, units, || touched_indexes(&state.def, old.as_deref(), None));
    add_collection_metrics(&mut out, body, &state.def, &key);
    state.delete(&key);
    if return_values == ReturnValues::AllOld {
        add_attributes(&mut out, old.as_deref());
    }
    Ok(Value::Object(out))
}
