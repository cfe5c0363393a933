//! Declarative request shapes and the two generic validation passes DynamoDB's front end runs
//! before any operation logic: a type pass (wrong JSON types → SerializationException) and a
//! constraint pass (null, length, range, pattern, enum → one aggregated ValidationException,
//! "N validation errors detected: …", listing at most ten, in member order).

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use smallvec::SmallVec;
use std::borrow::Cow;

use super::serialization::{self, Values, Wanted};
use crate::error::{Error, Result};

/// What a member may hold.
pub enum Shape {
    /// A string with length bounds, an optional pattern and an optional enum value set.
    Str {
        min: usize,
        max: usize,
        pattern: Option<Pattern>,
        values: &'static [&'static str],
    },
    /// An integer with optional bounds; `long` when DynamoDB reads it as a Java `Long` (capacity
    /// units), else as an `Integer` (its refusals name the type).
    Int {
        min: Option<i64>,
        max: Option<i64>,
        long: bool,
    },
    /// A member whose faults DynamoDB reports as "Value at 'Member' failed to satisfy constraint:
    /// …", its name capitalised as sent and no value shown: Query's `Limit` (Scan's is reported as
    /// every other member), SearchVectors' `IndexName` and `SearchVector` (AWS, August 2026).
    Unechoed(&'static Shape),
    Bool,
    /// A list whose length is bounded.
    List {
        member: &'static Shape,
        min: usize,
        max: usize,
    },
    /// A map keyed by strings whose size is bounded.
    Map {
        value: &'static Shape,
        min: usize,
        max: usize,
    },
    /// A structure; `java` names it in rendered values ("KeySchemaElement(attributeName=…)").
    Struct {
        java: &'static str,
        fields: &'static [Field],
    },
    /// A table name on the data plane: a name (1–255 characters of the name pattern) or a table ARN
    /// (up to 1024 characters).
    TableRef,
    /// A table name in DescribeTable, UpdateTable and DeleteTable: a table ARN (up to 1024
    /// characters), or a name as CreateTable's, 3–255 characters of the name pattern, its length
    /// reported before the pattern (AWS, October 2026: `'ab'`, and `''` failing both).
    TableNameOrArn,
    /// An AttributeValue: checked structurally by `protocol::attr`, not here.
    Attr,
    /// An item written whole (PutItem's, a batch's or a transaction's put): an [`ATTRIBUTE_MAP`],
    /// kept as its text when each of its members is an object (`attr::keep_item`), the one form
    /// in which both passes find nothing to refuse; any other is parsed as an attribute map.
    Item,
    /// Anything JSON: validated by the operation itself.
    Any,
    /// Like `Any`, validated by the operation itself, but parsed as the shape given guides it, so
    /// that its attribute values are kept raw (`attr::keep_raw`) rather than built into trees.
    Parsed(&'static Shape),
}

/// Regular-expression constraints DynamoDB puts on names.
#[derive(Clone, Copy, PartialEq)]
pub enum Pattern {
    /// `[a-zA-Z0-9_.-]+`, table and backup names, a fault reported before a length fault.
    Name,
    /// The same for index names, whose pattern fault DynamoDB reports after the length fault (AWS,
    /// October 2026, an empty IndexName in CreateTable and UpdateTable).
    IndexName,
}

impl Pattern {
    fn matches(self, s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    }
}

/// A member of a request structure, in the order DynamoDB reports violations.
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    /// "Member must not be null" when absent.
    pub required: bool,
}

/// Shorthands that keep operation shapes readable.
pub const fn field(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: false,
    }
}

pub const fn required(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: true,
    }
}

pub const fn string(min: usize, max: usize) -> Shape {
    Shape::Str {
        min,
        max,
        pattern: None,
        values: &[],
    }
}

pub const fn one_of(values: &'static [&'static str]) -> Shape {
    Shape::Str {
        min: 0,
        max: usize::MAX,
        pattern: None,
        values,
    }
}

pub const fn int(min: Option<i64>, max: Option<i64>) -> Shape {
    Shape::Int { min, max, long: false }
}

/// An integer DynamoDB reads as a Java `Long`.
pub const fn long(min: Option<i64>, max: Option<i64>) -> Shape {
    Shape::Int { min, max, long: true }
}

/// A table name: 3–255 characters of `[a-zA-Z0-9_.-]`.
pub const TABLE_NAME: Shape = Shape::Str {
    min: 3,
    max: 255,
    pattern: Some(Pattern::Name),
    values: &[],
};
pub const INDEX_NAME: Shape = Shape::Str {
    min: 3,
    max: 255,
    pattern: Some(Pattern::IndexName),
    values: &[],
};
/// A backup's name: 3–255 characters of `[a-zA-Z0-9_.-]`, like a table's.
pub const BACKUP_NAME: Shape = TABLE_NAME;
/// A backup's ARN.
pub const BACKUP_ARN: Shape = string(37, 1024);
/// A table's or stream's ARN (tag and resource-policy operations).
pub const RESOURCE_ARN: Shape = string(1, 1283);
/// A resource policy's ExpectedRevisionId.
pub const EXPECTED_REVISION: Shape = string(1, 255);
pub const ATTRIBUTE_MAP: Shape = Shape::Map {
    value: &Shape::Attr,
    min: 0,
    max: usize::MAX,
};
pub const RETURN_CONSUMED_CAPACITY: Shape = one_of(&["INDEXES", "TOTAL", "NONE"]);
pub const RETURN_ITEM_COLLECTION_METRICS: Shape = one_of(&["SIZE", "NONE"]);
/// Enum value sets list their values in DynamoDB's order, which is not the API reference's: the
/// order of ReturnValues and ConditionalOperator is AWS's as dynalite's tests (run against AWS)
/// and a public conformance suite pinned against AWS (us-east-1 and eu-west-2, October 2026) show.
pub const RETURN_VALUES: Shape = one_of(&["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"]);
pub const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE: Shape = one_of(&["ALL_OLD", "NONE"]);
pub const CONDITIONAL_OPERATOR: Shape = one_of(&["OR", "AND"]);
pub const SELECT: Shape = one_of(&[
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
]);
/// An expression string (ConditionExpression, UpdateExpression, ...): any length here, as the
/// expression module words its own limits.
pub const EXPRESSION: Shape = string(0, usize::MAX);
/// DynamoDB's comparison operators (upper case; the set in DynamoDB's order).
const COMPARISON_OPERATOR: Shape = one_of(&[
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
]);
/// A legacy condition's or update's attribute value (and a condition's list of them): checked
/// when the condition is converted (`expr::legacy`), and led to by the parse only so that it is
/// kept as text, which a value nested past serde_json's depth limit must be.
const LEGACY_VALUE: Shape = Shape::Parsed(&Shape::Attr);
const LEGACY_VALUES: Shape = Shape::Parsed(&Shape::List {
    member: &Shape::Attr,
    min: 0,
    max: usize::MAX,
});
/// KeyConditions, QueryFilter and ScanFilter: conditions by attribute name, each of which must
/// name its comparison operator (DynamoDB's `Condition`; dynalite's tests, written against AWS:
/// "incorrect attributes" in query.js and scan.js, `Value null at
/// 'keyConditions.a.member.comparisonOperator'`).
pub const FILTER_CONDITIONS: Shape = Shape::Map {
    value: &Shape::Struct {
        java: "Condition",
        fields: &[
            required("ComparisonOperator", COMPARISON_OPERATOR),
            field("AttributeValueList", LEGACY_VALUES),
        ],
    },
    min: 0,
    max: usize::MAX,
};
/// Expected (PutItem, UpdateItem, DeleteItem): conditions by attribute name, whose Java type and
/// Exists member the reader checks (dynalite's tests, run against AWS: "Expected is not a map",
/// "Expected.Attr.Exists is not a boolean" in putItem.js, updateItem.js and deleteItem.js).
pub const EXPECTED: Shape = Shape::Map {
    value: &Shape::Struct {
        java: "ExpectedAttributeValue",
        fields: &[
            field("Value", LEGACY_VALUE),
            field("ComparisonOperator", COMPARISON_OPERATOR),
            field("Exists", Shape::Bool),
            field("AttributeValueList", LEGACY_VALUES),
        ],
    },
    min: 0,
    max: usize::MAX,
};
/// AttributeUpdates: updates by attribute name, checked when converted (`expr::legacy`); the
/// reader checks only the Java types (dynalite's tests, run against AWS: "AttributeUpdates is not
/// a map", "AttributeUpdates.Attr.Action is not a string" in updateItem.js).
pub const ATTRIBUTE_UPDATES: Shape = Shape::Map {
    value: &Shape::Struct {
        java: "AttributeValueUpdate",
        fields: &[field("Value", LEGACY_VALUE), field("Action", string(0, usize::MAX))],
    },
    min: 0,
    max: usize::MAX,
};
pub const EXPRESSION_NAMES: Shape = Shape::Map {
    value: &string(0, usize::MAX),
    min: 0,
    max: usize::MAX,
};
pub const ATTRIBUTE_NAMES: Shape = Shape::List {
    member: &string(1, 65535),
    min: 1,
    max: usize::MAX,
};

/// Parses a request body for an operation with these `fields`, keeping each attribute value at a
/// [`Shape::Attr`] position as its JSON text (`attr::keep_raw`), and each item at a
/// [`Shape::Item`] position whole when it can be, to be decoded from it straight into the model;
/// everything else becomes the `Value` the validation passes walk.
pub fn parse(body: &[u8], fields: &'static [Field]) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = Guided::Fields(fields).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// What [`parse`] expects where it stands; a shape's position comes with the number of
/// containers around it.
#[derive(Clone, Copy)]
enum Guided {
    Fields(&'static [Field]),
    Shape(&'static Shape, usize),
}

/// An item's value (see [`Shape::Item`]) from its text, standing inside `depth` containers.
fn item(raw: Box<RawValue>, depth: usize) -> serde_json::Result<Value> {
    let (mut objects, mut members) = (raw.get().starts_with('{'), 0);
    if objects {
        super::attr::each_member(raw.get(), |IgnoredAny, v| {
            objects &= v.get().starts_with('{');
            members += 1;
        })?;
    }
    if objects {
        return Ok(super::attr::keep_item(raw, members));
    }
    // Read again as the parse reads any attribute map, inside as many arrays as it stood in
    // containers, so that serde_json's nesting limit falls where it did in the body.
    let text = ["[".repeat(depth), raw.get().to_string(), "]".repeat(depth)].concat();
    let mut de = serde_json::Deserializer::from_str(&text);
    let value = Nested(depth, Guided::Shape(&ATTRIBUTE_MAP, depth)).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A value read through `.0` arrays of one element each (see [`item`]).
struct Nested(usize, Guided);

impl<'de> DeserializeSeed<'de> for Nested {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        match self.0 {
            0 => self.1.deserialize(d),
            _ => d.deserialize_seq(self),
        }
    }
}

impl<'de> Visitor<'de> for Nested {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of one element")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        seq.next_element_seed(Nested(self.0 - 1, self.1))?
            .ok_or_else(|| de::Error::invalid_length(0, &self))
    }
}

impl<'de> DeserializeSeed<'de> for Guided {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        match self {
            Guided::Shape(Shape::Attr, _) => {
                let raw: Box<RawValue> = serde::Deserialize::deserialize(d)?;
                super::attr::keep_raw(raw).map_err(de::Error::custom)
            }
            Guided::Shape(Shape::Item, depth) => {
                let raw: Box<RawValue> = serde::Deserialize::deserialize(d)?;
                item(raw, depth).map_err(de::Error::custom)
            }
            Guided::Shape(Shape::Parsed(shape) | Shape::Unechoed(shape), depth) => {
                Guided::Shape(shape, depth).deserialize(d)
            }
            _ => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Guided {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        match self {
            Guided::Shape(Shape::List { member, .. }, depth) => {
                while let Some(item) = seq.next_element_seed(Guided::Shape(member, depth + 1))? {
                    items.push(item);
                }
            }
            _ => {
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let fields: &'static [Field] = match self {
            Guided::Fields(fields) => fields,
            Guided::Shape(Shape::Struct { fields, .. }, _) => fields,
            _ => &[],
        };
        let depth = match self {
            Guided::Fields(_) => 1,
            Guided::Shape(_, depth) => depth + 1,
        };
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let shape = match self {
                Guided::Shape(Shape::Map { value, .. }, _) => Some(*value),
                _ => fields.iter().find(|f| f.name == name).map(|f| &f.shape),
            };
            let value = match shape {
                Some(shape) => map.next_value_seed(Guided::Shape(shape, depth))?,
                None => map.next_value()?,
            };
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// An item as the parse builds any attribute map, one placeholder per member (`attr::keep_raw`),
/// when the parse kept it whole (`attr::keep_item`); any other value as it is. For what reads an
/// item's members as JSON (an echo of the request, IAM's condition keys, a transaction's
/// fingerprint), never on the way to the store.
pub fn item_members(v: &Value) -> Cow<'_, Value> {
    match super::attr::kept_item(v) {
        Some((text, _)) => {
            let mut de = serde_json::Deserializer::from_str(text);
            // The parse read the text as an object of objects.
            Guided::Shape(&ATTRIBUTE_MAP, 0)
                .deserialize(&mut de)
                .map_or(Cow::Borrowed(v), Cow::Owned)
        }
        None => Cow::Borrowed(v),
    }
}

/// Runs the type pass and then the constraint pass over a request body.
pub fn validate(body: &Value, fields: &[Field]) -> Result<()> {
    validate_after(body, fields, Vec::new())
}

/// The type pass alone, for a refusal an operation raises before the constraint pass.
pub fn check_types(body: &Value, fields: &[Field]) -> Result<()> {
    check_types_struct(body, fields)
}

/// Like [`validate`], with constraint violations an operation found itself (in members a shape
/// cannot describe) listed first, in the same aggregated message.
pub fn validate_after(body: &Value, fields: &[Field], leading: Vec<String>) -> Result<()> {
    check_types_struct(body, fields)?;
    let mut errors = leading;
    check_struct(body, fields, &At::Root, &mut errors);
    if errors.is_empty() {
        return Ok(());
    }
    // DynamoDB stops collecting at ten violations, and counts only those.
    errors.truncate(10);
    let n = errors.len();
    let plural = if n == 1 { "" } else { "s" };
    Err(Error::validation(format!(
        "{n} validation error{plural} detected: {}",
        errors.join("; ")
    )))
}

/// The Java type a member of `shape` is read into; `nested` when it stands directly in a list or
/// a map (DynamoDB's reader names structures there as values, and cannot cast collections there).
fn wanted(shape: &Shape, nested: bool) -> Option<Wanted<'static>> {
    Some(match shape {
        Shape::Str { .. } | Shape::TableRef | Shape::TableNameOrArn => Wanted::String,
        Shape::Int { long: true, .. } => Wanted::Long,
        Shape::Int { .. } => Wanted::Integer,
        Shape::Bool => Wanted::Boolean,
        Shape::List { .. } if nested => Wanted::NestedList,
        Shape::List { .. } => Wanted::List,
        Shape::Map { value, .. } if nested => Wanted::NestedMap(values(value)),
        Shape::Map { value, .. } => Wanted::Map(values(value)),
        Shape::Struct { java, .. } if nested => Wanted::Value(java),
        Shape::Struct { java, .. } => Wanted::Struct(java),
        Shape::Attr if nested => Wanted::Value("AttributeValue"),
        Shape::Attr => Wanted::Struct("AttributeValue"),
        Shape::Item => return wanted(&ATTRIBUTE_MAP, nested),
        Shape::Any | Shape::Parsed(_) | Shape::Unechoed(_) => return None,
    })
}

/// A map's values as the reader names them in a refusal.
fn values(shape: &Shape) -> Values<'static> {
    match shape {
        Shape::Attr => Values::Of("AttributeValue"),
        Shape::Struct { java, .. } => Values::Of(java),
        _ => Values::Strings,
    }
}

/// The reader's pass: each member's JSON token against its shape's Java type, before any
/// constraint is checked (`protocol::serialization` words the refusals).
fn check_type(v: &Value, shape: &Shape, nested: bool) -> Result<()> {
    if let Shape::Unechoed(inner) = shape {
        return check_type(v, inner, nested);
    }
    // A kept attribute value is an object as sent; its own reader checks its members.
    if matches!(shape, Shape::Attr) && super::attr::kept(v).is_some() {
        return Ok(());
    }
    if matches!(shape, Shape::Item) {
        return match super::attr::kept_item(v) {
            Some(_) => Ok(()),
            None => check_type(v, &ATTRIBUTE_MAP, nested),
        };
    }
    if let Some(wanted) = wanted(shape, nested) {
        serialization::check(v, wanted)?;
    }
    match (shape, v) {
        (Shape::List { member, .. }, Value::Array(items)) => items.iter().try_for_each(|i| check_type(i, member, true)),
        (Shape::Map { value, .. }, Value::Object(m)) => m.values().try_for_each(|i| check_type(i, value, true)),
        (Shape::Struct { fields, .. }, Value::Object(_)) => check_types_struct(v, fields),
        (Shape::Parsed(guide), _) => check_attr_types(v, guide),
        _ => Ok(()),
    }
}

/// The type pass inside a member its operation checks itself (`Shape::Parsed`): only the attribute
/// values its guide leads to. DynamoDB's reader refuses those as anywhere else, before any check of
/// the operation's own (a table name it would echo among them). The guide's depth bounds the walk.
fn check_attr_types(v: &Value, guide: &Shape) -> Result<()> {
    match (guide, v) {
        (Shape::Attr, _) => check_type(v, guide, true),
        (Shape::Item, _) if super::attr::kept_item(v).is_some() => Ok(()),
        (Shape::Item, _) => check_attr_types(v, &ATTRIBUTE_MAP),
        (Shape::List { member, .. }, Value::Array(items)) => items.iter().try_for_each(|i| check_attr_types(i, member)),
        (Shape::Map { value, .. }, Value::Object(m)) => m.values().try_for_each(|i| check_attr_types(i, value)),
        (Shape::Struct { fields, .. }, Value::Object(m)) => fields
            .iter()
            .filter_map(|f| Some((m.get(f.name)?, &f.shape)))
            .try_for_each(|(x, shape)| check_attr_types(x, shape)),
        _ => Ok(()),
    }
}

fn check_types_struct(v: &Value, fields: &[Field]) -> Result<()> {
    fields
        .iter()
        .zip(members(v, fields))
        .try_for_each(|(f, m)| m.map_or(Ok(()), |m| check_type(m, &f.shape, false)))
}

/// Object `v`'s member for each of `fields`, in the fields' order, found in one pass over the
/// object: a request carries few of its shape's members, and comparing its names for equality
/// (lengths first) costs less than ordering every field's name against the object's keys.
fn members<'v>(v: &'v Value, fields: &[Field]) -> SmallVec<[Option<&'v Value>; 24]> {
    let mut found: SmallVec<[Option<&Value>; 24]> = smallvec::smallvec![None; fields.len()];
    find_members(v, |name| fields.iter().position(|f| f.name == name), &mut found);
    found
}

/// Puts each member of object `v` whose name `position` places into `found` at that place: the
/// one pass over a body's members that its shape checks and `Body::pick` share.
pub fn find_members<'v>(v: &'v Value, position: impl Fn(&str) -> Option<usize>, found: &mut [Option<&'v Value>]) {
    for (name, member) in v.as_object().into_iter().flatten() {
        if let Some(i) = position(name) {
            found[i] = Some(member);
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// Where a member sits in the request, as DynamoDB names it ("keySchema.1.member.keyType").
/// Borrowed links, formatted only when a violation is reported: valid requests allocate nothing.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Member(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
    Entry(&'a At<'a>, &'a str),
}

impl At<'_> {
    /// The path with its last member named as sent, for [`Shape::Unechoed`].
    fn as_sent(&self) -> String {
        match self {
            At::Member(At::Root, name) => name.to_string(),
            At::Member(parent, name) => format!("{parent}.{name}"),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root => Ok(()),
            At::Member(At::Root, name) => f.write_str(&lower_first(name)),
            At::Member(parent, name) => write!(f, "{parent}.{}", lower_first(name)),
            At::Item(parent, i) => write!(f, "{parent}.{}.member", i + 1),
            At::Entry(parent, k) => write!(f, "{parent}.{k}.member"),
        }
    }
}

fn check_struct(v: &Value, fields: &[Field], parent: &At, errors: &mut Vec<String>) {
    for (f, member) in fields.iter().zip(members(v, fields)) {
        let path = At::Member(parent, f.name);
        check_member(member.filter(|m| !m.is_null()), &f.shape, f.required, &path, errors);
    }
}

fn check_member(v: Option<&Value>, shape: &Shape, required: bool, path: &At, errors: &mut Vec<String>) {
    let (shape, echoed) = match shape {
        Shape::Unechoed(inner) => (*inner, false),
        // A kept item has nothing to refuse; the rest are attribute maps.
        Shape::Item if v.and_then(super::attr::kept_item).is_some() => return,
        Shape::Item => (&ATTRIBUTE_MAP, true),
        shape => (shape, true),
    };
    let Some(v) = v else {
        if required {
            errors.push(format!(
                "Value null at '{path}' failed to satisfy constraint: Member must not be null"
            ));
        }
        return;
    };
    let mut faults = Vec::new();
    let len_faults = |faults: &mut Vec<String>, len: usize, min: usize, max: usize| {
        if len < min {
            faults.push(format!("Member must have length greater than or equal to {min}"));
        }
        if len > max {
            faults.push(format!("Member must have length less than or equal to {max}"));
        }
    };
    let pattern_fault = |faults: &mut Vec<String>| {
        faults.push("Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+".to_string());
    };
    match shape {
        Shape::Str {
            min,
            max,
            pattern,
            values,
        } => {
            let s = v.as_str().unwrap_or_default();
            if !values.is_empty() && !values.contains(&s) {
                faults.push(format!("Member must satisfy enum value set: [{}]", values.join(", ")));
            }
            let pattern = pattern.filter(|p| !p.matches(s));
            if pattern == Some(Pattern::Name) {
                pattern_fault(&mut faults);
            }
            len_faults(&mut faults, s.chars().count(), *min, *max);
            if pattern == Some(Pattern::IndexName) {
                pattern_fault(&mut faults);
            }
        }
        Shape::TableRef | Shape::TableNameOrArn => {
            let s = v.as_str().unwrap_or_default();
            if s.starts_with("arn:") {
                len_faults(&mut faults, s.chars().count(), 1, 1024);
            } else if matches!(shape, Shape::TableNameOrArn) {
                len_faults(&mut faults, s.chars().count(), 3, 255);
                if !Pattern::Name.matches(s) {
                    pattern_fault(&mut faults);
                }
            } else {
                // The data plane's TableName is an ARN's shape, so an empty one is only too short.
                if !s.is_empty() && !Pattern::Name.matches(s) {
                    pattern_fault(&mut faults);
                }
                len_faults(&mut faults, s.chars().count(), 1, 255);
            }
        }
        Shape::Int { min, max, .. } => {
            let n = v.as_f64().unwrap_or_default();
            if let Some(m) = min.filter(|m| n < *m as f64) {
                faults.push(format!("Member must have value greater than or equal to {m}"));
            }
            if let Some(m) = max.filter(|m| n > *m as f64) {
                faults.push(format!("Member must have value less than or equal to {m}"));
            }
        }
        Shape::List { min, max, .. } => len_faults(&mut faults, v.as_array().map_or(0, Vec::len), *min, *max),
        Shape::Map { min, max, .. } => len_faults(&mut faults, v.as_object().map_or(0, |m| m.len()), *min, *max),
        Shape::Struct { .. }
        | Shape::Bool
        | Shape::Attr
        | Shape::Item
        | Shape::Any
        | Shape::Parsed(_)
        | Shape::Unechoed(_) => {}
    }
    for what in faults {
        errors.push(if echoed {
            format!(
                "Value '{}' at '{path}' failed to satisfy constraint: {what}",
                render(v, shape)
            )
        } else {
            format!("Value at '{}' failed to satisfy constraint: {what}", path.as_sent())
        });
    }
    // Members are checked after their container.
    match (shape, v) {
        (Shape::List { member, .. }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let at = At::Item(path, i);
                // A list element can never be null: the service has no way to hold one.
                check_member(Some(item).filter(|m| !m.is_null()), member, true, &at, errors);
            }
        }
        (Shape::Map { value, .. }, Value::Object(map)) => {
            for (k, item) in map {
                let at = At::Entry(path, k);
                check_member(Some(item).filter(|m| !m.is_null()), value, true, &at, errors);
            }
        }
        (Shape::Struct { fields, .. }, _) => check_struct(v, fields, path, errors),
        _ => {}
    }
}

/// Renders a value the way the Java front end prints it inside "Value '…' at …".
fn render(v: &Value, shape: &Shape) -> String {
    match (v, shape) {
        (v, Shape::Item) => render(&item_members(v), &ATTRIBUTE_MAP),
        (Value::String(s), _) => s.clone(),
        (Value::Array(items), Shape::List { member, .. }) => {
            let parts: Vec<String> = items.iter().map(|i| render(i, member)).collect();
            format!("[{}]", parts.join(", "))
        }
        (Value::Object(m), Shape::Struct { java, fields }) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| {
                    let shown = m
                        .get(f.name)
                        .filter(|x| !x.is_null())
                        .map_or("null".into(), |x| render(x, &f.shape));
                    format!("{}={shown}", lower_first(f.name))
                })
                .collect();
            format!("{java}({})", parts.join(", "))
        }
        (Value::Object(m), Shape::Map { value, .. }) => {
            let parts: Vec<String> = m.iter().map(|(k, x)| format!("{k}={}", render(x, value))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        (other, Shape::Attr) => super::attr::unraw(other).to_string(),
        (other, _) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY_ELEMENT: Shape = Shape::Struct {
        java: "KeySchemaElement",
        fields: &[
            required("AttributeName", string(1, 255)),
            required("KeyType", one_of(&["HASH", "RANGE"])),
        ],
    };
    const FIELDS: &[Field] = &[
        required("TableName", TABLE_NAME),
        field(
            "KeySchema",
            Shape::List {
                member: &KEY_ELEMENT,
                min: 1,
                max: 2,
            },
        ),
        field("Limit", int(Some(1), None)),
    ];

    fn message(body: Value) -> String {
        validate(&body, FIELDS).unwrap_err().message.unwrap()
    }

    #[test]
    fn reports_missing_member() {
        assert_eq!(
            message(json!({})),
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn aggregates_in_member_order_with_java_rendering() {
        let body = json!({"TableName": "a!", "KeySchema": [
            {"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "X"},
            {"AttributeName": "c", "KeyType": "RANGE"}], "Limit": 0});
        assert_eq!(
            message(body),
            "5 validation errors detected: \
             Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
             Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; \
             Value '[KeySchemaElement(attributeName=a, keyType=HASH), KeySchemaElement(attributeName=b, keyType=X), KeySchemaElement(attributeName=c, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2; \
             Value 'X' at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]; \
             Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
    }

    /// A Query's or Scan's condition must name its operator; an Expected one need not
    /// (`Exists`/`Value` stand instead).
    #[test]
    fn filter_conditions_require_their_operator_and_expected_ones_do_not() {
        let fields = |conditions| [field("KeyConditions", conditions)];
        let body = json!({"KeyConditions": {"a": {}, "b": {"ComparisonOperator": "EQ"}}});
        assert_eq!(
            validate(&body, &fields(FILTER_CONDITIONS)).unwrap_err().message.unwrap(),
            "1 validation error detected: Value null at 'keyConditions.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"
        );
        assert!(validate(&body, &fields(EXPECTED)).is_ok());
    }

    #[test]
    fn null_list_elements_and_map_values_are_refused() {
        assert_eq!(
            message(json!({"TableName": "abc", "KeySchema": [null]})),
            "1 validation error detected: Value null at 'keySchema.1.member' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        let e = validate(&json!({"TableName": 5}), FIELDS).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Serialization);
        assert_eq!(e.message.as_deref(), Some("NUMBER_VALUE cannot be converted to String"));
        let e = validate(&json!({"KeySchema": {}}), FIELDS).unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some("Start of structure or map found where not expected")
        );
        let e = validate(&json!({"KeySchema": [5]}), FIELDS).unwrap_err();
        assert_eq!(e.message.as_deref(), Some("Unexpected value type in payload"));
        let e = validate(&json!({"KeySchema": [[]]}), FIELDS).unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement")
        );
        let e = validate(&json!({"Limit": "5"}), FIELDS).unwrap_err();
        assert_eq!(
            e.message.as_deref(),
            Some("STRING_VALUE cannot be converted to Integer")
        );
    }

    #[test]
    fn lists_at_most_ten_but_counts_all() {
        const MANY: &[Field] = &[field(
            "Names",
            Shape::List {
                member: &TABLE_NAME,
                min: 0,
                max: 100,
            },
        )];
        let names: Vec<Value> = (0..12).map(|_| json!("!!!")).collect();
        let msg = validate(&json!({ "Names": names }), MANY).unwrap_err().message.unwrap();
        assert!(msg.starts_with("10 validation errors detected: "), "{msg}");
        assert_eq!(msg.matches("failed to satisfy").count(), 10);
    }

    #[test]
    fn legacy_values_are_kept_as_text_at_any_depth() {
        const LEGACY: &[Field] = &[
            field("Expected", EXPECTED),
            field("AttributeUpdates", ATTRIBUTE_UPDATES),
            field("ScanFilter", FILTER_CONDITIONS),
        ];
        // 200 levels of maps, past serde_json's 128, at every legacy value position.
        let deep = [
            r#"{"M": {"n": "#.repeat(100),
            r#"{"S": "x"}"#.to_string(),
            "}}".repeat(100),
        ]
        .concat();
        let body = format!(
            r#"{{"Expected": {{"a": {{"Value": {deep}, "AttributeValueList": [{deep}]}}}},
                "AttributeUpdates": {{"a": {{"Value": {deep}, "Action": "PUT"}}}},
                "ScanFilter": {{"a": {{"AttributeValueList": [{deep}], "ComparisonOperator": "EQ"}}}}}}"#
        );
        let parsed = parse(body.as_bytes(), LEGACY).unwrap();
        let kept = |v: &Value| super::super::attr::kept(v) == Some(deep.as_str());
        assert!(kept(&parsed["Expected"]["a"]["Value"]));
        assert!(kept(&parsed["Expected"]["a"]["AttributeValueList"][0]));
        assert!(kept(&parsed["AttributeUpdates"]["a"]["Value"]));
        assert!(kept(&parsed["ScanFilter"]["a"]["AttributeValueList"][0]));
    }

    /// An item whose members are all objects is kept whole, and reads (its members, its decoded
    /// item or its first refusal) as the same item parsed member by member; any other is parsed
    /// member by member, at the depth it stood in the body.
    #[test]
    fn an_item_is_kept_whole_only_when_it_reads_the_same() {
        use super::super::attr::{decode_map_kept, kept_item};
        const WHOLE: &[Field] = &[field("Item", Shape::Item)];
        const MEMBERS: &[Field] = &[field("Item", ATTRIBUTE_MAP)];
        let both = |item: &str| {
            let body = format!(r#"{{"Item": {item}}}"#);
            (parse(body.as_bytes(), WHOLE), parse(body.as_bytes(), MEMBERS))
        };
        let deep = (0..40).fold(r#"{"S": "x"}"#.to_string(), |v, _| format!(r#"{{"M": {{"n": {v}}}}}"#));
        for item in [
            r#"{"pk": {"S": "k"}, "a\u0042": {"N": "1.50"}, "q\"": {"SS": ["b", "a"]}}"#.to_string(),
            r#"{"pk": {"S": "a"}, "pk": {"S": "b"}}"#.to_string(),
            r#"{"b": {"N": "x"}, "a": {"BOOL": 1}}"#.to_string(),
            r#"{"a": {"N": "x"}, "a": {"S": "later wins"}}"#.to_string(),
            r#"{"a": {"S": "ok"}, "a": {"N": "x"}, "b": {"N": "y"}}"#.to_string(),
            r#"{"a": {"N": 1e400}, "b": {}}"#.to_string(),
            format!(r#"{{"z": {deep}, "a": {{"N": "abc"}}}}"#),
            format!(r#"{{"a": {deep}, "z": {{"N": "abc"}}}}"#),
            "{}".to_string(),
        ] {
            let (Ok(whole), Ok(members)) = both(&item) else {
                panic!("{item}")
            };
            assert!(kept_item(&whole["Item"]).is_some(), "{item}");
            assert_eq!(*item_members(&whole["Item"]), members["Item"], "{item}");
            assert_eq!(
                decode_map_kept(&whole["Item"]),
                decode_map_kept(&members["Item"]),
                "{item}"
            );
        }
        assert_eq!(
            decode_map_kept(&both(r#"{"b": {"N": "x"}, "a": {"BOOL": 1}}"#).0.unwrap()["Item"])
                .unwrap_err()
                .message
                .as_deref(),
            Some("NUMBER_VALUE cannot be converted to Boolean")
        );
        // A client's own spelling of a kept item is an attribute map like any other.
        let nested = |n: usize| ["[".repeat(n), "]".repeat(n)].concat();
        for item in [
            r#"{"": ["{\"pk\": {\"S\": \"forged\"}}"]}"#.to_string(),
            r#"{"a": null, "b": {"S": "x"}}"#.to_string(),
            r#""{\"a\": {\"S\": \"x\"}}""#.to_string(),
            nested(3),
            // serde_json's limit: 128 containers, the body's own among them.
            nested(126),
            nested(127),
        ] {
            let (whole, members) = both(&item);
            assert_eq!(whole.as_ref().ok(), members.as_ref().ok(), "{item}");
            assert!(whole.map_or(true, |w| kept_item(&w["Item"]).is_none()), "{item}");
        }
        assert!(both(&nested(126)).0.is_ok() && both(&nested(127)).0.is_err());
    }
}
