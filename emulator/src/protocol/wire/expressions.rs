//! Decoding a request's expression and legacy parameters, all parsed at once in DynamoDB's
//! validation order.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Check, Result};
use crate::expr::{self, AttributeUpdate, ExpectedCondition, ExpressionInput, Op, Parsed};
use crate::model::AttributeValue;
use crate::protocol::{attr, Body};

/// Parses every expression and legacy parameter `body` carries for operation `op`.
pub fn parse(body: Body, op: Op) -> Result<Parsed> {
    parse_with(body, op, |_| {})
}

/// Like [`parse`], letting the caller fill in parameters that live elsewhere (transaction items).
pub fn parse_with(body: Body, op: Op, adjust: impl FnOnce(&mut ExpressionInput)) -> Result<Parsed> {
    let names: Option<BTreeMap<String, String>> = body.object("ExpressionAttributeNames").map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    });
    let values = body.object("ExpressionAttributeValues").map(values).transpose()?;
    let expected = conditions(body, "Expected")?;
    let key_conditions = conditions(body, "KeyConditions")?;
    let query_filter = conditions(body, "QueryFilter")?;
    let scan_filter = conditions(body, "ScanFilter")?;
    let attribute_updates = body
        .object("AttributeUpdates")
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
    let attributes_to_get = body.strings("AttributesToGet");
    let mut input = ExpressionInput {
        op,
        condition: body.str("ConditionExpression"),
        filter: body.str("FilterExpression"),
        key_condition: body.str("KeyConditionExpression"),
        update: body.str("UpdateExpression"),
        projection: body.str("ProjectionExpression"),
        names: names.as_ref(),
        values: values.as_ref(),
        expected: expected.as_ref(),
        conditional_operator: body.str("ConditionalOperator"),
        attribute_updates: attribute_updates.as_ref(),
        attributes_to_get: attributes_to_get.as_deref(),
        key_conditions: key_conditions.as_ref(),
        query_filter: query_filter.as_ref(),
        scan_filter: scan_filter.as_ref(),
    };
    adjust(&mut input);
    expr::parse(&input).map_err(|e| e.by(Check::Request))
}

/// ExpressionAttributeValues, each value checked as DynamoDB checks item values.
fn values(m: &serde_json::Map<String, Value>) -> Result<BTreeMap<String, AttributeValue>> {
    m.iter()
        .map(|(k, v)| {
            let v = attr::decode(v).map_err(|e| e.by(Check::ExpressionValue(k.clone())))?;
            Ok((k.clone(), v))
        })
        .collect()
}

/// A legacy condition map (Expected, KeyConditions, QueryFilter, ScanFilter).
fn conditions(body: Body, key: &str) -> Result<Option<BTreeMap<String, ExpectedCondition>>> {
    let Some(m) = body.object(key) else {
        return Ok(None);
    };
    m.iter()
        .map(|(name, v)| {
            let c = Body(v);
            let list = match c.get("AttributeValueList") {
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .map(attr::decode)
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
