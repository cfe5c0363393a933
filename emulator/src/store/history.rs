//! Past versions of a table's data, kept only while a chaos plan asks for stale reads or index
//! lag (`crate::chaos`), so an eventually consistent read can see the table as it was a while or a
//! few writes ago. A version is a whole `TableData` clone, which shares every node with the live
//! data (see `TableData`), so keeping one costs what the next write copies, not the table's size.
//! The history is generic over the version it keeps, so the table that holds it is not named
//! here (`Recording`, which files versions, is in `recording.rs`).

use std::collections::VecDeque;

/// At most this many versions per table, whatever the plan asks: the history stays bounded
/// under any write rate (a read asking further back sees the oldest version kept).
const MAX_VERSIONS: usize = 1024;

/// How far back reads of a table may look, so older versions can be dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keep {
    /// Versions replaced within this many milliseconds.
    pub millis: i64,
    /// The versions the last this-many writes replaced.
    pub writes: usize,
}

/// Versions of a table's data, oldest first, each with the clock time (milliseconds) at which a
/// write replaced it: a version was what reads saw until then.
pub struct History<D> {
    versions: VecDeque<(i64, D)>,
    /// When the newest version dropped was replaced: reads as of this time or later are exact.
    exact_since: i64,
}

impl<D> Default for History<D> {
    fn default() -> History<D> {
        History {
            versions: VecDeque::new(),
            exact_since: i64::MIN,
        }
    }
}

impl<D> History<D> {
    /// Files `before`, replaced by a write at `at`, and drops what `keep` no longer needs.
    pub(super) fn record(&mut self, at: i64, before: D, keep: Keep) {
        self.versions.push_back((at, before));
        while self.versions.len() > MAX_VERSIONS
            || self.versions.len() > keep.writes && self.versions.front().is_some_and(|(t, _)| *t <= at - keep.millis)
        {
            if let Some((replaced, _)) = self.versions.pop_front() {
                self.exact_since = replaced;
            }
        }
    }

    /// The earliest time [`History::as_of`] answers exactly for: versions replaced before it were
    /// dropped (`i64::MIN` while none was).
    pub fn exact_since(&self) -> i64 {
        self.exact_since
    }

    /// The data a read sees when it lags to the clock time `as_of` and also misses the last
    /// `writes_ago` writes (whichever is older); `current` when neither goes back.
    pub fn as_of<'a>(&'a self, current: &'a D, as_of: i64, writes_ago: usize) -> &'a D {
        let by_time = self.versions.partition_point(|(replaced, _)| *replaced <= as_of);
        let by_writes = self.versions.len().saturating_sub(writes_ago);
        self.versions
            .get(by_time.min(by_writes))
            .map_or(current, |(_, data)| data)
    }

    /// Drops every version kept; reads are exact again only from `now` on.
    pub(super) fn clear(&mut self, now: i64) {
        self.versions.clear();
        self.exact_since = now;
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::model::{AttributeValue, Item, KeyValue};
    use crate::store::{Keyed, Slot, TableData};

    /// Data holding one item whose partition key is `n`.
    fn data(n: &str) -> TableData {
        let mut data = TableData::default();
        let slot = Slot::at(&[KeyValue::S(n.into())].into_iter().collect(), Default::default());
        let item = Item::from_iter([("pk".to_string(), AttributeValue::S(n.into()))]);
        data.items.insert(Keyed::new(slot.bytes(), &item));
        data
    }

    fn name(d: &TableData) -> String {
        d.items
            .iter()
            .next()
            .map(|item| format!("{:?}", item.get("pk").map(|v| v.value())))
            .unwrap_or_default()
    }

    #[test]
    fn a_read_sees_the_version_current_at_its_time_or_writes_ago() {
        let keep = Keep {
            millis: 1000,
            writes: 5,
        };
        let mut h = History::default();
        // v1 until 100, v2 until 200, v3 current.
        h.record(100, data("v1"), keep);
        h.record(200, data("v2"), keep);
        let current = data("v3");
        let at = |t, w| name(h.as_of(&current, t, w));
        assert_eq!(at(50, 0), name(&data("v1")));
        assert_eq!(at(100, 0), name(&data("v2")));
        assert_eq!(at(200, 0), name(&current));
        assert_eq!(at(200, 1), name(&data("v2")));
        assert_eq!(at(200, 9), name(&data("v1")));
        assert_eq!(at(150, 2), name(&data("v1")), "the older of the two");
    }

    #[test]
    fn versions_no_read_can_reach_are_dropped() {
        let mut h = History::default();
        let keep = Keep { millis: 100, writes: 1 };
        h.record(0, data("a"), keep);
        h.record(50, data("b"), keep);
        h.record(500, data("c"), keep);
        // "a" and "b" were replaced more than 100 ms before the last write, which keeps one.
        assert_eq!(h.versions.len(), 1);
        assert_eq!(h.exact_since(), 50, "reads before 50 would see b, which is gone");
        for t in 0..2000 {
            h.record(
                t + 1000,
                data("x"),
                Keep {
                    millis: i64::MAX / 2,
                    writes: usize::MAX,
                },
            );
        }
        assert_eq!(h.versions.len(), MAX_VERSIONS);
    }
}
