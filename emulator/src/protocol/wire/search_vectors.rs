use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde_json::{json, Value};

use super::{capacity_detail, expressions, table_name};
use crate::error::{Check, Error, Result};
use crate::expr::Op;
use crate::ops::search_vectors::{Input, Output};
use crate::model::{to_f32, AttributeValue};
use crate::protocol::attr::{self, encode_map};
use crate::protocol::shape::{
    field, int, required, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES, INDEX_NAME,
    RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

/// TopK's lower bound is the API model's; its upper bound (100) is the service's, in its words.
/// IndexName's and SearchVector's faults name them as sent, without their value (AWS, August
/// 2026), where TopK's is worded as other operations word their members.
pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("IndexName", Shape::Unechoed(&INDEX_NAME)),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ProjectionExpression", EXPRESSION),
    required("SearchVector", Shape::Unechoed(&Shape::List { member: &Shape::Attr, min: 1, max: usize::MAX })),
    field("SearchConditionExpression", EXPRESSION),
    required("TopK", int(Some(1), None)),
];

/// SearchVectors' request as its service deserializes it before checking any member: a required
/// member that is absent or null, or a member of the wrong JSON type, fails the whole body in the
/// deserializer's words, with the line and column where it stopped (AWS, October 2026: `invalid
/// type: null, expected a string at line 1 column 60`; `missing field `TableName` at …`). The
/// fields are read only for those errors; the members are then decoded from [`SHAPE`].
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct Strict {
    table_name: String,
    index_name: String,
    search_vector: Vec<IgnoredAny>,
    top_k: i32,
    return_consumed_capacity: Option<String>,
    expression_attribute_names: Option<HashMap<String, String>>,
    expression_attribute_values: Option<HashMap<String, IgnoredAny>>,
    projection_expression: Option<String>,
    search_condition_expression: Option<String>,
}

/// Reads a SearchVectors body as [`Strict`]: a missing member is a ValidationException, any other
/// misfit a SerializationException, both worded by the deserializer. A body that is not JSON
/// goes on to the front end's bare SerializationException, as for every operation (our reading).
pub fn read_strictly(body: &[u8]) -> Result<()> {
    match serde_json::from_slice::<Strict>(body) {
        Err(e) if e.is_data() && e.to_string().starts_with("missing field") => Err(Error::validation(e.to_string())),
        Err(e) if e.is_data() => Err(Error::serialization(e.to_string())),
        _ => Ok(()),
    }
}

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    let vector = body
        .list("SearchVector")
        .iter()
        .map(attr::decode_kept)
        .collect::<Result<Vec<_>>>()
        .map_err(|e| e.by(Check::Request))?;
    let exprs = expressions::parse(body, Op::SearchVectors)?;
    Ok(Input {
        table: table_name(body),
        index: body.str("IndexName").unwrap_or_default().to_string(),
        vector,
        top_k: body.int("TopK").unwrap_or(1),
        exprs,
        capacity: capacity_detail(body),
    })
}

/// ConsumedCapacity is a bare VectorCapacity here: no table name, no capacity units. A result's
/// vector attribute is the index's f32 copy, its numbers printed as Java prints a float.
pub fn encode(out: Output) -> Value {
    let results: Vec<Value> = out
        .results
        .iter()
        .map(|(item, score)| {
            let mut encoded = encode_map(item);
            if let Some(copy) = item.get(&out.vector).and_then(java_floats) {
                encoded[&out.vector] = copy;
            }
            json!({"Item": encoded, "Score": score})
        })
        .collect();
    let mut v = json!({ "SearchResults": results });
    if let Some(bytes) = out.request_bytes {
        v["ConsumedCapacity"] = json!({ "VectorSearchRequestBytes": bytes });
    }
    v
}

/// An index's vector copy, its numbers as Java's `Float.toString` prints them (AWS, August 2026:
/// `1` comes back `1.0`); `None` for a value that is no such copy.
fn java_floats(copy: &AttributeValue) -> Option<Value> {
    let AttributeValue::L(members) = copy else {
        return None;
    };
    let members = members
        .iter()
        .map(|m| match m {
            AttributeValue::N(n) => to_f32(n).map(|f| json!({ "N": java_float(f) })),
            _ => None,
        })
        .collect::<Option<Vec<Value>>>()?;
    Some(json!({ "L": members }))
}

/// `f` as Java's `Float.toString` prints it: the shortest digits that read back as `f`, as a
/// decimal with at least one fraction digit from 10^-3 up to 10^7, else as `d.dddE<n>`.
fn java_float(f: f32) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives those shortest digits: `1.6777216e7`.
    let scientific = format!("{:e}", f.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits = mantissa.replace('.', "");
    if !(1e-3..1e7).contains(&f.abs()) {
        let fraction = if digits.len() > 1 { &digits[1..] } else { "0" };
        return format!("{sign}{}.{fraction}E{exponent}", &digits[..1]);
    }
    if exponent < 0 {
        let zeros = "0".repeat((-exponent - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let whole = exponent as usize + 1;
    let digits = format!("{digits:0<whole$}");
    let fraction = if digits.len() > whole { &digits[whole..] } else { "0" };
    format!("{sign}{}.{fraction}", &digits[..whole])
}

#[cfg(test)]
mod tests {
    use super::{java_float, read_strictly};
    use crate::error::ErrorKind;

    #[test]
    fn the_body_is_read_strictly_in_the_deserializers_words() {
        let fault = |body: &str| read_strictly(body.as_bytes()).map_err(|e| (e.kind, e.message.unwrap()));
        let valid = r#"{"TableName":"t","IndexName":"vix","SearchVector":[{"N":"1"}],"TopK":1}"#;
        let with = |extra: &str| format!("{}{extra}}}", &valid[..valid.len() - 1]);
        assert_eq!(fault(valid), Ok(()));
        // Optional members may be null, and members the request does not know are left alone.
        assert_eq!(fault(&with(r#","ReturnConsumedCapacity":null,"Other":[]"#)), Ok(()));
        let serialization = |m: &str| Err((ErrorKind::Serialization, m.to_string()));
        assert_eq!(
            fault(&valid.replace(r#""t""#, "null")),
            serialization("invalid type: null, expected a string at line 1 column 17")
        );
        assert_eq!(
            fault(&valid.replace(r#""TopK":1"#, r#""TopK":1.5"#)),
            serialization("invalid type: floating point `1.5`, expected i32 at line 1 column 72")
        );
        assert_eq!(
            fault(&with(r##","ExpressionAttributeNames":{"#a":1}"##)),
            serialization("invalid type: integer `1`, expected a string at line 1 column 105")
        );
        assert_eq!(
            fault(r#"{"TableName":"t","SearchVector":[],"TopK":1}"#),
            Err((ErrorKind::Validation, "missing field `IndexName` at line 1 column 44".to_string()))
        );
        // Not JSON: left to the front end's bare SerializationException.
        assert_eq!(fault("{"), Ok(()));
    }

    #[test]
    fn floats_are_printed_as_java_prints_them() {
        let cases = [
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (123.456, "123.456"),
            (0.001, "0.001"),
            (0.000_999_9, "9.999E-4"),
            (9_999_999.0, "9999999.0"),
            (16_777_216.0, "1.6777216E7"),
            (1e7, "1.0E7"),
            (f32::MAX, "3.4028235E38"),
            (1e-23, "1.0E-23"),
        ];
        for (f, want) in cases {
            assert_eq!(java_float(f), want, "{f}");
        }
    }
}
