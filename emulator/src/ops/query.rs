//! Query: one partition of the table or of an index, in sort-key order, as exact ranges of the
//! ordered store, so a page costs what it returns, not what the table holds.

use std::ops::Bound;

use super::answer::Page;
use super::common::{data_table, key_size_error};
use super::read::{collect, rows_between, PageSpec, ReadInput, Source};
use super::Cx;
use crate::error::{Error, Result};
use crate::expr::{Condition, KeyCondition, RangeCond};
use crate::fault::Fault;
use crate::model::{KeySchema, KeyValue};
use crate::store::{Slot, SortPart, SortPos};

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
    let state = table.state.read();
    let source = Source::for_index(&table, &state, read.index.as_deref(), read.consistent_read, cx.now_millis)?;
    let select = source.select(read)?;
    check_filter_keys(read.exprs.filter.as_ref(), input.query_filter, source.key())?;
    let range = input.key_condition.resolve(source.key())?;
    // Condition values are keys, so they are held to the key size limits.
    let sort_values = range.sort_prefix.iter().chain(range.sort.iter().flat_map(RangeCond::values));
    let values = range.hash.iter().map(|v| (v, true)).chain(sort_values.map(|v| (v, false)));
    if let Some(e) = values.into_iter().find_map(|(v, hash)| key_size_error(&v.to_attr(), hash)) {
        return Err(e);
    }
    let start = source.start_key(&read.exclusive_start_key)?;

    let (lo, hi) = sort_bounds(&range.sort_prefix, range.sort.as_ref());
    let at = |pos: SortPos| Slot::at(&range.hash, pos);
    let (lo, hi) = (lo.map(at), hi.map(at));
    if let Some(start) = &start {
        check_boundary(start.hash() == &range.hash)?;
    }
    let rows = rows_between(&source, lo, hi, start, input.forward);
    let mut page = collect(&source, rows, PageSpec::of(read, select), read.consistent_read, read.capacity);
    if cx.fault == Some(Fault::DropLastQueryItem) {
        page.drop_last();
    }
    Ok(page)
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

/// Sort positions a condition admits: those starting with `prefix` and then (if given) a value
/// the condition accepts. Without either, the whole partition.
pub(super) fn sort_bounds(prefix: &[KeyValue], cond: Option<&RangeCond>) -> (Bound<SortPos>, Bound<SortPos>) {
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
        Some(RangeCond::BeginsWith(p)) => (Included(at(&[key(p)])), Included(at(&[SortPart::PrefixEnd(p.clone())]))),
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
            (partition(parts.into_iter().map(SortPart::Key).collect()), format!("{s}/{n}"))
        };
        let mut keys = vec![key("b", "1"), key("a", "10"), key("ab", "1"), key("a", "2"), key("b", "0"), key("c", "5")];
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
        stored().into_iter().filter(|(k, _)| bounds.contains(k)).map(|(_, text)| text).collect()
    }

    #[test]
    fn composite_sort_keys_order_part_by_part() {
        assert_eq!(admitted(&[], None), ["a/2", "a/10", "ab/1", "b/0", "b/1", "c/5"]);
    }

    #[test]
    fn bounds_on_the_first_of_two_sort_attributes() {
        let s = |v: &str| KeyValue::S(v.into());
        assert_eq!(admitted(&[], Some(RangeCond::Gt(s("a")))), ["ab/1", "b/0", "b/1", "c/5"]);
        assert_eq!(admitted(&[], Some(RangeCond::Le(s("ab")))), ["a/2", "a/10", "ab/1"]);
        assert_eq!(admitted(&[], Some(RangeCond::Lt(s("b")))), ["a/2", "a/10", "ab/1"]);
        assert_eq!(admitted(&[], Some(RangeCond::Ge(s("b")))), ["b/0", "b/1", "c/5"]);
        assert_eq!(admitted(&[], Some(RangeCond::Between(s("ab"), s("b")))), ["ab/1", "b/0", "b/1"]);
        assert_eq!(admitted(&[], Some(RangeCond::BeginsWith(s("a")))), ["a/2", "a/10", "ab/1"]);
        assert_eq!(admitted(&[s("a")], None), ["a/2", "a/10"]);
    }

    #[test]
    fn bounds_after_an_equal_prefix() {
        let (a, b) = (KeyValue::S("a".into()), KeyValue::S("b".into()));
        let n = |v: &str| KeyValue::N(Number::parse(v).unwrap());
        assert_eq!(admitted(&[a.clone()], Some(RangeCond::Gt(n("2")))), ["a/10"]);
        assert_eq!(admitted(&[a.clone()], Some(RangeCond::Le(n("10")))), ["a/2", "a/10"]);
        assert_eq!(admitted(&[b.clone()], Some(RangeCond::Lt(n("1")))), ["b/0"]);
        assert_eq!(admitted(&[b.clone()], Some(RangeCond::Between(n("0"), n("0")))), ["b/0"]);
        assert_eq!(admitted(&[a.clone()], Some(RangeCond::Eq(n("10")))), ["a/10"]);
        assert_eq!(admitted(&[], Some(RangeCond::Eq(a))), ["a/2", "a/10"]);
        assert!(admitted(&[b, n("7")], None).is_empty());
    }
}
