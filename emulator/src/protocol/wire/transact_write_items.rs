use serde_json::Value;

use super::multi::client_token;
use super::{capacity_detail, expressions, table_name, Answer};
use crate::error::{Error, Result};
use crate::expr::Op;
use crate::model::{item_size, Reading};
use crate::ops::transact_write_items::{ActionRequest, Input, Output};
use crate::ops::transactions::Kind;
use crate::protocol::shape::{
    field, required, string, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES,
    RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::{attr, Body};

const CHECK: Shape = Shape::Struct {
    java: "ConditionCheck",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        required("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const PUT: Shape = Shape::Struct {
    java: "Put",
    fields: &[
        required("Item", Shape::Item),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const DELETE: Shape = Shape::Struct {
    java: "Delete",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const UPDATE: Shape = Shape::Struct {
    java: "Update",
    fields: &[
        required("Key", ATTRIBUTE_MAP),
        required("UpdateExpression", EXPRESSION),
        required("TableName", Shape::TableRef),
        field("ConditionExpression", EXPRESSION),
        field("ExpressionAttributeNames", EXPRESSION_NAMES),
        field("ExpressionAttributeValues", ATTRIBUTE_MAP),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};
const TRANSACT_WRITE_ITEM: Shape = Shape::Struct {
    java: "TransactWriteItem",
    fields: &[
        field("ConditionCheck", CHECK),
        field("Put", PUT),
        field("Delete", DELETE),
        field("Update", UPDATE),
    ],
};

pub(crate) const SHAPE: &[Field] = &[
    required(
        "TransactItems",
        Shape::List {
            member: &TRANSACT_WRITE_ITEM,
            min: 1,
            max: 100,
        },
    ),
    // Reported ahead of the other members' errors, unlike the API model's order (the
    // conformance suite's validation-ordering/transactions.test.ts, AWS, October 2026).
    field("ClientRequestToken", string(1, 36)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
];

/// One TransactWriteItem: exactly one of its four actions.
fn action(entry: Body) -> Result<ActionRequest> {
    let present: Vec<(Kind, Body)> = [
        (Kind::Check, "ConditionCheck"),
        (Kind::Put, "Put"),
        (Kind::Delete, "Delete"),
        (Kind::Update, "Update"),
    ]
    .into_iter()
    .filter_map(|(k, name)| entry.child(name).map(|b| (k, b)))
    .collect();
    let (kind, sub) = match present.as_slice() {
        [one] => *one,
        [] => {
            return Err(Error::validation(
                "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
            ))
        }
        _ => {
            return Err(Error::validation(
                "TransactItems can only contain one of Check, Put, Update or Delete",
            ))
        }
    };
    let op = match kind {
        Kind::Check => Op::ConditionCheck,
        Kind::Put | Kind::Insert => Op::PutItem,
        Kind::Delete => Op::DeleteItem,
        Kind::Update => Op::UpdateItem,
    };
    let exprs = expressions::parse_in_transaction(sub, op)?;
    // A Put item's top-level names are checked before its values are read, and like them before
    // any table is looked up (deepRequests.test.ts, AWS, October 2026: an empty name ahead of a
    // value nested 100 levels, in either order, and ahead of a later action's).
    if kind == Kind::Put && sub.get("Item").is_some_and(attr::has_empty_name) {
        return Err(Error::validation("Empty attribute name"));
    }
    let item = sub
        .item_as(if kind == Kind::Put { "Item" } else { "Key" }, Reading::BigDecimal)?
        .unwrap_or_default();
    let values_size = match kind {
        Kind::Update => sub
            .item("ExpressionAttributeValues")
            .ok()
            .flatten()
            .map_or(0, |v| item_size(&v)),
        _ => 0,
    };
    Ok(ActionRequest {
        kind,
        table: table_name(sub),
        exprs,
        item,
        wants_old: sub.str("ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD"),
        values_size,
    })
}

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        actions: body.list("TransactItems").iter().map(|e| action(Body(e))).collect::<Result<_>>()?,
        capacity: capacity_detail(body),
        collection_metrics: body.str("ReturnItemCollectionMetrics") == Some("SIZE"),
        token: client_token(body, "TransactItems"),
    })
}

pub fn encode(out: Output) -> Value {
    Answer::default()
        .capacities(out.capacity.as_deref())
        .collections(out.collection_metrics.as_ref())
        .value()
}
