//! Evaluation of conditions against an item, with DynamoDB's comparison semantics.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{CmpOp, Condition, Operand, Path, PathElem};
use crate::model::{AttributeValue, Item, Number, ValueType};

/// The value at `path` in `item`, if every step exists with the right container type.
pub fn lookup<'i>(item: &'i Item, path: &Path) -> Option<&'i AttributeValue> {
    let mut elems = path.0.iter();
    let mut cur = match elems.next()? {
        PathElem::Attr(a) => item.get(a)?,
        PathElem::Index(_) => return None,
    };
    for e in elems {
        cur = match (e, cur) {
            (PathElem::Attr(a), AttributeValue::M(m)) => m.get(a)?,
            (PathElem::Index(i), AttributeValue::L(l)) => l.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Order of two values of the same scalar type (S by UTF-8 bytes, N numerically, B unsigned bytes);
/// `None` when they are not comparable.
pub fn compare_values(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::N(x), AttributeValue::N(y)) => Some(x.cmp(y)),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Set equality in O(n log n): both sorted, then compared in step.
fn same_members<T: Ord>(a: &[T], b: &[T]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y): (Vec<&T>, Vec<&T>) = (a.iter().collect(), b.iter().collect());
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// DynamoDB equality: sets compare as sets, lists element-wise, maps by content.
pub fn values_equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (a, b) {
        (Ss(x), Ss(y)) => same_members(x, y),
        (Ns(x), Ns(y)) => same_members(x, y),
        (Bs(x), Bs(y)) => same_members(x, y),
        (L(x), L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q)),
        (M(x), M(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w))),
        _ => a == b,
    }
}

/// `size()` of a value: string length in UTF-16 code units (AWS counts "é𝄞" as 3, not its 6 UTF-8
/// bytes), binary length in bytes, element count of sets, lists, maps.
pub fn size_of(v: &AttributeValue) -> Option<usize> {
    Some(match v {
        AttributeValue::S(s) => s.encode_utf16().count(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.len(),
        AttributeValue::Ns(s) => s.len(),
        AttributeValue::Bs(s) => s.len(),
        AttributeValue::L(l) => l.len(),
        AttributeValue::M(m) => m.len(),
        _ => return None,
    })
}

/// Whether `hay` contains `needle` as DynamoDB's `contains` defines it.
pub fn contains(hay: &AttributeValue, needle: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (hay, needle) {
        (S(h), S(n)) => h.contains(n.as_str()),
        (B(h), B(n)) => n.is_empty() || h.windows(n.len()).any(|w| w == n.as_slice()),
        (Ss(h), S(n)) => h.contains(n),
        (Ns(h), N(n)) => h.contains(n),
        (Bs(h), B(n)) => h.contains(n),
        (L(h), n) => h.iter().any(|x| values_equal(x, n)),
        _ => false,
    }
}

pub fn begins_with(a: &AttributeValue, prefix: &AttributeValue) -> bool {
    match (a, prefix) {
        (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
        (AttributeValue::B(s), AttributeValue::B(p)) => s.starts_with(p),
        _ => false,
    }
}

fn operand<'i>(item: &'i Item, op: &'i Operand) -> Option<Cow<'i, AttributeValue>> {
    match op {
        Operand::Path(p) => lookup(item, p).map(Cow::Borrowed),
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Size(inner) => {
            let v = operand(item, inner)?;
            let n = size_of(&v)?;
            Number::parse(&n.to_string())
                .ok()
                .map(|n| Cow::Owned(AttributeValue::N(n)))
        }
    }
}

fn ordered(a: &AttributeValue, b: &AttributeValue, want: fn(Ordering) -> bool) -> bool {
    compare_values(a, b).is_some_and(want)
}

impl Condition {
    /// Whether `item` satisfies the condition. A missing item is evaluated as an empty one.
    pub fn eval(&self, item: &Item) -> bool {
        match self {
            Condition::And(a, b) => a.eval(item) && b.eval(item),
            Condition::Or(a, b) => a.eval(item) || b.eval(item),
            Condition::Not(a) => !a.eval(item),
            Condition::Exists(p) => lookup(item, p).is_some(),
            Condition::NotExists(p) => lookup(item, p).is_none(),
            Condition::Cmp(op, a, b) => {
                let (x, y) = (operand(item, a), operand(item, b));
                match (op, x, y) {
                    (CmpOp::Eq, Some(x), Some(y)) => values_equal(&x, &y),
                    (CmpOp::Ne, Some(x), Some(y)) => !values_equal(&x, &y),
                    (CmpOp::Ne, _, _) => true,
                    (CmpOp::Lt, Some(x), Some(y)) => ordered(&x, &y, Ordering::is_lt),
                    (CmpOp::Le, Some(x), Some(y)) => ordered(&x, &y, Ordering::is_le),
                    (CmpOp::Gt, Some(x), Some(y)) => ordered(&x, &y, Ordering::is_gt),
                    (CmpOp::Ge, Some(x), Some(y)) => ordered(&x, &y, Ordering::is_ge),
                    _ => false,
                }
            }
            Condition::Between(a, lo, hi) => match (operand(item, a), operand(item, lo), operand(item, hi)) {
                (Some(x), Some(l), Some(h)) => ordered(&x, &l, Ordering::is_ge) && ordered(&x, &h, Ordering::is_le),
                _ => false,
            },
            Condition::In(a, list) => match operand(item, a) {
                Some(x) => list
                    .iter()
                    .any(|o| operand(item, o).is_some_and(|y| values_equal(&x, &y))),
                None => false,
            },
            Condition::AttrType(a, t) => match (operand(item, a), operand(item, t)) {
                (Some(x), Some(t)) => match &*t {
                    AttributeValue::S(s) => ValueType::parse(s) == Some(x.value_type()),
                    _ => false,
                },
                _ => false,
            },
            Condition::BeginsWith(a, b) => match (operand(item, a), operand(item, b)) {
                (Some(x), Some(y)) => begins_with(&x, &y),
                _ => false,
            },
            Condition::Contains(a, b) => match (operand(item, a), operand(item, b)) {
                (Some(x), Some(y)) => contains(&x, &y),
                _ => false,
            },
        }
    }
}
