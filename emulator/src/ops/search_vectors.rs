//! SearchVectors: the items of a vector index nearest a query vector, best first, with their
//! scores.
//!
//! DynamoDB's search is approximate; this one compares the query with every vector the index
//! holds, so it returns what an exact search would (the conformance suite's fixtures are built so
//! that AWS's answer is the exact one). Scores are computed in the index's f32 precision. An
//! index UpdateTable is still adding cannot be searched: while it allocates it is not there, while
//! it backfills it is refused by name (AWS, August 2026).

use std::ops::Bound::Unbounded;

use super::common::{data_table, empty_key_error, CapacityDetail};
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::{Condition, Parsed};
use crate::model::{to_f32, AttributeValue, Item, Number, Stored, TableDef, VectorIndexDef};
use crate::store::Phase;

/// DynamoDB returns at most this many results.
const MAX_TOP_K: i64 = 100;

pub struct Input {
    pub table: String,
    pub index: String,
    /// SearchVector as sent: its members are checked against the index.
    pub vector: Vec<AttributeValue>,
    /// At least 1 (the shape's check).
    pub top_k: i64,
    /// The SearchConditionExpression (as `filter`) and the ProjectionExpression, parsed.
    pub exprs: Parsed,
    pub capacity: CapacityDetail,
}

pub struct Output {
    /// Each result's projected item and score, best first.
    pub results: Vec<(Item, f32)>,
    /// The index's vector attribute: in a result, it holds the index's f32 copy.
    pub vector: String,
    /// VectorSearchRequestBytes, when ReturnConsumedCapacity asked (TOTAL and INDEXES alike).
    pub request_bytes: Option<u64>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    if input.top_k > MAX_TOP_K {
        return Err(Error::validation(format!(
            "Provided TopK value '{}' is out of valid range. The value must be between 1 and {MAX_TOP_K} inclusive",
            input.top_k
        )));
    }
    let table = data_table(cx, &input.table)?;
    let state = cx.read(&table)?;
    let index = state
        .def
        .vector_indexes
        .iter()
        .find(|v| v.name == input.index)
        .filter(|_| table.building(&input.index, cx.now_millis) != Some(Phase::Allocating))
        .ok_or_else(|| Error::validation(format!("The table does not have the specified index: {}", input.index)))?;
    if table.building(&index.name, cx.now_millis) == Some(Phase::Backfilling) {
        return Err(Error::validation(format!("Cannot search backfilling vector index: {}", index.name)));
    }
    let query = query_vector(index, &input.vector)?;
    let terms = search_terms(&state.def, index, input.exprs.filter.as_ref())?;

    let data = cx.read_data(&state, None, false);
    let mut scored: Vec<(f32, &Stored)> = data
        .items_between(Unbounded, Unbounded)
        .filter_map(|stored| {
            let matches = terms.iter().all(|(name, value)| stored.get(name).is_some_and(|v| v.value() == **value));
            let vector = index.vector(&stored.get(&index.attribute)?.value()).ok()?;
            matches.then(|| (index.distance.score(&query, &vector), &**stored))
        })
        .collect();
    scored.sort_by(|a, b| index.distance.rank(a.0, b.0));
    scored.truncate(input.top_k as usize);
    let key = &state.def.key;
    let projection = input.exprs.projection.as_deref();
    let results = scored
        .into_iter()
        .map(|(score, stored)| {
            let mut item: Item = stored
                .item()
                .into_iter()
                .filter(|(name, _)| index.projects(key, name))
                .collect();
            // The vector comes back only when asked for and projected, as the index's copy.
            match item.get_mut(&index.attribute) {
                Some(v) if projection.is_some() && index.projects_vector() => *v = index_copy(index, v),
                _ => {
                    item.remove(&index.attribute);
                }
            }
            if let Some(paths) = projection {
                item = crate::expr::project(&item, paths);
            }
            (item, score)
        })
        .collect();
    Ok(Output {
        results,
        vector: index.attribute.clone(),
        request_bytes: (input.capacity != CapacityDetail::None).then(|| index.search_bytes()),
    })
}

/// The query as f32s: numbers only, as many as the index's dimensions.
fn query_vector(index: &VectorIndexDef, sent: &[AttributeValue]) -> Result<Vec<f32>> {
    let query = sent
        .iter()
        .map(|v| match v {
            AttributeValue::N(n) => to_f32(n),
            _ => None,
        })
        .collect::<Option<Vec<f32>>>()
        .ok_or_else(|| {
            Error::validation(
                "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
            )
        })?;
    if query.len() != index.dimensions {
        return Err(Error::validation(format!(
            "Input search vector dimension {} does not match vector index dimension {}",
            query.len(),
            index.dimensions
        )));
    }
    Ok(query)
}

/// The equalities a SearchConditionExpression asks for (their form is checked with its syntax,
/// [`crate::expr::search_terms`]): each names an attribute of the index's search schema, the HASH
/// one always, with a value of the attribute's defined type; the HASH one's is a key value,
/// never empty (AWS, August 2026).
fn search_terms<'c>(
    def: &TableDef,
    index: &VectorIndexDef,
    condition: Option<&'c Condition>,
) -> Result<Vec<(&'c str, &'c AttributeValue)>> {
    let terms = condition.map(crate::expr::search_terms).transpose()?.unwrap_or_default();
    if let Some((name, _)) = terms.iter().find(|(n, _)| !index.search_schema.iter().any(|e| e.name == *n)) {
        return Err(Error::validation(format!(
            "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: {name}"
        )));
    }
    if index.hash().is_some_and(|h| !terms.iter().any(|(n, _)| *n == h)) {
        return Err(Error::validation(
            "SearchConditionExpression must be provided when SearchSchema has a HASH key",
        ));
    }
    for (name, value) in &terms {
        let Some(attr) = def.attribute_definitions.iter().find(|a| a.name == *name) else {
            continue;
        };
        let sent = value.value_type();
        if sent != attr.ty.value_type() {
            return Err(Error::validation(format!(
                "Type of '{name}' attribute in SearchConditionExpression ({}) does not match type in search schema ({})",
                sent.as_str(),
                attr.ty.as_str()
            )));
        }
        if index.hash() == Some(*name) {
            if let Some(e) = empty_key_error(attr, value) {
                return Err(e);
            }
        }
    }
    Ok(terms)
}

/// The index's copy of a vector attribute: its numbers as the nearest f32s.
fn index_copy(index: &VectorIndexDef, value: &AttributeValue) -> AttributeValue {
    match index.vector(value) {
        Ok(vector) => AttributeValue::L(
            vector
                .into_iter()
                .filter_map(|f| Number::parse(&f.to_string()).ok())
                .map(AttributeValue::N)
                .collect(),
        ),
        Err(_) => value.clone(),
    }
}
