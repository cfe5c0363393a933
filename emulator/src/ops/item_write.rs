//! What PutItem, UpdateItem and DeleteItem share around their table's write lock: the item a
//! write replaces ([`Old`]) and the decision a write makes from it ([`decide_then_lock`]), made
//! before the lock where it can be and checked under it; and what a batch's or a transaction's
//! write of one item charges ([`write_charge`]), from the same [`Old`].

use std::cell::OnceCell;
use std::sync::Arc;

use super::common::{condition_failed, touched_indexes, units_of_write, CapacityDetail, Touched, WriteReturns};
use super::expressions;
use super::Cx;
use crate::error::Result;
use crate::expr::Condition;
use crate::model::{Item, PrimaryKey, TableDef};
use crate::store::{Keyed, Recording, Table};

/// The item a write replaces, as its table holds it, decoded only when a step reads it (a
/// condition, ReturnValues, an item collection's size, capacity per index): a plain PutItem,
/// DeleteItem or batch or transaction write never decodes it.
pub struct Old {
    stored: Option<Keyed>,
    decoded: OnceCell<Option<Item>>,
}

impl Old {
    pub fn new(stored: Option<&Keyed>) -> Old {
        Old {
            stored: stored.cloned(),
            decoded: OnceCell::new(),
        }
    }

    pub fn item(&self) -> Option<&Item> {
        self.decoded
            .get_or_init(|| self.stored.as_ref().map(|s| s.item()))
            .as_ref()
    }

    /// Its size as a write is billed for it ([`TableDef::billed_size`]; 0 when there is none): its
    /// stored size, read without decoding it, unless the table has vector indexes.
    pub fn billed_size(&self, def: &TableDef) -> usize {
        match def.vector_indexes.is_empty() {
            true => self.size(),
            false => self.item().map_or(0, |i| def.billed_size(i)),
        }
    }

    /// Its stored size (0 when there is none), read without decoding it: what reading it costs.
    pub fn size(&self) -> usize {
        self.stored.as_ref().map_or(0, |s| s.size())
    }

    /// The item decoded, handed over to become a new one (UpdateItem's): no copy when a step
    /// decoded it already; a later [`Old::item`] decodes it again.
    pub fn take_item(&mut self) -> Option<Item> {
        match self.decoded.take() {
            Some(decoded) => decoded,
            None => self.stored.as_ref().map(|s| s.item()),
        }
    }

    pub fn into_item(self) -> Option<Item> {
        let Old { stored, decoded } = self;
        decoded.into_inner().unwrap_or_else(|| stored.map(|s| s.item()))
    }

    /// Whether the table still holds this very item (or still none) where `stored` was read.
    fn is(&self, stored: Option<&Keyed>) -> bool {
        match (&self.stored, stored) {
            (Some(old), Some(now)) => old.same(now),
            (old, now) => old.is_none() && now.is_none(),
        }
    }
}

/// The write units of replacing `old` by `new` (none: a delete), by the larger as billed
/// ([`TableDef::billed_size`]).
pub fn write_units(def: &TableDef, old: &Old, new: Option<&Item>) -> f64 {
    units_of_write(old.billed_size(def), new.map_or(0, |i| def.billed_size(i)))
}

/// What a write of many items charges for one, replacing `old` by `new`: its units (by the larger
/// size, the replaced item's read from its stored form) and, when capacity is asked for, what
/// each index it touches is charged (in the total too), the only step here that decodes the
/// replaced item.
pub fn write_charge(detail: CapacityDetail, def: &TableDef, old: &Old, new: Option<&Item>) -> (f64, Touched) {
    let units = write_units(def, old, new);
    let touched = match detail {
        CapacityDetail::None => Touched::default(),
        _ => touched_indexes(def, old.item(), new),
    };
    (units, touched)
}

/// Refuses a write whose condition does not hold on the item it replaces (with that item when
/// ReturnValuesOnConditionCheckFailure asked for it).
pub fn check_condition(cx: &Cx, condition: Option<&Condition>, returns: WriteReturns, old: &Old) -> Result<()> {
    match expressions::holds(cx, condition, || old.item()) {
        true => Ok(()),
        false => Err(condition_failed(returns.old_on_condition_failure, old.item())),
    }
}

/// `table`'s write lock for a write of the item at `slot` (whose key is `key`), with the item
/// there and what `decide` made of it: everything that depends only on the table's definition
/// and that item (the condition, the new item staged, the answer), or the error it raised.
///
/// With `early`, `decide` runs before the write lock, on the item as the read lock found it, and
/// its decision stands if, under the write lock, the definition is the same and the table has
/// changed no item since, or the slot holds that very item (the allocation `Old` keeps alive, so
/// never another item at the same address); otherwise it runs again under the lock. Either way the outcome is that of deciding under the
/// lock, where a racing write costs one more decision, and the lock covers lookups and map
/// updates only. Without `early` (a write with nothing to decide, such as a plain PutItem) the
/// read is not worth its cost. A transaction in flight on the item is refused before any
/// decision counts, as when everything ran under the lock.
pub fn decide_then_lock<'t, D>(
    cx: &Cx,
    table: &'t Table,
    key: &PrimaryKey,
    slot: &[u8],
    early: bool,
    decide: impl Fn(&Arc<TableDef>, &mut Old) -> Result<D>,
) -> Result<(Recording<'t>, Old, D)> {
    let seen = match early {
        true => {
            let state = cx.read(table)?;
            Some((state.def.clone(), state.changes(), Old::new(state.get_at(slot))))
        }
        false => None,
    };
    let early = seen.map(|(def, changes, mut old)| {
        let decided = decide(&def, &mut old);
        (def, changes, old, decided)
    });
    let state = cx.write(table)?;
    cx.engine.transactions.check_free(cx.ns, &table.name, key)?;
    // No change since the read, or none to this item: the one lookup under the lock is the write's.
    let stands = |def: &Arc<TableDef>, changes: u64, old: &Old| {
        Arc::ptr_eq(def, &state.def) && (changes == state.changes() || old.is(state.get_at(slot)))
    };
    let (old, decided) = match early {
        Some((def, changes, old, decided)) if stands(&def, changes, &old) => (old, decided),
        _ => {
            let mut old = Old::new(state.get_at(slot));
            let decided = decide(&state.def, &mut old);
            (old, decided)
        }
    };
    Ok((state, old, decided?))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::time::SystemTime;

    use super::*;
    use crate::clock::Clock;
    use crate::engine::Engine;
    use crate::model::AttributeValue;
    use crate::store::{test_def, Slot};

    fn item(v: &str) -> Item {
        [("pk", "k"), ("v", v)]
            .into_iter()
            .map(|(n, s)| (n.to_string(), AttributeValue::S(s.into())))
            .collect()
    }

    /// Runs [`decide_then_lock`] on the item at pk "k" (holding `v` "1"), with `race` run once
    /// by the first decision, and returns the old items each decision saw and the decision kept.
    fn decide_with(race: impl Fn(&Table)) -> (Vec<Option<Item>>, Option<Item>) {
        let engine = Engine::new(Clock::manual(SystemTime::UNIX_EPOCH));
        let ns = engine.namespace("123456789012", "us-east-1");
        let cx = Cx::new(&engine, &ns, None);
        let table = Table::new(test_def(), 0);
        table.state.write().put(item("1"));
        let key = table.def().key.key_of(&item("1")).unwrap();
        let slot = Slot::new(&key);
        let seen = RefCell::new(Vec::new());
        let decide = |_: &Arc<TableDef>, old: &mut Old| {
            if seen.borrow().is_empty() {
                race(&table);
            }
            seen.borrow_mut().push(old.item().cloned());
            Ok(old.item().cloned())
        };
        let (state, old, decided) = decide_then_lock(&cx, &table, &key, slot.bytes(), true, decide).unwrap();
        assert_eq!(old.item(), decided.as_ref());
        assert_eq!(state.get(&key).map(|s| s.item()), decided);
        (seen.into_inner(), decided)
    }

    /// UpdateItem takes the decoded old item to build the new one; a step that reads the old item
    /// later (capacity per index, an item collection) still finds it, decoded again.
    #[test]
    fn a_taken_item_is_decoded_again_for_a_later_reader() {
        let table = Table::new(test_def(), 0);
        table.state.write().put(item("1"));
        let state = table.state.read();
        let slot = Slot::new(&table.def().key.key_of(&item("1")).unwrap());
        let mut old = Old::new(state.get_at(slot.bytes()));
        assert_eq!(old.take_item(), Some(item("1")), "taken before any step decoded it");
        assert_eq!(old.item(), Some(&item("1")));
        assert_eq!(old.take_item(), Some(item("1")), "taken after a step decoded it");
        assert_eq!(old.item(), Some(&item("1")));
        assert_eq!(Old::new(None).take_item(), None);
    }

    #[test]
    fn an_early_decision_on_the_item_still_stored_stands() {
        let (seen, decided) = decide_with(|_| ());
        assert_eq!(seen, [Some(item("1"))]);
        assert_eq!(decided, Some(item("1")));
    }

    /// A write to another item changes the table but not this item: the decision stands.
    #[test]
    fn a_write_to_another_item_leaves_the_early_decision_standing() {
        let (seen, decided) = decide_with(|table| {
            let mut other = item("2");
            other.insert("pk".into(), AttributeValue::S("other".into()));
            table.state.write().put(other);
        });
        assert_eq!(seen, [Some(item("1"))]);
        assert_eq!(decided, Some(item("1")));
    }

    /// A write between the early read and the write lock (here from inside the first decision,
    /// which runs with no lock held) makes the write decide again, on the item it replaces.
    #[test]
    fn a_write_racing_the_early_decision_is_decided_again_under_the_lock() {
        let (seen, decided) = decide_with(|table| {
            table.state.write().put(item("2"));
        });
        assert_eq!(seen, [Some(item("1")), Some(item("2"))]);
        assert_eq!(decided, Some(item("2")));
    }
}
