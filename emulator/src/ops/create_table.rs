//! CreateTable: validates the key schema, attribute definitions and index definitions in
//! DynamoDB's order, then creates the table, CREATING for the engine's transient delay (ACTIVE at once
//! by default; the answer says CREATING either way, as AWS's does).

use serde_json::{json, Value};

use super::common::{describe, KEY_SCHEMA_ELEMENT, PROJECTION, THROUGHPUT, THROUGHPUT_FIELDS};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{
    BillingMode, IndexDef, KeyAttr, KeySchema, Projection, ProjectionType, ScalarType, StreamSpec, TableDef,
    Throughput,
};
use crate::protocol::shape::{field, one_of, required, string, validate, Field, Shape, INDEX_NAME, TABLE_NAME};
use crate::protocol::Body;
use crate::store::{Status, Table};

/// The table name is checked on its own first: its faults are reported alone.
const NAME: &[Field] = &[field("TableName", TABLE_NAME)];

const ATTRIBUTE_DEFINITION: Shape = Shape::Struct {
    java: "AttributeDefinition",
    fields: &[required("AttributeName", string(1, 255)), required("AttributeType", one_of(&["B", "N", "S"]))],
};

const KEY_SCHEMA: Shape = Shape::List { member: &KEY_SCHEMA_ELEMENT, min: 1, max: 2 };

/// A GSI's KeySchema has no length limit in the API model (multi-attribute keys); its element
/// counts are checked with the key (`gsi_key_schema`).
const GSI_KEY_SCHEMA: Shape = Shape::List { member: &KEY_SCHEMA_ELEMENT, min: 1, max: usize::MAX };

const LSI: Shape = Shape::Struct {
    java: "LocalSecondaryIndex",
    fields: &[required("IndexName", INDEX_NAME), required("KeySchema", KEY_SCHEMA), required("Projection", PROJECTION)],
};

pub const GSI: Shape = Shape::Struct {
    java: "GlobalSecondaryIndex",
    fields: &[
        required("KeySchema", GSI_KEY_SCHEMA),
        required("Projection", PROJECTION),
        required("IndexName", INDEX_NAME),
        field("ProvisionedThroughput", Shape::Struct { java: "ProvisionedThroughput", fields: THROUGHPUT_FIELDS }),
    ],
};

pub const BILLING_MODE: Shape = one_of(&["PROVISIONED", "PAY_PER_REQUEST"]);

pub const STREAM_SPECIFICATION: Shape = Shape::Struct {
    java: "StreamSpecification",
    fields: &[
        required("StreamEnabled", Shape::Bool),
        field("StreamViewType", one_of(&["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"])),
    ],
};

const SHAPE: &[Field] = &[
    field("BillingMode", BILLING_MODE),
    field("ProvisionedThroughput", THROUGHPUT),
    required("KeySchema", KEY_SCHEMA),
    required("AttributeDefinitions", Shape::List { member: &ATTRIBUTE_DEFINITION, min: 0, max: usize::MAX }),
    field("LocalSecondaryIndexes", Shape::List { member: &LSI, min: 0, max: usize::MAX }),
    field("GlobalSecondaryIndexes", Shape::List { member: &GSI, min: 0, max: usize::MAX }),
    field("StreamSpecification", STREAM_SPECIFICATION),
    field("TableClass", one_of(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"])),
    field("DeletionProtectionEnabled", Shape::Bool),
    field("Tags", Shape::Any),
    field("SSESpecification", Shape::Any),
    field("OnDemandThroughput", Shape::Any),
    field("WarmThroughput", Shape::Any),
    field("ResourcePolicy", Shape::Any),
];

pub fn run(engine: &Engine, body: Body) -> Result<Value> {
    if !body.has("TableName") {
        return Err(Error::validation("The parameter 'TableName' is required but was not present in the request"));
    }
    validate(body.0, NAME)?;
    validate(body.0, SHAPE)?;
    let name = body.str("TableName").unwrap_or_default().to_string();
    let billing_mode = match body.str("BillingMode") {
        Some("PAY_PER_REQUEST") => BillingMode::PayPerRequest,
        _ => BillingMode::Provisioned,
    };
    let throughput = read_throughput(body.child("ProvisionedThroughput"), billing_mode)?;
    let definitions = attribute_definitions(body);
    let key_elements = key_elements(body.list("KeySchema"));
    check_key_definitions(&key_elements, &definitions)?;
    let key = key_schema(&key_elements, &definitions)?;
    let lsis = body.get("LocalSecondaryIndexes").map(|_| body.list("LocalSecondaryIndexes"));
    let gsis = body.get("GlobalSecondaryIndexes").map(|_| body.list("GlobalSecondaryIndexes"));
    for (list, kind) in [(lsis, "LocalSecondaryIndexes"), (gsis, "GlobalSecondaryIndexes")] {
        if list.is_some_and(<[Value]>::is_empty) {
            return Err(Error::invalid_parameter(format!("List of {kind} is empty")));
        }
    }
    let local_indexes = match lsis {
        Some(list) => local_indexes(list, &key, &definitions)?,
        None => Vec::new(),
    };
    let global_indexes = match gsis {
        Some(list) => global_indexes(list, &definitions, billing_mode)?,
        None => Vec::new(),
    };
    check_unique_names(local_indexes.iter().chain(&global_indexes))?;
    check_definition_count(&definitions, key.attrs().chain(local_indexes.iter().chain(&global_indexes).flat_map(|i| i.key.attrs())))?;
    let stream = stream_spec(body, engine)?;
    if body.list("Tags").len() > super::tag_resource::MAX_TAGS {
        return Err(super::tag_resource::too_many_tags());
    }

    let now = engine.clock.now_seconds();
    let mut def = TableDef {
        name: name.clone(),
        key,
        attribute_definitions: definitions,
        global_indexes,
        local_indexes,
        billing_mode,
        throughput,
        created_at: now,
        table_id: table_id(&name, engine.clock.now_millis()),
        arn: engine.table_arn(&name),
        deletion_protection: body.bool("DeletionProtectionEnabled").unwrap_or(false),
        stream,
        table_class: body.str("TableClass").map(str::to_owned),
        point_in_time_recovery: None,
    };
    let stream = def.stream.as_ref().map(|spec| super::streams::open(engine, &def, &spec.view_type));
    if let (Some(spec), Some(stream)) = (def.stream.as_mut(), &stream) {
        spec.label = stream.label.clone();
    }
    let table = Table::new(def, engine.settles_at());
    table.state.write().data.stream = stream.clone();
    let description = describe(engine, &table, &table.state.read(), Status::Creating);
    if !engine.store.create(table, engine.clock.now_millis()) {
        if let Some(stream) = stream {
            engine.store.remove_stream(&stream.arn);
        }
        return Err(Error::resource_in_use(format!("Table already exists: {name}")));
    }
    if let Some(tags) = body.get("Tags") {
        engine.store.set_tags(&engine.table_arn(&name), tags);
    }
    Ok(json!({ "TableDescription": description }))
}

/// Billing mode and throughput must agree; PAY_PER_REQUEST tables report zero throughput.
pub fn read_throughput(t: Option<Body>, billing_mode: BillingMode) -> Result<Throughput> {
    match (billing_mode, t) {
        (BillingMode::PayPerRequest, Some(_)) => Err(Error::invalid_parameter(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (BillingMode::PayPerRequest, None) => Ok(Throughput::default()),
        (BillingMode::Provisioned, None) => Err(Error::invalid_parameter(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        )),
        (BillingMode::Provisioned, Some(t)) => {
            let read = t.int("ReadCapacityUnits").unwrap_or(1);
            let write = t.int("WriteCapacityUnits").unwrap_or(1);
            for (value, what) in [(read, "ReadCapacityUnits"), (write, "WriteCapacityUnits")] {
                if value > 1_000_000_000_000 {
                    return Err(Error::validation(format!("Given value {value} for {what} is out of bounds")));
                }
            }
            Ok(Throughput { read, write })
        }
    }
}

pub fn attribute_definitions(body: Body) -> Vec<KeyAttr> {
    body.list("AttributeDefinitions")
        .iter()
        .filter_map(|d| {
            let ty = ScalarType::parse(d.get("AttributeType")?.as_str()?)?;
            Some(KeyAttr { name: d.get("AttributeName")?.as_str()?.to_string(), ty })
        })
        .collect()
}

/// (name, is_hash) pairs of a KeySchema list, as sent.
fn key_elements(list: &[Value]) -> Vec<(String, bool)> {
    list.iter()
        .map(|e| {
            let name = e.get("AttributeName").and_then(Value::as_str).unwrap_or_default().to_string();
            (name, e.get("KeyType").and_then(Value::as_str) == Some("HASH"))
        })
        .collect()
}

/// Every table key attribute needs a definition; DynamoDB words this two ways.
fn check_key_definitions(elements: &[(String, bool)], defs: &[KeyAttr]) -> Result<()> {
    let defined = |n: &str| defs.iter().any(|d| d.name == n);
    let missing: Vec<&str> = elements.iter().map(|(n, _)| n.as_str()).filter(|n| !defined(n)).collect();
    let duplicate = elements.len() == 2 && elements[0].0 == elements[1].0;
    if missing.is_empty() && !duplicate {
        return Ok(());
    }
    if defs.is_empty() || elements.len() >= 2 {
        return Err(Error::validation("Invalid KeySchema: Some index key attribute have no definition"));
    }
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    Err(Error::invalid_parameter(format!(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        missing.join(", "),
        names.join(", ")
    )))
}

/// HASH first, then an optional RANGE of another name; types come from the definitions.
fn key_schema(elements: &[(String, bool)], defs: &[KeyAttr]) -> Result<KeySchema> {
    if !elements.first().is_some_and(|(_, hash)| *hash) {
        return Err(Error::validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"));
    }
    if elements.len() == 2 && elements[0].0 == elements[1].0 {
        return Err(Error::validation("Both the Hash Key and the Range Key element in the KeySchema have the same name"));
    }
    if elements.len() == 2 && elements[1].1 {
        return Err(Error::validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"));
    }
    let attr = |name: &str| -> Result<KeyAttr> {
        let def = defs.iter().find(|d| d.name == name).ok_or_else(|| {
            Error::validation("Invalid KeySchema: Some index key attribute have no definition")
        })?;
        Ok(def.clone())
    };
    Ok(KeySchema::simple(attr(&elements[0].0)?, elements.get(1).map(|(n, _)| attr(n)).transpose()?))
}

/// The most HASH, and the most RANGE, attributes a GSI key may have.
const MAX_KEY_PART: usize = 4;

/// A GSI's key: up to four HASH elements, then up to four RANGE elements, no name twice. One HASH
/// and at most one RANGE element is the classic shape, checked (and worded) as a table's.
fn gsi_key_schema(elements: &[(String, bool)], defs: &[KeyAttr]) -> Result<KeySchema> {
    let hashes = elements.iter().take_while(|(_, hash)| *hash).count();
    if hashes == 0 || hashes == 1 && elements.len() <= 2 {
        return key_schema(elements, defs);
    }
    let invalid = |detail: String| Err(Error::validation(format!("Invalid KeySchema: {detail}")));
    if elements[hashes..].iter().any(|(_, hash)| *hash) {
        return invalid("All HASH key elements must come before the RANGE key elements".into());
    }
    let repeated = elements.iter().enumerate().find(|(i, (n, _))| elements[..*i].iter().any(|(m, _)| m == n));
    if let Some((_, (name, _))) = repeated {
        return invalid(format!("Duplicate attribute name in KeySchema: {name}"));
    }
    for (kind, count) in [("HASH", hashes), ("RANGE", elements.len() - hashes)] {
        if count > MAX_KEY_PART {
            return invalid(format!(
                "A global secondary index key can have at most {MAX_KEY_PART} {kind} key elements"
            ));
        }
    }
    let defined = |(name, _): &(String, bool)| defs.iter().find(|d| &d.name == name).cloned();
    let mut hash = elements
        .iter()
        .map(defined)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::validation("Invalid KeySchema: Some index key attribute have no definition"))?;
    let range = hash.split_off(hashes);
    Ok(KeySchema { hash, range })
}

/// Index key attributes missing from the definitions are listed together, across the index list.
fn check_index_definitions(list: &[Value], defs: &[KeyAttr]) -> Result<()> {
    let mut keys: Vec<String> = Vec::new();
    for index in list {
        for (name, _) in key_elements(index.get("KeySchema").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()) {
            if !keys.contains(&name) {
                keys.push(name);
            }
        }
    }
    if keys.iter().all(|k| defs.iter().any(|d| &d.name == k)) {
        return Ok(());
    }
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    Err(Error::invalid_parameter(format!(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        keys.join(", "),
        names.join(", ")
    )))
}

fn local_indexes(list: &[Value], table_key: &KeySchema, defs: &[KeyAttr]) -> Result<Vec<IndexDef>> {
    if table_key.range.is_empty() {
        return Err(Error::invalid_parameter(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
        ));
    }
    check_index_definitions(list, defs)?;
    let mut out = Vec::new();
    for v in list {
        let b = Body(v);
        let name = b.str("IndexName").unwrap_or_default().to_string();
        let key = key_schema(&key_elements(b.list("KeySchema")), defs)?;
        if key.range.is_empty() {
            return Err(Error::invalid_parameter(format!("Index KeySchema does not have a range key for index: {name}")));
        }
        let (hash, table_hash) = (&key.partition().name, &table_key.partition().name);
        if hash != table_hash {
            return Err(Error::invalid_parameter(format!(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. index hash key: {hash}, table hash key: {table_hash}"
            )));
        }
        let projection = projection(b)?;
        out.push(IndexDef { name, key, projection, throughput: None });
    }
    check_unique_names(&out)?;
    if out.len() > 5 {
        return Err(Error::invalid_parameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5"));
    }
    Ok(out)
}

/// Parses GSI definitions (CreateTable's list, or one UpdateTable Create action).
pub fn global_indexes(list: &[Value], defs: &[KeyAttr], billing_mode: BillingMode) -> Result<Vec<IndexDef>> {
    check_index_definitions(list, defs)?;
    let mut out = Vec::new();
    for v in list {
        let b = Body(v);
        let name = b.str("IndexName").unwrap_or_default().to_string();
        let key = gsi_key_schema(&key_elements(b.list("KeySchema")), defs)?;
        let projection = projection(b)?;
        let throughput = b.child("ProvisionedThroughput").map(|t| Throughput {
            read: t.int("ReadCapacityUnits").unwrap_or(0),
            write: t.int("WriteCapacityUnits").unwrap_or(0),
        });
        out.push(IndexDef { name, key, projection, throughput });
    }
    check_unique_names(&out)?;
    if out.len() > 20 {
        return Err(Error::invalid_parameter("GlobalSecondaryIndex count exceeds the per-table limit of 20"));
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

fn projection(index: Body) -> Result<Projection> {
    let p = index.child("Projection");
    let kind = p.and_then(|p| p.str("ProjectionType"));
    let non_key = p.and_then(|p| p.strings("NonKeyAttributes"));
    let kind = match (kind, &non_key) {
        (None, _) => return Err(Error::invalid_parameter("Unknown ProjectionType: null")),
        (Some("ALL"), None) => ProjectionType::All,
        (Some("KEYS_ONLY"), None) => ProjectionType::KeysOnly,
        (Some("INCLUDE"), Some(_)) => ProjectionType::Include,
        (Some("INCLUDE"), None) => {
            return Err(Error::invalid_parameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified"))
        }
        (Some(other), Some(_)) => {
            return Err(Error::invalid_parameter(format!("ProjectionType is {other}, but NonKeyAttributes is specified")))
        }
        (Some(other), None) => return Err(Error::invalid_parameter(format!("Unknown ProjectionType: {other}"))),
    };
    Ok(Projection { kind, non_key_attributes: non_key.unwrap_or_default() })
}

fn check_unique_names<'a>(indexes: impl IntoIterator<Item = &'a IndexDef>) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for index in indexes {
        if !seen.insert(index.name.as_str()) {
            return Err(Error::invalid_parameter(format!("Duplicate index name: {}", index.name)));
        }
    }
    Ok(())
}

/// AttributeDefinitions must name each attribute once, and exactly the attributes used in some
/// key schema.
fn check_definition_count<'a>(defs: &[KeyAttr], used: impl Iterator<Item = &'a KeyAttr>) -> Result<()> {
    let defined: std::collections::HashSet<&str> = defs.iter().map(|a| a.name.as_str()).collect();
    if defined.len() != defs.len() {
        return Err(Error::validation("Cannot have two attributes with the same name"));
    }
    let used: std::collections::HashSet<&str> = used.map(|a| a.name.as_str()).collect();
    if used.len() != defs.len() {
        return Err(Error::invalid_parameter(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ));
    }
    Ok(())
}

pub fn stream_spec(body: Body, engine: &Engine) -> Result<Option<StreamSpec>> {
    let Some(spec) = body.child("StreamSpecification") else { return Ok(None) };
    let view = spec.str("StreamViewType");
    match (spec.bool("StreamEnabled").unwrap_or(false), view) {
        (false, Some(_)) => Err(Error::invalid_parameter(
            "Table is being created with a stream disabled, UpdateViewType should not be specified",
        )),
        (false, None) => Ok(None),
        (true, None) => Err(Error::invalid_parameter("No StreamViewType provided")),
        (true, Some(v)) => Ok(Some(StreamSpec { view_type: v.to_string(), label: stream_label(engine.clock.now_millis()) })),
    }
}

/// Stream labels are the creation time in ISO-8601 with milliseconds, as DynamoDB's are.
pub(super) fn stream_label(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}", rem / 3600, rem % 3600 / 60, rem % 60, ms.rem_euclid(1000))
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A UUID-shaped id, unique per table name and creation time.
fn table_id(name: &str, millis: i64) -> String {
    let a = crc32fast::hash(name.as_bytes());
    let b = crc32fast::hash(&millis.to_le_bytes());
    let c = crc32fast::hash(format!("{name}{millis}").as_bytes());
    format!("{a:08x}-{:04x}-4{:03x}-8{:03x}-{b:08x}{:04x}", c >> 16, c & 0xfff, a & 0xfff, c & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_day_counts() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
