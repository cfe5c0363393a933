//! Pieces the multi-item operations (BatchGetItem, BatchWriteItem, TransactGetItems,
//! TransactWriteItems and their PartiQL twins) share: per-table consumed capacity.

use std::collections::BTreeMap;

use super::answer::ConsumedCapacity;
use super::common::CapacityDetail;

/// Consumed capacity of one table within a multi-item request.
#[derive(Default)]
pub struct TableUnits {
    pub table: f64,
    pub indexes: BTreeMap<String, f64>,
}

impl TableUnits {
    pub fn add(&mut self, units: f64, indexes: &[&str]) {
        self.table += units;
        for i in indexes {
            *self.indexes.entry(i.to_string()).or_default() += units;
        }
    }
}

/// The `ConsumedCapacity` list of a multi-item answer (one entry per table, in name order), when
/// the request asked for it.
pub fn capacities(detail: CapacityDetail, units: BTreeMap<String, TableUnits>) -> Option<Vec<ConsumedCapacity>> {
    (detail != CapacityDetail::None).then(|| {
        units
            .into_iter()
            .map(|(table, u)| ConsumedCapacity {
                table,
                indexes_detail: detail == CapacityDetail::Indexes,
                table_units: u.table,
                global_indexes: u.indexes,
                local_indexes: BTreeMap::new(),
            })
            .collect()
    })
}
