//! AttributeValue ⇄ JSON, with the per-value checks DynamoDB makes on every value it receives
//! (exactly one type, sets non-empty and free of duplicates, NULL true, numbers in range).

use std::fmt::Display;

use base64::display::Base64Display;
use base64::engine::general_purpose::{GeneralPurpose, STANDARD};
use base64::Engine;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{AttributeValue, Item, Number, NumberError, MAX_NESTING};

/// Decodes one AttributeValue object.
pub fn decode(v: &Value) -> Result<AttributeValue> {
    decode_at(v, 1)
}

/// Decodes a map of attribute values (an item, a key, ExpressionAttributeValues).
pub fn decode_map(v: &Value) -> Result<Item> {
    decode_map_at(v, 1)
}

/// Decodes a value at nesting `level`; past DynamoDB's limit it stops, so the recursion is bounded
/// by [`MAX_NESTING`] whatever the JSON.
fn decode_at(v: &Value, level: usize) -> Result<AttributeValue> {
    if level > MAX_NESTING {
        return Err(Error::nesting_exceeded());
    }
    let Value::Object(m) = v else {
        return Err(Error::serialization("Unexpected value type in payload"));
    };
    let mut types = m.iter().filter(|(_, x)| !x.is_null());
    let Some((ty, x)) = types.next() else {
        return Err(Error::validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ));
    };
    let value = decode_typed(ty, x, level)?;
    if types.next().is_some() {
        return Err(Error::validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ));
    }
    Ok(value)
}

fn decode_map_at(v: &Value, level: usize) -> Result<Item> {
    match v {
        Value::Object(m) => m.iter().map(|(k, x)| Ok((k.clone(), decode_at(x, level)?))).collect(),
        _ => Err(Error::serialization("Expected map or null")),
    }
}

fn strings(x: &Value) -> Result<Vec<&str>> {
    let Value::Array(items) = x else {
        return Err(Error::serialization("Expected list or null"));
    };
    items
        .iter()
        .map(|i| i.as_str().ok_or_else(|| Error::serialization("Expected string")))
        .collect()
}

fn number(s: &str) -> Result<Number> {
    Number::parse(s).map_err(|e| match e {
        NumberError::Invalid if s.is_empty() => Error::validation(e.message()),
        NumberError::Invalid => Error::validation(format!("{}: {s}", e.message())),
        _ => Error::validation(e.message()),
    })
}

fn binary(s: &str) -> Result<Vec<u8>> {
    STANDARD
        .decode(s)
        .map_err(|e| Error::serialization(format!("'{s}' can not be converted to a Blob: {e}")))
}

fn empty_set(kind: &str) -> Error {
    Error::invalid_parameter(format!("An {kind} set  may not be empty"))
}

fn has_duplicates<T: Ord>(items: &[T]) -> bool {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort();
    sorted.windows(2).any(|w| w[0] == w[1])
}

fn decode_typed(ty: &str, x: &Value, level: usize) -> Result<AttributeValue> {
    let text = |x: &Value| {
        x.as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::serialization("Expected string"))
    };
    Ok(match ty {
        "S" => AttributeValue::S(text(x)?),
        "N" => AttributeValue::N(number(&text(x)?)?),
        "B" => AttributeValue::B(binary(&text(x)?)?),
        "BOOL" => AttributeValue::Bool(x.as_bool().ok_or_else(|| Error::serialization("Expected boolean"))?),
        "NULL" => match x.as_bool() {
            Some(true) => AttributeValue::Null,
            Some(false) => {
                return Err(Error::invalid_parameter(
                    "Null attribute value types must have the value of true",
                ))
            }
            None => return Err(Error::serialization("Expected boolean")),
        },
        "M" => AttributeValue::M(decode_map_at(x, level + 1)?),
        "L" => match x {
            Value::Array(items) => {
                AttributeValue::L(items.iter().map(|i| decode_at(i, level + 1)).collect::<Result<_>>()?)
            }
            _ => return Err(Error::serialization("Expected list or null")),
        },
        "SS" => {
            let v: Vec<String> = strings(x)?.into_iter().map(str::to_owned).collect();
            if v.is_empty() {
                return Err(empty_set("string"));
            }
            if has_duplicates(&v) {
                return Err(Error::invalid_parameter(format!(
                    "Input collection [{}] contains duplicates.",
                    v.join(", ")
                )));
            }
            AttributeValue::Ss(v)
        }
        "NS" => {
            let raw = strings(x)?;
            if raw.is_empty() {
                return Err(empty_set("number"));
            }
            let v: Vec<Number> = raw.into_iter().map(number).collect::<Result<_>>()?;
            if has_duplicates(&v) {
                return Err(Error::validation("Input collection contains duplicates"));
            }
            AttributeValue::Ns(v)
        }
        "BS" => {
            let raw = strings(x)?;
            if raw.is_empty() {
                return Err(Error::invalid_parameter("Binary sets should not be empty"));
            }
            let v: Vec<Vec<u8>> = raw.iter().map(|s| binary(s)).collect::<Result<_>>()?;
            if has_duplicates(&v) {
                return Err(Error::invalid_parameter(format!(
                    "Input collection [{}]of type BS contains duplicates.",
                    raw.join(", ")
                )));
            }
            AttributeValue::Bs(v)
        }
        _ => {
            return Err(Error::validation(
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
            ))
        }
    })
}

/// One value in DynamoDB's JSON form, written by serde straight into an answer's bytes (no JSON
/// tree per value: a Scan page of 1,000 items was mostly spent building and dropping those).
pub struct Wire<'a>(pub &'a AttributeValue);

/// An item or map value in DynamoDB's JSON form; see [`Wire`].
pub struct WireMap<'a>(pub &'a Item);

/// Text written through `Display` (numbers, base64), without a `String` per value.
struct Text<T>(T);

impl<T: Display> Serialize for Text<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A JSON array of an iterator's elements.
struct Seq<I>(I);

impl<I: Iterator<Item: Serialize> + Clone> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

fn base64(b: &[u8]) -> Text<Base64Display<'_, 'static, GeneralPurpose>> {
    Text(Base64Display::new(b, &STANDARD))
}

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self.0 {
            AttributeValue::S(x) => m.serialize_entry("S", x)?,
            AttributeValue::N(n) => m.serialize_entry("N", &Text(n))?,
            AttributeValue::B(b) => m.serialize_entry("B", &base64(b))?,
            AttributeValue::Bool(b) => m.serialize_entry("BOOL", b)?,
            AttributeValue::Null => m.serialize_entry("NULL", &true)?,
            AttributeValue::M(x) => m.serialize_entry("M", &WireMap(x))?,
            AttributeValue::L(l) => m.serialize_entry("L", &Seq(l.iter().map(Wire)))?,
            AttributeValue::Ss(v) => m.serialize_entry("SS", v)?,
            AttributeValue::Ns(v) => m.serialize_entry("NS", &Seq(v.iter().map(Text)))?,
            AttributeValue::Bs(v) => m.serialize_entry("BS", &Seq(v.iter().map(|b| base64(b))))?,
        }
        m.end()
    }
}

impl Serialize for WireMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, Wire(v))))
    }
}

/// Encodes an item as a JSON tree, for answers that embed it in one.
pub fn encode_map(item: &Item) -> Value {
    serde_json::to_value(WireMap(item)).expect("attribute values always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        decode(&v).unwrap_err().message.unwrap()
    }

    #[test]
    fn round_trips_every_type() {
        let v = json!({"M": {"s": {"S": "x"}, "n": {"N": "1.50"}, "b": {"B": "AAEC"}, "t": {"BOOL": true},
            "z": {"NULL": true}, "l": {"L": [{"S": ""}, {"N": "-0"}]}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA==", "AQ=="]}}});
        let decoded = decode(&v).unwrap();
        let expected = json!({"M": {"s": {"S": "x"}, "n": {"N": "1.5"}, "b": {"B": "AAEC"}, "t": {"BOOL": true},
            "z": {"NULL": true}, "l": {"L": [{"S": ""}, {"N": "0"}]}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA==", "AQ=="]}}});
        assert_eq!(serde_json::to_value(Wire(&decoded)).unwrap(), expected);
        // Written straight to bytes, the same text a JSON tree renders (members in name order).
        assert_eq!(
            serde_json::to_vec(&Wire(&decoded)).unwrap(),
            serde_json::to_vec(&expected).unwrap()
        );
    }

    #[test]
    fn rejects_like_dynamodb() {
        assert_eq!(
            err(json!({})),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        );
        assert_eq!(
            err(json!({"S": "a", "N": "1"})),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        );
        assert_eq!(
            err(json!({"SS": []})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            err(json!({"NS": []})),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            err(json!({"SS": ["a", "a"]})),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        );
        assert_eq!(err(json!({"NS": ["1", "1.0"]})), "Input collection contains duplicates");
        assert_eq!(
            err(json!({"NULL": false})),
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        );
        assert_eq!(
            err(json!({"N": "abc"})),
            "The parameter cannot be converted to a numeric value: abc"
        );
        assert_eq!(err(json!({"N": "1E+126"})), NumberError::Overflow.message());
        assert_eq!(
            decode(&json!({"B": "!!"})).unwrap_err().kind,
            crate::error::ErrorKind::Serialization
        );
    }

    fn wrapped(levels: usize) -> Value {
        (0..levels).fold(json!({"S": "x"}), |v, i| {
            if i % 2 == 0 {
                json!({"M": {"a": v}})
            } else {
                json!({"L": [v]})
            }
        })
    }

    #[test]
    fn nesting_stops_at_dynamodbs_limit() {
        assert_eq!(decode(&wrapped(31)).unwrap().nesting(), 32);
        assert_eq!(decode(&wrapped(32)), Err(Error::nesting_exceeded()));
        assert_eq!(decode_map(&json!({"k": wrapped(40)})), Err(Error::nesting_exceeded()));
    }
}
