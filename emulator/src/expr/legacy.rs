//! Legacy (pre-expression) parameters: Expected, QueryFilter/ScanFilter, KeyConditions,
//! AttributeUpdates and AttributesToGet, converted to the expression model.

use std::collections::BTreeMap;

use super::ast::{
    CmpOp, Condition, KeyCond, KeyCondition, KeyOp, Operand, Path, SetValue, UpdOperand, Update, UpdateAction,
};
use super::eval::compare_values;
use crate::error::{Error, Result};
use crate::model::{AttributeValue, ValueType};

/// One entry of Expected (all fields optional as on the wire); filters and KeyConditions use the
/// `comparison_operator` + `attribute_value_list` subset.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedCondition {
    pub value: Option<AttributeValue>,
    pub exists: Option<bool>,
    pub comparison_operator: Option<String>,
    pub attribute_value_list: Option<Vec<AttributeValue>>,
}

/// One entry of AttributeUpdates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeUpdate {
    /// "PUT" (the default), "ADD" or "DELETE".
    pub action: Option<String>,
    pub value: Option<AttributeValue>,
}

fn invalid(msg: impl std::fmt::Display) -> Error {
    Error::invalid_parameter(msg)
}

fn arg_count_ok(op: &str, n: usize) -> Option<bool> {
    Some(match op {
        "EQ" | "NE" | "LE" | "LT" | "GE" | "GT" | "CONTAINS" | "NOT_CONTAINS" | "BEGINS_WITH" => n == 1,
        "NULL" | "NOT_NULL" => n == 0,
        "IN" => n > 0,
        "BETWEEN" => n == 2,
        _ => return None,
    })
}

/// Refuses an unknown ComparisonOperator, or one given the wrong number of values.
fn check_arg_count(op: &str, n: usize) -> Result<()> {
    match arg_count_ok(op, n) {
        None => Err(Error::validation(format!("Unsupported ComparisonOperator: {op}"))),
        Some(false) => Err(invalid(format!(
            "Invalid number of argument(s) for the {op} ComparisonOperator"
        ))),
        Some(true) => Ok(()),
    }
}

fn allowed_types(op: &str) -> &'static [ValueType] {
    use ValueType::*;
    match op {
        "EQ" | "NE" => &[S, N, B, Bool, Null, M, L, Ss, Ns, Bs],
        "BEGINS_WITH" => &[S, B],
        "NULL" | "NOT_NULL" => &[],
        _ => &[S, N, B],
    }
}

/// The AttributeValueList checks every legacy condition shares (Expected, filters, KeyConditions):
/// the operator's operand count, one type throughout, a type the operator accepts.
fn check_values(op: &str, list: &[AttributeValue]) -> Result<()> {
    check_arg_count(op, list.len())?;
    if let Some(first) = list.first() {
        if list.iter().any(|v| v.value_type() != first.value_type()) {
            return Err(invalid(
                "AttributeValues inside AttributeValueList must be of same type",
            ));
        }
        for v in list {
            if !allowed_types(op).contains(&v.value_type()) {
                return Err(invalid(format!(
                    "ComparisonOperator {op} is not valid for {} AttributeValue type",
                    v.value_type().as_str()
                )));
            }
        }
    }
    Ok(())
}

/// Builds the condition for one attribute with a ComparisonOperator; validates counts and types.
fn comparison(attr: &str, op: &str, list: &[AttributeValue]) -> Result<Condition> {
    check_values(op, list)?;
    if op == "BETWEEN" && compare_values(&list[0], &list[1]) == Some(std::cmp::Ordering::Greater) {
        return Err(Error::validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ));
    }
    let path = || Operand::Path(Path::attr(attr));
    let v = |i: usize| Operand::Value(list[i].clone());
    let cmp = |o| Condition::Cmp(o, path(), v(0));
    Ok(match op {
        "EQ" => cmp(CmpOp::Eq),
        "NE" => cmp(CmpOp::Ne),
        "LT" => cmp(CmpOp::Lt),
        "LE" => cmp(CmpOp::Le),
        "GT" => cmp(CmpOp::Gt),
        "GE" => cmp(CmpOp::Ge),
        "NULL" => Condition::NotExists(Path::attr(attr)),
        "NOT_NULL" => Condition::Exists(Path::attr(attr)),
        "CONTAINS" => Condition::Contains(path(), v(0)),
        "NOT_CONTAINS" => Condition::And(
            Box::new(Condition::Exists(Path::attr(attr))),
            Box::new(Condition::Not(Box::new(Condition::Contains(path(), v(0))))),
        ),
        "BEGINS_WITH" => Condition::BeginsWith(path(), v(0)),
        "IN" => Condition::In(path(), (0..list.len()).map(v).collect()),
        _ => Condition::Between(path(), v(0), v(1)),
    })
}

/// Joins the conditions with AND (or OR) as a balanced tree, so the tree is only log2(n) deep
/// however many attributes a request names (evaluation recurses on it).
fn join(mut conds: Vec<Condition>, conditional_operator: Option<&str>) -> Option<Condition> {
    let or = conditional_operator == Some("OR");
    if conds.len() <= 1 {
        return conds.pop();
    }
    let right = conds.split_off(conds.len() / 2);
    let (a, b) = (join(conds, conditional_operator)?, join(right, conditional_operator)?);
    Some(if or {
        Condition::Or(Box::new(a), Box::new(b))
    } else {
        Condition::And(Box::new(a), Box::new(b))
    })
}

/// Converts Expected (+ ConditionalOperator) to a condition, with DynamoDB's validation messages.
pub fn expected_to_condition(
    expected: &BTreeMap<String, ExpectedCondition>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>> {
    let mut conds = Vec::with_capacity(expected.len());
    for (key, c) in expected {
        if c.attribute_value_list.is_some() && c.value.is_some() {
            return Err(invalid(format!(
                "Value and AttributeValueList cannot be used together for Attribute: {key}"
            )));
        }
        if let Some(op) = &c.comparison_operator {
            if c.exists.is_some() {
                return Err(invalid(format!(
                    "Exists and ComparisonOperator cannot be used together for Attribute: {key}"
                )));
            }
            if op != "NULL" && op != "NOT_NULL" && c.attribute_value_list.is_none() && c.value.is_none() {
                return Err(invalid(format!(
                    "Value or AttributeValueList must be used with ComparisonOperator: {op} for Attribute: {key}"
                )));
            }
            let list = match (&c.attribute_value_list, &c.value) {
                (Some(l), _) => l.clone(),
                (None, Some(v)) => vec![v.clone()],
                (None, None) => Vec::new(),
            };
            conds.push(comparison(key, op, &list)?);
        } else if c.attribute_value_list.is_some() {
            return Err(invalid(format!(
                "AttributeValueList can only be used with a ComparisonOperator for Attribute: {key}"
            )));
        } else {
            let exists = c.exists.unwrap_or(true);
            match (&c.value, exists) {
                (None, true) => {
                    let shown = c.exists.map_or("null".to_string(), |e| e.to_string());
                    return Err(invalid(format!(
                        "Value must be provided when Exists is {shown} for Attribute: {key}"
                    )));
                }
                (Some(_), false) => {
                    return Err(invalid(format!(
                        "Value cannot be used when Exists is false for Attribute: {key}"
                    )))
                }
                (Some(v), true) => conds.push(Condition::Cmp(
                    CmpOp::Eq,
                    Operand::Path(Path::attr(key)),
                    Operand::Value(v.clone()),
                )),
                (None, false) => conds.push(Condition::NotExists(Path::attr(key))),
            }
        }
    }
    Ok(join(conds, conditional_operator))
}

/// Converts QueryFilter / ScanFilter (+ ConditionalOperator) to a condition.
pub fn filter_to_condition(
    filter: &BTreeMap<String, ExpectedCondition>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>> {
    let mut conds = Vec::with_capacity(filter.len());
    for (key, c) in filter {
        let op = c.comparison_operator.as_deref().unwrap_or("");
        conds.push(comparison(key, op, c.attribute_value_list.as_deref().unwrap_or(&[]))?);
    }
    Ok(join(conds, conditional_operator))
}

/// Converts legacy KeyConditions to the key-condition model.
pub fn key_conditions(conds: &BTreeMap<String, ExpectedCondition>) -> Result<KeyCondition> {
    let mut out = KeyCondition::default();
    for (key, c) in conds {
        let op = c.comparison_operator.as_deref().unwrap_or("");
        let list = c.attribute_value_list.as_deref().unwrap_or(&[]);
        check_values(op, list)?;
        let v = |i: usize| list[i].clone();
        let kop = match op {
            "EQ" => KeyOp::Eq(v(0)),
            "LT" => KeyOp::Lt(v(0)),
            "LE" => KeyOp::Le(v(0)),
            "GT" => KeyOp::Gt(v(0)),
            "GE" => KeyOp::Ge(v(0)),
            "BETWEEN" => KeyOp::Between(v(0), v(1)),
            "BEGINS_WITH" => KeyOp::BeginsWith(v(0)),
            _ => {
                return Err(Error::validation(
                    "Attempted conditional constraint is not an indexable operation",
                ))
            }
        };
        out.conds.push(KeyCond {
            name: key.clone(),
            op: kop,
        });
    }
    Ok(out)
}

/// Converts AttributeUpdates to the update model (PUT → SET, DELETE without value → REMOVE,
/// DELETE with a set → DELETE, ADD → ADD; ADD of a list appends).
pub fn attribute_updates(updates: &BTreeMap<String, AttributeUpdate>) -> Result<Update> {
    let mut actions = Vec::with_capacity(updates.len());
    for (key, u) in updates {
        match crate::model::attribute_name_error(key) {
            Some(msg @ crate::model::NAME_TOO_LARGE) => return Err(Error::validation(msg)),
            Some(msg) => return Err(invalid(msg)),
            None => {}
        }
        let action = u.action.as_deref().unwrap_or("PUT");
        let path = Path::attr(key);
        let is_set =
            |v: &AttributeValue| matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_));
        actions.push(match (action, &u.value) {
            ("PUT", Some(v)) => UpdateAction::Set(path, SetValue::Operand(UpdOperand::Value(v.clone()))),
            ("PUT", None) | ("ADD", None) => {
                return Err(invalid(
                    "Only DELETE action is allowed when no attribute value is specified",
                ))
            }
            ("DELETE", None) => UpdateAction::Remove(path),
            ("DELETE", Some(v)) if is_set(v) => UpdateAction::Delete(path, v.clone()),
            ("DELETE", Some(v)) => {
                return Err(invalid(format!(
                    "DELETE action with value is not supported for the type {}",
                    v.value_type().as_str()
                )))
            }
            // Legacy ADD also appends to a list, which an expression's ADD cannot.
            ("ADD", Some(v)) if is_set(v) || matches!(v, AttributeValue::N(_) | AttributeValue::L(_)) => {
                UpdateAction::Add(path, v.clone())
            }
            ("ADD", Some(v)) => {
                return Err(invalid(format!(
                    "ADD action is not supported for the type {}",
                    v.value_type().as_str()
                )))
            }
            (other, _) => return Err(Error::validation(format!("Unsupported AttributeAction: {other}"))),
        });
    }
    Ok(Update { actions, legacy: true })
}

/// Converts AttributesToGet to projection paths, refusing duplicates.
pub fn attributes_to_get(names: &[String]) -> Result<Vec<Path>> {
    let mut out: Vec<Path> = Vec::with_capacity(names.len());
    for n in names {
        if out.iter().any(|p| p.head() == n) {
            return Err(invalid(format!("Duplicate value in attribute name: {n}")));
        }
        out.push(Path::attr(n));
    }
    Ok(out)
}
