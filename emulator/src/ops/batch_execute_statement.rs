//! BatchExecuteStatement: up to 25 PartiQL statements, all reads (each naming one item by its full
//! key) or all writes, each run on its own: a failing statement answers with its `Error` in its
//! place in `Responses` and does not fail the call.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::common::{data_table, read_units, request_key, CapacityDetail};
use super::execute_statement::write;
use crate::protocol::wire::execute_statement::{prepare, PARAMETERS, STATEMENT};
use super::multi::{add_capacity, TableUnits};
use super::Cx;
use crate::error::{Detail, Error, ErrorKind, Result};
use crate::model::{item_size, AttributeValue, Item};
use crate::partiql::{bind, Statement};
use crate::protocol::attr::encode_map;
use crate::protocol::shape::{
    field, required, validate, Field, Shape, RETURN_CONSUMED_CAPACITY, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
};
use crate::protocol::Body;

const STATEMENT_REQUEST: Shape = Shape::Struct {
    java: "BatchStatementRequest",
    fields: &[
        required("Statement", STATEMENT),
        field("Parameters", PARAMETERS),
        field("ConsistentRead", Shape::Bool),
        field("ReturnValuesOnConditionCheckFailure", RETURN_VALUES_ON_CONDITION_CHECK_FAILURE),
    ],
};

const SHAPE: &[Field] = &[
    required("Statements", Shape::List { member: &STATEMENT_REQUEST, min: 1, max: 25 }),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
];

/// The `Code` a statement's error answers with.
pub fn error_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceeded",
        ErrorKind::ResourceNotFound => "ResourceNotFound",
        ErrorKind::TransactionConflict => "TransactionConflict",
        ErrorKind::DuplicateItem => "DuplicateItem",
        ErrorKind::InternalServer => "InternalServerError",
        ErrorKind::AccessDenied => "AccessDenied",
        _ => "ValidationError",
    }
}

pub fn run(cx: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let members: Vec<Body> = body.list("Statements").iter().map(Body).collect();
    let prepared: Vec<Result<(Statement, Vec<AttributeValue>)>> = members.iter().map(|m| prepare(*m)).collect();
    let reads = prepared.iter().flatten().filter(|(s, _)| s.is_read()).count();
    let writes = prepared.iter().flatten().count() - reads;
    if reads > 0 && writes > 0 {
        return Err(Error::validation(
            "The entire batch must consist of either read statements or write statements, you cannot mix both in one batch.",
        ));
    }
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut responses = Vec::with_capacity(members.len());
    for (member, p) in members.iter().zip(prepared) {
        let mut r = Map::new();
        let outcome = p.and_then(|(stmt, params)| {
            r.insert("TableName".into(), json!(stmt.target().table));
            if stmt.is_read() {
                let (table, item, read) = read_one(cx, *member, &stmt, &params)?;
                units.entry(table).or_default().add(read, &[]);
                if let Some(item) = item {
                    r.insert("Item".into(), encode_map(&item));
                }
            } else {
                let done = write(cx, crate::protocol::wire::old_on_condition_failure(*member), &stmt, &params)?;
                let indexes: Vec<&str> = done.indexes.iter().map(String::as_str).collect();
                units.entry(done.table).or_default().add(done.units, &indexes);
            }
            Ok(())
        });
        if let Err(e) = outcome {
            let mut err = Map::new();
            err.insert("Code".into(), json!(error_code(e.kind)));
            if let Some(m) = e.message {
                err.insert("Message".into(), json!(m));
            }
            if let Detail::Item(item) = e.detail {
                err.insert("Item".into(), encode_map(&item));
            }
            r.insert("Error".into(), Value::Object(err));
        }
        responses.push(Value::Object(r));
    }
    let mut out = Map::new();
    out.insert("Responses".into(), Value::Array(responses));
    add_capacity(&mut out, CapacityDetail::of(body), &units);
    Ok(Value::Object(out))
}

/// A batch SELECT: one item by its full key, kept when the rest of the WHERE clause holds.
fn read_one(
    cx: &Cx,
    member: Body,
    stmt: &Statement,
    params: &[AttributeValue],
) -> Result<(String, Option<Item>, f64)> {
    let Statement::Select { target, projection, filter, .. } = stmt else {
        unreachable!("only SELECT reads")
    };
    let cond = filter.as_ref().map(|f| bind::condition(f, params)).transpose()?;
    let table = data_table(cx, &target.table)?;
    let state = table.state.read();
    let key_item = bind::key_of(filter.as_ref(), &state.def.key, params)?;
    let key = request_key(&state.def, &key_item)?;
    let item = state.get(&key);
    let units = read_units(item.map_or(0, |i| item_size(i)), member.bool("ConsistentRead").unwrap_or(false));
    let item = item
        .filter(|i| cond.as_ref().is_none_or(|c| c.eval(i)))
        .map(|i| match projection {
            Some(paths) => bind::project(i, paths),
            None => (**i).clone(),
        });
    Ok((table.name.clone(), item, units))
}
