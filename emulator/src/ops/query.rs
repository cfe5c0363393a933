//! Query: one partition of the table or of an index, in sort-key order, as exact ranges of the
//! ordered store, so a page costs what it returns, not what the table holds.

use super::answer::Page;
use super::common::{data_table, empty_index_query_key, empty_key_error, key_size_error};
use super::read::{collect_page, rows_between, sort_bounds, Mismatch, PageSpec, ReadInput, Reader, Source};
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::{Condition, KeyCondition, KeyRange, RangeCond};
use crate::model::{KeySchema, KeyValues};
use crate::store::Slot;

pub struct Input {
    pub read: ReadInput,
    /// KeyConditionExpression or KeyConditions, parsed.
    pub key_condition: KeyCondition,
    /// ScanIndexForward.
    pub forward: bool,
    /// The filter came as QueryFilter (not FilterExpression); errors name it.
    pub query_filter: bool,
}

pub type Output = Page;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let read = &input.read;
    let table = data_table(cx, &read.table)?;
    let state = cx.read(&table)?;
    let source = Source::for_index(cx, &table, &state, read.index.as_deref(), read.consistent_read, Reader::Query)?;
    let select = source.select(read)?;
    check_filter_keys(read.exprs.filter.as_ref(), input.query_filter, source.key())?;
    source.check_scalar_keys(read)?;
    let range = input.key_condition.resolve(source.key())?;
    // An equality names a key value, which may not be empty (moto #7062 quotes AWS's answer), on
    // an index in the index's words.
    let key = source.key();
    let sort_eq = range.sort.iter().filter_map(|c| match c {
        RangeCond::Eq(v) => Some(v),
        _ => None,
    });
    let equalities = key.hash.iter().zip(&range.hash).chain(key.range.iter().zip(range.sort_prefix.iter().chain(sort_eq)));
    let empty = |attr, v: &crate::model::AttributeValue| match read.index.as_deref() {
        Some(index) => empty_index_query_key(index, attr, v),
        None => empty_key_error(attr, v),
    };
    if let Some(e) = equalities.into_iter().find_map(|(attr, v)| empty(attr, &v.to_attr())) {
        return Err(e);
    }
    // Condition values are keys, so they are held to the key size limits.
    let sort_values = range.sort_prefix.iter().chain(range.sort.iter().flat_map(RangeCond::values));
    let values = range.hash.iter().map(|v| (v, true)).chain(sort_values.map(|v| (v, false)));
    if let Some(e) = values.into_iter().find_map(|(v, hash)| key_size_error(&v.to_attr(), hash)) {
        return Err(e);
    }
    let start = source.start_key(read.exclusive_start_key.as_ref(), Mismatch::Bare)?;
    // A Query of a hash-only table names one item at most: it has no next page to resume, so it
    // refuses a start key and never answers one.
    let single_row = read.index.is_none() && source.key().range.is_empty();
    if start.is_some() && single_row {
        return Err(Error::validation(
            "The provided starting key is invalid: The query can return at most one row and cannot be restarted",
        ));
    }

    let (lo, hi) = sort_bounds(&range.sort_prefix, range.sort.as_ref());
    let (lo, hi) = Slot::bounds(&range.hash, lo.as_ref(), hi.as_ref());
    if let Some(start) = &start {
        check_range_predicate(start.range(), &range)?;
        check_boundary(start.hash() == &range.hash)?;
    }
    let rows = rows_between(&source, lo, hi, start, input.forward);
    let mut page = collect_page(cx, &source, rows, PageSpec::of(read, select), read.consistent_read, read.capacity)?;
    if single_row {
        page.last_evaluated_key = None;
    }
    #[cfg(feature = "faults")]
    let page = match cx.fault {
        Some(crate::fault::Fault::DropLastQueryItem) => page.without_last(),
        _ => page,
    };
    Ok(page)
}

/// A start key whose sort key the key condition excludes is refused, before its partition is
/// compared (dynalite's tests, run against AWS: "ExclusiveStartKey with non-matching range key"
/// in query.js; applications quote the same answer from AWS). On a multi-attribute sort key the
/// leading attributes the condition holds equal are compared too (our reading).
fn check_range_predicate(sort: &KeyValues, range: &KeyRange) -> Result<()> {
    let prefix = sort.iter().zip(&range.sort_prefix).all(|(v, held)| v == held);
    let last = range.sort.as_ref().is_none_or(|cond| sort.get(range.sort_prefix.len()).is_some_and(|v| cond.matches(v)));
    match prefix && last {
        true => Ok(()),
        false => Err(Error::validation("The provided starting key does not match the range key predicate")),
    }
}

/// A Query's filter may not read a key attribute of the table or index queried: the key
/// condition is the place for those. (Scan's filter may.)
fn check_filter_keys(filter: Option<&Condition>, query_filter: bool, key: &KeySchema) -> Result<()> {
    let Some(path) = filter.and_then(|f| f.find_path(&|p| key.contains(p.head()))) else {
        return Ok(());
    };
    let what = if query_filter { "QueryFilter" } else { "Filter Expression" };
    Err(Error::validation(format!(
        "{what} can only contain non-primary key attributes: Primary key attribute: {}",
        path.head()
    )))
}

fn check_boundary(inside: bool) -> Result<()> {
    if inside {
        Ok(())
    } else {
        Err(Error::validation(
            "The provided starting key is outside query boundaries based on provided conditions",
        ))
    }
}
