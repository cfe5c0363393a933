//! Key values: the scalar types allowed in table and index keys, ordered as DynamoDB orders them
//! (numbers numerically, strings by UTF-8 bytes, binary by unsigned bytes).

use super::number::OrderedBytes;
use super::{AttributeValue, Number, ValueType, View};

/// Type bytes that start a key value's memcomparable form, in `KeyValue`'s order; below them sit
/// the store's own markers, above them its end-of-range byte.
const TAG_S: u8 = 0x10;
const TAG_N: u8 = 0x11;
const TAG_B: u8 = 0x12;

/// A key attribute's value. `Ord` is DynamoDB's sort-key order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyValue {
    /// A string.
    S(String),
    /// A number.
    N(Number),
    /// Binary.
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

    /// [`KeyValue::from_attr`] of a value read in place.
    pub fn from_view(v: View) -> Option<KeyValue> {
        match v {
            View::S(s) => Some(KeyValue::S(s.to_owned())),
            View::N(n) => Some(KeyValue::N(n)),
            View::B(b) => Some(KeyValue::B(b.to_vec())),
            _ => None,
        }
    }

    /// Whether a value read in place is this key value (the same type and value).
    pub fn is_view(&self, v: View) -> bool {
        match (self, v) {
            (KeyValue::S(a), View::S(b)) => a == b,
            (KeyValue::N(a), View::N(b)) => *a == b,
            (KeyValue::B(a), View::B(b)) => a[..] == *b,
            _ => false,
        }
    }

    /// The attribute value this key value is.
    pub fn to_attr(&self) -> AttributeValue {
        match self {
            KeyValue::S(s) => AttributeValue::S(s.clone()),
            KeyValue::N(n) => AttributeValue::N(*n),
            KeyValue::B(b) => AttributeValue::B(b.clone()),
        }
    }

    /// Its type: S, N or B.
    pub fn scalar_type(&self) -> ScalarType {
        match self {
            KeyValue::S(_) => ScalarType::S,
            KeyValue::N(_) => ScalarType::N,
            KeyValue::B(_) => ScalarType::B,
        }
    }

    /// Appends the value's memcomparable form: byte order of encodings (and of concatenations of
    /// them) is `Ord` on values. A type byte comes first; strings and binary then escape each 0
    /// byte as `0, 0xFF` and end with `0, 1`, so a value that is a prefix of another sorts first
    /// and no encoding is a prefix of another.
    pub fn encode_ordered(&self, out: &mut OrderedBytes) {
        let bytes = match self {
            KeyValue::S(s) => s.as_bytes(),
            KeyValue::B(b) => b,
            KeyValue::N(n) => {
                out.push(TAG_N);
                return n.encode_ordered(out);
            }
        };
        out.push(if matches!(self, KeyValue::S(_)) { TAG_S } else { TAG_B });
        // Copied in runs between 0 bytes (a string key has none), each 0 written as `0, 0xFF`.
        for (i, run) in bytes.split(|&b| b == 0).enumerate() {
            if i > 0 {
                out.extend_from_slice(&[0, 0xff]);
            }
            out.extend_from_slice(run);
        }
        out.extend_from_slice(&[0, 1]);
    }

    /// Appends the shortest bytes that follow the encoding of every value starting with this
    /// one and precede every other greater value: `begins_with`'s end as a byte bound.
    pub fn encode_prefix_end(&self, out: &mut OrderedBytes) {
        let start = out.len();
        self.encode_ordered(out);
        if !matches!(self, KeyValue::N(_)) {
            out.truncate(out.len() - 2);
        }
        // The type byte is never 0xFF, so this stops inside the value's own bytes.
        while out.len() > start && out[out.len() - 1] == 0xff {
            out.pop();
        }
        if let Some(last) = out.last_mut() {
            *last += 1;
        }
    }

    /// Hands `put` the stable bytes for hashing a partition key into scan order and
    /// parallel-scan segments (the type letter, then the value; a number as its text), in pieces,
    /// so hashing a key (every request does) copies nothing.
    pub fn hash_bytes(&self, mut put: impl FnMut(&[u8])) {
        match self {
            KeyValue::S(s) => [b"S", s.as_bytes()].into_iter().for_each(put),
            KeyValue::B(b) => [b"B", b.as_slice()].into_iter().for_each(put),
            KeyValue::N(n) => {
                put(b"N");
                n.render_into(put);
            }
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

    fn ordered(v: &KeyValue) -> OrderedBytes {
        let mut out = OrderedBytes::new();
        v.encode_ordered(&mut out);
        out
    }

    #[test]
    fn ordered_bytes_keep_the_order_of_values_and_sequences() {
        let b = |v: &[u8]| KeyValue::B(v.to_vec());
        let s = |v: &str| KeyValue::S(v.into());
        let values = [
            s(""),
            s("B"),
            s("a"),
            s("a\0"),
            s("a\0b"),
            s("a\u{1}"),
            s("ab"),
            s("é"),
            b(&[]),
            b(&[0]),
            b(&[0, 0]),
            b(&[0, 0xff]),
            b(&[1]),
            b(&[0xff]),
        ];
        for x in &values {
            for y in &values {
                assert_eq!(ordered(x).cmp(&ordered(y)), x.cmp(y), "{x:?} {y:?}");
                // Sequences compare value by value: [x, z] against [y, z'].
                let (mut xs, mut ys) = (ordered(x), ordered(y));
                xs.extend(ordered(&s("z")));
                ys.extend(ordered(&s("")));
                assert_eq!(xs.cmp(&ys), x.cmp(y).then(std::cmp::Ordering::Greater), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn prefix_end_follows_exactly_the_values_with_the_prefix() {
        let b = |v: &[u8]| KeyValue::B(v.to_vec());
        let s = |v: &str| KeyValue::S(v.into());
        let cases = [
            (s("ab"), s("ab"), true),
            (s("ab"), s("abz"), true),
            (s("ab"), s("ac"), false),
            (s("ab"), s("a"), false),
            (b(&[0xff]), b(&[0xff, 0xff, 0]), true),
            (b(&[0xff]), b(&[0xff]), true),
            (b(&[1, 0xff]), b(&[2]), false),
            (b(&[0]), b(&[0, 0]), true),
            (b(&[0]), b(&[1]), false),
        ];
        for (prefix, value, inside) in cases {
            let mut end = OrderedBytes::new();
            prefix.encode_prefix_end(&mut end);
            let (value, start) = (ordered(&value), ordered(&prefix));
            assert_eq!(start <= value && value < end, inside, "{prefix:?} {value:?}");
        }
    }
}
