//! What Query and Scan share: the read source (table or index), Select rules, and the page
//! collector that applies Limit (counted before the filter), the 1 MB cut, the filter, the
//! projection and LastEvaluatedKey exactly as DynamoDB does.

use std::ops::Bound;

use serde_json::{json, Map, Value};

use super::common::{read_units, request_key, CapacityDetail};
use crate::engine::Engine;
use crate::error::{Check, Error, Result};
use crate::expr::{Condition, Parsed, Path};
use crate::model::{item_size, IndexDef, Item, KeySchema, KeyValues, PrimaryKey, ProjectionType};
use crate::protocol::attr::encode_map;
use crate::protocol::Body;
use crate::store::{IndexEntry, Slot, Status, Table, TablePos, TableState};

/// DynamoDB stops reading a page once it has read 1 MB.
const PAGE_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Select {
    AllAttributes,
    AllProjected,
    Specific,
    Count,
}

/// Where a read goes: the table, or one of its indexes.
pub struct Source<'a> {
    pub state: &'a TableState,
    pub index: Option<(&'a IndexDef, bool)>,
}

impl<'a> Source<'a> {
    /// Resolves IndexName and checks ConsistentRead against it.
    pub fn new(engine: &Engine, table: &Table, state: &'a TableState, body: Body) -> Result<Source<'a>> {
        let consistent = body.bool("ConsistentRead") == Some(true);
        Source::for_index(engine, table, state, body.str("IndexName"), consistent)
    }

    /// A read of the table, or of the named index; strongly consistent reads of a GSI, and reads
    /// of an index still backfilling, are refused.
    pub fn for_index(
        engine: &Engine,
        table: &Table,
        state: &'a TableState,
        index: Option<&str>,
        consistent: bool,
    ) -> Result<Source<'a>> {
        let index =
            match index {
                None => None,
                Some(name) => Some(state.def.index(name).ok_or_else(|| {
                    Error::validation(format!("The table does not have the specified index: {name}"))
                })?),
            };
        if index.is_some_and(|(_, global)| global) && consistent {
            return Err(Error::validation(
                "Consistent reads are not supported on global secondary indexes",
            ));
        }
        if index.is_some_and(|(i, _)| table.index_status(&i.name, engine.clock.now_millis()).0 != Status::Active) {
            return Err(Error::validation("Cannot read from backfilling global secondary index"));
        }
        Ok(Source { state, index })
    }

    /// The key schema items are ordered by in this source.
    pub fn key(&self) -> &'a KeySchema {
        self.index.map_or(&self.state.def.key, |(i, _)| &i.key)
    }

    /// The Select in force, with DynamoDB's checks of Select against projections and indexes.
    pub fn select(&self, body: Body, exprs: &Parsed) -> Result<Select> {
        let projection = if body.has("ProjectionExpression") {
            "ProjectionExpression"
        } else {
            "AttributesToGet"
        };
        let select = match body.str("Select") {
            None if exprs.projection.is_some() => Select::Specific,
            None if self.index.is_some() => Select::AllProjected,
            None => Select::AllAttributes,
            Some("ALL_ATTRIBUTES") => Select::AllAttributes,
            Some("ALL_PROJECTED_ATTRIBUTES") => Select::AllProjected,
            Some("COUNT") => Select::Count,
            Some(_) => Select::Specific,
        };
        let wanted = match select {
            Select::Count => "only the Count",
            _ => body.str("Select").unwrap_or_default(),
        };
        let select_error = |message: String| Err(Error::validation(message).by(Check::Select));
        match select {
            Select::Specific if exprs.projection.is_none() => select_error(
                "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES".into(),
            ),
            Select::AllAttributes | Select::AllProjected | Select::Count if exprs.projection.is_some() => {
                select_error(format!("Cannot specify the {projection} when choosing to get {wanted}"))
            }
            Select::AllProjected if self.index.is_none() => {
                select_error("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName".into())
            }
            Select::AllAttributes => match self.index {
                Some((index, true)) if index.projection.kind != ProjectionType::All => {
                    Err(Error::invalid_parameter(format!(
                        "Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
                        index.name
                    )))
                }
                _ => Ok(select),
            },
            _ => Ok(select),
        }
    }

    /// The position ExclusiveStartKey names: it must hold the table key and, for an index, the
    /// index key too.
    pub fn start_key(&self, body: Body) -> Result<Option<StartKey>> {
        let Some(start) = body.item("ExclusiveStartKey")? else {
            return Ok(None);
        };
        let invalid = |e: Error| {
            Error::validation(format!(
                "The provided starting key is invalid: {}",
                e.message.unwrap_or_default()
            ))
        };
        let def = &self.state.def;
        match self.index {
            None => Ok(Some(StartKey::Table(request_key(def, &start).map_err(invalid)?))),
            Some((index, _)) => {
                let mut table_part = start.clone();
                table_part.retain(|k, _| def.key.contains(k));
                let table_key = request_key(def, &table_part).map_err(invalid)?;
                let extra = start
                    .keys()
                    .filter(|k| !def.key.contains(k) && !index.key.contains(k))
                    .count();
                let index_key =
                    index.key.key_of(&start).filter(|_| extra == 0).ok_or_else(|| {
                        invalid(Error::validation("The provided key element does not match the schema"))
                    })?;
                Ok(Some(StartKey::Index(IndexEntry {
                    slot: Slot::new(&index_key),
                    table: TablePos::At(Slot::new(&table_key)),
                })))
            }
        }
    }
}

/// A decoded ExclusiveStartKey position.
pub enum StartKey {
    Table(PrimaryKey),
    Index(IndexEntry),
}

impl StartKey {
    /// The partition key values of the source (table or index) the start key names.
    pub fn hash(&self) -> &KeyValues {
        match self {
            StartKey::Table(key) => &key.hash,
            StartKey::Index(entry) => &entry.slot.hash,
        }
    }
}

/// One item as read: what the source stores, and (for local indexes) the table item behind it.
pub struct Row<'a> {
    /// The partition hash token of the row's position (the index key's, for index rows).
    pub token: u32,
    pub stored: &'a Item,
    pub table_item: Option<&'a Item>,
}

/// Everything that shapes a page.
pub struct PageSpec<'a> {
    pub limit: Option<usize>,
    pub filter: Option<&'a Condition>,
    pub projection: Option<&'a [Path]>,
    pub select: Select,
    /// Renders each returned item instead of the projection (PartiQL's SELECT list).
    pub transform: Option<&'a dyn Fn(&Item) -> Item>,
}

impl<'a> PageSpec<'a> {
    /// The page a Query or Scan request asks for: its Limit, filter and projection.
    pub fn of(body: Body, exprs: &'a Parsed, select: Select) -> PageSpec<'a> {
        PageSpec {
            limit: body.int("Limit").map(|l| l as usize),
            filter: exprs.filter.as_ref(),
            projection: exprs.projection.as_deref(),
            select,
            transform: None,
        }
    }
}

/// Reads rows until Limit or 1 MB, and renders the response body.
pub fn collect<'a>(body: Body, source: &Source<'a>, rows: impl Iterator<Item = Row<'a>>, spec: PageSpec) -> Value {
    let mut items = Vec::new();
    let (mut count, mut scanned, mut bytes) = (0usize, 0usize, 0usize);
    let mut last = None;
    for row in rows {
        scanned += 1;
        bytes += item_size(row.stored);
        // Local indexes fetch from the table; global ones only have what they project.
        let full = match (source.index, spec.select) {
            (Some((_, false)), Select::AllAttributes | Select::Specific) => row.table_item.unwrap_or(row.stored),
            _ => row.stored,
        };
        if spec.filter.is_none_or(|f| f.eval(full)) {
            count += 1;
            if spec.select != Select::Count {
                items.push(match (spec.transform, spec.projection) {
                    (Some(t), _) => encode_map(&t(full)),
                    (None, Some(paths)) => encode_map(&crate::expr::project(full, paths)),
                    (None, None) => encode_map(full),
                });
            }
        }
        if spec.limit == Some(scanned) || bytes >= PAGE_BYTES {
            last = Some(last_key(source, row.stored));
            break;
        }
    }
    let mut out = Map::new();
    if spec.select != Select::Count {
        out.insert("Items".into(), Value::Array(items));
    }
    out.insert("Count".into(), json!(count));
    out.insert("ScannedCount".into(), json!(scanned));
    if let Some(last) = last {
        out.insert("LastEvaluatedKey".into(), encode_map(&last));
    }
    let units = read_units(bytes, body.bool("ConsistentRead").unwrap_or(false));
    let detail = CapacityDetail::of(body);
    if let Some(mut c) = detail.render(&source.state.def.name, units, &[]) {
        if let (CapacityDetail::Indexes, Some((index, global))) = (detail, source.index) {
            let kind = if global {
                "GlobalSecondaryIndexes"
            } else {
                "LocalSecondaryIndexes"
            };
            c["Table"] = json!({"CapacityUnits": 0.0});
            c[kind] = json!({ index.name.clone(): {"CapacityUnits": units} });
        }
        out.insert("ConsumedCapacity".into(), c);
    }
    Value::Object(out)
}

/// LastEvaluatedKey: the table key, plus the index key when reading an index.
fn last_key(source: &Source, item: &Item) -> Item {
    let mut key = source.state.def.key.project_key(item);
    if let Some((index, _)) = source.index {
        key.extend(index.key.project_key(item));
    }
    key
}

/// The rows of a source between two positions of its key (the table's, or the index's), forwards
/// or backwards, resumed after ExclusiveStartKey: the one range read Query, Scan and PartiQL share.
pub fn rows_between<'a>(
    source: &Source<'a>,
    lo: Bound<Slot>,
    hi: Bound<Slot>,
    start: Option<StartKey>,
    forward: bool,
) -> Box<dyn Iterator<Item = Row<'a>> + 'a> {
    let state = source.state;
    match source.index {
        None => {
            let (mut lo, mut hi) = (lo, hi);
            if let Some(StartKey::Table(key)) = start {
                let slot = Slot::new(&key);
                (lo, hi) = if forward {
                    (after(lo, slot), hi)
                } else {
                    (lo, before(hi, slot))
                };
            }
            let range = state.items_between(lo, hi).map(|(slot, item)| Row {
                token: slot.token,
                stored: item,
                table_item: Some(item),
            });
            if forward {
                Box::new(range)
            } else {
                Box::new(range.rev())
            }
        }
        Some((index, _)) => {
            let (mut lo, mut hi) = (index_bound(lo, true), index_bound(hi, false));
            if let Some(StartKey::Index(entry)) = start {
                (lo, hi) = if forward {
                    (after(lo, entry), hi)
                } else {
                    (lo, before(hi, entry))
                };
            }
            let range = state.index_between(&index.name, lo, hi).map(move |(entry, item)| Row {
                token: entry.slot.token,
                stored: item,
                table_item: state.item_at(entry).map(|i| &**i),
            });
            if forward {
                Box::new(range)
            } else {
                Box::new(range.rev())
            }
        }
    }
}

/// Moves a lower bound past ExclusiveStartKey (forward reads).
fn after<T: Ord>(lo: Bound<T>, start: T) -> Bound<T> {
    match lo {
        Bound::Included(x) if x > start => Bound::Included(x),
        Bound::Excluded(x) if x > start => Bound::Excluded(x),
        _ => Bound::Excluded(start),
    }
}

/// Moves an upper bound before ExclusiveStartKey (backward reads).
fn before<T: Ord>(hi: Bound<T>, start: T) -> Bound<T> {
    match hi {
        Bound::Included(x) if x < start => Bound::Included(x),
        Bound::Excluded(x) if x < start => Bound::Excluded(x),
        _ => Bound::Excluded(start),
    }
}

/// An index bound from a bound on index-key positions: runs of equal index keys are entered at
/// their first table key and left after their last.
fn index_bound(b: Bound<Slot>, lower: bool) -> Bound<IndexEntry> {
    let entry = |slot, table| IndexEntry { slot, table };
    match (b, lower) {
        (Bound::Included(s), true) => Bound::Included(entry(s, TablePos::Min)),
        (Bound::Included(s), false) => Bound::Included(entry(s, TablePos::Max)),
        (Bound::Excluded(s), true) => Bound::Excluded(entry(s, TablePos::Max)),
        (Bound::Excluded(s), false) => Bound::Excluded(entry(s, TablePos::Min)),
        (Bound::Unbounded, _) => Bound::Unbounded,
    }
}
