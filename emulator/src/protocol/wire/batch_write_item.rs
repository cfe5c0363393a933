use serde_json::{Map, Value};

use super::multi::{java, java_item, request_items_faults};
use super::{capacity_detail, Answer};
use crate::error::{Error, Result};
use crate::ops::batch_write_item::{Input, Output, WriteRequest, MAX_REQUESTS};
use crate::ops::common::check_item_size;
use crate::model::Reading;
use crate::protocol::attr::{decode_map_kept_as, encode_map};
use crate::protocol::shape::{
    field, item_members, validate, validate_after, Field, Shape, ATTRIBUTE_MAP, RETURN_CONSUMED_CAPACITY, RETURN_ITEM_COLLECTION_METRICS,
};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("RequestItems", Shape::Parsed(&REQUEST_ITEMS)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ReturnItemCollectionMetrics", RETURN_ITEM_COLLECTION_METRICS),
];

/// How RequestItems is parsed: its items' and keys' attribute values kept raw, so a request of 25
/// large items costs about their text, not a JSON tree many times its size. `decode` checks it,
/// in the words DynamoDB uses for this member.
const REQUEST_ITEMS: Shape = Shape::Map {
    value: &Shape::List {
        member: &Shape::Struct {
            java: "WriteRequest",
            fields: &[
                field("PutRequest", Shape::Struct { java: "PutRequest", fields: &[field("Item", Shape::Item)] }),
                field("DeleteRequest", Shape::Struct { java: "DeleteRequest", fields: &[field("Key", ATTRIBUTE_MAP)] }),
            ],
        },
        min: 0,
        max: usize::MAX,
    },
    min: 0,
    max: usize::MAX,
};

fn java_write_request(v: &Value) -> String {
    let part = |name: &str, inner: &str, java_name: &str, field: &str| {
        v.get(name).filter(|x| !x.is_null()).map_or("null".to_string(), |x| {
            let item = item_members(x.get(inner).unwrap_or(&Value::Null));
            format!("{java_name}({field}={})", java_item(&item))
        })
    };
    format!(
        "WriteRequest(putRequest={}, deleteRequest={})",
        part("PutRequest", "Item", "PutRequest", "item"),
        part("DeleteRequest", "Key", "DeleteRequest", "key")
    )
}

fn java_request_items(m: &Map<String, Value>) -> String {
    let parts: Vec<String> = m
        .iter()
        .map(|(t, reqs)| match reqs {
            Value::Array(list) => format!(
                "{t}=[{}]",
                list.iter().map(java_write_request).collect::<Vec<_>>().join(", ")
            ),
            other => format!("{t}={}", java(other)),
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

pub fn decode(body: Body) -> Result<Input> {
    let none = Map::new();
    let request = body.object("RequestItems").unwrap_or(&none);
    let (names, mut faults) = request_items_faults(body.0, "BatchWriteItem", java_request_items, |_, v| {
        let n = v.as_array().map_or(0, Vec::len);
        (!(1..=MAX_REQUESTS).contains(&n)).then(|| {
            format!(
                "Value '{}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
                java_request_items(request)
            )
        })
    })?;
    // One violation of the map-value constraint is reported once, however many tables break it.
    faults.dedup();
    // A malformed table name gives way to an invalid enum, which is then reported alone
    // (BatchGetItem reports both; the conformance suite's AWS captures, October 2026).
    let names = names.filter(|_| validate(body.0, SHAPE).is_ok());
    validate_after(body.0, SHAPE, names.into_iter().chain(faults).collect())?;
    let total: usize = request.values().map(|v| v.as_array().map_or(0, Vec::len)).sum();
    if total > MAX_REQUESTS {
        return Err(Error::validation("Too many items requested for the BatchWriteItem call"));
    }

    // Every request is decoded before any table is looked up.
    let mut tables = Vec::with_capacity(request.len());
    for (name, list) in request {
        let mut writes = Vec::new();
        for req in list.as_array().into_iter().flatten() {
            let r = Body(req);
            let (is_put, inner, member) = match (r.child("PutRequest"), r.child("DeleteRequest")) {
                (Some(p), None) => (true, p, "Item"),
                (None, Some(d)) => (false, d, "Key"),
                // AWS words a WriteRequest holding neither (or both) as it words an attribute
                // value's types (dynalite's tests, run against AWS: "empty item in RequestItems").
                _ => {
                    return Err(Error::validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                    ))
                }
            };
            let Some(raw) = inner.get(member) else {
                return Err(Error::validation(format!(
                    "1 validation error detected: Value null at 'requestItems.{name}.member.{}.member.{}.{}' failed to satisfy constraint: Member must not be null",
                    writes.len() + 1,
                    if is_put { "putRequest" } else { "deleteRequest" },
                    if is_put { "item" } else { "key" },
                )));
            };
            // BatchWriteItem's numbers are read by DynamoDB's older validator.
            let item = decode_map_kept_as(raw, Reading::BigDecimal)?;
            if is_put {
                check_item_size(&item)?;
            }
            writes.push(if is_put { WriteRequest::Put(item) } else { WriteRequest::Delete(item) });
        }
        tables.push((name.clone(), writes));
    }
    Ok(Input {
        tables,
        capacity: capacity_detail(body),
        collection_metrics: body.str("ReturnItemCollectionMetrics") == Some("SIZE"),
    })
}

/// A WriteRequest as the client sent it.
fn write_request(w: &WriteRequest) -> Value {
    let (request, member, item) = match w {
        WriteRequest::Put(item) => ("PutRequest", "Item", item),
        WriteRequest::Delete(key) => ("DeleteRequest", "Key", key),
    };
    let inner: Map<String, Value> = [(member.to_string(), encode_map(item))].into_iter().collect();
    let outer: Map<String, Value> = [(request.to_string(), Value::Object(inner))].into_iter().collect();
    Value::Object(outer)
}

pub fn encode(out: Output) -> Value {
    let unprocessed: Map<String, Value> = out
        .unprocessed
        .iter()
        .map(|(t, list)| (t.clone(), list.iter().map(write_request).collect()))
        .collect();
    Answer::default()
        .member("UnprocessedItems", Value::Object(unprocessed))
        .capacities(out.capacity.as_deref())
        .collections(out.collection_metrics.as_ref())
        .value()
}
