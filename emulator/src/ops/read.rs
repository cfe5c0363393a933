//! What Query and Scan share: the read source (table or index), Select rules, and the page
//! collector that applies Limit (counted before the filter), the 1 MB cut, the filter, the
//! projection and LastEvaluatedKey exactly as DynamoDB does.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::answer::{ConsumedCapacity, Page};
use super::common::{check_scalar_keys, key_mismatch, read_units, request_key, CapacityDetail, Touched};
use super::Cx;
use crate::error::{Check, Error, Result};
use crate::expr::{Condition, Parsed, Path, RangeCond};
use crate::model::{IndexDef, Item, KeySchema, KeyValue, KeyValues, PrimaryKey, ProjectionType, Stored};
use crate::store::{
    tie_in, IndexEntry, IndexRow, Slot, SortPart, SortPos, Status, Table, TableData, TablePos, TableState, Tie,
};

/// DynamoDB stops reading a page once it has read 1 MB, measured by [`Stored::page_size`].
const PAGE_BYTES: usize = 1024 * 1024;
/// Rows reserved up front for a page without a Limit.
const PAGE_ROWS: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    AllAttributes,
    AllProjected,
    Specific,
    Count,
}

/// What Query and Scan requests share: where to read, what to return, where to resume.
pub struct ReadInput {
    pub table: String,
    pub index: Option<String>,
    /// Select as the request gave it.
    pub select: Option<Select>,
    /// The projection came as ProjectionExpression (not AttributesToGet); Select errors name it.
    pub projection_expression: bool,
    pub limit: Option<usize>,
    pub consistent_read: bool,
    /// ExclusiveStartKey, its values checked; whether it fits the table is checked by `run`.
    pub exclusive_start_key: Option<Item>,
    pub capacity: CapacityDetail,
    /// Filter and projection (and Query's key condition), parsed.
    pub exprs: Parsed,
}

/// Where a read goes: the table, or one of its indexes.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub state: &'a TableState,
    /// The version of the table's data the read sees (`Cx::read_data`).
    pub data: &'a TableData,
    pub index: Option<(&'a IndexDef, bool)>,
}

/// The operation reading through a [`Source`], for its refusal of a vector index.
#[derive(Clone, Copy)]
pub enum Reader {
    Query,
    Scan,
}

impl Reader {
    /// AWS, eu-west-2, August 2026: Query's sentence ends with a full stop, Scan's without.
    fn vector_refusal(self) -> &'static str {
        match self {
            Reader::Query => "Query operation not supported on this index type.",
            Reader::Scan => "Scan operation not supported on this index type",
        }
    }
}

const CONSISTENT_GSI: &str = "Consistent reads are not supported on global secondary indexes";

impl<'a> Source<'a> {
    /// A read of `table` (whose lock `state` is), or of the named index, by `cx`'s request;
    /// strongly consistent reads of a GSI, and reads of an index still backfilling, are refused.
    /// A vector index is refused as a GSI is for a consistent read, else for its type.
    pub fn for_index(
        cx: &Cx,
        table: &Table,
        state: &'a TableState,
        index: Option<&str>,
        consistent: bool,
        reader: Reader,
    ) -> Result<Source<'a>> {
        let vector = |name: &str| state.def.vector_indexes.iter().any(|v| v.name == name);
        let index = match index {
            None => None,
            Some(name) => match state.def.index(name) {
                Some(found) => Some(found),
                None if vector(name) && consistent => return Err(Error::validation(CONSISTENT_GSI)),
                None if vector(name) => return Err(Error::validation(reader.vector_refusal())),
                None => {
                    return Err(Error::validation(format!(
                        "The table does not have the specified index: {name}"
                    )))
                }
            },
        };
        if index.is_some_and(|(_, global)| global) && consistent {
            return Err(Error::validation(CONSISTENT_GSI));
        }
        if index.is_some_and(|(i, _)| table.index_status(&i.name, cx.now_millis).0 != Status::Active) {
            return Err(Error::validation("Cannot read from backfilling global secondary index"));
        }
        let data = cx.read_data(state, index.map(|(i, global)| (i.name.as_str(), global)), consistent);
        Ok(Source { state, data, index })
    }

    /// The key schema items are ordered by in this source.
    pub fn key(&self) -> &'a KeySchema {
        self.index.map_or(&self.state.def.key, |(i, _)| &i.key)
    }

    /// The Select in force, with DynamoDB's checks of Select against projections and indexes.
    pub fn select(&self, read: &ReadInput) -> Result<Select> {
        let projection = if read.projection_expression {
            "ProjectionExpression"
        } else {
            "AttributesToGet"
        };
        let exprs = &read.exprs;
        let select = match read.select {
            None if exprs.projection.is_some() => Select::Specific,
            None if self.index.is_some() => Select::AllProjected,
            None => Select::AllAttributes,
            Some(select) => select,
        };
        let wanted = match select {
            Select::Count => "only the Count",
            Select::AllAttributes => "ALL_ATTRIBUTES",
            Select::AllProjected => "ALL_PROJECTED_ATTRIBUTES",
            Select::Specific => "SPECIFIC_ATTRIBUTES",
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
        .and_then(|select| {
            self.check_projected(read.exprs.projection.as_deref(), read.exprs.filter.as_ref())
                .map(|()| select)
        })
    }

    /// A global index holds only what it projects, so a projection naming anything else is
    /// refused (a local index fetches it from the table). A filter runs on the index's rows
    /// before any such fetch, so on either kind of index it may read only projected attributes.
    /// Each error names every other top-level attribute read, once, in written order (the
    /// conformance suite's executeStatementIndex.test.ts, AWS, October 2026).
    /// PartiQL's SELECT holds its list and, when keyed, its WHERE clause to the same rule.
    pub fn check_projected(&self, projection: Option<&[Path]>, filter: Option<&Condition>) -> Result<()> {
        let Some((index, global)) = self.index else {
            return Ok(());
        };
        let outside = |p: &Path| !index.projects(&self.state.def.key, p.head());
        let mut unprojected: Vec<&str> = Vec::new();
        for path in projection.into_iter().flatten().filter(|p| global && outside(p)) {
            if !unprojected.contains(&path.head()) {
                unprojected.push(path.head());
            }
        }
        if !unprojected.is_empty() {
            return Err(Error::invalid_parameter(format!(
                "Global secondary index {} does not project [{}]",
                index.name,
                unprojected.join(", ")
            )));
        }
        let missing = RefCell::new(Vec::<String>::new());
        if let Some(filter) = filter {
            // Collects through the walk and accepts nothing, so every path is visited.
            filter.find_path(&|p| {
                let mut names = missing.borrow_mut();
                if outside(p) && !names.iter().any(|n| n == p.head()) {
                    names.push(p.head().to_owned());
                }
                false
            });
        }
        let missing = missing.into_inner();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::invalid_parameter(format!(
            "Secondary index {} does not project one or more filter attributes: [{}]",
            index.name,
            missing.join(", ")
        )))
    }

    /// Neither the projection nor the filter may descend into a key attribute of the table or of
    /// any index ([`check_scalar_keys`]); the projection is looked at first.
    pub fn check_scalar_keys(&self, read: &ReadInput) -> Result<()> {
        let def = &self.state.def;
        let projection = read.exprs.projection.as_deref().unwrap_or_default();
        check_scalar_keys(def, true, |name| projection.iter().any(|p| p.descends_into(name)))?;
        let Some(filter) = &read.exprs.filter else {
            return Ok(());
        };
        check_scalar_keys(def, true, |name| filter.find_path(&|p| p.descends_into(name)).is_some())
    }

    /// The position ExclusiveStartKey names: it must hold the table key and, for an index, the
    /// index key too; checked after the table lookup and the Select checks. Against an index it
    /// must hold exactly the table's and the index's key attributes, else it is refused without
    /// a reason, and an index key attribute of another type is refused as a schema mismatch
    /// without the start key's prefix; only then is the table key checked, with it (dynalite's
    /// tests, run against AWS: the ExclusiveStartKey validations of scan.js). Against the table,
    /// `mismatch` says how a start key not shaped as its key is refused.
    pub fn start_key(&self, start: Option<&Item>, mismatch: Mismatch) -> Result<Option<StartKey>> {
        let Some(start) = start else {
            return Ok(None);
        };
        let invalid = |e: Error| {
            Error::validation(format!(
                "The provided starting key is invalid: {}",
                e.message.unwrap_or_default()
            ))
        };
        let refused = || Error::validation("The provided starting key is invalid");
        let def = &self.state.def;
        let Some((index, _)) = self.index else {
            let key = request_key(def, start).map_err(|e| match mismatch {
                Mismatch::Bare if e == key_mismatch() => refused(),
                _ => invalid(e),
            })?;
            return Ok(Some(StartKey::Table(key)));
        };
        let names: BTreeSet<&str> = def
            .key
            .attrs()
            .chain(index.key.attrs())
            .map(|a| a.name.as_str())
            .collect();
        if start.len() != names.len() {
            return Err(refused());
        }
        for attr in index.key.attrs() {
            if start.get(&attr.name).ok_or_else(refused)?.value_type() != attr.ty.value_type() {
                return Err(key_mismatch());
            }
        }
        let mut table_part = start.clone();
        table_part.retain(|k, _| def.key.contains(k));
        let table_key = request_key(def, &table_part).map_err(invalid)?;
        let index_key = index.key.key_of(start).ok_or_else(refused)?;
        let slot = Slot::new(&table_key);
        let tie = tie_in(def, index, Tie::of(&table_key));
        let entry = IndexEntry::new(&Slot::new(&index_key), TablePos::At(tie, slot.bytes()));
        Ok(Some(StartKey::Index { key: index_key, entry }))
    }
}

/// How a read refuses a start key whose attributes or types are not the table's key schema.
#[derive(Clone, Copy, PartialEq)]
pub enum Mismatch {
    /// With the reason: `The provided starting key is invalid: The provided key element does not
    /// match the schema` (Scan; ExecuteStatement words any bad NextToken its own way).
    Explained,
    /// `The provided starting key is invalid` alone (Query; nubo-db/dynamodb-conformance,
    /// tier3/error-messages/query.test.ts and scan.test.ts, verified against AWS).
    Bare,
}

/// A decoded ExclusiveStartKey position.
#[derive(Clone)]
pub enum StartKey {
    Table(PrimaryKey),
    /// An index position and the index key it names.
    Index {
        key: PrimaryKey,
        entry: IndexEntry,
    },
}

impl StartKey {
    /// The partition key values of the source (table or index) the start key names.
    pub fn hash(&self) -> &KeyValues {
        match self {
            StartKey::Table(key) => &key.hash,
            StartKey::Index { key, .. } => &key.hash,
        }
    }

    /// The sort key values of the source (table or index) the start key names.
    pub fn range(&self) -> &KeyValues {
        match self {
            StartKey::Table(key) | StartKey::Index { key, .. } => &key.range,
        }
    }

    /// The partition hash token of the position (the index key's, for an index).
    pub fn token(&self) -> u32 {
        match self {
            StartKey::Table(key) => Slot::new(key).token(),
            StartKey::Index { entry, .. } => entry.token(),
        }
    }
}

/// One item as read: what the source stores, and for index rows the row itself, whose table
/// item a local index fetches only when it is asked for attributes it does not project.
pub struct Row<'a> {
    /// The partition hash token of the row's position (the index key's, for index rows).
    pub token: u32,
    pub stored: &'a Stored,
    pub index_row: Option<&'a IndexRow>,
}

/// Everything that shapes a page.
pub struct PageSpec<'a> {
    /// The table as the request named it, a name or an ARN: ConsumedCapacity echoes it.
    pub table: &'a str,
    pub limit: Option<usize>,
    pub filter: Option<&'a Condition>,
    pub projection: Option<&'a [Path]>,
    pub select: Select,
    /// Renders each returned item instead of the projection (PartiQL's SELECT list).
    pub transform: Option<&'a dyn Fn(&Item) -> Item>,
}

impl<'a> PageSpec<'a> {
    /// The page a Query or Scan request asks for: its Limit, filter and projection.
    pub fn of(read: &'a ReadInput, select: Select) -> PageSpec<'a> {
        PageSpec {
            table: &read.table,
            limit: read.limit,
            filter: read.exprs.filter.as_ref(),
            projection: read.exprs.projection.as_deref(),
            select,
            transform: None,
        }
    }
}

/// How many rows, and how many bytes of items, a Query or Scan running on the server's async
/// worker may read there: an inline read then does less work than an inline GetItem of the
/// largest item. ARCHITECTURE.md, "Why these choices", has the measured worst cases.
pub const INLINE_ROWS: usize = 100;
pub const INLINE_BYTES: usize = 64 * 1024;

/// Whether a request running inline may go on to read `rows` rows holding `bytes` bytes of
/// items; past that it gives up with [`Error::yielded`] (Query, Scan, PartiQL's SELECT and
/// BatchGetItem).
pub fn inline_may_read(rows: usize, bytes: usize) -> bool {
    rows <= INLINE_ROWS && bytes <= INLINE_BYTES
}

/// [`collect`] for a request's page. A request running inline (`Cx::inline`) stops before the
/// row that would take it past [`INLINE_ROWS`] or [`INLINE_BYTES`] and gives up with
/// [`Error::yielded`] to be run again on the engine threads: it has only read, so running it
/// twice changes nothing.
pub fn collect_page<'a>(
    cx: &Cx,
    source: &Source<'a>,
    rows: impl Iterator<Item = Row<'a>>,
    spec: PageSpec,
    consistent: bool,
    capacity: CapacityDetail,
) -> Result<Page> {
    if !cx.inline {
        return Ok(collect(source, rows, spec, consistent, capacity));
    }
    let over = std::cell::Cell::new(false);
    let (mut count, mut bytes) = (0usize, 0usize);
    let within = rows.take_while(|row| {
        (count, bytes) = (count + 1, bytes + row.stored.size());
        over.set(!inline_may_read(count, bytes));
        !over.get()
    });
    let page = collect(source, within, spec, consistent, capacity);
    if over.get() {
        return Err(Error::yielded());
    }
    Ok(page)
}

/// Reads rows until Limit or 1 MB into a page; `consistent` and `capacity` decide the consumed
/// capacity it reports.
pub fn collect<'a>(
    source: &Source<'a>,
    rows: impl Iterator<Item = Row<'a>>,
    spec: PageSpec,
    consistent: bool,
    capacity: CapacityDetail,
) -> Page {
    // Room for a whole page at once (a page stops at Limit or 1 MB of items).
    let mut items = Vec::with_capacity(spec.limit.unwrap_or(PAGE_ROWS).min(PAGE_ROWS));
    let (mut count, mut scanned, mut bytes, mut page_bytes, mut fetch_units) = (0usize, 0usize, 0usize, 0usize, 0.0);
    let mut last = None;
    let fetches = fetches_from_table(source, &spec);
    let sort_key = source.state.def.key.range.first().map(|k| k.name.as_str());
    for row in rows {
        scanned += 1;
        bytes += row.stored.size();
        page_bytes += row.stored.page_size(sort_key);
        // Local indexes fetch from the table what they do not project; global ones only have
        // what they project. An index projecting everything holds the table's item itself.
        let full = match row.index_row.filter(|_| fetches).and_then(|r| source.data.item_at(r)) {
            Some(item) => {
                // Each fetched item is a read of its own, rounded up to 4 KB.
                fetch_units += read_units(item.size(), consistent);
                &**item
            }
            None => row.stored,
        };
        // Decoded only for what reads the tree; whole items are answered from their bytes.
        let tree =
            (spec.filter.is_some() || spec.transform.is_some() || spec.projection.is_some()).then(|| full.item());
        if spec.filter.is_none_or(|f| tree.as_ref().is_some_and(|t| f.eval(t))) {
            count += 1;
            if spec.select != Select::Count {
                items.push(match (spec.transform, spec.projection, &tree) {
                    (Some(t), _, Some(tree)) => Stored::new(&t(tree)),
                    (None, Some(paths), Some(tree)) => Stored::new(&crate::expr::project(tree, paths)),
                    _ => full.clone(),
                });
            }
        }
        if spec.limit == Some(scanned) || page_bytes >= PAGE_BYTES {
            last = Some(last_key(source, &row.stored.item()));
            break;
        }
    }
    let units = read_units(bytes, consistent);
    Page {
        items: (spec.select != Select::Count).then_some(items),
        count,
        scanned_count: scanned,
        last_evaluated_key: last,
        capacity: read_capacity(source, spec.table, units, fetch_units, capacity),
        bytes_read: bytes,
    }
}

/// Whether a read of a local index fetches each row's item from the table: it is asked for all
/// attributes, or for one the index does not project, and the index does not project them all.
fn fetches_from_table(source: &Source, spec: &PageSpec) -> bool {
    let Some((index, false)) = source.index else {
        return false;
    };
    let unprojected = |p: &Path| !index.projects(&source.state.def.key, p.head());
    index.projection.kind != ProjectionType::All
        && match spec.select {
            Select::AllAttributes => true,
            Select::Specific => spec.projection.is_some_and(|paths| paths.iter().any(unprojected)),
            Select::AllProjected | Select::Count => false,
        }
}

/// A read's capacity: charged to the index it read, if any, else to the table. A local index's
/// fetches from the table cost the table their own units (`fetch_units`: each fetched item's
/// size rounded up to 4 KB), besides the index's (FIDELITY.md, "A local index's fetches").
fn read_capacity(
    source: &Source,
    table: &str,
    units: f64,
    fetch_units: f64,
    detail: CapacityDetail,
) -> Option<ConsumedCapacity> {
    let mut c = detail.consumed(table, units, Touched::default)?;
    if let Some((index, global)) = source.index {
        c.table_units = fetch_units;
        let per = BTreeMap::from([(index.name.clone(), units)]);
        if global {
            c.global_indexes = per;
        } else {
            c.local_indexes = per;
        }
    }
    Some(c)
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
    let data = source.data;
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
            let range = data.items_between(lo, hi).map(|item| Row {
                token: item.token(),
                stored: item,
                index_row: None,
            });
            if forward {
                Box::new(range)
            } else {
                Box::new(range.rev())
            }
        }
        Some((index, _)) => {
            let (mut lo, mut hi) = (index_bound(lo, true), index_bound(hi, false));
            if let Some(StartKey::Index { entry, .. }) = start {
                (lo, hi) = if forward {
                    (after(lo, entry), hi)
                } else {
                    (lo, before(hi, entry))
                };
            }
            let range = data.index_between(&index.name, lo, hi).map(|row| Row {
                token: row.token(),
                stored: &row.item,
                index_row: Some(row),
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
    let entry = |slot, table| IndexEntry::new(&slot, table);
    match (b, lower) {
        (Bound::Included(s), true) => Bound::Included(entry(s, TablePos::Min)),
        (Bound::Included(s), false) => Bound::Included(entry(s, TablePos::Max)),
        (Bound::Excluded(s), true) => Bound::Excluded(entry(s, TablePos::Max)),
        (Bound::Excluded(s), false) => Bound::Excluded(entry(s, TablePos::Min)),
        (Bound::Unbounded, _) => Bound::Unbounded,
    }
}

/// Sort positions a condition admits: those starting with `prefix` and then (if given) a value
/// the condition accepts. Without either, the whole partition.
pub fn sort_bounds(prefix: &[KeyValue], cond: Option<&RangeCond>) -> (Bound<SortPos>, Bound<SortPos>) {
    use Bound::{Excluded, Included};
    use SortPart::{End, Key};
    let at = |tail: &[SortPart]| -> SortPos { prefix.iter().cloned().map(Key).chain(tail.iter().cloned()).collect() };
    let key = |k: &KeyValue| Key(k.clone());
    match cond {
        None => (Included(at(&[])), Included(at(&[End]))),
        Some(RangeCond::Eq(v)) => (Included(at(&[key(v)])), Included(at(&[key(v), End]))),
        Some(RangeCond::Lt(v)) => (Included(at(&[])), Excluded(at(&[key(v)]))),
        Some(RangeCond::Le(v)) => (Included(at(&[])), Included(at(&[key(v), End]))),
        Some(RangeCond::Gt(v)) => (Excluded(at(&[key(v), End])), Included(at(&[End]))),
        Some(RangeCond::Ge(v)) => (Included(at(&[key(v)])), Included(at(&[End]))),
        Some(RangeCond::Between(a, b)) => (Included(at(&[key(a)])), Included(at(&[key(b), End]))),
        // `PrefixEnd` is the first position past the prefix's values, so the range stops before
        // it: inclusive, an index's bound (which appends its table-key marker) would admit the
        // successor value itself.
        Some(RangeCond::BeginsWith(p)) => (Included(at(&[key(p)])), Excluded(at(&[SortPart::PrefixEnd(p.clone())]))),
    }
}

#[cfg(test)]
mod tests {
    use std::ops::RangeBounds;

    use super::*;
    use crate::model::Number;

    /// Stored two-part sort keys (S, N) as positions in one partition, in the order it holds
    /// them, each with its text.
    fn stored() -> Vec<(Slot, String)> {
        let key = |s: &str, n: &str| {
            let parts = [KeyValue::S(s.into()), KeyValue::N(Number::parse(n).unwrap())];
            (
                partition(parts.into_iter().map(SortPart::Key).collect()),
                format!("{s}/{n}"),
            )
        };
        let mut keys = vec![
            key("b", "1"),
            key("a", "10"),
            key("ab", "1"),
            key("a", "2"),
            key("b", "0"),
            key("c", "5"),
        ];
        keys.sort();
        keys
    }

    fn partition(pos: SortPos) -> Slot {
        Slot::at(&[KeyValue::S("p".into())].into_iter().collect(), pos)
    }

    /// The stored keys a prefix and condition admit, as (string, number) text.
    fn admitted(prefix: &[KeyValue], cond: Option<RangeCond>) -> Vec<String> {
        let (lo, hi) = sort_bounds(prefix, cond.as_ref());
        let bounds = (lo.map(partition), hi.map(partition));
        stored()
            .into_iter()
            .filter(|(k, _)| bounds.contains(k))
            .map(|(_, text)| text)
            .collect()
    }

    #[test]
    fn composite_sort_keys_order_part_by_part() {
        assert_eq!(admitted(&[], None), ["a/2", "a/10", "ab/1", "b/0", "b/1", "c/5"]);
    }

    #[test]
    fn bounds_on_the_first_of_two_sort_attributes() {
        let s = |v: &str| KeyValue::S(v.into());
        assert_eq!(
            admitted(&[], Some(RangeCond::Gt(s("a")))),
            ["ab/1", "b/0", "b/1", "c/5"]
        );
        assert_eq!(admitted(&[], Some(RangeCond::Le(s("ab")))), ["a/2", "a/10", "ab/1"]);
        assert_eq!(admitted(&[], Some(RangeCond::Lt(s("b")))), ["a/2", "a/10", "ab/1"]);
        assert_eq!(admitted(&[], Some(RangeCond::Ge(s("b")))), ["b/0", "b/1", "c/5"]);
        assert_eq!(
            admitted(&[], Some(RangeCond::Between(s("ab"), s("b")))),
            ["ab/1", "b/0", "b/1"]
        );
        assert_eq!(
            admitted(&[], Some(RangeCond::BeginsWith(s("a")))),
            ["a/2", "a/10", "ab/1"]
        );
        assert_eq!(admitted(&[s("a")], None), ["a/2", "a/10"]);
    }

    #[test]
    fn bounds_after_an_equal_prefix() {
        let (a, b) = (KeyValue::S("a".into()), KeyValue::S("b".into()));
        let n = |v: &str| KeyValue::N(Number::parse(v).unwrap());
        assert_eq!(
            admitted(std::slice::from_ref(&a), Some(RangeCond::Gt(n("2")))),
            ["a/10"]
        );
        assert_eq!(
            admitted(std::slice::from_ref(&a), Some(RangeCond::Le(n("10")))),
            ["a/2", "a/10"]
        );
        assert_eq!(admitted(std::slice::from_ref(&b), Some(RangeCond::Lt(n("1")))), ["b/0"]);
        assert_eq!(
            admitted(std::slice::from_ref(&b), Some(RangeCond::Between(n("0"), n("0")))),
            ["b/0"]
        );
        assert_eq!(
            admitted(std::slice::from_ref(&a), Some(RangeCond::Eq(n("10")))),
            ["a/10"]
        );
        assert_eq!(admitted(&[], Some(RangeCond::Eq(a))), ["a/2", "a/10"]);
        assert!(admitted(&[b, n("7")], None).is_empty());
    }
}
