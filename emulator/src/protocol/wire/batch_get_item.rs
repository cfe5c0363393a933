use serde_json::{Map, Value};

use super::multi::request_items_faults;
use super::{capacity_detail, expressions, Answer, Encoded};
use crate::error::{Error, Result};
use crate::expr::{self, Op};
use crate::model::Item;
use crate::ops::batch_get_item::{Input, KeysAndAttributes, Output, TableKeys, MAX_KEYS};
use crate::protocol::attr::{decode_map, encode_map};
use crate::protocol::shape::{field, validate_after, Field, Shape, RETURN_CONSUMED_CAPACITY};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("RequestItems", Shape::Any),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

fn keys_fault(table: &str, spec: &Value) -> Option<String> {
    let at = |what: &str| {
        Some(format!(
            "Value at 'RequestItems.{table}.member.Keys' failed to satisfy constraint: {what}"
        ))
    };
    match spec.get("Keys").filter(|k| !k.is_null()) {
        None => Some(format!(
            "Value null at 'requestItems.{table}.member.keys' failed to satisfy constraint: Member must not be null"
        )),
        Some(Value::Array(keys)) if keys.is_empty() => at("Member must have length greater than or equal to 1"),
        Some(Value::Array(keys)) if keys.len() > MAX_KEYS => at("Member must have length less than or equal to 100"),
        _ => None,
    }
}

pub fn decode(body: Body) -> Result<Input> {
    let (names, faults) = request_items_faults(body.0, "BatchGetItem", |m| Value::Object(m.clone()).to_string(), keys_fault)?;
    validate_after(body.0, SHAPE, names.into_iter().chain(faults).collect())?;
    let none = Map::new();
    let request = body.object("RequestItems").unwrap_or(&none);
    let total: usize = request.values().map(|s| Body(s).list("Keys").len()).sum();
    if total > MAX_KEYS {
        return Err(Error::validation("Too many items requested for the BatchGetItem call"));
    }
    // One projection style for the whole request: a ProjectionExpression on one table and
    // AttributesToGet on another are refused in the words of one table mixing them, before any
    // table is looked up (nubo-db/dynamodb-conformance, verified against AWS, 2026).
    expr::check_parameters(Op::GetItem, |name| {
        matches!(name, "ProjectionExpression" | "AttributesToGet") && request.values().any(|s| Body(s).has(name))
    })?;
    let tables = request
        .iter()
        .map(|(table, spec)| {
            let spec = Body(spec);
            TableKeys {
                table: table.clone(),
                exprs: expressions::parse(spec, Op::GetItem),
                keys: spec.list("Keys").iter().map(decode_map).collect(),
                attributes: KeysAndAttributes {
                    attributes_to_get: spec.strings("AttributesToGet"),
                    consistent_read: spec.bool("ConsistentRead"),
                    projection_expression: spec.str("ProjectionExpression").map(str::to_owned),
                    expression_attribute_names: spec.object("ExpressionAttributeNames").map(|names| {
                        names
                            .iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    }),
                },
            }
        })
        .collect();
    Ok(Input {
        tables,
        capacity: capacity_detail(body),
    })
}

/// A KeysAndAttributes with `keys`, as the client sent it.
fn keys_and_attributes(keys: &[Item], a: &KeysAndAttributes) -> Value {
    let mut m = Map::new();
    m.insert("Keys".into(), keys.iter().map(encode_map).collect());
    if let Some(names) = &a.attributes_to_get {
        m.insert("AttributesToGet".into(), names.iter().map(|n| Value::String(n.clone())).collect());
    }
    if let Some(c) = a.consistent_read {
        m.insert("ConsistentRead".into(), Value::Bool(c));
    }
    if let Some(p) = &a.projection_expression {
        m.insert("ProjectionExpression".into(), Value::String(p.clone()));
    }
    if let Some(names) = &a.expression_attribute_names {
        let names: Map<String, Value> = names.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        m.insert("ExpressionAttributeNames".into(), Value::Object(names));
    }
    Value::Object(m)
}

pub fn encode(out: Output) -> Encoded {
    let unprocessed: Map<String, Value> = out
        .unprocessed
        .iter()
        .map(|(t, u)| (t.clone(), keys_and_attributes(&u.keys, &u.attributes)))
        .collect();
    Answer::default()
        .items_by_table("Responses", &out.responses)
        .member("UnprocessedKeys", Value::Object(unprocessed))
        .capacities(out.capacity.as_deref())
        .encode()
}
