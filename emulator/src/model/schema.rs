//! Table and index schemas as stored after CreateTable/UpdateTable validated them.

use super::{AttributeValue, Item, KeyValue, ScalarType};

/// A key attribute: name and declared scalar type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyAttr {
    pub name: String,
    pub ty: ScalarType,
}

/// HASH and optional RANGE key of a table or index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySchema {
    pub hash: KeyAttr,
    pub range: Option<KeyAttr>,
}

/// A primary (or index) key value: partition and optional sort value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrimaryKey {
    pub hash: KeyValue,
    pub range: Option<KeyValue>,
}

impl KeySchema {
    pub fn attrs(&self) -> impl Iterator<Item = &KeyAttr> {
        std::iter::once(&self.hash).chain(self.range.as_ref())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.attrs().any(|a| a.name == name)
    }

    /// The key of an item whose key attributes are present with the declared types.
    pub fn key_of(&self, item: &Item) -> Option<PrimaryKey> {
        let get = |a: &KeyAttr| {
            item.get(&a.name)
                .and_then(KeyValue::from_attr)
                .filter(|k| k.scalar_type() == a.ty)
        };
        Some(PrimaryKey {
            hash: get(&self.hash)?,
            range: match &self.range {
                Some(r) => Some(get(r)?),
                None => None,
            },
        })
    }

    /// The key attributes of an item as an item (what DeleteItem keys and LastEvaluatedKey hold).
    pub fn project_key(&self, item: &Item) -> Item {
        self.attrs()
            .filter_map(|a| item.get(&a.name).map(|v| (a.name.clone(), v.clone())))
            .collect()
    }
}

impl PrimaryKey {
    pub fn to_item(&self, schema: &KeySchema) -> Item {
        let mut item = Item::new();
        item.insert(schema.hash.name.clone(), self.hash.to_attr());
        if let (Some(attr), Some(v)) = (&schema.range, &self.range) {
            item.insert(attr.name.clone(), v.to_attr());
        }
        item
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projection {
    pub kind: ProjectionType,
    pub non_key_attributes: Vec<String>,
}

/// Read/write capacity of a provisioned table or GSI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Throughput {
    pub read: i64,
    pub write: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingMode {
    Provisioned,
    PayPerRequest,
}

impl BillingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingMode::Provisioned => "PROVISIONED",
            BillingMode::PayPerRequest => "PAY_PER_REQUEST",
        }
    }
}

/// A global or local secondary index definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexDef {
    pub name: String,
    pub key: KeySchema,
    pub projection: Projection,
    /// GSIs on provisioned tables carry their own throughput; LSIs share the table's.
    pub throughput: Option<Throughput>,
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
#[derive(Clone, Debug)]
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
    pub table_class: Option<String>,
    /// `None` until UpdateContinuousBackups turns point-in-time recovery on.
    pub point_in_time_recovery: Option<PointInTimeRecovery>,
}

/// Point-in-time recovery of a table: since when it can be restored, and how far back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointInTimeRecovery {
    pub enabled_at_millis: i64,
    pub recovery_period_days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSpec {
    pub view_type: String,
    pub label: String,
}

impl TableDef {
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
}

/// A value's scalar type if it could be a key value of `ty`; used in key validation messages.
pub fn matches_scalar(v: &AttributeValue, ty: ScalarType) -> bool {
    KeyValue::from_attr(v).is_some_and(|k| k.scalar_type() == ty)
}
