//! Key conditions: conversion from the parsed condition tree and resolution against a key schema.

use std::cmp::Ordering;

use super::ast::{CmpOp, Condition, KeyCond, KeyCondition, KeyOp, Operand, Path, PathElem};
use super::error::ExprError;
use super::eval::compare_values;
use crate::error::{Error, Result};
use crate::model::{AttributeValue, KeyAttr, KeySchema, KeyValue, KeyValues, ScalarType};

/// Converts a parsed KeyConditionExpression.
pub fn to_key_condition(cond: &Condition) -> Result<KeyCondition, ExprError> {
    let mut out = KeyCondition::default();
    walk(cond, &mut out)?;
    Ok(out)
}

fn walk(cond: &Condition, out: &mut KeyCondition) -> Result<(), ExprError> {
    let (name, args): (&str, Vec<&Operand>) = match cond {
        Condition::And(a, b) => {
            walk(a, out)?;
            return walk(b, out);
        }
        Condition::Or(..) => return Err(ExprError::KeyOperator("OR")),
        Condition::Not(..) => return Err(ExprError::KeyOperator("NOT")),
        Condition::In(..) => return Err(ExprError::KeyOperator("IN")),
        Condition::Cmp(CmpOp::Ne, ..) => return Err(ExprError::KeyOperator("<>")),
        Condition::Exists(_) => return Err(ExprError::KeyOperator("attribute_exists")),
        Condition::NotExists(_) => return Err(ExprError::KeyOperator("attribute_not_exists")),
        Condition::AttrType(..) => return Err(ExprError::KeyOperator("attribute_type")),
        Condition::Contains(..) => return Err(ExprError::KeyOperator("contains")),
        Condition::Cmp(op, a, b) => (op.as_str(), vec![a, b]),
        Condition::Between(a, lo, hi) => {
            if !matches!(a, Operand::Path(_)) {
                return Err(ExprError::KeyFirstOperand("BETWEEN"));
            }
            ("BETWEEN", vec![a, lo, hi])
        }
        Condition::BeginsWith(a, b) => {
            if !matches!(a, Operand::Path(_)) {
                return Err(ExprError::KeyFirstOperand("begins_with"));
            }
            ("begins_with", vec![a, b])
        }
    };
    let mut attr: Option<(&Path, usize)> = None;
    let mut values = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a {
            Operand::Path(p) => {
                if attr.is_some() {
                    return Err(ExprError::KeyMultipleNames);
                }
                if p.0.len() > 1 {
                    return Err(ExprError::KeyNestedAttribute);
                }
                attr = Some((p, i));
            }
            Operand::Size(_) => return Err(ExprError::KeyNestedOperation),
            Operand::Value(v) => values.push(v.clone()),
        }
    }
    let Some((path, at)) = attr else {
        return Err(ExprError::KeyNoAttribute);
    };
    let attr_name = match &path.0[0] {
        PathElem::Attr(a) => a.clone(),
        PathElem::Index(_) => String::new(),
    };
    if out.conds.iter().any(|c| c.name == attr_name) {
        return Err(ExprError::KeyConditionTwice);
    }
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or(AttributeValue::Null);
    let flipped = at != 0;
    let op = match name {
        "=" => KeyOp::Eq(next()),
        "<" if flipped => KeyOp::Gt(next()),
        "<" => KeyOp::Lt(next()),
        "<=" if flipped => KeyOp::Ge(next()),
        "<=" => KeyOp::Le(next()),
        ">" if flipped => KeyOp::Lt(next()),
        ">" => KeyOp::Gt(next()),
        ">=" if flipped => KeyOp::Le(next()),
        ">=" => KeyOp::Ge(next()),
        "BETWEEN" => {
            let lo = next();
            KeyOp::Between(lo, next())
        }
        _ => KeyOp::BeginsWith(next()),
    };
    out.conds.push(KeyCond { name: attr_name, op });
    Ok(())
}

/// The condition on the last sort attribute a query names.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeCond {
    Eq(KeyValue),
    Lt(KeyValue),
    Le(KeyValue),
    Gt(KeyValue),
    Ge(KeyValue),
    Between(KeyValue, KeyValue),
    BeginsWith(KeyValue),
}

impl RangeCond {
    /// The values the sort attribute is compared with.
    pub fn values(&self) -> Vec<&KeyValue> {
        use RangeCond::*;
        match self {
            Eq(v) | Lt(v) | Le(v) | Gt(v) | Ge(v) | BeginsWith(v) => vec![v],
            Between(a, b) => vec![a, b],
        }
    }

    /// Whether sort value `v` satisfies the condition (values of another type never do).
    pub fn matches(&self, v: &KeyValue) -> bool {
        use RangeCond::*;
        let same_type = self.values().iter().all(|x| x.scalar_type() == v.scalar_type());
        same_type
            && match self {
                Eq(x) => v == x,
                Lt(x) => v < x,
                Le(x) => v <= x,
                Gt(x) => v > x,
                Ge(x) => v >= x,
                Between(lo, hi) => lo <= v && v <= hi,
                BeginsWith(KeyValue::S(p)) => matches!(v, KeyValue::S(s) if s.starts_with(p.as_str())),
                BeginsWith(KeyValue::B(p)) => matches!(v, KeyValue::B(b) if b.starts_with(p)),
                BeginsWith(KeyValue::N(_)) => false,
            }
    }
}

/// A typed query range: the partition values, the values of the sort attributes named before the
/// last one (all equalities), and the condition on the last one named, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRange {
    pub hash: KeyValues,
    pub sort_prefix: KeyValues,
    pub sort: Option<RangeCond>,
}

fn type_mismatch() -> Error {
    Error::invalid_parameter("Condition parameter type does not match schema type")
}

fn key_value(v: &AttributeValue, ty: ScalarType) -> Result<KeyValue> {
    KeyValue::from_attr(v)
        .filter(|k| k.scalar_type() == ty)
        .ok_or_else(type_mismatch)
}

fn missed(attr: &KeyAttr) -> Error {
    Error::validation(format!("Query condition missed key schema element: {}", attr.name))
}

impl KeyCondition {
    /// Checks the conditions against the table's (or index's) key schema: equality on every
    /// partition attribute; sort attributes named left to right, each but the last named with an
    /// equality.
    pub fn resolve(&self, key: &KeySchema) -> Result<KeyRange> {
        let not_supported = || Error::validation("Query key condition not supported");
        let cond = |a: &KeyAttr| self.conds.iter().find(|c| c.name == a.name).map(|c| &c.op);
        // Counted before anything is looked up: more conditions than the schema (a table's, or an
        // index's) has key attributes cannot all be key conditions.
        let attributes = key.hash.len() + key.range.len();
        if self.conds.len() > attributes {
            return Err(Error::validation(format!(
                "The number of query conditions ({}) exceeds the number of key attributes defined in the schema ({attributes})",
                self.conds.len()
            )));
        }
        if let Some(missing) = key.hash.iter().find(|a| cond(a).is_none()) {
            return Err(missed(missing));
        }
        if self.conds.iter().any(|c| !key.contains(&c.name)) {
            // A non-key attribute in place of a sort attribute is that sort attribute missed.
            return Err(key
                .range
                .iter()
                .find(|a| cond(a).is_none())
                .map_or_else(not_supported, missed));
        }
        let mut hash = KeyValues::new();
        for attr in &key.hash {
            let Some(KeyOp::Eq(v)) = cond(attr) else {
                return Err(not_supported());
            };
            hash.push(key_value(v, attr.ty)?);
        }
        for (i, later) in key.range.iter().enumerate().filter(|(_, a)| cond(a).is_some()) {
            if let Some(prior) = key.range[..i].iter().find(|a| !matches!(cond(a), Some(KeyOp::Eq(_)))) {
                return Err(Error::validation(format!(
                    "RANGE key attributes {} must have equality conditions specified in the query because a condition is present on key attribute {}",
                    prior.name, later.name
                )));
            }
        }
        let mut sort_prefix = KeyValues::new();
        let mut sort = None;
        for (attr, op) in key.range.iter().map_while(|a| Some((a, cond(a)?))) {
            // A sort attribute named before another is an equality (checked above).
            if let Some(RangeCond::Eq(v)) = sort.take() {
                sort_prefix.push(v);
            }
            sort = Some(range_cond(op, attr)?);
        }
        Ok(KeyRange {
            hash,
            sort_prefix,
            sort,
        })
    }
}

/// A condition on a sort attribute, typed.
fn range_cond(op: &KeyOp, attr: &KeyAttr) -> Result<RangeCond> {
    let kv = |v: &AttributeValue| key_value(v, attr.ty);
    Ok(match op {
        KeyOp::Eq(v) => RangeCond::Eq(kv(v)?),
        KeyOp::Lt(v) => RangeCond::Lt(kv(v)?),
        KeyOp::Le(v) => RangeCond::Le(kv(v)?),
        KeyOp::Gt(v) => RangeCond::Gt(kv(v)?),
        KeyOp::Ge(v) => RangeCond::Ge(kv(v)?),
        KeyOp::Between(a, b) => {
            if compare_values(a, b) == Some(Ordering::Greater) {
                return Err(Error::validation(
                    "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound",
                ));
            }
            RangeCond::Between(kv(a)?, kv(b)?)
        }
        // The value's type is checked against the schema first (the conformance suite's
        // queryKeyConditionOperands.test.ts, AWS, October 2026), then the function's.
        KeyOp::BeginsWith(v) => {
            let prefix = kv(v)?;
            if attr.ty == ScalarType::N {
                return Err(Error::validation(
                    "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
                ));
            }
            RangeCond::BeginsWith(prefix)
        }
    })
}
