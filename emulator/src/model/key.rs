//! Key values: the scalar types allowed in table and index keys, ordered as DynamoDB orders them
//! (numbers numerically, strings by UTF-8 bytes, binary by unsigned bytes).

use super::{AttributeValue, Number, ValueType};

/// A key attribute's value. `Ord` is DynamoDB's sort-key order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
}

/// The values of one part of a key (partition or sort), one per key attribute, compared left to
/// right. Tables and LSIs have one of each part (or no sort part); a multi-attribute GSI key up to
/// four of each, so one value is stored inline.
pub type KeyValues = smallvec::SmallVec<[KeyValue; 1]>;

/// The scalar type of a key attribute, as declared in AttributeDefinitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScalarType {
    S,
    N,
    B,
}

impl ScalarType {
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }

    pub fn parse(s: &str) -> Option<ScalarType> {
        match s {
            "S" => Some(ScalarType::S),
            "N" => Some(ScalarType::N),
            "B" => Some(ScalarType::B),
            _ => None,
        }
    }

    pub fn value_type(self) -> ValueType {
        match self {
            ScalarType::S => ValueType::S,
            ScalarType::N => ValueType::N,
            ScalarType::B => ValueType::B,
        }
    }
}

impl KeyValue {
    /// The key view of an attribute value, if it is a scalar a key may hold.
    pub fn from_attr(v: &AttributeValue) -> Option<KeyValue> {
        match v {
            AttributeValue::S(s) => Some(KeyValue::S(s.clone())),
            AttributeValue::N(n) => Some(KeyValue::N(*n)),
            AttributeValue::B(b) => Some(KeyValue::B(b.clone())),
            _ => None,
        }
    }

    pub fn to_attr(&self) -> AttributeValue {
        match self {
            KeyValue::S(s) => AttributeValue::S(s.clone()),
            KeyValue::N(n) => AttributeValue::N(*n),
            KeyValue::B(b) => AttributeValue::B(b.clone()),
        }
    }

    pub fn scalar_type(&self) -> ScalarType {
        match self {
            KeyValue::S(_) => ScalarType::S,
            KeyValue::N(_) => ScalarType::N,
            KeyValue::B(_) => ScalarType::B,
        }
    }

    /// Stable bytes for hashing a partition key into scan order and parallel-scan segments.
    pub fn hash_bytes(&self) -> Vec<u8> {
        match self {
            KeyValue::S(s) => [b"S".as_slice(), s.as_bytes()].concat(),
            KeyValue::N(n) => [b"N".as_slice(), n.to_string().as_bytes()].concat(),
            KeyValue::B(b) => [b"B".as_slice(), b].concat(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_dynamodb() {
        let n = |s| KeyValue::N(Number::parse(s).unwrap());
        assert!(n("9") < n("10"));
        assert!(KeyValue::S("B".into()) < KeyValue::S("a".into()));
        assert!(KeyValue::S("z".into()) < KeyValue::S("é".into()));
        assert!(KeyValue::B(vec![0x7f]) < KeyValue::B(vec![0x80]));
        assert!(KeyValue::B(vec![1]) < KeyValue::B(vec![1, 0]));
    }
}
