//! Time to Live: which items have expired, and an index by expiry time so a sweep costs
//! O(expired items) rather than O(table size).
//!
//! An item expires when its TTL attribute is a Number of epoch seconds earlier than now. Any other
//! type (strings, sets, lists), a missing attribute, or an expiry more than five years in the past
//! means the item never expires, as in DynamoDB.

use imbl::{OrdMap, OrdSet};

use super::slot::Keyed;
use crate::model::{Stored, View};

/// Expiry times further in the past than this are ignored by DynamoDB's TTL process.
pub const FIVE_YEARS_SECS: i64 = 5 * 365 * 24 * 60 * 60;

/// The expiry (epoch seconds, integer part) an item carries in `attribute`, if it is a Number that
/// fits in an `i64`.
pub fn expiry_of(item: &Stored, attribute: &str) -> Option<i64> {
    match item.get(attribute)? {
        View::N(n) => n.to_i64(),
        _ => None,
    }
}

/// The range of expiry seconds that counts as expired at `now_millis`: earlier than now, but not
/// more than five years earlier.
pub fn expired_range(now_millis: i64) -> std::ops::RangeInclusive<i64> {
    let now_secs = now_millis.div_euclid(1000);
    // `expiry * 1000 < now_millis` ⇔ `expiry <= ceil(now_millis / 1000) - 1`.
    let latest = (now_millis.saturating_add(999)).div_euclid(1000) - 1;
    now_secs.saturating_sub(FIVE_YEARS_SECS)..=latest
}

pub fn is_expired(item: &Stored, attribute: &str, now_millis: i64) -> bool {
    expiry_of(item, attribute).is_some_and(|e| expired_range(now_millis).contains(&e))
}

/// TTL settings of one table while TTL is enabled, with its items indexed by expiry time.
#[derive(Clone, Debug)]
pub struct TtlIndex {
    pub attribute: String,
    /// The items (ordered by slot) by expiry time; they are the table's own, shared.
    by_expiry: OrdMap<i64, OrdSet<Keyed>>,
}

impl TtlIndex {
    /// An index over `items`, built when TTL is enabled on a table that may already hold items.
    pub fn build<'a>(attribute: String, items: impl IntoIterator<Item = &'a Keyed>) -> TtlIndex {
        let mut index = TtlIndex {
            attribute,
            by_expiry: OrdMap::new(),
        };
        for item in items {
            index.insert(item);
        }
        index
    }

    /// Records an item just stored (a no-op when it carries no usable expiry).
    pub fn insert(&mut self, item: &Keyed) {
        if let Some(e) = expiry_of(item, &self.attribute) {
            self.by_expiry.entry(e).or_default().insert(item.clone());
        }
    }

    /// Forgets an item just removed.
    pub fn remove(&mut self, item: &Keyed) {
        let Some(e) = expiry_of(item, &self.attribute) else {
            return;
        };
        if let Some(slots) = self.by_expiry.get_mut(&e) {
            slots.remove(item);
            if slots.is_empty() {
                self.by_expiry.remove(&e);
            }
        }
    }

    /// Items expired at `now_millis`, earliest expiry first, at most `max` of them.
    pub fn due(&self, now_millis: i64, max: usize) -> Vec<Keyed> {
        self.by_expiry
            .range(expired_range(now_millis))
            .flat_map(|(_, slots)| slots.iter().cloned())
            .take(max)
            .collect()
    }

    pub fn has_due(&self, now_millis: i64) -> bool {
        self.by_expiry.range(expired_range(now_millis)).next().is_some()
    }

    /// How many items carry a usable expiry (O(expiry times): for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_expiry.values().map(OrdSet::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeValue, Item, KeyValue, Number, PrimaryKey};
    use crate::store::Slot;

    const NOW_MS: i64 = 1_700_000_000_500;
    const NOW_S: i64 = 1_700_000_000;

    fn slot(pk: &str) -> Slot {
        Slot::new(&PrimaryKey {
            hash: [KeyValue::S(pk.into())].into(),
            range: Default::default(),
        })
    }

    /// An item of partition `pk`, carrying `ttl` in `exp`.
    fn keyed(pk: &str, ttl: Option<AttributeValue>) -> Keyed {
        let mut item = Item::new();
        if let Some(v) = ttl {
            item.insert("exp".into(), v);
        }
        Keyed::new(slot(pk).bytes(), &item)
    }

    fn item(ttl: Option<AttributeValue>) -> Keyed {
        keyed("a", ttl)
    }

    fn n(v: i64) -> AttributeValue {
        AttributeValue::N(Number::parse(&v.to_string()).unwrap())
    }

    /// The partition key each slot was made from, among the names these tests use.
    fn names(items: Vec<Keyed>) -> Vec<&'static str> {
        let known = ["late", "early", "future", "ancient", "string", "missing", "a", "b"];
        items
            .into_iter()
            .map(|i| {
                *known
                    .iter()
                    .find(|k| slot(k).bytes() == i.slot())
                    .expect("a known slot")
            })
            .collect()
    }

    #[test]
    fn expiry_boundaries() {
        assert!(is_expired(&item(Some(n(NOW_S))), "exp", NOW_MS));
        assert!(!is_expired(&item(Some(n(NOW_S))), "exp", NOW_S * 1000));
        assert!(is_expired(&item(Some(n(NOW_S))), "exp", NOW_S * 1000 + 1));
        assert!(!is_expired(&item(Some(n(NOW_S + 1))), "exp", NOW_MS));
        assert!(is_expired(&item(Some(n(NOW_S - FIVE_YEARS_SECS))), "exp", NOW_MS));
        assert!(!is_expired(&item(Some(n(NOW_S - FIVE_YEARS_SECS - 1))), "exp", NOW_MS));
        assert!(!is_expired(&item(None), "exp", NOW_MS));
        assert!(!is_expired(&item(Some(AttributeValue::S("1".into()))), "exp", NOW_MS));
        assert!(!is_expired(
            &item(Some(AttributeValue::Ns(vec![Number::parse("1").unwrap()]))),
            "exp",
            NOW_MS
        ));
        assert!(!is_expired(&item(Some(n(1))), "other", NOW_MS));
        // Fractions count by their integer part; huge numbers never expire.
        let frac = AttributeValue::N(Number::parse("1700000000.9").unwrap());
        assert_eq!(expiry_of(&item(Some(frac)), "exp"), Some(NOW_S));
        let huge = AttributeValue::N(Number::parse("1E+30").unwrap());
        assert_eq!(expiry_of(&item(Some(huge)), "exp"), None);
    }

    #[test]
    fn index_returns_only_due_items_in_expiry_order() {
        let items = [
            keyed("late", Some(n(NOW_S - 1))),
            keyed("early", Some(n(NOW_S - 100))),
            keyed("future", Some(n(NOW_S + 10))),
            keyed("ancient", Some(n(NOW_S - FIVE_YEARS_SECS - 1000))),
            keyed("string", Some(AttributeValue::S("5".into()))),
            keyed("missing", None),
        ];
        let index = TtlIndex::build("exp".into(), &items);
        assert_eq!(index.len(), 4);
        assert_eq!(names(index.due(NOW_MS, 10)), ["early", "late"]);
        assert_eq!(names(index.due(NOW_MS, 1)), ["early"]);
        assert!(index.has_due(NOW_MS));
        assert!(!index.has_due((NOW_S - 100) * 1000));
        assert_eq!(names(index.due((NOW_S + 11) * 1000, 10)), ["early", "late", "future"]);
    }

    #[test]
    fn insert_and_remove_keep_the_index_exact() {
        let mut index = TtlIndex::build("exp".into(), std::iter::empty());
        let old = keyed("a", Some(n(NOW_S - 5)));
        let b = keyed("b", Some(n(NOW_S - 5)));
        index.insert(&old);
        index.insert(&b);
        index.insert(&old); // same entry twice counts once
        assert_eq!(index.len(), 2);
        // `a` is rewritten with a later expiry: the caller removes the old version first.
        index.remove(&old);
        let new = keyed("a", Some(n(NOW_S + 60)));
        index.insert(&new);
        assert_eq!(names(index.due(NOW_MS, 10)), ["b"]);
        index.remove(&b);
        index.remove(&b); // removing twice is harmless
        assert_eq!(index.len(), 1);
        assert!(index.due(NOW_MS, 10).is_empty());
        assert_eq!(names(index.due((NOW_S + 61) * 1000, 10)), ["a"]);
        index.remove(&new);
        assert_eq!(index.len(), 0);
        assert!(index.by_expiry.is_empty());
    }
}
