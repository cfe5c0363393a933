//! Attribute values, items and DynamoDB's item-size arithmetic.

use super::Number;

/// A stored item or map value: attribute name → value, ordered by name so responses are
/// deterministic. A sorted vector rather than a B-tree: items hold a handful of attributes, and a
/// B-tree leaf reserves room for eleven (about 800 bytes) whatever the item holds.
pub type Item = litemap::LiteMap<String, AttributeValue>;

/// One DynamoDB attribute value, exactly as the data model defines the ten types.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AttributeValue {
    S(String),
    N(Number),
    B(Vec<u8>),
    Bool(bool),
    Null,
    M(Item),
    L(Vec<AttributeValue>),
    Ss(Vec<String>),
    Ns(Vec<Number>),
    Bs(Vec<Vec<u8>>),
}

/// The type descriptor DynamoDB uses on the wire and in `attribute_type` ("S", "NS", "BOOL", ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueType {
    S,
    N,
    B,
    Bool,
    Null,
    M,
    L,
    Ss,
    Ns,
    Bs,
}

impl ValueType {
    pub const ALL: [ValueType; 10] = [
        ValueType::S,
        ValueType::N,
        ValueType::B,
        ValueType::Bool,
        ValueType::Null,
        ValueType::M,
        ValueType::L,
        ValueType::Ss,
        ValueType::Ns,
        ValueType::Bs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::S => "S",
            ValueType::N => "N",
            ValueType::B => "B",
            ValueType::Bool => "BOOL",
            ValueType::Null => "NULL",
            ValueType::M => "M",
            ValueType::L => "L",
            ValueType::Ss => "SS",
            ValueType::Ns => "NS",
            ValueType::Bs => "BS",
        }
    }

    pub fn parse(s: &str) -> Option<ValueType> {
        ValueType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Deepest nesting DynamoDB stores: a scalar inside 31 lists or maps.
pub const MAX_NESTING: usize = 32;

impl AttributeValue {
    /// A map or a list, which holds other values.
    fn is_container(&self) -> bool {
        matches!(self, AttributeValue::M(_) | AttributeValue::L(_))
    }

    /// Levels of nesting: 1 for a scalar or set, one more for each list or map around a value.
    /// Iterative, so no value can make it recurse, over a stack of the open containers, each with
    /// its next child: it grows with the depth, never with the width (a stack of every child to
    /// visit cost 16 bytes per element of a 30,000-element list). A scalar or set answers without
    /// the stack's allocation: every attribute of every item an update writes passes here.
    pub fn nesting(&self) -> usize {
        if !self.is_container() {
            return 1;
        }
        let mut deepest = 1;
        let mut open = vec![(self, 0)];
        while let Some((container, next)) = open.last_mut() {
            let child = match *container {
                AttributeValue::M(m) => m.get_indexed(*next).map(|(_, v)| v),
                AttributeValue::L(l) => l.get(*next),
                _ => None,
            };
            *next += 1;
            match child {
                None => {
                    open.pop();
                }
                Some(child) => {
                    deepest = deepest.max(open.len() + 1);
                    if child.is_container() {
                        open.push((child, 0));
                    }
                }
            }
        }
        deepest
    }

    /// This value with a set's members in DynamoDB's order: AWS returns a set sorted (strings and
    /// binaries bytewise, numbers by value), not as written, so every set enters the store sorted.
    pub fn in_set_order(self) -> AttributeValue {
        match self {
            AttributeValue::Ss(mut v) => {
                v.sort_unstable();
                AttributeValue::Ss(v)
            }
            AttributeValue::Ns(mut v) => {
                v.sort_unstable();
                AttributeValue::Ns(v)
            }
            AttributeValue::Bs(mut v) => {
                v.sort_unstable();
                AttributeValue::Bs(v)
            }
            v => v,
        }
    }

    pub fn value_type(&self) -> ValueType {
        match self {
            AttributeValue::S(_) => ValueType::S,
            AttributeValue::N(_) => ValueType::N,
            AttributeValue::B(_) => ValueType::B,
            AttributeValue::Bool(_) => ValueType::Bool,
            AttributeValue::Null => ValueType::Null,
            AttributeValue::M(_) => ValueType::M,
            AttributeValue::L(_) => ValueType::L,
            AttributeValue::Ss(_) => ValueType::Ss,
            AttributeValue::Ns(_) => ValueType::Ns,
            AttributeValue::Bs(_) => ValueType::Bs,
        }
    }

    /// Bytes this value counts for in DynamoDB's item-size formula (the name is counted by the caller).
    /// Numbers: 1 byte per two significant digits plus 1; lists and maps: 3 bytes of overhead plus
    /// 1 byte per element; maps also count their keys.
    pub fn size(&self) -> usize {
        match self {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => number_size(n),
            AttributeValue::B(b) => b.len(),
            AttributeValue::Bool(_) | AttributeValue::Null => 1,
            AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + v.size() + 1).sum::<usize>(),
            AttributeValue::L(l) => 3 + l.iter().map(|v| v.size() + 1).sum::<usize>(),
            AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
            AttributeValue::Ns(v) => v.iter().map(number_size).sum(),
            AttributeValue::Bs(v) => v.iter().map(Vec::len).sum(),
        }
    }
}

/// A number's bytes, as AWS measures them against the 400 KB gate (captured to the byte): 1, a
/// byte per two significant digits on each side of the decimal point, counted apart (`3.14159`
/// costs 5, `123456` 4; an integer's trailing zeros count only when a fraction follows), and 1
/// more if negative. The exponent is not counted; zero costs 1.
pub(super) fn number_size(n: &Number) -> usize {
    if n.is_zero() {
        return 1;
    }
    let (negative, _, exponent) = n.parts();
    let digits = n.significant_digits() as usize;
    let point = exponent.unsigned_abs() as usize;
    let (int, frac) = match exponent {
        0.. => (digits, 0),
        _ if point >= digits => (0, digits),
        _ => (digits - point, point),
    };
    1 + int.div_ceil(2) + frac.div_ceil(2) + usize::from(negative)
}

/// The longest attribute name, in bytes.
const MAX_NAME: usize = 65_535;

/// The refusal of a name over [`MAX_NAME`], in these words wherever it stands: an item's
/// attribute or a map key at any depth, or ExpressionAttributeNames (measured on AWS in
/// September 2026, ExtendDB #365).
pub const NAME_TOO_LARGE: &str = "Attribute name is too large, must be less than 65536 bytes";

/// Why DynamoDB refuses `name` as an attribute name, if it does: names are 1 to 65,535 bytes.
pub fn attribute_name_error(name: &str) -> Option<&'static str> {
    match name.len() {
        0 => Some("Empty attribute name"),
        1..=MAX_NAME => None,
        _ => Some(NAME_TOO_LARGE),
    }
}

/// Whether a name in `item`, an attribute's or a map key's at any depth, is over [`MAX_NAME`].
/// Walks with its own stack, which a flat item never allocates.
pub fn has_oversized_name(item: &Item) -> bool {
    let mut containers = Vec::new();
    if names_over(item.iter(), &mut containers) {
        return true;
    }
    while let Some(v) = containers.pop() {
        match v {
            AttributeValue::M(m) if names_over(m.iter(), &mut containers) => return true,
            AttributeValue::L(l) => containers.extend(l.iter().filter(|v| v.is_container())),
            _ => {}
        }
    }
    false
}

/// Whether one of `names` is over [`MAX_NAME`]; the maps and lists among their values go on
/// `containers`, to be walked in turn.
fn names_over<'a>(
    mut names: impl Iterator<Item = (&'a String, &'a AttributeValue)>,
    containers: &mut Vec<&'a AttributeValue>,
) -> bool {
    names.any(|(name, v)| {
        if v.is_container() {
            containers.push(v);
        }
        name.len() > MAX_NAME
    })
}

/// Total size of an item: every attribute name plus its value.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + v.size()).sum()
}

/// Whether every attribute of `item` is within [`MAX_NESTING`].
pub fn nesting_ok(item: &Item) -> bool {
    item.values().all(|v| v.nesting() <= MAX_NESTING)
}

/// Where a set's members first repeat, as the newer validator lists them: the members met
/// before the repeat in byte order, the repeat, then the rest as sent (indexes into `items`);
/// `None` without a repeat. (The conformance suite's valueLayers.test.ts, AWS, October 2026.)
pub fn first_repeat<T: Ord>(items: &[T]) -> Option<Vec<usize>> {
    let mut seen = std::collections::BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if seen.insert(item, i).is_some() {
            let mut order: Vec<usize> = seen.into_values().collect();
            order.extend(i..items.len());
            return Some(order);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literals nubo-db's conformance suite measured against AWS (eu-west-2, 2026-08-18), each
    /// by an accept/refuse pair either side of the 400 KB gate.
    #[test]
    fn a_number_costs_what_aws_measured() {
        for (literal, bytes) in [
            ("0", 1),
            ("1", 2),
            ("12", 2),
            ("123", 3),
            ("1234", 3),
            ("12345678901234567890123456789012345678", 20),
            ("0042", 2),
            ("100", 2),
            ("1010", 3),
            ("0.0000001", 2),
            ("1E125", 2),
            ("1E-100", 2),
            ("1.5", 3),
            ("15", 2),
            ("1.2", 3),
            ("1.200", 3),
            ("1.234", 4),
            ("3.14159", 5),
            ("123456", 4),
            ("100.5", 4),
            ("0.15", 2),
            ("-42", 3),
            ("-0", 1),
        ] {
            assert_eq!(
                AttributeValue::N(Number::parse(literal).unwrap()).size(),
                bytes,
                "{literal}"
            );
        }
    }

    #[test]
    fn sizes_follow_dynamodb_rules() {
        let n = |s| AttributeValue::N(Number::parse(s).unwrap());
        assert_eq!(AttributeValue::S("héllo".into()).size(), 6);
        assert_eq!(n("12345").size(), 4);
        assert_eq!(n("0").size(), 1);
        assert_eq!(AttributeValue::L(vec![]).size(), 3);
        assert_eq!(
            AttributeValue::L(vec![AttributeValue::Null, AttributeValue::Bool(true)]).size(),
            7
        );
        let m = Item::from_iter([("ab".to_string(), AttributeValue::S("xyz".into()))]);
        assert_eq!(AttributeValue::M(m.clone()).size(), 3 + 2 + 3 + 1);
        assert_eq!(item_size(&m), 5);
    }

    #[test]
    fn nesting_counts_levels() {
        let mut v = AttributeValue::Null;
        assert_eq!(v.nesting(), 1);
        for _ in 0..1000 {
            v = AttributeValue::L(vec![AttributeValue::Null, v]);
        }
        assert_eq!(v.nesting(), 1001);
        let wide = AttributeValue::M(Item::from_iter([
            ("a".into(), AttributeValue::L(vec![])),
            ("b".into(), AttributeValue::S("x".into())),
        ]));
        assert_eq!(wide.nesting(), 2);
        let s = || AttributeValue::S("x".into());
        let later_deeper = AttributeValue::M(Item::from_iter([
            ("a".into(), AttributeValue::L(vec![s(), s()])),
            (
                "b".into(),
                AttributeValue::M(Item::from_iter([(
                    "c".into(),
                    AttributeValue::L(vec![AttributeValue::L(vec![s()])]),
                )])),
            ),
            ("d".into(), s()),
        ]));
        assert_eq!(later_deeper.nesting(), 5);
        assert_eq!(AttributeValue::L(vec![AttributeValue::L(vec![])]).nesting(), 2);
        assert!(!nesting_ok(&Item::from_iter([("deep".into(), v)])));
    }

    #[test]
    fn type_names_round_trip() {
        for t in ValueType::ALL {
            assert_eq!(ValueType::parse(t.as_str()), Some(t));
        }
        assert_eq!(ValueType::parse("X"), None);
    }
}
