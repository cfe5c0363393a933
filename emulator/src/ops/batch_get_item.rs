//! BatchGetItem: up to 100 keys across tables, each table with its own projection and read
//! consistency; what does not fit in a 16 MB response comes back as UnprocessedKeys.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::common::{read_units, request_key, data_table, CapacityDetail};
use super::expressions;
use super::multi::{add_capacity, request_items_faults, TableUnits};
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::{Op, Parsed};
use crate::model::{item_size, PrimaryKey};
use crate::protocol::attr::{decode_map, encode_map};
use crate::protocol::shape::{field, validate_after, Field, Shape, RETURN_CONSUMED_CAPACITY};
use crate::protocol::Body;
use crate::store::Table;

const SHAPE: &[Field] = &[
    field("RequestItems", Shape::Any),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

pub const MAX_KEYS: usize = 100;
/// DynamoDB's response size limit.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// One table's part of the request, validated.
struct TableRead<'a> {
    name: &'a str,
    spec: &'a Map<String, Value>,
    table: Arc<Table>,
    exprs: Parsed,
    keys: Vec<(PrimaryKey, &'a Value)>,
    consistent: bool,
}

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
        Some(Value::Array(keys)) if keys.is_empty() => {
            at("Member must have length greater than or equal to 1")
        }
        Some(Value::Array(keys)) if keys.len() > MAX_KEYS => {
            at("Member must have length less than or equal to 100")
        }
        _ => None,
    }
}

pub fn run(cx: &Cx, body: Body) -> Result<Value> {
    let faults = request_items_faults(
        body.0,
        "BatchGetItem",
        |m| Value::Object(m.clone()).to_string(),
        keys_fault,
    )?;
    validate_after(body.0, SHAPE, faults)?;
    let request = body.object("RequestItems").expect("validated");
    let total: usize = request.values().map(|s| Body(s).list("Keys").len()).sum();
    if total > MAX_KEYS {
        return Err(Error::validation(
            "Too many items requested for the BatchGetItem call",
        ));
    }

    let mut reads = Vec::with_capacity(request.len());
    for (name, spec) in request {
        let spec_body = Body(spec);
        let exprs = crate::protocol::wire::expressions::parse(spec_body, Op::GetItem)?;
        let table = data_table(cx, name)?;
        let def = table.state.read().def.clone();
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        for raw in spec_body.list("Keys") {
            let key = request_key(&def, &decode_map(raw)?)?;
            if !seen.insert(key.clone()) {
                return Err(Error::validation(
                    "Provided list of item keys contains duplicates",
                ));
            }
            keys.push((key, raw));
        }
        reads.push(TableRead {
            name,
            spec: spec.as_object().expect("validated"),
            table,
            exprs,
            keys,
            consistent: spec_body.bool("ConsistentRead").unwrap_or(false),
        });
    }

    let mut responses = Map::new();
    let mut unprocessed = Map::new();
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut size = 0usize;
    let mut full = false;
    for read in &reads {
        let mut items = Vec::new();
        let mut left = Vec::new();
        {
            let state = read.table.state.read();
            for (key, raw) in &read.keys {
                if full {
                    left.push((*raw).clone());
                    continue;
                }
                let found = state.get(key);
                let projected = found.map(|i| expressions::projected(i, read.exprs.projection.as_deref()));
                let n = projected.as_deref().map_or(0, item_size);
                if size + n > MAX_RESPONSE_BYTES {
                    full = true;
                    left.push((*raw).clone());
                    continue;
                }
                size += n;
                units
                    .entry(read.table.name.clone())
                    .or_default()
                    .add(read_units(found.map_or(0, |i| item_size(i)), read.consistent), &[]);
                if let Some(p) = projected {
                    items.push(encode_map(&p));
                }
            }
        }
        responses.insert(read.name.to_string(), Value::Array(items));
        if !left.is_empty() {
            let mut spec = read.spec.clone();
            spec.insert("Keys".into(), Value::Array(left));
            unprocessed.insert(read.name.to_string(), Value::Object(spec));
        }
    }
    let mut out = Map::new();
    out.insert("Responses".into(), Value::Object(responses));
    out.insert("UnprocessedKeys".into(), Value::Object(unprocessed));
    add_capacity(&mut out, CapacityDetail::of(body), &units);
    Ok(Value::Object(out))
}
