//! The wire half of every typed operation: `protocol::wire::<op>` holds the operation's request
//! `SHAPE`, `decode` and `encode`, beside `ops::<op>`'s `Input`, `Output` and `run`.
//!
//! - `decode(Body) -> Result<Input>` validates the body against `SHAPE` first (so DynamoDB's error
//!   order holds: type errors, then the aggregated constraint errors), then names the wire members
//!   and turns them into the typed `Input`, raising the request-level errors in DynamoDB's order
//!   (attribute values, enum combinations, expression syntax).
//! - `ops::<op>::run(&Cx, Input) -> Result<Output>` runs against the store; it sees no JSON.
//! - `encode(Output) -> Value` renders the answer (or `-> Encoded`: operations answering stored
//!   items write them straight into the answer's bytes with [`Answer`]); the pieces several answers share
//!   (ConsumedCapacity, ItemCollectionMetrics, TableDescription) have one encoder each in
//!   [`answer`].
//!
//! The dispatch is generated from `ops`' one operation list.

pub(crate) mod answer;
pub(crate) mod expressions;
mod multi;
mod policy_document;
mod statements;
mod table_spec;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Body;
use super::{attr, item_json};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{Op, Parsed};
use crate::model::{Item, Reading, Stored};
use crate::ops::answer::{ConsumedCapacity, ItemCollectionMetrics, Page, WriteOutput};
use crate::ops::common::{CapacityDetail, ReturnValues, WriteReturns};
use crate::ops::read::{ReadInput, Select};
use crate::ops::tags::Tag;
use crate::ops::{self, Cx, Operation};

macro_rules! dispatch {
    ($($service:ident { $($name:ident => $module:ident),* $(,)? })*) => {
        $($(pub(crate) mod $module;)*)*

        /// Answers one request's body with `op`: decode → run → encode. The parsed body is
        /// dropped once decoded: a write runs with its typed input alone, not with the tree too.
        pub fn execute(op: Operation, cx: &Cx, body: Value) -> Result<Encoded> {
            Ok(match op { $($(Operation::$name => {
                let input = $module::decode(Body(&body))?;
                drop(body);
                $module::encode(ops::$module::run(cx, input)?).into()
            })*)* })
        }

        /// The request shape `op`'s body is parsed by (see [`shape::parse`](crate::protocol::shape::parse)).
        pub fn shape(op: Operation) -> &'static [crate::protocol::shape::Field] {
            match op { $($(Operation::$name => $module::SHAPE,)*)* }
        }
    };
}

ops::operation_list!(dispatch);

/// A timestamp member (seconds since the epoch, with a fraction) in milliseconds, when given.
pub fn millis(body: Body, key: &str) -> Result<Option<i64>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(|seconds| Some((seconds * 1000.0).round() as i64))
            .ok_or_else(|| crate::error::Error::serialization(format!("Invalid timestamp for {key}: {v}"))),
    }
}

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

/// An operation's answer: a JSON tree, or the bytes an [`Answer`] wrote.
pub enum Encoded {
    Tree(Value),
    Bytes(Vec<u8>),
}

impl From<Value> for Encoded {
    fn from(v: Value) -> Encoded {
        Encoded::Tree(v)
    }
}

/// Bytes an answer's buffer holds besides its items and what [`Answer::reserve`] asks for.
const SMALL_MEMBERS: usize = 128;

/// An answer's members, added in any order (written in name order, as a JSON tree's are); absent
/// pieces are left out, as DynamoDB does. Items are borrowed and written straight into the answer's
/// bytes.
#[derive(Default)]
pub struct Answer<'a> {
    members: BTreeMap<&'static str, Member<'a>>,
    /// Bytes to reserve for the encoded answer.
    reserve: usize,
}

enum Member<'a> {
    Tree(Value),
    Item(&'a Item),
    Stored(&'a Stored),
    Items(&'a [Stored]),
    ItemsByTable(&'a BTreeMap<String, Vec<Stored>>),
}

impl<'a> Answer<'a> {
    pub fn capacity(self, c: Option<&ConsumedCapacity>) -> Answer<'a> {
        self.tree("ConsumedCapacity", c.map(answer::consumed_capacity))
    }

    pub fn collection_metrics(self, m: Option<&ItemCollectionMetrics>) -> Answer<'a> {
        self.tree("ItemCollectionMetrics", m.map(answer::item_collection_metrics))
    }

    /// A multi-item answer's `ConsumedCapacity` list, one entry per table.
    pub fn capacities(self, list: Option<&[ConsumedCapacity]>) -> Answer<'a> {
        self.tree(
            "ConsumedCapacity",
            list.map(|l| l.iter().map(answer::consumed_capacity).collect()),
        )
    }

    /// A multi-item answer's `ItemCollectionMetrics`: per table, a list.
    pub fn collections(self, m: Option<&BTreeMap<String, Vec<ItemCollectionMetrics>>>) -> Answer<'a> {
        self.tree(
            "ItemCollectionMetrics",
            m.map(|m| {
                Value::Object(
                    m.iter()
                        .map(|(t, l)| (t.clone(), l.iter().map(answer::item_collection_metrics).collect()))
                        .collect(),
                )
            }),
        )
    }

    /// Any other member.
    pub fn member(self, member: &'static str, value: Value) -> Answer<'a> {
        self.tree(member, Some(value))
    }

    /// Any other member, left out when absent.
    pub fn tree(mut self, member: &'static str, v: Option<Value>) -> Answer<'a> {
        if let Some(v) = v {
            self.members.insert(member, Member::Tree(v));
        }
        self
    }

    /// An item member (`Item`, `Attributes`, `LastEvaluatedKey`), left out when absent.
    pub fn item(mut self, member: &'static str, item: Option<&'a Item>) -> Answer<'a> {
        if let Some(item) = item {
            self.members.insert(member, Member::Item(item));
        }
        self
    }

    /// A stored item member (GetItem's `Item`), left out when absent.
    pub fn stored(mut self, member: &'static str, item: Option<&'a Stored>) -> Answer<'a> {
        if let Some(item) = item {
            // As a page's items (`page`): about a quarter larger as JSON, written without regrowing.
            self.reserve += item.bytes().len() + item.bytes().len() / 4;
            self.members.insert(member, Member::Stored(item));
        }
        self
    }

    /// A list of items (`Items`), left out when absent.
    pub fn items(mut self, member: &'static str, items: Option<&'a [Stored]>) -> Answer<'a> {
        if let Some(items) = items {
            self.members.insert(member, Member::Items(items));
        }
        self
    }

    /// Lists of items by table name (BatchGetItem's `Responses`).
    pub fn items_by_table(mut self, member: &'static str, tables: &'a BTreeMap<String, Vec<Stored>>) -> Answer<'a> {
        self.members.insert(member, Member::ItemsByTable(tables));
        self
    }

    /// The answer as a JSON tree, for one nested inside another (transaction answers): read
    /// back from its bytes, so that answers have one writer.
    #[allow(clippy::expect_used)] // `write` writes JSON.
    pub fn value(self) -> Value {
        let mut out = Vec::with_capacity(self.reserve + SMALL_MEMBERS);
        self.write(&mut out);
        serde_json::from_slice(&out).expect("answers are written as JSON")
    }

    /// Sizes the encoded answer's buffer beyond its small members, so that a large one is not
    /// copied as it grows.
    pub fn reserve(mut self, bytes: usize) -> Answer<'a> {
        self.reserve += bytes;
        self
    }

    pub fn encode(self) -> Encoded {
        let mut out = Vec::with_capacity(self.reserve + SMALL_MEMBERS);
        self.write(&mut out);
        Encoded::Bytes(out)
    }

    /// The members in name order, items straight from their stored bytes ([`item_json`]).
    #[allow(clippy::expect_used)] // Trees have string keys and finite numbers; a `Vec` sink never fails.
    fn write(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, (name, member)) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item_json::string(out, name.as_bytes());
            out.push(b':');
            match member {
                Member::Tree(v) => serde_json::to_writer(&mut *out, v).expect("trees always serialise"),
                Member::Item(item) => item_json::item(out, &Stored::new(item)),
                Member::Stored(item) => item_json::item(out, item),
                Member::Items(items) => item_json::items(out, items),
                Member::ItemsByTable(tables) => {
                    out.push(b'{');
                    for (i, (table, items)) in tables.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        item_json::string(out, table.as_bytes());
                        out.push(b':');
                        item_json::items(out, items);
                    }
                    out.push(b'}');
                }
            }
        }
        out.push(b'}');
    }
}

/// Query's and Scan's answer (PartiQL's SELECT renders its page as NextToken instead).
pub fn page(p: &Page) -> Encoded {
    // Items are about a quarter larger as JSON than as stored; one buffer then holds the page.
    let items_json = p.items.as_ref().map_or(0, |_| p.bytes_read + p.bytes_read / 4);
    Answer::default()
        .reserve(items_json + 128)
        .items("Items", p.items.as_deref())
        .tree("Count", Some(json!(p.count)))
        .tree("ScannedCount", Some(json!(p.scanned_count)))
        .item("LastEvaluatedKey", p.last_evaluated_key.as_ref())
        .capacity(p.capacity.as_ref())
        .encode()
}

/// The answer of a single-item write; an empty ReturnValues view is left out.
pub fn write_output(out: &WriteOutput) -> Encoded {
    Answer::default()
        .capacity(out.capacity.as_ref())
        .collection_metrics(out.collection_metrics.as_ref())
        .item("Attributes", out.attributes.as_ref().filter(|i| !i.is_empty()))
        .encode()
}

/// What Query and Scan requests share, decoded with their own checks in DynamoDB's order: the mix
/// of parameters ([`expressions::check_parameters`]), the legacy filter and AttributesToGet,
/// ExclusiveStartKey's values ([`start_key`]), then `between` (Scan's Segment, Query's key
/// condition being given), then the expressions (dynalite's tests, run against AWS, in scan.js and
/// query.js, each with the earlier member bad too). A request that passed the mix check carries
/// legacy parameters or expressions, never both, so one parse serves both places: before
/// ExclusiveStartKey when legacy ones are given, after `between` otherwise.
pub fn read_input<T>(body: Body, op: Op, between: impl FnOnce() -> Result<T>) -> Result<(ReadInput, T)> {
    expressions::check_parameters(body, op)?;
    let legacy = ["AttributesToGet", "QueryFilter", "ScanFilter"]
        .iter()
        .any(|m| body.has(m));
    let early = if legacy {
        Some(expressions::parse(body, op)?)
    } else {
        None
    };
    let exclusive_start_key = start_key(body, expressions::reading(op, false))?;
    let between = between()?;
    let exprs = match early {
        Some(exprs) => exprs,
        None => expressions::parse(body, op)?,
    };
    let read = ReadInput {
        exprs,
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
        exclusive_start_key,
        capacity: capacity_detail(body),
    };
    Ok((read, between))
}

/// ExclusiveStartKey's values, checked with the request (whether the key fits the table is
/// decided after the lookup). DynamoDB words a refusal of a value's form `The provided starting
/// key is invalid: <message>`, but a refusal of a number or of a set's members as it does
/// everywhere (dynalite's tests, run against AWS: the ExclusiveStartKey validations of scan.js),
/// read by the operation's validator (`reading`).
fn start_key(body: Body, reading: Reading) -> Result<Option<Item>> {
    body.item_as("ExclusiveStartKey", reading)
        .map_err(|e| match e.message.as_deref() {
            Some(m) if e.kind == ErrorKind::Validation && attr::refuses_form(m) => {
                Error::validation(format!("The provided starting key is invalid: {m}"))
            }
            _ => e,
        })
}

/// `TableName`.
pub fn table_name(body: Body) -> String {
    body.str("TableName").unwrap_or_default().to_string()
}

/// What PutItem, UpdateItem and DeleteItem decode alike, in DynamoDB's order: the item or key
/// (`member`), ReturnValues (with the operation's `checks` of it and of the item), then the
/// expressions.
pub fn single_write(
    body: Body,
    member: &str,
    op: Op,
    checks: impl FnOnce(&Item, ReturnValues) -> Result<ReturnValues>,
) -> Result<(Item, WriteReturns, Parsed)> {
    let item = body.item(member)?.unwrap_or_default();
    let returns = WriteReturns {
        values: checks(&item, return_values(body))?,
        capacity: capacity_detail(body),
        collection_metrics: body.str("ReturnItemCollectionMetrics") == Some("SIZE"),
        old_on_condition_failure: old_on_condition_failure(body),
    };
    Ok((item, returns, expressions::parse(body, op)?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::shape;
    use crate::ops::Operation;
    use crate::protocol::shape::validate;

    /// The constraint faults of `body` as `op` reports them.
    fn faults(op: Operation, body: serde_json::Value) -> String {
        validate(&body, shape(op)).unwrap_err().message.unwrap()
    }

    /// BatchWriteItem's RequestItems is checked by the operation itself, but an attribute value of
    /// the wrong JSON type inside it is refused by the reader first, as in PutItem, even beside a
    /// table name the operation would refuse and echo (which once showed a kept-empty array).
    #[test]
    fn batch_write_items_attribute_values_are_type_checked_before_its_names() {
        let decode = |body: serde_json::Value| {
            let parsed =
                crate::protocol::shape::parse(body.to_string().as_bytes(), shape(Operation::BatchWriteItem)).unwrap();
            match super::batch_write_item::decode(crate::protocol::Body(&parsed)) {
                Ok(_) => panic!("{body} was accepted"),
                Err(e) => e,
            }
        };
        let item = |value: serde_json::Value| json!({"RequestItems": {"a": [{"PutRequest": {"Item": {"pk": {"S": "x"}, "l": value}}}]}});
        for (value, message) in [
            (
                json!([1]),
                "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue",
            ),
            (json!("s"), "Unexpected value type in payload"),
        ] {
            let e = decode(item(value));
            assert_eq!(
                (e.kind, e.message.as_deref()),
                (crate::error::ErrorKind::Serialization, Some(message))
            );
        }
        // A well-typed item beside the bad name: the name's fault, the item echoed as sent.
        let e = decode(item(json!({"M": {"q": {"N": "1"}}})));
        assert!(e
            .message
            .unwrap()
            .contains("item={l=AttributeValue(M={q={N=1), pk=AttributeValue(S=x)}"));
    }

    /// Each member's faults in the order AWS reported them (the ACK catalogue's live answers,
    /// October 2026): not always the order the API reference lists members or enum values in.
    #[test]
    fn faults_are_reported_in_dynamodbs_order() {
        let null = |at: &str| format!("Value null at '{at}' failed to satisfy constraint: Member must not be null");
        let too_short = |v: &str, at: &str, n: u8| {
            format!("Value '{v}' at '{at}' failed to satisfy constraint: Member must have length greater than or equal to {n}")
        };
        let pattern = |at: &str| {
            format!("Value '' at '{at}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        };
        let cases = [
            (
                faults(
                    Operation::UpdateTimeToLive,
                    json!({"TableName": "abc", "TimeToLiveSpecification": {}}),
                ),
                format!(
                    "2 validation errors detected: {}; {}",
                    null("timeToLiveSpecification.attributeName"),
                    null("timeToLiveSpecification.enabled")
                ),
            ),
            (
                faults(
                    Operation::UpdateTable,
                    json!({"TableName": "abc", "AttributeDefinitions": [{}]}),
                ),
                format!(
                    "2 validation errors detected: {}; {}",
                    null("attributeDefinitions.1.member.attributeType"),
                    null("attributeDefinitions.1.member.attributeName")
                ),
            ),
            (
                faults(Operation::DescribeTable, json!({"TableName": ""})),
                format!(
                    "2 validation errors detected: {}; {}",
                    too_short("", "tableName", 3),
                    pattern("tableName")
                ),
            ),
            (
                faults(Operation::DeleteTable, json!({"TableName": "ab"})),
                format!("1 validation error detected: {}", too_short("ab", "tableName", 3)),
            ),
            (
                faults(Operation::CreateBackup, json!({"TableName": "abc", "BackupName": ""})),
                format!(
                    "2 validation errors detected: {}; {}",
                    pattern("backupName"),
                    too_short("", "backupName", 3)
                ),
            ),
            (
                faults(Operation::ListTables, json!({"ExclusiveStartTableName": ""})),
                format!(
                    "2 validation errors detected: {}; {}",
                    pattern("exclusiveStartTableName"),
                    too_short("", "exclusiveStartTableName", 3)
                ),
            ),
            (
                faults(
                    Operation::UpdateTable,
                    json!({"TableName": "abc", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": ""}}]}),
                ),
                format!(
                    "2 validation errors detected: {}; {}",
                    too_short("", "globalSecondaryIndexUpdates.1.member.delete.indexName", 3),
                    pattern("globalSecondaryIndexUpdates.1.member.delete.indexName")
                ),
            ),
            (
                faults(
                    Operation::UpdateTable,
                    json!({"TableName": "abc", "SSESpecification": {"Enabled": true, "SSEType": "KMS", "KMSMasterKeyId": ""}}),
                ),
                format!(
                    "1 validation error detected: {}",
                    too_short("", "sSESpecification.kMSMasterKeyId", 1)
                ),
            ),
            (
                faults(
                    Operation::UpdateTable,
                    json!({"TableName": "abc", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": ""}}),
                ),
                "1 validation error detected: Value '' at 'streamSpecification.streamViewType' failed to satisfy \
                 constraint: Member must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, NEW_AND_OLD_IMAGES, NEW_IMAGE]"
                    .into(),
            ),
            (
                faults(
                    Operation::UpdateContributorInsights,
                    json!({"TableName": "abc", "ContributorInsightsAction": "ENABLE", "ContributorInsightsMode": ""}),
                ),
                "1 validation error detected: Value '' at 'contributorInsightsMode' failed to satisfy constraint: \
                 Member must satisfy enum value set: [THROTTLED_KEYS, ACCESSED_AND_THROTTLED_KEYS]"
                    .into(),
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
