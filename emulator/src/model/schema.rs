//! Table and index schemas as stored after CreateTable/UpdateTable validated them.

use super::vector::vector_of;
use super::{
    AttributeValue, Distance, Item, KeyValue, KeyValues, ScalarType, SearchElement, SearchRole, Stored, VectorFault,
    MAX_HASH_KEY, MAX_RANGE_KEY,
};

/// A key attribute: name and declared scalar type.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyAttr {
    pub name: String,
    pub ty: ScalarType,
}

/// The key attributes of a table or index: HASH attributes, then RANGE attributes. Tables and LSIs
/// have one HASH and at most one RANGE attribute; a GSI up to four of each (multi-attribute keys).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeySchema {
    pub hash: Vec<KeyAttr>,
    pub range: Vec<KeyAttr>,
}

/// A key value: the partition values and the sort values, one per key attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrimaryKey {
    /// The partition key's values.
    pub hash: KeyValues,
    /// The sort key's values (none without a sort key).
    pub range: KeyValues,
}

impl KeySchema {
    /// A table's (or LSI's) key: one HASH attribute and an optional RANGE one.
    pub fn simple(hash: KeyAttr, range: Option<KeyAttr>) -> KeySchema {
        KeySchema {
            hash: vec![hash],
            range: range.into_iter().collect(),
        }
    }

    /// The first HASH attribute: for a table or LSI, its only one.
    pub fn partition(&self) -> &KeyAttr {
        &self.hash[0]
    }

    pub fn attrs(&self) -> impl Iterator<Item = &KeyAttr> {
        self.hash.iter().chain(&self.range)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.attrs().any(|a| a.name == name)
    }

    /// The key of an item in which every key attribute is present with its declared type (an
    /// index holds only such items).
    pub fn key_of(&self, item: &Item) -> Option<PrimaryKey> {
        self.key_with(|name| item.get(name).and_then(KeyValue::from_attr))
    }

    /// [`KeySchema::key_of`] read from a stored item's bytes, without decoding the item.
    pub fn key_of_stored(&self, item: &Stored) -> Option<PrimaryKey> {
        self.key_with(|name| item.get(name).and_then(KeyValue::from_view))
    }

    /// Whether `key_of_stored(item)` is `key`, read in place without building a key: what a write
    /// asks of the item it replaces for each index, where the answer is mostly yes.
    pub fn holds(&self, item: &Stored, key: &PrimaryKey) -> bool {
        let values = key.hash.iter().chain(&key.range);
        (self.hash.len(), self.range.len()) == (key.hash.len(), key.range.len())
            && self
                .attrs()
                .zip(values)
                .all(|(a, v)| item.get(&a.name).is_some_and(|view| v.is_view(view)))
    }

    /// The key whose values `get` finds by attribute name, each of its declared type.
    fn key_with(&self, get: impl Fn(&str) -> Option<KeyValue>) -> Option<PrimaryKey> {
        let values = |attrs: &[KeyAttr]| {
            attrs
                .iter()
                .map(|a| get(&a.name).filter(|k| k.scalar_type() == a.ty))
                .collect::<Option<KeyValues>>()
        };
        Some(PrimaryKey {
            hash: values(&self.hash)?,
            range: values(&self.range)?,
        })
    }

    /// Whether every key value `item` holds could be written as a key today: not an empty string
    /// or binary, and within the size limits. Items stored before an index was added may hold
    /// others; the backfill leaves them out of the index.
    pub fn accepts(&self, item: &Item) -> bool {
        let fits = |attrs: &[KeyAttr], max: usize| {
            attrs.iter().filter_map(|a| item.get(&a.name)).all(|v| match v {
                AttributeValue::S(s) if s.is_empty() => false,
                AttributeValue::B(b) if b.is_empty() => false,
                v => v.size() <= max,
            })
        };
        fits(&self.hash, MAX_HASH_KEY) && fits(&self.range, MAX_RANGE_KEY)
    }

    /// The key attributes of an item as an item (what DeleteItem keys and LastEvaluatedKey hold).
    pub fn project_key(&self, item: &Item) -> Item {
        self.attrs()
            .filter_map(|a| item.get(&a.name).map(|v| (a.name.clone(), v.clone())))
            .collect()
    }
}

impl PrimaryKey {
    /// The key as an item of its attributes under `schema`.
    pub fn to_item(&self, schema: &KeySchema) -> Item {
        let values = self.hash.iter().chain(&self.range);
        schema
            .attrs()
            .zip(values)
            .map(|(a, v)| (a.name.clone(), v.to_attr()))
            .collect()
    }

    /// The partition part alone, as an item (ItemCollectionMetrics' ItemCollectionKey).
    pub fn partition_item(&self, schema: &KeySchema) -> Item {
        schema
            .hash
            .iter()
            .zip(&self.hash)
            .map(|(a, v)| (a.name.clone(), v.to_attr()))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProjectionType {
    All,
    KeysOnly,
    Include,
}

impl ProjectionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionType::All => "ALL",
            ProjectionType::KeysOnly => "KEYS_ONLY",
            ProjectionType::Include => "INCLUDE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Projection {
    pub kind: ProjectionType,
    pub non_key_attributes: Vec<String>,
}

/// Read/write capacity of a provisioned table or GSI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Throughput {
    pub read: i64,
    pub write: i64,
}

impl Throughput {
    /// Each member the larger of the two.
    pub fn max(self, other: Throughput) -> Throughput {
        Throughput {
            read: self.read.max(other.read),
            write: self.write.max(other.write),
        }
    }
}

/// When a table's or GSI's provisioned capacity last rose and fell, and how many decreases the UTC
/// day of the last one saw: DescribeTable's LastIncreaseDateTime, LastDecreaseDateTime and
/// NumberOfDecreasesToday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CapacityChanges {
    pub last_increase_millis: Option<i64>,
    pub last_decrease_millis: Option<i64>,
    pub decreases_that_day: i64,
}

const DAY_MILLIS: i64 = 86_400_000;

impl CapacityChanges {
    /// Notes a change of capacity `from` → `to` at `now`: a rise of either member is an increase,
    /// a fall of either a decrease (both in one call count once each).
    pub fn record(&mut self, from: Throughput, to: Throughput, now_millis: i64) {
        if to.read > from.read || to.write > from.write {
            self.last_increase_millis = Some(now_millis);
        }
        if to.read < from.read || to.write < from.write {
            self.decreases_that_day = self.decreases_today(now_millis) + 1;
            self.last_decrease_millis = Some(now_millis);
        }
    }

    /// Decreases made on the UTC day of `now` (the count starts again at midnight).
    pub fn decreases_today(&self, now_millis: i64) -> i64 {
        let same_day = |t: i64| t.div_euclid(DAY_MILLIS) == now_millis.div_euclid(DAY_MILLIS);
        match self.last_decrease_millis {
            Some(t) if same_day(t) => self.decreases_that_day,
            _ => 0,
        }
    }
}

/// The most capacity units (and on-demand request units) a table or index may have in a region
/// by default, each kind: DescribeLimits' TableMaxRead/WriteCapacityUnits.
pub const TABLE_MAX_CAPACITY: i64 = 40_000;

/// The warm throughput DynamoDB gives an on-demand table or index unasked (units per second).
pub const ON_DEMAND_WARM: Throughput = Throughput {
    read: 12_000,
    write: 4_000,
};

/// The warm throughput of a table or index: the most it was ever made ready for (`warm`, which
/// never decreases), its provisioned capacity, or on-demand's initial throughput.
pub fn warm_throughput(warm: Throughput, billing_mode: BillingMode, throughput: Option<Throughput>) -> Throughput {
    let floor = match billing_mode {
        BillingMode::PayPerRequest => ON_DEMAND_WARM,
        BillingMode::Provisioned => throughput.unwrap_or_default(),
    };
    warm.max(floor)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BillingMode {
    Provisioned,
    PayPerRequest,
}

/// A global or local secondary index definition.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexDef {
    pub name: String,
    pub key: KeySchema,
    pub projection: Projection,
    /// GSIs on provisioned tables carry their own throughput; LSIs share the table's.
    pub throughput: Option<Throughput>,
    /// A GSI's warm throughput so far (see [`warm_throughput`]).
    #[serde(default)]
    pub warm: Throughput,
    #[serde(default)]
    pub capacity_changes: CapacityChanges,
    /// A GSI's own on-demand limits (independent of the table's).
    #[serde(default)]
    pub on_demand: OnDemandLimits,
}

impl IndexDef {
    /// Whether an attribute is stored in this index (keys of the index and of the table always are).
    pub fn projects(&self, table_key: &KeySchema, name: &str) -> bool {
        match self.projection.kind {
            ProjectionType::All => true,
            _ if self.key.contains(name) || table_key.contains(name) => true,
            ProjectionType::KeysOnly => false,
            ProjectionType::Include => self.projection.non_key_attributes.iter().any(|a| a == name),
        }
    }

    /// The copy of an item this index stores.
    pub fn project_item(&self, table_key: &KeySchema, item: &Item) -> Item {
        if self.projection.kind == ProjectionType::All {
            return item.clone();
        }
        item.iter()
            .filter(|(k, _)| self.projects(table_key, k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Everything CreateTable declared about a table, plus what later control-plane calls changed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TableDef {
    pub name: String,
    pub key: KeySchema,
    pub attribute_definitions: Vec<KeyAttr>,
    pub global_indexes: Vec<IndexDef>,
    pub local_indexes: Vec<IndexDef>,
    pub billing_mode: BillingMode,
    pub throughput: Throughput,
    /// Seconds since the epoch, with milliseconds, as DescribeTable returns it.
    pub created_at: f64,
    pub table_id: String,
    pub arn: String,
    pub deletion_protection: bool,
    pub stream: Option<StreamSpec>,
    /// The class CreateTable or UpdateTable set; `None` (never set) is STANDARD, and DescribeTable
    /// then shows no TableClassSummary.
    pub table_class: Option<String>,
    /// When UpdateTable last changed the class (seconds); `None` when only CreateTable set it.
    pub table_class_changed_at: Option<f64>,
    /// When the table last became on-demand (seconds); `None` if it never was.
    pub pay_per_request_since: Option<f64>,
    /// The table's warm throughput so far (see [`warm_throughput`]).
    #[serde(default)]
    pub warm: Throughput,
    #[serde(default)]
    pub capacity_changes: CapacityChanges,
    /// Encryption with a KMS key; `None` is DynamoDB's default (an AWS-owned key), which
    /// DescribeTable does not show.
    pub sse: Option<Sse>,
    /// `None` until UpdateContinuousBackups turns point-in-time recovery on.
    pub point_in_time_recovery: Option<PointInTimeRecovery>,
    /// What a restored table was restored from: DescribeTable's RestoreSummary while it is CREATING.
    #[serde(default)]
    pub restored_from: Option<RestoredFrom>,
    /// Contributor Insights of the table (key `""`) and of its global indexes (by name), once
    /// UpdateContributorInsights has set them.
    #[serde(default)]
    pub insights: std::collections::BTreeMap<String, Insights>,
    /// Vector indexes (SearchVectors), in the order they were defined.
    #[serde(default)]
    pub vector_indexes: Vec<VectorIndexDef>,
    #[serde(default)]
    pub on_demand: OnDemandLimits,
}

/// OnDemandThroughput: the most request units per second an on-demand table may consume, per
/// kind; `None` is unlimited (DynamoDB's -1), which DescribeTable leaves out (AWS, October 2026).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OnDemandLimits {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

/// Contributor Insights on a table or a global index.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Insights {
    pub enabled: bool,
    /// Only throttled keys (THROTTLED_KEYS), or accessed and throttled ones.
    pub throttled_only: bool,
    /// When the status or mode last changed (milliseconds).
    pub updated_millis: i64,
    /// When the enabling that made its rules happened: their names end with it.
    pub rules_millis: i64,
}

/// The source of a restore (RestoreTableFromBackup, RestoreTableToPointInTime).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestoredFrom {
    /// The backup's ARN; `None` for a point-in-time restore.
    pub backup_arn: Option<String>,
    pub table_arn: String,
    /// The moment the data is from (milliseconds).
    pub at_millis: i64,
}

/// Server-side encryption with a KMS key (SSEType KMS).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sse {
    pub kms_master_key_arn: String,
}

/// Point-in-time recovery of a table: since when it can be restored, and how far back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PointInTimeRecovery {
    pub enabled_at_millis: i64,
    pub recovery_period_days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StreamSpec {
    pub view_type: String,
    pub label: String,
}

impl TableDef {
    /// Keeps in `warm` (the table's and each GSI's) what its billing and throughput now make ready:
    /// warm throughput never decreases, not even when the table becomes provisioned again.
    pub fn settle_warm(&mut self) {
        self.warm = warm_throughput(self.warm, self.billing_mode, Some(self.throughput));
        for index in &mut self.global_indexes {
            index.warm = warm_throughput(index.warm, self.billing_mode, index.throughput);
        }
    }

    pub fn index(&self, name: &str) -> Option<(&IndexDef, bool)> {
        self.global_indexes
            .iter()
            .map(|i| (i, true))
            .chain(self.local_indexes.iter().map(|i| (i, false)))
            .find(|(i, _)| i.name == name)
    }

    pub fn indexes(&self) -> impl Iterator<Item = &IndexDef> {
        self.global_indexes.iter().chain(&self.local_indexes)
    }

    pub fn attribute_type(&self, name: &str) -> Option<ScalarType> {
        self.attribute_definitions.iter().find(|a| a.name == name).map(|a| a.ty)
    }

    /// The bytes a write of `item` is billed for (write units, a vector index's entry). An
    /// attribute a vector index reads counts its name and 4 bytes per dimension, whatever numbers
    /// it holds, where a read and the 400 KB gate size the numbers (AWS, October 2026, bisected
    /// on the unit boundaries from 1 to 1,024 dimensions). A value the index cannot take (written
    /// before the index existed) keeps its own size: our reading.
    pub fn billed_size(&self, item: &Item) -> usize {
        self.billed_size_of(item.iter())
    }

    /// [`TableDef::billed_size`] of the attributes `attrs`.
    fn billed_size_of<'a>(&self, attrs: impl Iterator<Item = (&'a String, &'a AttributeValue)>) -> usize {
        let value_size =
            |name: &String, value: &AttributeValue| match self.vector_indexes.iter().find(|v| &v.attribute == name) {
                Some(index) if index.vector(value).is_ok() => 4 * index.dimensions,
                _ => value.size(),
            };
        attrs.map(|(name, value)| name.len() + value_size(name, value)).sum()
    }

    /// What vector index `index` holds of `item`: its f32 vector and the other attributes it
    /// projects; `None` when the item is not in the index. A write is charged to the index when
    /// this changes, as a write to a global index is (AWS, October 2026).
    pub fn vector_entry<'a>(&self, index: &VectorIndexDef, item: &'a Item) -> Option<VectorEntry<'a>> {
        let vector = index.indexed(item)?;
        let projected = item
            .iter()
            .filter(|(name, _)| **name != index.attribute && index.projects(&self.key, name));
        Some((vector, projected.collect()))
    }

    /// VectorWriteRequestBytes of a write that leaves `item` in vector index `index`: the entry's
    /// billed size ([`TableDef::billed_size`] of what the index projects), at least 1,024 (AWS,
    /// October 2026). Charged for the entry a delete removes too: our reading.
    pub fn vector_write_bytes(&self, index: &VectorIndexDef, item: &Item) -> u64 {
        let projected = item.iter().filter(|(name, _)| index.projects(&self.key, name));
        (self.billed_size_of(projected) as u64).max(MIN_VECTOR_WRITE_BYTES)
    }
}

/// A vector index's entry for an item ([`TableDef::vector_entry`]): the vector, then the other
/// attributes it projects.
pub type VectorEntry<'a> = (Vec<f32>, Vec<(&'a String, &'a AttributeValue)>);

/// The least VectorWriteRequestBytes a write reports, however small the index's entry.
const MIN_VECTOR_WRITE_BYTES: u64 = 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Number;

    /// Partition (a S, b N), sort (c S).
    fn multi() -> KeySchema {
        let attr = |name: &str, ty| KeyAttr { name: name.into(), ty };
        KeySchema {
            hash: vec![attr("a", ScalarType::S), attr("b", ScalarType::N)],
            range: vec![attr("c", ScalarType::S)],
        }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn an_item_has_a_key_only_with_every_key_attribute_typed_as_declared() {
        let (a, b, c) = (
            AttributeValue::S("x".into()),
            AttributeValue::N(Number::parse("7").unwrap()),
            AttributeValue::S("z".into()),
        );
        let full = item(&[
            ("a", a.clone()),
            ("b", b.clone()),
            ("c", c.clone()),
            ("other", c.clone()),
        ]);
        let key = multi().key_of(&full).unwrap();
        assert_eq!(
            key.hash[..],
            [KeyValue::S("x".into()), KeyValue::N(Number::parse("7").unwrap())]
        );
        assert_eq!(key.range[..], [KeyValue::S("z".into())]);
        assert_eq!(
            key.to_item(&multi()),
            item(&[("a", a.clone()), ("b", b.clone()), ("c", c.clone())])
        );
        assert_eq!(
            key.partition_item(&multi()),
            item(&[("a", a.clone()), ("b", b.clone())])
        );
        assert_eq!(
            multi().project_key(&full),
            item(&[("a", a.clone()), ("b", b.clone()), ("c", c.clone())])
        );

        // The same key read in place: held as it is, not with a value changed or missing.
        let stored = Stored::new(&full);
        assert!(multi().holds(&stored, &key));
        let mut other = key.clone();
        other.range[0] = KeyValue::S("y".into());
        assert!(!multi().holds(&stored, &other));
        other.range.clear();
        assert!(!multi().holds(&stored, &other));
        let partial = Stored::new(&item(&[("a", a.clone()), ("b", b.clone())]));
        assert!(!multi().holds(&partial, &key));
        assert_eq!(
            multi().key_of(&item(&[("a", a.clone()), ("b", b.clone())])),
            None,
            "sort attribute missing"
        );
        assert_eq!(
            multi().key_of(&item(&[("a", a.clone()), ("c", c.clone())])),
            None,
            "partition attribute missing"
        );
        assert_eq!(
            multi().key_of(&item(&[("a", a), ("b", c.clone()), ("c", c)])),
            None,
            "b is not a number"
        );
    }
}

/// A vector index of a table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VectorIndexDef {
    pub name: String,
    /// The attribute holding each item's vector: a list of numbers.
    pub attribute: String,
    pub dimensions: usize,
    pub distance: Distance,
    pub projection: Projection,
    pub search_schema: Vec<SearchElement>,
}

impl VectorIndexDef {
    /// The search schema's HASH attribute, if it has one.
    pub fn hash(&self) -> Option<&str> {
        self.search_schema
            .iter()
            .find(|e| e.role == SearchRole::Hash)
            .map(|e| e.name.as_str())
    }

    /// The index's f32 copy of `value` (the item's vector attribute), or why there is none.
    pub fn vector(&self, value: &AttributeValue) -> Result<Vec<f32>, VectorFault> {
        vector_of(value, self.dimensions)
    }

    /// The vector `item` holds in this index: `None` when it holds none, or one the index cannot
    /// take (an item written before the index existed), or lacks the search partition.
    pub fn indexed(&self, item: &Item) -> Option<Vec<f32>> {
        if self.hash().is_some_and(|h| !item.contains_key(h)) {
            return None;
        }
        self.vector(item.get(&self.attribute)?).ok()
    }

    /// The bytes DynamoDB meters for a search of this index: its f32s, in whole kilobytes. AWS's
    /// figure varies between identical searches (about 14 KB for 512 dimensions, October 2026),
    /// so any positive figure is faithful; this one is ours.
    pub fn search_bytes(&self) -> u64 {
        (self.dimensions as u64 * 4).div_ceil(1024) * 1024
    }

    /// Whether the index stores attribute `name` of an item (the table's key, the search
    /// schema's attributes and the vector attribute always).
    pub fn projects(&self, table_key: &KeySchema, name: &str) -> bool {
        let schema = self.search_schema.iter().any(|e| e.name == name);
        match self.projection.kind {
            ProjectionType::All => true,
            _ if table_key.contains(name) || schema || name == self.attribute => true,
            ProjectionType::KeysOnly => false,
            ProjectionType::Include => self.projection.non_key_attributes.iter().any(|a| a == name),
        }
    }

    /// Whether a search can hand back the vector attribute: the index holds it to search, but
    /// returns it only where its projection names it, ALL or INCLUDE (AWS, August 2026).
    pub fn projects_vector(&self) -> bool {
        match self.projection.kind {
            ProjectionType::All => true,
            ProjectionType::KeysOnly => false,
            ProjectionType::Include => self.projection.non_key_attributes.contains(&self.attribute),
        }
    }
}
