use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde_json::{json, Value};

use super::{capacity_detail, expressions, table_name};
use crate::error::{Check, Error, Result};
use crate::expr::Op;
use crate::ops::search_vectors::{Input, Output};
use crate::protocol::attr::{self, encode_map};
use crate::protocol::shape::{
    field, int, required, validate, Field, Shape, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_NAMES, INDEX_NAME,
    RETURN_CONSUMED_CAPACITY,
};
use crate::protocol::Body;

/// TopK's lower bound is the API model's; its upper bound (100) is the service's, in its words.
pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    required("IndexName", INDEX_NAME),
    field("ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY),
    field("ExpressionAttributeNames", EXPRESSION_NAMES),
    field("ExpressionAttributeValues", ATTRIBUTE_MAP),
    field("ProjectionExpression", EXPRESSION),
    required("SearchVector", Shape::List { member: &Shape::Attr, min: 1, max: usize::MAX }),
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

/// ConsumedCapacity is a bare VectorCapacity here: no table name, no capacity units.
pub fn encode(out: Output) -> Value {
    let results: Vec<Value> = out
        .results
        .iter()
        .map(|(item, score)| json!({"Item": encode_map(item), "Score": score}))
        .collect();
    let mut v = json!({ "SearchResults": results });
    if let Some(bytes) = out.request_bytes {
        v["ConsumedCapacity"] = json!({ "VectorSearchRequestBytes": bytes });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::read_strictly;
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
}
