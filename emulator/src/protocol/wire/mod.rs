//! The wire half of every typed operation: `protocol::wire::<op>` holds the operation's request
//! `SHAPE`, `decode` and `encode`, beside `ops::<op>`'s `Input`, `Output` and `run`.
//!
//! - `decode(Body) -> Result<Input>` validates the body against `SHAPE` first (so DynamoDB's error
//!   order holds: type errors, then the aggregated constraint errors), then names the wire members
//!   and turns them into the typed `Input`, raising the request-level errors in DynamoDB's order
//!   (attribute values, enum combinations, expression syntax).
//! - `ops::<op>::run(&Cx, Input) -> Result<Output>` runs against the store; it sees no JSON.
//! - `encode(Output) -> Value` renders the answer; the pieces several answers share
//!   (ConsumedCapacity, ItemCollectionMetrics, TableDescription) have one encoder each in
//!   [`answer`].
//!
//! The dispatch is generated from `ops`' one operation list.

pub(crate) mod answer;
pub(crate) mod expressions;
mod table_spec;

use serde_json::{Map, Value};

use super::attr::encode_map;
use super::Body;
use crate::error::Result;
use crate::expr::{Op, Parsed};
use crate::model::Item;
use crate::ops::answer::{ConsumedCapacity, ItemCollectionMetrics};
use crate::ops::common::{CapacityDetail, ReturnValues, WriteReturns};
use crate::ops::read::{ReadInput, Select};
use crate::ops::tags::Tag;
use crate::ops::{self, Cx, Operation};

/// The wire module of a typed operation; none for one still answering JSON itself.
macro_rules! wire_module {
    ($module:ident) => {
        pub(crate) mod $module;
    };
    ($module:ident json) => {};
}

/// decode → run → encode for a typed operation; the body straight to a JSON operation.
macro_rules! call {
    ($module:ident, $cx:ident, $body:ident) => {
        $module::encode(ops::$module::run($cx, $module::decode($body)?)?)
    };
    ($module:ident json, $cx:ident, $body:ident) => {
        ops::$module::run($cx, $body)?
    };
}

/// A typed operation's request shape, which guides the body's parse; none for a JSON operation.
macro_rules! shape_of {
    ($module:ident) => {
        Some($module::SHAPE)
    };
    ($module:ident json) => {
        None
    };
}

macro_rules! dispatch {
    ($($service:ident { $($name:ident => $module:ident $(($json:ident))?),* $(,)? })*) => {
        $($(wire_module!($module $($json)?);)*)*

        /// Answers one request's body with `op`.
        pub fn execute(op: Operation, cx: &Cx, body: Body) -> Result<Value> {
            Ok(match op { $($(Operation::$name => call!($module $($json)?, cx, body),)*)* })
        }

        /// The request shape `op`'s body is parsed by (see [`shape::parse`](crate::protocol::shape::parse)).
        pub fn shape(op: Operation) -> Option<&'static [crate::protocol::shape::Field]> {
            match op { $($(Operation::$name => shape_of!($module $($json)?),)*)* }
        }
    };
}

ops::operation_list!(dispatch);

/// `ReturnConsumedCapacity`.
pub fn capacity_detail(body: Body) -> CapacityDetail {
    match body.str("ReturnConsumedCapacity") {
        Some("TOTAL") => CapacityDetail::Total,
        Some("INDEXES") => CapacityDetail::Indexes,
        _ => CapacityDetail::None,
    }
}

/// `ReturnValues`.
pub fn return_values(body: Body) -> ReturnValues {
    match body.str("ReturnValues") {
        Some("ALL_OLD") => ReturnValues::AllOld,
        Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
        Some("ALL_NEW") => ReturnValues::AllNew,
        Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
        _ => ReturnValues::None,
    }
}

/// `ReturnValuesOnConditionCheckFailure` asks for the old item (ALL_OLD).
pub fn old_on_condition_failure(body: Body) -> bool {
    body.str("ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD")
}

/// A request's `Tags` list (TagResource, CreateTable).
pub fn tags(body: Body) -> Vec<Tag> {
    let text = |t: &Value, member| t.get(member).and_then(Value::as_str).map(str::to_owned);
    body.list("Tags")
        .iter()
        .map(|t| Tag {
            key: text(t, "Key"),
            value: text(t, "Value"),
        })
        .collect()
}

/// An answer's members, added in any order; absent pieces are left out, as DynamoDB does.
#[derive(Default)]
pub struct Answer(Map<String, Value>);

impl Answer {
    pub fn capacity(mut self, c: Option<&ConsumedCapacity>) -> Answer {
        if let Some(c) = c {
            self.0.insert("ConsumedCapacity".into(), answer::consumed_capacity(c));
        }
        self
    }

    pub fn collection_metrics(mut self, m: Option<&ItemCollectionMetrics>) -> Answer {
        if let Some(m) = m {
            self.0
                .insert("ItemCollectionMetrics".into(), answer::item_collection_metrics(m));
        }
        self
    }

    /// An item member (`Item`, `Attributes`), left out when absent.
    pub fn item(mut self, member: &str, item: Option<&Item>) -> Answer {
        if let Some(item) = item {
            self.0.insert(member.into(), encode_map(item));
        }
        self
    }

    pub fn value(self) -> Value {
        Value::Object(self.0)
    }
}

/// What Query and Scan requests share, after their own checks: expressions parsed, then the
/// members the page collector uses.
pub fn read_input(body: Body, op: Op) -> Result<ReadInput> {
    Ok(ReadInput {
        exprs: expressions::parse(body, op)?,
        table: body.str("TableName").unwrap_or_default().to_string(),
        index: body.str("IndexName").map(str::to_owned),
        select: body.str("Select").map(|s| match s {
            "ALL_ATTRIBUTES" => Select::AllAttributes,
            "ALL_PROJECTED_ATTRIBUTES" => Select::AllProjected,
            "COUNT" => Select::Count,
            _ => Select::Specific,
        }),
        projection_expression: body.has("ProjectionExpression"),
        limit: body.int("Limit").map(|l| l as usize),
        consistent_read: body.bool("ConsistentRead").unwrap_or(false),
        exclusive_start_key: body.item("ExclusiveStartKey"),
        capacity: capacity_detail(body),
    })
}

/// `TableName`.
pub fn table_name(body: Body) -> String {
    body.str("TableName").unwrap_or_default().to_string()
}

/// What PutItem, UpdateItem and DeleteItem decode alike, in DynamoDB's order: the item or key
/// (`member`), ReturnValues (with the operation's `allowed` check), then the expressions.
pub fn single_write(
    body: Body,
    member: &str,
    op: Op,
    allowed: impl FnOnce(ReturnValues) -> Result<ReturnValues>,
) -> Result<(Item, WriteReturns, Parsed)> {
    let item = body.item(member)?.unwrap_or_default();
    let returns = WriteReturns {
        values: allowed(return_values(body))?,
        capacity: capacity_detail(body),
        collection_metrics: body.str("ReturnItemCollectionMetrics") == Some("SIZE"),
        old_on_condition_failure: old_on_condition_failure(body),
    };
    Ok((item, returns, expressions::parse(body, op)?))
}
