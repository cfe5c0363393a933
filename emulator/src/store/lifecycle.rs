//! DynamoDB's transient statuses: a table is CREATING, UPDATING or DELETING, and an index added to
//! it (global secondary or vector) CREATING, for a while after the call that changed it. Off by
//! default (every deadline is "now", so everything is ACTIVE at once); with a delay the deadlines
//! lie ahead on the emulator's clock, so a manual clock steps through the states.
//!
//! This is the one place that answers "is this table or index usable now".

/// Where a table or index stands at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Creating,
    Updating,
    Deleting,
    Active,
}

/// A table's deadlines, in milliseconds on the emulator's clock; a status holds while `now` is
/// before its deadline.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    creating_until: i64,
    updating_until: i64,
    /// Set when DeleteTable took the table out of the catalogue.
    deleting_until: Option<i64>,
    /// Indexes added by UpdateTable, CREATING until their deadline.
    backfilling: Vec<Build>,
}

/// An index UpdateTable is adding: it allocates resources (a vector index only; Backfilling
/// false, the table UPDATING) until `allocating_until`, then backfills (Backfilling true) until
/// `until`.
#[derive(Clone, Debug)]
struct Build {
    name: String,
    allocating_until: i64,
    until: i64,
}

/// Where an index UpdateTable is adding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Allocating,
    Backfilling,
}

impl Lifecycle {
    /// A new table, CREATING until `until`.
    pub fn created(until: i64) -> Lifecycle {
        Lifecycle {
            creating_until: until,
            ..Lifecycle::default()
        }
    }

    /// The table's status at `now` (past its DELETING time a table is gone, which the store
    /// knows, not this).
    pub fn status(&self, now: i64) -> Status {
        if self.deleting_until.is_some_and(|until| now < until) {
            Status::Deleting
        } else if now < self.creating_until {
            Status::Creating
        } else if now < self.updating_until {
            Status::Updating
        } else {
            Status::Active
        }
    }

    /// Items can be read and written: the table is neither being created nor deleted.
    pub fn usable(&self, now: i64) -> bool {
        matches!(self.status(now), Status::Updating | Status::Active)
    }

    /// An index's status at `now` and, while one added by UpdateTable is CREATING, `Some(true)`
    /// for its Backfilling member (indexes created with the table are described without it).
    pub fn index_status(&self, index: &str, now: i64) -> (Status, Option<bool>) {
        if let Some(phase) = self.building(index, now) {
            (Status::Creating, Some(phase == Phase::Backfilling))
        } else if now < self.creating_until {
            (Status::Creating, None)
        } else {
            (Status::Active, None)
        }
    }

    /// An UpdateTable: the table is UPDATING until `until`, and each index it `added` backfills
    /// until then; indexes it removed are forgotten.
    pub fn update(&mut self, until: i64, added: impl IntoIterator<Item = String>, kept: impl Fn(&str) -> bool) {
        self.updating_until = until;
        self.backfilling.retain(|b| kept(&b.name));
        let build = |name| Build {
            name,
            allocating_until: i64::MIN,
            until,
        };
        self.backfilling.extend(added.into_iter().map(build));
    }

    /// An UpdateTable adding vector index `index` at `now`, settling at `until`: the first half
    /// allocates (the table UPDATING), the second backfills (the table ACTIVE again).
    pub fn build_vector(&mut self, index: String, now: i64, until: i64) {
        let allocating_until = now + (until - now) / 2;
        self.updating_until = allocating_until;
        self.backfilling.push(Build {
            name: index,
            allocating_until,
            until,
        });
    }

    /// The phase of index `index` at `now` while UpdateTable is still adding it.
    pub fn building(&self, index: &str, now: i64) -> Option<Phase> {
        let build = self.backfilling.iter().find(|b| b.name == index && now < b.until)?;
        Some(if now < build.allocating_until {
            Phase::Allocating
        } else {
            Phase::Backfilling
        })
    }

    /// Whether some index is still being added at `now`.
    pub fn builds_an_index(&self, now: i64) -> bool {
        self.backfilling.iter().any(|b| now < b.until)
    }

    /// Forgets an index being added (a Delete cancelling it).
    pub fn cancel(&mut self, index: &str) {
        self.backfilling.retain(|b| b.name != index);
    }

    /// A DeleteTable: the table is DELETING until `until`.
    pub fn delete(&mut self, until: i64) {
        self.deleting_until = Some(until);
    }

    /// When a DELETING table is gone for good.
    pub fn deleted_at(&self) -> Option<i64> {
        self.deleting_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_steps_from_creating_through_updating_to_deleting() {
        let mut l = Lifecycle::created(100);
        assert_eq!(l.status(99), Status::Creating);
        assert!(!l.usable(99));
        assert_eq!(l.status(100), Status::Active);
        l.update(200, ["g".to_string()], |_| true);
        assert_eq!(l.status(150), Status::Updating);
        assert!(l.usable(150));
        assert_eq!(l.index_status("g", 199), (Status::Creating, Some(true)));
        assert_eq!(l.index_status("g", 200), (Status::Active, None));
        l.delete(300);
        assert_eq!(l.status(250), Status::Deleting);
        assert_eq!(l.deleted_at(), Some(300));
    }

    #[test]
    fn indexes_created_with_the_table_have_no_backfilling_member() {
        let l = Lifecycle::created(100);
        assert_eq!(l.index_status("g", 50), (Status::Creating, None));
        assert_eq!(l.index_status("g", 100), (Status::Active, None));
    }

    #[test]
    fn a_removed_index_is_forgotten() {
        let mut l = Lifecycle::created(0);
        l.update(100, ["g".to_string()], |_| true);
        l.update(200, [], |name| name != "g");
        assert_eq!(l.index_status("g", 50), (Status::Active, None));
    }

    #[test]
    fn a_vector_index_allocates_then_backfills_and_a_cancel_forgets_it() {
        let mut l = Lifecycle::created(0);
        l.build_vector("v".to_string(), 100, 200);
        assert_eq!(
            (l.status(120), l.index_status("v", 120)),
            (Status::Updating, (Status::Creating, Some(false)))
        );
        assert_eq!(l.building("v", 149), Some(Phase::Allocating));
        assert_eq!(
            (l.status(150), l.index_status("v", 150)),
            (Status::Active, (Status::Creating, Some(true)))
        );
        assert!(l.builds_an_index(199));
        assert_eq!(l.index_status("v", 200), (Status::Active, None));
        assert!(!l.builds_an_index(200));
        l.build_vector("w".to_string(), 300, 400);
        l.cancel("w");
        assert_eq!(l.building("w", 350), None);
    }

    #[test]
    fn without_a_delay_everything_is_active_at_once() {
        let mut l = Lifecycle::created(10);
        l.update(10, ["g".to_string()], |_| true);
        assert_eq!(l.status(10), Status::Active);
        assert_eq!(l.index_status("g", 10), (Status::Active, None));
    }
}
