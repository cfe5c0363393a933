//! Decoding a request's expression and legacy parameters, all parsed at once in DynamoDB's
//! validation order.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Check, Result};
use crate::expr::{self, AttributeUpdate, ExpectedCondition, ExpressionInput, Op, Parsed};
use crate::model::{AttributeValue, Reading};
use crate::protocol::body::string_list;
use crate::protocol::{attr, Body};

/// The expression and legacy parameters `body` carries for `op`, refused when mixed or when
/// names or values come without an expression ([`expr::check_parameters`]); by presence only,
/// so a read makes this check before decoding its attribute values.
pub fn check_parameters(body: Body, op: Op) -> Result<()> {
    expr::check_parameters(op, |name| body.has(name))
}

/// Parses every expression and legacy parameter `body` carries for operation `op`.
pub fn parse(body: Body, op: Op) -> Result<Parsed> {
    parse_as(body, op, false)
}

/// Like [`parse`], for an item of a transaction, whose value numbers DynamoDB's older validator
/// reads ([`Reading::BigDecimal`]).
pub fn parse_in_transaction(body: Body, op: Op) -> Result<Parsed> {
    parse_as(body, op, true)
}

fn parse_as(body: Body, op: Op, transaction: bool) -> Result<Parsed> {
    let [names, values, expected, key_conditions, query_filter, scan_filter, attribute_updates, attributes_to_get, condition, filter, key_condition, update, projection, conditional_operator, search_condition] =
        body.pick([
            "ExpressionAttributeNames",
            "ExpressionAttributeValues",
            "Expected",
            "KeyConditions",
            "QueryFilter",
            "ScanFilter",
            "AttributeUpdates",
            "AttributesToGet",
            "ConditionExpression",
            "FilterExpression",
            "KeyConditionExpression",
            "UpdateExpression",
            "ProjectionExpression",
            "ConditionalOperator",
            "SearchConditionExpression",
        ]);
    // SearchVectors has expressions alone, its SearchConditionExpression read as a filter.
    let searching = op == Op::SearchVectors;
    fn legacy(searching: bool, member: Option<&Value>) -> Option<&Value> {
        member.filter(|_| !searching)
    }
    let (
        expected,
        key_conditions,
        query_filter,
        scan_filter,
        attribute_updates,
        attributes_to_get,
        conditional_operator,
    ) = (
        legacy(searching, expected),
        legacy(searching, key_conditions),
        legacy(searching, query_filter),
        legacy(searching, scan_filter),
        legacy(searching, attribute_updates),
        legacy(searching, attributes_to_get),
        legacy(searching, conditional_operator),
    );
    let (condition, key_condition, update) = (
        legacy(searching, condition),
        legacy(searching, key_condition),
        legacy(searching, update),
    );
    let filter = if searching { search_condition } else { filter };
    let names: Option<BTreeMap<String, String>> = names.and_then(Value::as_object).map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    });
    let reading = reading(op, transaction);
    let values = values
        .and_then(Value::as_object)
        .map(|m| self::values(m, reading))
        .transpose()?;
    let expected = conditions(expected)?;
    let key_conditions = conditions(key_conditions)?;
    let query_filter = conditions(query_filter)?;
    let scan_filter = conditions(scan_filter)?;
    let attribute_updates = attribute_updates
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let u = Body(v);
                    Ok((
                        k.clone(),
                        AttributeUpdate {
                            action: u.str("Action").map(str::to_owned),
                            value: u.attr("Value")?,
                        },
                    ))
                })
                .collect::<Result<BTreeMap<_, _>>>()
        })
        .transpose()?;
    let attributes_to_get = attributes_to_get.and_then(string_list);
    let input = ExpressionInput {
        op,
        condition: condition.and_then(Value::as_str),
        filter: filter.and_then(Value::as_str),
        key_condition: key_condition.and_then(Value::as_str),
        update: update.and_then(Value::as_str),
        projection: projection.and_then(Value::as_str),
        names: names.as_ref(),
        values: values.as_ref(),
        expected: expected.as_ref(),
        conditional_operator: conditional_operator.and_then(Value::as_str),
        attribute_updates: attribute_updates.as_ref(),
        attributes_to_get: attributes_to_get.as_deref(),
        key_conditions: key_conditions.as_ref(),
        query_filter: query_filter.as_ref(),
        scan_filter: scan_filter.as_ref(),
        transaction,
    };
    expr::parse(&input).map_err(|e| e.within(Check::Request))
}

/// The validator that reads an operation's attribute values (`Reading`'s numbers, and the
/// wording of a set's repeated member): the older one for Scan and a transaction's items, the
/// newer for the rest (the conformance suite's valueLayers.test.ts, AWS, October 2026).
pub fn reading(op: Op, transaction: bool) -> Reading {
    match op {
        Op::Scan => Reading::BigDecimal,
        _ if transaction => Reading::BigDecimal,
        _ => Reading::Exact,
    }
}

/// ExpressionAttributeValues, each value checked as DynamoDB checks item values.
fn values(m: &serde_json::Map<String, Value>, reading: Reading) -> Result<BTreeMap<String, AttributeValue>> {
    m.iter()
        .map(|(k, v)| {
            let v = attr::decode_kept_as(v, reading).map_err(|e| e.by(Check::ExpressionValue(k.clone())))?;
            Ok((k.clone(), v))
        })
        .collect()
}

/// A legacy condition map (Expected, KeyConditions, QueryFilter, ScanFilter).
fn conditions(member: Option<&Value>) -> Result<Option<BTreeMap<String, ExpectedCondition>>> {
    let Some(m) = member.and_then(Value::as_object) else {
        return Ok(None);
    };
    m.iter()
        .map(|(name, v)| {
            let c = Body(v);
            let list = match c.get("AttributeValueList") {
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .map(attr::decode_kept)
                        .collect::<Result<Vec<AttributeValue>>>()
                        .map_err(|e| e.by(Check::Request))?,
                ),
                _ => None,
            };
            let condition = ExpectedCondition {
                value: c.attr("Value")?,
                exists: c.bool("Exists"),
                comparison_operator: c.str("ComparisonOperator").map(str::to_owned),
                attribute_value_list: list,
            };
            Ok((name.clone(), condition))
        })
        .collect::<Result<_>>()
        .map(Some)
}
