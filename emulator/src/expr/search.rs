//! SearchVectors' SearchConditionExpression: equalities on top-level attributes, joined by AND,
//! one per attribute. These rules need no index, so they are checked with the expression's
//! syntax, before its unused names and values (AWS, August 2026: a nested path is refused
//! though a name the request gives goes unused); the index's own rules are the operation's.

use super::ast::{CmpOp, Condition, Operand, Path, PathElem};
use super::error::ExprError;
use crate::model::AttributeValue;

/// The `(attribute, value)` equalities of a parsed SearchConditionExpression, in its order.
pub fn terms(condition: &Condition) -> Result<Vec<(&str, &AttributeValue)>, ExprError> {
    let mut terms: Vec<(&str, &AttributeValue)> = Vec::new();
    // The parser bounds how many operators an expression holds, so this stack stays small.
    let mut pending = vec![condition];
    while let Some(c) = pending.pop() {
        let (path, value) = match c {
            Condition::And(a, b) => {
                pending.extend([&**b, &**a]);
                continue;
            }
            Condition::Cmp(CmpOp::Eq, Operand::Path(p), Operand::Value(v))
            | Condition::Cmp(CmpOp::Eq, Operand::Value(v), Operand::Path(p)) => (p, v),
            _ => return Err(ExprError::SearchComparator),
        };
        let name = top_level(path).ok_or(ExprError::SearchNestedAttribute)?;
        if terms.iter().any(|(n, _)| *n == name) {
            return Err(ExprError::SearchConditionTwice);
        }
        terms.push((name, value));
    }
    Ok(terms)
}

fn top_level(path: &Path) -> Option<&str> {
    match path.0.as_slice() {
        [PathElem::Attr(name)] => Some(name),
        _ => None,
    }
}
