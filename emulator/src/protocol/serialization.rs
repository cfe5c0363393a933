//! How DynamoDB's JSON reader refuses a value of the wrong JSON type (SerializationException):
//! one wording for every member, by what the reader found and what the member's Java type is.
//! These are today's texts (dynalite's suite as maintained against AWS, moto's AWS-verified tests:
//! `NUMBER_VALUE cannot be converted to String`), not the 2013 reader's ("class java.lang.Integer
//! can not be converted to an String"); FIDELITY.md, "JSON type errors".

use serde_json::Value;

use crate::error::Error;

/// The JSON token a member held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    True,
    False,
    /// A number without a fraction or exponent.
    Integer,
    Decimal,
    String,
    Array,
    Object,
}

impl Found {
    /// The token of `v`; `None` for null, which every member accepts.
    pub fn of(v: &Value) -> Option<Found> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(true) => Found::True,
            Value::Bool(false) => Found::False,
            Value::Number(n) if n.is_f64() => Found::Decimal,
            Value::Number(_) => Found::Integer,
            Value::String(_) => Found::String,
            Value::Array(_) => Found::Array,
            Value::Object(_) => Found::Object,
        })
    }

    fn token(self) -> &'static str {
        match self {
            Found::True => "TRUE_VALUE",
            Found::False => "FALSE_VALUE",
            Found::Integer => "NUMBER_VALUE",
            Found::Decimal => "DECIMAL_VALUE",
            Found::String => "STRING_VALUE",
            Found::Array | Found::Object => "",
        }
    }
}

/// The Java type a member is read into.
#[derive(Clone, Copy, Debug)]
pub enum Wanted<'a> {
    String,
    Boolean,
    Integer,
    Long,
    /// Base64 text (`B`, `BS` members).
    Blob,
    List,
    /// A map of these values.
    Map(Values<'a>),
    /// A structure member of this DynamoDB type (`KeySchemaElement`).
    Struct(&'a str),
    /// A structure standing as a value of a map or list (an `AttributeValue`).
    Value(&'a str),
    /// A list or a map standing directly in another collection, which DynamoDB's reader cannot
    /// cast: any scalar there fails with a Java cast error.
    NestedList,
    NestedMap(Values<'a>),
}

/// The values of a map: strings, or structures of a DynamoDB type (`AttributeValue`).
#[derive(Clone, Copy, Debug)]
pub enum Values<'a> {
    Strings,
    Of(&'a str),
    /// Lists of a DynamoDB type (BatchWriteItem's RequestItems).
    ListsOf(&'a str),
}

/// The package DynamoDB's own types live in, as the reader names them.
pub const PACKAGE: &str = "com.amazonaws.dynamodb.v20120810";

/// The Java cast error of a scalar where a nested collection stands.
const CAST: &str = "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";

/// Whether a member of type `wanted` takes `found` as it is.
pub fn accepts(wanted: Wanted, found: Found) -> bool {
    matches!(
        (wanted, found),
        (Wanted::String | Wanted::Blob, Found::String)
            | (Wanted::Boolean, Found::True | Found::False)
            | (Wanted::Integer | Wanted::Long, Found::Integer | Found::Decimal)
            | (Wanted::List | Wanted::NestedList, Found::Array)
            | (
                Wanted::Map(_) | Wanted::NestedMap(_) | Wanted::Struct(_) | Wanted::Value(_),
                Found::Object
            )
    )
}

/// The refusal of `found` where a member of type `wanted` stands (one `accepts` refuses).
pub fn refusal(wanted: Wanted, found: Found) -> Error {
    let java = |t: &str| match wanted {
        Wanted::Map(Values::Strings) | Wanted::NestedMap(Values::Strings) => {
            "java.util.Map<java.lang.String, java.lang.String>".to_string()
        }
        Wanted::Map(Values::Of(name)) | Wanted::NestedMap(Values::Of(name)) => {
            format!("java.util.Map<java.lang.String, {PACKAGE}.{name}>")
        }
        Wanted::Map(Values::ListsOf(name)) | Wanted::NestedMap(Values::ListsOf(name)) => {
            format!("java.util.Map<java.lang.String, java.util.List<{PACKAGE}.{name}>>")
        }
        Wanted::Struct(name) | Wanted::Value(name) => format!("class {PACKAGE}.{name}"),
        _ => format!("class {t}"),
    };
    let simple = match wanted {
        Wanted::String => "String",
        Wanted::Boolean => "Boolean",
        Wanted::Integer => "Integer",
        Wanted::Long => "Long",
        _ => "",
    };
    let message = match (wanted, found) {
        (_, Found::Object) => "Start of structure or map found where not expected".to_string(),
        (Wanted::Blob, Found::Array) => format!("Unrecognized collection type {}", java("java.nio.ByteBuffer")),
        (_, Found::Array) => format!("Unrecognized collection type {}", java(&format!("java.lang.{simple}"))),
        (Wanted::NestedList | Wanted::NestedMap(_), _) => CAST.to_string(),
        (Wanted::Blob, _) => "only base-64-encoded strings are convertible to bytes".to_string(),
        (Wanted::Boolean, Found::String) => "Unexpected token received from parser".to_string(),
        (Wanted::List | Wanted::Map(_) | Wanted::Struct(_), _) => "Unexpected field type".to_string(),
        (Wanted::Value(_), _) => "Unexpected value type in payload".to_string(),
        _ => format!("{} cannot be converted to {simple}", found.token()),
    };
    Error::serialization(message)
}

/// Checks `v` against `wanted`: null and accepted tokens pass.
pub fn check(v: &Value, wanted: Wanted) -> Result<(), Error> {
    match Found::of(v) {
        Some(found) if !accepts(wanted, found) => Err(refusal(wanted, found)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(wanted: Wanted, found: Found) -> String {
        refusal(wanted, found).message.unwrap_or_default()
    }

    #[test]
    fn each_member_type_words_each_wrong_token_as_dynamodb_does() {
        use Found::*;
        let attrs = Values::Of("AttributeValue");
        let element = Wanted::Struct("KeySchemaElement");
        let map_of_attrs =
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>";
        let cases = [
            (Wanted::String, True, "TRUE_VALUE cannot be converted to String"),
            (Wanted::String, Decimal, "DECIMAL_VALUE cannot be converted to String"),
            (
                Wanted::String,
                Array,
                "Unrecognized collection type class java.lang.String",
            ),
            (
                Wanted::String,
                Object,
                "Start of structure or map found where not expected",
            ),
            (Wanted::Boolean, String, "Unexpected token received from parser"),
            (Wanted::Boolean, Integer, "NUMBER_VALUE cannot be converted to Boolean"),
            (Wanted::Integer, String, "STRING_VALUE cannot be converted to Integer"),
            (Wanted::Long, False, "FALSE_VALUE cannot be converted to Long"),
            (Wanted::Long, Array, "Unrecognized collection type class java.lang.Long"),
            (
                Wanted::Blob,
                Integer,
                "only base-64-encoded strings are convertible to bytes",
            ),
            (
                Wanted::Blob,
                Array,
                "Unrecognized collection type class java.nio.ByteBuffer",
            ),
            (Wanted::List, String, "Unexpected field type"),
            (
                Wanted::List,
                Object,
                "Start of structure or map found where not expected",
            ),
            (Wanted::Map(attrs), True, "Unexpected field type"),
            (Wanted::Map(attrs), Array, map_of_attrs),
            (Wanted::NestedMap(attrs), Array, map_of_attrs),
            (element, Integer, "Unexpected field type"),
            (
                element,
                Array,
                "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement",
            ),
            (
                Wanted::Value("AttributeValue"),
                String,
                "Unexpected value type in payload",
            ),
        ];
        for (wanted, found, text) in cases {
            assert_eq!(said(wanted, found), text, "{wanted:?} {found:?}");
        }
        assert!(said(Wanted::NestedList, Integer).starts_with("class sun.reflect.generics.reflectiveObjects"));
        assert!(accepts(Wanted::Integer, Decimal) && !accepts(Wanted::Map(attrs), Array));
    }
}
