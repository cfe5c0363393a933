//! What a request reports it consumed: capacity units per table and index, and the item
//! collections its writes touched. Plain values: `ops::answer` gathers them with the other
//! answer pieces, and the transaction registry keeps them for ClientRequestToken replays.

use std::collections::BTreeMap;

use super::Item;

/// `ConsumedCapacity` of one table, as ReturnConsumedCapacity asked for it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsumedCapacity {
    pub table: String,
    /// Whether the per-table and per-index parts are reported (INDEXES) or only the total (TOTAL).
    pub indexes_detail: bool,
    pub table_units: f64,
    pub global_indexes: BTreeMap<String, f64>,
    pub local_indexes: BTreeMap<String, f64>,
    /// VectorWriteRequestBytes of each vector index whose copy of the item a write changed;
    /// reported with INDEXES only, and not capacity units, so not in the total.
    #[serde(default)]
    pub vector_indexes: BTreeMap<String, u64>,
    /// A transaction's reads (gets, ConditionChecks, a ClientRequestToken replay), part of
    /// `table_units`: DynamoDB reports a transaction's units split into ReadCapacityUnits and
    /// WriteCapacityUnits beside their sum, other operations' as the sum alone.
    #[serde(default)]
    pub transaction_reads: Option<f64>,
    /// A BatchExecuteStatement's writes refused at their item: in the total only, as DynamoDB
    /// reports them (AWS-measured; FIDELITY.md).
    #[serde(default)]
    pub refused: f64,
}

impl ConsumedCapacity {
    /// The table's units plus every index's, and what refused writes were charged.
    pub fn total(&self) -> f64 {
        self.table_units
            + self.global_indexes.values().sum::<f64>()
            + self.local_indexes.values().sum::<f64>()
            + self.refused
    }
}

/// `ItemCollectionMetrics` of one item collection (a partition of a table with local indexes).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemCollectionMetrics {
    /// The collection's partition key attributes.
    pub key: Item,
}
