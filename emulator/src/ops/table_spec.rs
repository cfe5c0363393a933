//! What CreateTable and UpdateTable share: table and index definitions as a request gives them
//! (shape-checked, not yet meaning-checked), and their checks in DynamoDB's order and wording,
//! turning them into the model's key schemas, indexes and throughput.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::model::{BillingMode, IndexDef, KeyAttr, KeySchema, Projection, ProjectionType, Throughput};

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
}

/// A StreamSpecification as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamRequest {
    pub enabled: bool,
    pub view_type: Option<String>,
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
    let invalid = |detail: String| Err(Error::validation(format!("Invalid KeySchema: {detail}")));
    if elements[hashes..].iter().any(|e| e.hash) {
        return invalid("All HASH key elements must come before the RANGE key elements".into());
    }
    let repeated = elements
        .iter()
        .enumerate()
        .find(|(i, e)| elements[..*i].iter().any(|m| m.name == e.name));
    if let Some((_, e)) = repeated {
        return invalid(format!("Duplicate attribute name in KeySchema: {}", e.name));
    }
    for (kind, count) in [("HASH", hashes), ("RANGE", elements.len() - hashes)] {
        if count > MAX_KEY_PART {
            return invalid(format!(
                "A global secondary index key can have at most {MAX_KEY_PART} {kind} key elements"
            ));
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

/// Checks GSI definitions (CreateTable's list, or one UpdateTable Create action).
pub fn global_indexes(list: &[IndexSpec], defs: &[KeyAttr], billing_mode: BillingMode) -> Result<Vec<IndexDef>> {
    check_index_definitions(list, defs)?;
    let mut out = Vec::new();
    for spec in list {
        let key = gsi_key_schema(&spec.key, defs)?;
        let projection = projection(&spec.projection)?;
        out.push(IndexDef {
            name: spec.name.clone(),
            key,
            projection,
            throughput: spec.throughput,
        });
    }
    check_unique_names(&out)?;
    if out.len() > 20 {
        return Err(Error::invalid_parameter(
            "GlobalSecondaryIndex count exceeds the per-table limit of 20",
        ));
    }
    for index in &out {
        match (billing_mode, index.throughput) {
            (BillingMode::PayPerRequest, Some(_)) => {
                return Err(Error::invalid_parameter(format!(
                    "ProvisionedThroughput should not be specified for index: {} when BillingMode is PAY_PER_REQUEST",
                    index.name
                )))
            }
            (BillingMode::Provisioned, None) => {
                return Err(Error::invalid_parameter(format!(
                    "ProvisionedThroughput must be specified for index: {}",
                    index.name
                )))
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A projection: NonKeyAttributes with INCLUDE and only then.
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
    Ok(Projection {
        kind,
        non_key_attributes: spec.non_key_attributes.clone().unwrap_or_default(),
    })
}

pub fn check_unique_names<'a>(indexes: impl IntoIterator<Item = &'a IndexDef>) -> Result<()> {
    let mut seen = HashSet::new();
    for index in indexes {
        if !seen.insert(index.name.as_str()) {
            return Err(Error::invalid_parameter(format!(
                "Duplicate index name: {}",
                index.name
            )));
        }
    }
    Ok(())
}
