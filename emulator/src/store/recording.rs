//! A table's write lock that files the data it replaced into the table's histories (the chaos
//! plan's and point-in-time recovery's): the one place that knows both the table and its
//! histories, so neither names the other.

use std::ops::{Deref, DerefMut};

use parking_lot::RwLockWriteGuard;

use super::history::Keep;
use super::table::{TableData, TableState};

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// A table's write lock that, when released, files the data as it was when taken into the
/// table's histories, if the holder changed it and history is kept for the table: the chaos
/// plan's, and point-in-time recovery's while it is on. Every item write of a request takes the
/// lock once, so one request (a batch's writes to one table, a transaction's) is one version.
pub struct Recording<'t> {
    state: RwLockWriteGuard<'t, TableState>,
    /// When the lock was taken, and the data then.
    before: Option<(i64, TableData)>,
    /// How much of the chaos plan's history the table keeps.
    keep: Option<Keep>,
    /// How much point-in-time recovery keeps, while it is on: its recovery period.
    recovery: Option<Keep>,
}

impl<'t> Recording<'t> {
    /// The lock `state`, taken at `now`; `keep` says how much history the chaos plan keeps for
    /// the table (`None` drops what it had).
    pub fn new(mut state: RwLockWriteGuard<'t, TableState>, now: i64, keep: Option<Keep>) -> Recording<'t> {
        if keep.is_none() {
            state.history.clear(now);
        }
        let recovery = state.def.point_in_time_recovery.map(|p| Keep {
            millis: p.recovery_period_days * DAY_MILLIS,
            writes: 0,
        });
        if recovery.is_none() {
            state.recovery.clear(now);
        }
        let before = (keep.is_some() || recovery.is_some()).then(|| (now, state.data.clone()));
        Recording {
            state,
            before,
            keep,
            recovery,
        }
    }
}

impl Deref for Recording<'_> {
    type Target = TableState;
    fn deref(&self) -> &TableState {
        &self.state
    }
}

impl DerefMut for Recording<'_> {
    fn deref_mut(&mut self) -> &mut TableState {
        &mut self.state
    }
}

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        let Some((at, before)) = self.before.take() else { return };
        if before.items.ptr_eq(&self.state.data.items) {
            return;
        }
        if let Some(keep) = self.recovery {
            self.state.recovery.record(at, before.clone(), keep);
        }
        if let Some(keep) = self.keep {
            self.state.history.record(at, before, keep);
        }
    }
}
