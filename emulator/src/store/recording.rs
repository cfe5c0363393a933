//! A table's write lock that files the data it replaced into the table's `History`: the one
//! place that knows both the table and its history, so neither names the other.

use std::ops::{Deref, DerefMut};

use parking_lot::RwLockWriteGuard;

use super::history::Keep;
use super::table::{TableData, TableState};

/// A table's write lock that, when released, files the data as it was when taken into the
/// table's history, if the holder changed it and history is kept for the table. Every item write
/// of a request takes the lock once, so one request (a batch's writes to one table, a
/// transaction's) is one version.
pub struct Recording<'t> {
    state: RwLockWriteGuard<'t, TableState>,
    before: Option<(i64, TableData, Keep)>,
}

impl<'t> Recording<'t> {
    /// The lock `state`, taken at `now`; `keep` says how much history the table keeps (`None`
    /// drops what it had).
    pub fn new(mut state: RwLockWriteGuard<'t, TableState>, now: i64, keep: Option<Keep>) -> Recording<'t> {
        if keep.is_none() {
            state.history.clear();
        }
        let before = keep.map(|keep| (now, state.data.clone(), keep));
        Recording { state, before }
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
        if let Some((at, before, keep)) = self.before.take() {
            if !before.items.ptr_eq(&self.state.data.items) {
                self.state.history.record(at, before, keep);
            }
        }
    }
}
