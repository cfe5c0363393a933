//! BatchGetItem: up to 100 keys across tables, each table with its own projection and read
//! consistency; what does not fit in a 16 MB response comes back as UnprocessedKeys.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::answer::ConsumedCapacity;
use super::common::{data_table, read_units, request_key, CapacityDetail};
use super::expressions;
use super::multi::{capacities, Report, TableUnits};
use super::read::inline_may_read;
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::Parsed;
use crate::model::{Item, Stored};
use crate::store::Table;

pub const MAX_KEYS: usize = 100;
/// DynamoDB's response size limit.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

pub struct Input {
    /// One entry per table of RequestItems, in the order DynamoDB processes them.
    pub tables: Vec<TableKeys>,
    pub capacity: CapacityDetail,
}

/// One table's part of the request. DynamoDB decodes each table's part only when its turn comes,
/// after the lookups of the tables before it, so its decoding errors wait here until then.
pub struct TableKeys {
    /// The RequestItems key: a table name or ARN.
    pub table: String,
    /// The projection, parsed.
    pub exprs: Result<Parsed>,
    pub keys: Vec<Result<Item>>,
    /// The part's other members, as sent; UnprocessedKeys echoes them.
    pub attributes: KeysAndAttributes,
}

/// A KeysAndAttributes' members besides its Keys, as the client sent them.
#[derive(Clone, Debug, Default)]
pub struct KeysAndAttributes {
    pub attributes_to_get: Option<Vec<String>>,
    pub consistent_read: Option<bool>,
    pub projection_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
}

/// A table's keys left unread, with the members they were asked with.
#[derive(Clone, Debug)]
pub struct Unprocessed {
    pub keys: Vec<Item>,
    pub attributes: KeysAndAttributes,
}

pub struct Output {
    /// The items found, projected, by RequestItems key.
    pub responses: BTreeMap<String, Vec<Stored>>,
    /// By RequestItems key.
    pub unprocessed: BTreeMap<String, Unprocessed>,
    pub capacity: Option<Vec<ConsumedCapacity>>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let total: usize = input.tables.iter().map(|t| t.keys.len()).sum();
    let mut reads: Vec<(String, KeysAndAttributes, Arc<Table>, Parsed, _)> = Vec::with_capacity(input.tables.len());
    for part in input.tables {
        let exprs = part.exprs?;
        // The same key twice is refused before the table is looked up (AWS, 2026: ExtendDB's
        // dual-target suite); keys equal only once read against the schema, after.
        let given: Vec<&Item> = part.keys.iter().filter_map(|k| k.as_ref().ok()).collect();
        if given.iter().enumerate().any(|(i, k)| given[..i].contains(k)) {
            return Err(duplicates());
        }
        let table = data_table(cx, &part.table)?;
        let def = cx.read(&table)?.def.clone();
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        for key in part.keys {
            let key = key?;
            let primary = request_key(&def, &key)?;
            if !seen.insert(primary.clone()) {
                return Err(duplicates());
            }
            keys.push((primary, key));
        }
        // A table named twice, by name and by ARN, is read once, as its later entry asks
        // (ExtendDB's AWS-verified test_table_arn_as_name.py: one entry in Responses).
        reads.retain(|(_, _, t, _, _)| t.name != table.name);
        reads.push((part.table, part.attributes, table, exprs, keys));
    }

    // Chaos: the last keys, in request order, are returned unprocessed; none processed at all is
    // DynamoDB's ProvisionedThroughputExceededException.
    let keep = total.saturating_sub(cx.chaos.unprocessed);
    if keep == 0 {
        return Err(crate::chaos::throughput_exceeded());
    }
    let mut position = 0;
    let mut out = Output {
        responses: BTreeMap::new(),
        unprocessed: BTreeMap::new(),
        capacity: None,
    };
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let (mut size, mut read_bytes) = (0usize, 0usize);
    let mut full = false;
    for (name, attributes, table, exprs, keys) in reads {
        let consistent = attributes.consistent_read.unwrap_or(false);
        let mut items = Vec::new();
        let mut left = Vec::new();
        {
            let state = cx.read(&table)?;
            for (key, sent) in keys {
                position += 1;
                if full || position > keep {
                    left.push(sent);
                    continue;
                }
                let found = cx.read_data(&state, None, consistent).get(&key);
                // Only read so far: running again on the engine threads changes nothing.
                read_bytes += found.map_or(0, Stored::size);
                if cx.inline && !inline_may_read(position, read_bytes) {
                    return Err(Error::yielded());
                }
                let projected = found.map(|i| expressions::projected_stored(i, exprs.projection.as_deref()));
                let n = projected.as_ref().map_or(0, Stored::size);
                if size + n > MAX_RESPONSE_BYTES {
                    full = true;
                    left.push(sent);
                    continue;
                }
                size += n;
                units
                    .entry(name.clone())
                    .or_default()
                    .read(read_units(found.map_or(0, Stored::size), consistent));
                items.extend(projected);
            }
        }
        if !left.is_empty() {
            out.unprocessed
                .insert(name.clone(), Unprocessed { keys: left, attributes });
        }
        out.responses.insert(name, items);
    }
    out.capacity = capacities(input.capacity, Report::Sum, units);
    Ok(out)
}

fn duplicates() -> Error {
    Error::validation("Provided list of item keys contains duplicates")
}
