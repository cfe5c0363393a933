//! What CreateTable and UpdateTable share: table and index definitions as a request gives them
//! (shape-checked, not yet meaning-checked), and their checks in DynamoDB's order and wording,
//! turning them into the model's key schemas, indexes and throughput.

use std::collections::HashSet;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    first_repeat, warm_throughput, BillingMode, Distance, IndexDef, KeyAttr, KeySchema, OnDemandLimits, Projection,
    ProjectionType, SearchElement, SearchRole, Throughput, VectorIndexDef, TABLE_MAX_CAPACITY,
};
use crate::store::Namespace;

/// A KeySchema element as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyElement {
    pub name: String,
    /// KeyType HASH (else RANGE).
    pub hash: bool,
}

/// A Projection as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectionSpec {
    pub kind: Option<ProjectionType>,
    pub non_key_attributes: Option<Vec<String>>,
}

/// An index definition as sent (LocalSecondaryIndexes, GlobalSecondaryIndexes, or an UpdateTable
/// Create action).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: String,
    pub key: Vec<KeyElement>,
    pub projection: ProjectionSpec,
    pub throughput: Option<Throughput>,
    pub warm: Option<WarmRequest>,
    pub on_demand: Option<OnDemandRequest>,
}

/// The request defining indexes: CreateTable and UpdateTable (its Create action) word some
/// refusals differently (AWS, October 2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Definer {
    CreateTable,
    UpdateTable,
}

/// A WarmThroughput as sent: either member may be left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WarmRequest {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

impl WarmRequest {
    /// Whether it gives neither member.
    pub fn is_empty(self) -> bool {
        self.read.is_none() && self.write.is_none()
    }

    /// The warm throughput of `what` ("table", "index <name>") raised from `current` to what this
    /// asks. A member below `floor` is refused with DynamoDB's reason, `below(capacity member)`.
    pub fn raise(
        self,
        what: &str,
        current: Throughput,
        floor: Throughput,
        below: impl Fn(&str) -> String,
    ) -> Result<Throughput> {
        let members = [
            (self.read, floor.read, "ReadUnitsPerSecond", "ReadCapacityUnits"),
            (self.write, floor.write, "WriteUnitsPerSecond", "WriteCapacityUnits"),
        ];
        for (asked, floor, member, capacity) in members {
            if asked.is_some_and(|units| units < floor) {
                return Err(Error::invalid_parameter(format!(
                    "Requested {member} for WarmThroughput for {what} is lower than {}",
                    below(capacity)
                )));
            }
        }
        Ok(current.max(Throughput {
            read: self.read.unwrap_or(0),
            write: self.write.unwrap_or(0),
        }))
    }

    /// CreateTable's check: at least on-demand's initial throughput, or the provisioned capacity.
    pub fn at_creation(
        self,
        what: &str,
        billing_mode: BillingMode,
        throughput: Option<Throughput>,
    ) -> Result<Throughput> {
        let floor = warm_throughput(Throughput::default(), billing_mode, throughput);
        match billing_mode {
            BillingMode::PayPerRequest => self.raise(what, floor, floor, |_| {
                "initial throughput for OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/\
                 on-demand-capacity-mode.html#on-demand-capacity-mode-initial"
                    .into()
            }),
            BillingMode::Provisioned => self.raise(what, floor, floor, |capacity| {
                format!("{capacity} of ProvisionedThroughput")
            }),
        }
    }
}

/// A StreamSpecification as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamRequest {
    pub enabled: bool,
    pub view_type: Option<String>,
}

/// An OnDemandThroughput as sent: either member may be left out, and -1 lifts its limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnDemandRequest {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

impl OnDemandRequest {
    /// Whether it gives neither member.
    pub fn is_empty(self) -> bool {
        self.read.is_none() && self.write.is_none()
    }

    /// The limits of `what` ("table", "index : <name>") in `region` after an UpdateTable: each
    /// member given replaces its limit (-1 lifts it), the others stay (AWS, October 2026).
    pub fn apply(self, current: OnDemandLimits, what: &str, region: &str) -> Result<OnDemandLimits> {
        self.merged(current, what, region, true)
    }

    /// The limits of a new table or index: -1 lifts nothing there, it is out of range.
    pub fn at_creation(self, what: &str, region: &str) -> Result<OnDemandLimits> {
        self.merged(OnDemandLimits::default(), what, region, false)
    }

    /// Each member below 1 (but a lifting -1) is out of range, each above the table maximum of
    /// the region over the account's quota.
    fn merged(self, current: OnDemandLimits, what: &str, region: &str, may_lift: bool) -> Result<OnDemandLimits> {
        let merged = |asked: Option<i64>, now: Option<i64>, kind: &str| match asked {
            None => Ok(now),
            Some(-1) if may_lift => Ok(None),
            Some(units) if units < 1 => Err(Error::invalid_parameter(format!(
                "Requested Max{kind}RequestUnits for OnDemandThroughput for {what} is outside of valid range"
            ))),
            Some(units) if units > TABLE_MAX_CAPACITY => Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "Subscriber limit exceeded: Requested Max{kind}RequestUnits for OnDemandThroughput for {what} \
                     exceeds TableMax{kind}CapacityUnits of the account in region {region}"
                ),
            )),
            Some(units) => Ok(Some(units)),
        };
        Ok(OnDemandLimits {
            read: merged(self.read, current.read, "Read")?,
            write: merged(self.write, current.write, "Write")?,
        })
    }

    /// OnDemandThroughput is for on-demand tables: on a provisioned one DynamoDB names the first
    /// member given (`{}` gives none and passes), for the table or `index` (`for index: X` in
    /// CreateTable's words, which end with a full stop, `for index : X` in UpdateTable's).
    pub fn check_billing(self, billing_mode: BillingMode, index: Option<&str>, definer: Definer) -> Result<()> {
        let member = match (self.read, self.write) {
            (Some(_), _) => "MaxReadRequestUnits",
            (None, Some(_)) => "MaxWriteRequestUnits",
            (None, None) => return Ok(()),
        };
        if billing_mode == BillingMode::PayPerRequest {
            return Ok(());
        }
        let (separator, table, stop) = match definer {
            Definer::CreateTable => (":", "table", "."),
            Definer::UpdateTable => (" :", "the table", ""),
        };
        let subject = index
            .map(|name| format!(" for index{separator} {name}"))
            .unwrap_or_default();
        Err(Error::invalid_parameter(format!(
            "{member} for OnDemandThroughput{subject} cannot be specified when {table} BillingMode is PROVISIONED{stop}"
        )))
    }
}

/// Provisioned capacity above the table maximum of the region is over the account's quota (AWS,
/// October 2026): an index's is checked on its own, not added to its table's.
pub fn check_capacity_limit(t: Throughput, index: Option<&str>, region: &str) -> Result<()> {
    let (subject, scope) = match index {
        Some(name) => (format!(" for index {name}"), "index"),
        None => (String::new(), "table"),
    };
    for (units, member) in [(t.read, "ReadCapacityUnits"), (t.write, "WriteCapacityUnits")] {
        if units > TABLE_MAX_CAPACITY {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "The requested {member}{subject}, {units}, is above the per {scope} maximum for the account in \
                     {region}. Per table maximum: {TABLE_MAX_CAPACITY}. Refer to the Amazon DynamoDB Developer Guide \
                     for current limits and how to request higher limits."
                ),
            ));
        }
    }
    Ok(())
}

/// An SSESpecification as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseRequest {
    pub enabled: Option<bool>,
    pub sse_type: Option<String>,
    pub kms_master_key_id: Option<String>,
}

impl SseRequest {
    /// Whether it asks for a KMS key, checked as DynamoDB checks it (CreateTable and UpdateTable
    /// alike): `Enabled` may be left out, and an `SSEType` of KMS alone turns encryption on, while
    /// `{}` asks for the default, an AWS-owned key.
    pub fn wants_kms(&self) -> Result<bool> {
        let disabled = self.enabled == Some(false);
        let invalid = |detail: &str| Err(Error::invalid_parameter(detail));
        if disabled && self.sse_type.is_some() {
            return invalid("SSEType can not be specified if Enabled is false");
        }
        if disabled && self.kms_master_key_id.is_some() {
            return invalid("KMSMasterKeyId can not be specified if Enabled is false");
        }
        if self.kms_master_key_id.is_some() && self.sse_type.as_deref() != Some("KMS") {
            return invalid("SSEType KMS is required if KMSMasterKeyId is specified");
        }
        if self.sse_type.as_deref() == Some("AES256") {
            return invalid("SSEType AES256 is not supported");
        }
        Ok(self.enabled == Some(true) || self.sse_type.is_some())
    }

    /// The ARN of the key it names in namespace `ns`: the DynamoDB-managed key (`alias/aws/dynamodb`)
    /// when it names none. A key id or alias becomes an ARN of the account and region; the
    /// emulator has no KMS, so any key is taken to exist.
    pub fn key_arn(&self, ns: &Namespace) -> String {
        match self.kms_master_key_id.as_deref() {
            Some(arn) if arn.starts_with("arn:") => arn.to_owned(),
            Some(alias) if alias.starts_with("alias/") && alias != MANAGED_KEY_ALIAS => {
                format!("arn:{}:kms:{}:{}:{alias}", ns.partition(), ns.region, ns.account)
            }
            Some(id) if id != MANAGED_KEY_ALIAS => {
                format!("arn:{}:kms:{}:{}:key/{id}", ns.partition(), ns.region, ns.account)
            }
            _ => managed_key_arn(ns),
        }
    }
}

/// The alias of the KMS key DynamoDB manages in each account and region.
const MANAGED_KEY_ALIAS: &str = "alias/aws/dynamodb";

/// The DynamoDB-managed key of a namespace: one per account and region, as on AWS, its id a
/// UUID-shaped digest of both so that it stays the same across restarts.
fn managed_key_arn(ns: &Namespace) -> String {
    use md5::Digest;
    let digest = md5::Md5::digest(format!("{}/{}", ns.account, ns.region));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let id = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    );
    format!("arn:{}:kms:{}:{}:key/{id}", ns.partition(), ns.region, ns.account)
}

/// The table classes DynamoDB offers. It refuses another with a message of its own, not the
/// generic enum text of a request shape.
pub fn check_table_class(class: Option<&str>) -> Result<()> {
    match class {
        None | Some("STANDARD" | "STANDARD_INFREQUENT_ACCESS") => Ok(()),
        Some(_) => Err(Error::validation(
            "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].",
        )),
    }
}

/// Billing mode and throughput must agree; PAY_PER_REQUEST tables report zero throughput.
pub fn throughput_for(billing_mode: BillingMode, requested: Option<Throughput>) -> Result<Throughput> {
    match (billing_mode, requested) {
        (BillingMode::PayPerRequest, Some(_)) => Err(Error::invalid_parameter(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (BillingMode::PayPerRequest, None) => Ok(Throughput::default()),
        (BillingMode::Provisioned, None) => Err(Error::invalid_parameter(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        )),
        (BillingMode::Provisioned, Some(t)) => {
            for (value, what) in [(t.read, "ReadCapacityUnits"), (t.write, "WriteCapacityUnits")] {
                if value > 1_000_000_000_000 {
                    return Err(Error::validation(format!(
                        "Given value {value} for {what} is out of bounds"
                    )));
                }
            }
            Ok(t)
        }
    }
}

/// AttributeDefinitions name each attribute once (CreateTable, and UpdateTable's index creation).
pub fn check_unique_definitions(defs: &[KeyAttr]) -> Result<()> {
    match defs
        .iter()
        .enumerate()
        .find(|(i, d)| defs[..*i].iter().any(|x| x.name == d.name))
    {
        Some((_, d)) => Err(Error::validation(format!("Attribute Name is duplicated: {}", d.name))),
        None => Ok(()),
    }
}

/// HASH first, then an optional RANGE of another name; types come from the definitions.
pub fn key_schema(elements: &[KeyElement], defs: &[KeyAttr]) -> Result<KeySchema> {
    if !elements.first().is_some_and(|e| e.hash) {
        return Err(Error::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if elements.len() == 2 && elements[0].name == elements[1].name {
        return Err(Error::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if elements.len() == 2 && elements[1].hash {
        return Err(Error::validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ));
    }
    let attr = |name: &str| -> Result<KeyAttr> {
        let def = defs
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| Error::validation("Invalid KeySchema: Some index key attribute have no definition"))?;
        Ok(def.clone())
    };
    Ok(KeySchema::simple(
        attr(&elements[0].name)?,
        elements.get(1).map(|e| attr(&e.name)).transpose()?,
    ))
}

/// The most HASH, and the most RANGE, attributes a GSI key may have.
const MAX_KEY_PART: usize = 4;

/// A GSI's key: up to four HASH elements, then up to four RANGE elements, no name twice. One HASH
/// and at most one RANGE element is the classic shape, checked (and worded) as a table's.
fn gsi_key_schema(elements: &[KeyElement], defs: &[KeyAttr]) -> Result<KeySchema> {
    let hashes = elements.iter().take_while(|e| e.hash).count();
    if hashes == 0 || hashes == 1 && elements.len() <= 2 {
        return key_schema(elements, defs);
    }
    if elements[hashes..].iter().any(|e| e.hash) {
        return Err(Error::invalid_parameter(
            "All HASH key attributes must precede RANGE key attributes in the KeySchema",
        ));
    }
    if elements
        .iter()
        .enumerate()
        .any(|(i, e)| elements[..i].iter().any(|m| m.name == e.name))
    {
        return Err(Error::validation(
            "The KeySchema contains multiple key attributes with the same name",
        ));
    }
    for (kind, count) in [("HASH", hashes), ("RANGE", elements.len() - hashes)] {
        if count > MAX_KEY_PART {
            return Err(Error::invalid_parameter(format!(
                "The KeySchema exceeds the maximum allowed number of {kind} key attributes"
            )));
        }
    }
    let defined = |e: &KeyElement| defs.iter().find(|d| d.name == e.name).cloned();
    let mut hash = elements
        .iter()
        .map(defined)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::validation("Invalid KeySchema: Some index key attribute have no definition"))?;
    let range = hash.split_off(hashes);
    Ok(KeySchema { hash, range })
}

/// Index key attributes missing from the definitions are listed together, across the index list.
pub fn check_index_definitions(list: &[IndexSpec], defs: &[KeyAttr]) -> Result<()> {
    let mut keys: Vec<&str> = Vec::new();
    for e in list.iter().flat_map(|i| &i.key) {
        if !keys.contains(&e.name.as_str()) {
            keys.push(&e.name);
        }
    }
    if keys.iter().all(|k| defs.iter().any(|d| d.name == *k)) {
        return Ok(());
    }
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    Err(Error::invalid_parameter(format!(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        keys.join(", "),
        names.join(", ")
    )))
}

/// The most GSIs a table may have.
pub const MAX_GLOBAL_INDEXES: usize = 20;

/// Checks GSI definitions (CreateTable's list, or one UpdateTable Create action, worded as
/// `definer`'s) of a table in `region`, and gives each its throughput and on-demand limits. The
/// caller has checked that `defs` define every key attribute (`check_index_definitions`).
pub fn global_indexes(
    list: &[IndexSpec],
    defs: &[KeyAttr],
    billing_mode: BillingMode,
    definer: Definer,
    region: &str,
) -> Result<Vec<IndexDef>> {
    let mut out = Vec::new();
    for spec in list {
        let key = gsi_key_schema(&spec.key, defs)?;
        let projection = projection(&spec.projection)?;
        out.push(IndexDef {
            name: spec.name.clone(),
            key,
            projection,
            throughput: spec.throughput,
            warm: Throughput::default(),
            capacity_changes: Default::default(),
            on_demand: Default::default(),
        });
    }
    check_unique_names(&out)?;
    if out.len() > MAX_GLOBAL_INDEXES {
        return Err(Error::invalid_parameter(format!(
            "GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"
        )));
    }
    for index in &out {
        let name = &index.name;
        let refusal = match (billing_mode, index.throughput, definer) {
            (BillingMode::PayPerRequest, Some(_), Definer::CreateTable) => {
                format!("ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST")
            }
            (BillingMode::PayPerRequest, Some(_), Definer::UpdateTable) => format!(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: {name} when BillingMode is \
                 PAY_PER_REQUEST"
            ),
            (BillingMode::Provisioned, None, Definer::CreateTable) => {
                format!("ProvisionedThroughput is not specified for index: {name}")
            }
            (BillingMode::Provisioned, None, Definer::UpdateTable) => {
                format!("Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {name}")
            }
            _ => continue,
        };
        return Err(Error::invalid_parameter(refusal));
    }
    for (index, spec) in out.iter_mut().zip(list) {
        if let Some(throughput) = index.throughput {
            check_capacity_limit(throughput, Some(&index.name), region)?;
        }
        if let Some(on_demand) = spec.on_demand {
            on_demand.check_billing(billing_mode, Some(&index.name), definer)?;
            index.on_demand = on_demand.at_creation(&format!("index : {}", index.name), region)?;
        }
        if let Some(warm) = spec.warm {
            index.warm = warm.at_creation(&format!("index {}", index.name), billing_mode, index.throughput)?;
        }
    }
    Ok(out)
}

/// A projection: NonKeyAttributes with INCLUDE and only then, each name once.
pub fn projection(spec: &ProjectionSpec) -> Result<Projection> {
    let kind = match (spec.kind, &spec.non_key_attributes) {
        (None, _) => return Err(Error::invalid_parameter("Unknown ProjectionType: null")),
        (Some(ProjectionType::Include), None) => {
            return Err(Error::invalid_parameter(
                "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
            ))
        }
        (Some(kind @ (ProjectionType::All | ProjectionType::KeysOnly)), Some(_)) => {
            return Err(Error::invalid_parameter(format!(
                "ProjectionType is {}, but NonKeyAttributes is specified",
                kind.as_str()
            )))
        }
        (Some(kind), _) => kind,
    };
    let non_key_attributes = spec.non_key_attributes.clone().unwrap_or_default();
    let repeated = non_key_attributes
        .iter()
        .enumerate()
        .find(|(i, a)| non_key_attributes[..*i].contains(a));
    if let Some((_, name)) = repeated {
        return Err(Error::invalid_parameter(format!(
            "Duplicate attribute in NonKeyAttributes: {name}"
        )));
    }
    Ok(Projection {
        kind,
        non_key_attributes,
    })
}

pub fn check_unique_names<'a>(indexes: impl IntoIterator<Item = &'a IndexDef>) -> Result<()> {
    check_unique_index_names(indexes.into_iter().map(|i| i.name.as_str()))
}

/// A UUID-shaped id, unique per table name and creation time (CreateTable's and a restore's).
pub fn table_id(name: &str, millis: i64) -> String {
    let a = crc32fast::hash(name.as_bytes());
    let b = crc32fast::hash(&millis.to_le_bytes());
    let c = crc32fast::hash(format!("{name}{millis}").as_bytes());
    format!(
        "{a:08x}-{:04x}-4{:03x}-8{:03x}-{b:08x}{:04x}",
        c >> 16,
        c & 0xfff,
        a & 0xfff,
        c & 0xffff
    )
}

/// A vector index definition as sent (CreateTable's VectorIndexes, an UpdateTable Create action);
/// the shape has checked that every member is there and Dimensions is at least 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorIndexSpec {
    pub name: String,
    pub attribute: String,
    pub dimensions: i64,
    pub distance: Distance,
    pub projection: ProjectionSpec,
    pub search_schema: Vec<SearchElement>,
}

/// DynamoDB's limits on vector indexes per table and dimensions per vector.
const MAX_VECTOR_INDEXES: usize = 5;
const MAX_DIMENSIONS: i64 = 4096;

/// The vector indexes `specs` define beside a table's `existing` ones, checked in DynamoDB's
/// words (the October 2026 conformance captures, Dynoxide's of August 2026): on-demand tables
/// only, at most five, 1 to 4,096 dimensions, one HASH and no attribute twice in a search
/// schema, its attributes defined, and one dimension count per vector attribute.
pub fn vector_indexes(
    specs: &[VectorIndexSpec],
    defs: &[KeyAttr],
    billing_mode: BillingMode,
    existing: &[VectorIndexDef],
) -> Result<Vec<VectorIndexDef>> {
    if billing_mode != BillingMode::PayPerRequest {
        return Err(Error::invalid_parameter(
            "Vector indexes are only supported for PAY_PER_REQUEST tables",
        ));
    }
    if specs.len() + existing.len() > MAX_VECTOR_INDEXES {
        return Err(Error::invalid_parameter(format!(
            "VectorIndex count exceeds the per-table limit of {MAX_VECTOR_INDEXES}"
        )));
    }
    let mut out: Vec<VectorIndexDef> = Vec::new();
    for spec in specs {
        if !(1..=MAX_DIMENSIONS).contains(&spec.dimensions) {
            return Err(Error::invalid_parameter(format!(
                "Number of dimensions must be between 1 and {MAX_DIMENSIONS} inclusive."
            )));
        }
        let hashes = spec.search_schema.iter().filter(|e| e.role == SearchRole::Hash).count();
        if hashes > 1 {
            return Err(Error::invalid_parameter(format!(
                "Value '{hashes}' at 'SearchSchema' failed to satisfy constraint: Member must have HASH count less than or equal to 1"
            )));
        }
        if first_repeat(&spec.search_schema.iter().map(|e| &e.name).collect::<Vec<_>>()).is_some() {
            return Err(Error::invalid_parameter(
                "SearchSchema contains a duplicate AttributeName",
            ));
        }
        if spec
            .search_schema
            .iter()
            .any(|e| !defs.iter().any(|d| d.name == e.name))
        {
            return Err(Error::invalid_parameter(
                "One element in SearchSchema is not defined in attribute definitions",
            ));
        }
        let index = VectorIndexDef {
            name: spec.name.clone(),
            attribute: spec.attribute.clone(),
            dimensions: spec.dimensions as usize,
            distance: spec.distance,
            projection: projection(&spec.projection)?,
            search_schema: spec.search_schema.clone(),
        };
        let others = existing.iter().chain(&out);
        if others
            .clone()
            .any(|o| o.attribute == index.attribute && o.dimensions != index.dimensions)
        {
            return Err(Error::invalid_parameter(format!(
                "Conflicting attribute definition for '{}'. All VectorIndexes on the same vector attribute must use the same dimensions.",
                index.attribute
            )));
        }
        out.push(index);
    }
    Ok(out)
}

/// A vector attribute is not a key attribute, so no AttributeDefinition may name it (AWS,
/// eu-west-2 and us-east-1, August 2026; CreateTable checks it before unused definitions).
pub fn check_vector_attributes_undefined<'a>(
    specs: impl IntoIterator<Item = &'a VectorIndexSpec>,
    defs: &[KeyAttr],
) -> Result<()> {
    match specs.into_iter().find(|s| defs.iter().any(|d| d.name == s.attribute)) {
        Some(spec) => Err(Error::invalid_parameter(format!(
            "Conflicting attribute definition for '{}'. An attribute cannot be defined in AttributeDefinitions when used as a VectorAttribute.",
            spec.attribute
        ))),
        None => Ok(()),
    }
}

/// No two indexes of a table, of any kind, share a name.
pub fn check_unique_index_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut seen = HashSet::new();
    match names.into_iter().find(|n| !seen.insert(*n)) {
        Some(name) => Err(Error::invalid_parameter(format!("Duplicate index name: {name}"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<impl std::fmt::Debug>) -> String {
        r.unwrap_err().message.unwrap()
    }

    #[test]
    fn on_demand_limits_lift_only_on_update_and_stop_at_the_table_maximum() {
        let asked = |read, write| OnDemandRequest { read, write };
        let current = OnDemandLimits {
            read: Some(10),
            write: Some(20),
        };
        assert_eq!(
            asked(Some(-1), None).apply(current, "table", "eu-west-1").unwrap(),
            OnDemandLimits {
                read: None,
                write: Some(20)
            }
        );
        assert_eq!(
            message(asked(None, Some(-1)).at_creation("index : g", "eu-west-1")),
            "One or more parameter values were invalid: Requested MaxWriteRequestUnits for OnDemandThroughput for \
             index : g is outside of valid range"
        );
        let over = asked(Some(1), Some(40_001))
            .apply(current, "table", "eu-west-1")
            .unwrap_err();
        assert_eq!(
            (over.kind, over.message.as_deref()),
            (
                ErrorKind::LimitExceeded,
                Some("Subscriber limit exceeded: Requested MaxWriteRequestUnits for OnDemandThroughput for table exceeds \
                 TableMaxWriteCapacityUnits of the account in region eu-west-1")
            )
        );
        assert_eq!(
            asked(Some(40_000), None)
                .at_creation("table", "eu-west-1")
                .unwrap()
                .read,
            Some(40_000)
        );
    }

    #[test]
    fn on_demand_limits_on_a_provisioned_table_name_the_first_member_given() {
        let asked = |read, write| OnDemandRequest { read, write };
        let provisioned = BillingMode::Provisioned;
        assert!(asked(None, None)
            .check_billing(provisioned, None, Definer::UpdateTable)
            .is_ok());
        assert!(asked(Some(1), None)
            .check_billing(BillingMode::PayPerRequest, None, Definer::CreateTable)
            .is_ok());
        assert_eq!(
            message(asked(Some(1), Some(1)).check_billing(provisioned, None, Definer::UpdateTable)),
            "One or more parameter values were invalid: MaxReadRequestUnits for OnDemandThroughput cannot be \
             specified when the table BillingMode is PROVISIONED"
        );
        assert_eq!(
            message(asked(None, Some(1)).check_billing(provisioned, Some("g"), Definer::CreateTable)),
            "One or more parameter values were invalid: MaxWriteRequestUnits for OnDemandThroughput for index: g \
             cannot be specified when table BillingMode is PROVISIONED."
        );
    }

    #[test]
    fn capacity_is_capped_per_table_and_per_index() {
        let t = |read, write| Throughput { read, write };
        assert!(check_capacity_limit(t(40_000, 40_000), None, "r").is_ok());
        let over = check_capacity_limit(t(1, 40_001), Some("g"), "r").unwrap_err();
        assert_eq!(
            (over.kind, over.message.as_deref()),
            (
                ErrorKind::LimitExceeded,
                Some("The requested WriteCapacityUnits for index g, 40001, is above the per index maximum for the account \
                 in r. Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and \
                 how to request higher limits.")
            )
        );
    }
}
