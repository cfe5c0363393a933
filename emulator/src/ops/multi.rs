//! Pieces the multi-item operations (BatchGetItem, BatchWriteItem, TransactGetItems,
//! TransactWriteItems and their PartiQL twins) share: per-table consumed capacity.

use std::collections::BTreeMap;

use super::answer::ConsumedCapacity;
use super::common::{CapacityDetail, Touched};

/// Consumed capacity of one table within a multi-item request.
#[derive(Default)]
pub struct TableUnits {
    pub table: f64,
    /// The part of `table` that reads.
    pub read: f64,
    pub global: BTreeMap<String, f64>,
    pub local: BTreeMap<String, f64>,
    /// What a batch's refused writes were charged: in the total, in no arm (`statements::Refused`).
    pub refused: f64,
}

impl TableUnits {
    /// Charges `units` to the table and to each index a write touched its own units (a
    /// transaction doubles the table's units, not the indexes': AWS-verified, FIDELITY.md).
    pub fn add(&mut self, units: f64, indexes: Touched) {
        self.table += units;
        let Touched { global, local, .. } = indexes;
        for (charged, sums) in [(global, &mut self.global), (local, &mut self.local)] {
            for (index, units) in charged {
                *sums.entry(index).or_default() += units;
            }
        }
    }

    /// Charges the table `units` for a read.
    pub fn read(&mut self, units: f64) {
        self.table += units;
        self.read += units;
    }
}

/// How a multi-item answer reports its units: as one sum (the batches), or also split into reads
/// and writes (the transactions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Sum,
    ReadsAndWrites,
}

/// The `ConsumedCapacity` list of a multi-item answer (one entry per table, in name order), when
/// the request asked for it.
pub fn capacities(
    detail: CapacityDetail,
    report: Report,
    units: BTreeMap<String, TableUnits>,
) -> Option<Vec<ConsumedCapacity>> {
    (detail != CapacityDetail::None).then(|| {
        units
            .into_iter()
            .map(|(table, u)| ConsumedCapacity {
                table,
                indexes_detail: detail == CapacityDetail::Indexes,
                table_units: u.table,
                global_indexes: u.global,
                local_indexes: u.local,
                vector_indexes: BTreeMap::new(),
                transaction_reads: (report == Report::ReadsAndWrites).then_some(u.read),
                refused: u.refused,
            })
            .collect()
    })
}
