//! Test-only fault injection, so a conformance suite can prove it notices a broken server.
//!
//! Compiled only with the `faults` cargo feature, and even then off until
//! [`crate::Builder::fault`] switches it on. A fault applies to every
//! request the emulator answers, whichever transport carried it: each request's context
//! (`ops::Cx`) carries it, and each fault is checked in one place in `ops/`.

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

/// Applies [`Fault::PutMergesAttributes`] to an item PutItem is about to store.
pub(crate) fn put_item(fault: Option<Fault>, mut item: Item, old: Option<&Item>) -> Item {
    if let (Some(Fault::PutMergesAttributes), Some(old)) = (fault, old) {
        for (name, value) in old {
            item.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }
    item
}
