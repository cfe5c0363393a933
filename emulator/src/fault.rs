//! Test-only fault injection, so a conformance suite can prove it notices a broken server.
//!
//! Compiled only with the `faults` cargo feature, and even then off until
//! [`crate::Builder::fault`] switches it on. A fault applies to every
//! request the emulator answers, whichever transport carried it: the engine is synchronous, so
//! [`Engine::handle`](crate::Engine::handle) scopes the fault to the calling thread for exactly
//! the duration of one request. Each fault is checked in one place in `ops/`.

use std::cell::Cell;

use crate::model::Item;

/// A deliberate deviation from DynamoDB. Never use outside tests of test suites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Every ConditionExpression (and legacy `Expected`) holds: PutItem, UpdateItem, DeleteItem
    /// and TransactWriteItems never fail their condition checks.
    IgnoreConditions,
    /// Query drops the last item of every non-empty page.
    DropLastQueryItem,
    /// Scan drops the last item of every non-empty page.
    DropLastScanItem,
    /// PutItem keeps the old item's attributes the new item does not have, instead of replacing
    /// the whole item.
    PutMergesAttributes,
}

thread_local! {
    static ACTIVE: Cell<Option<Fault>> = const { Cell::new(None) };
}

/// Runs `f` (one request) with `fault` active on this thread.
pub(crate) fn scoped<R>(fault: Option<Fault>, f: impl FnOnce() -> R) -> R {
    if fault.is_none() {
        return f();
    }
    struct Reset(Option<Fault>);
    impl Drop for Reset {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.set(self.0));
        }
    }
    let _reset = Reset(ACTIVE.with(|a| a.replace(fault)));
    f()
}

pub(crate) fn active(fault: Fault) -> bool {
    ACTIVE.with(|a| a.get()) == Some(fault)
}

/// Applies [`Fault::PutMergesAttributes`] to an item PutItem is about to store.
pub(crate) fn put_item(fault: Option<Fault>, mut item: Item, old: Option<&Item>) -> Item {
    if let (Some(Fault::PutMergesAttributes), Some(old)) = (fault, old) {
        for (name, value) in old {
            item.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }
    item
}
