//! DynamoDB expressions: lexer → parser → typed AST → evaluator, for condition, filter,
//! key-condition, update and projection expressions, plus the legacy parameters they replaced.
//!
//! Operations call [`parse`] once per request (or per transaction item) with an [`ExpressionInput`];
//! it validates everything in DynamoDB's order and returns the typed trees.

mod ast;
mod cache;
mod cursor;
mod error;
mod eval;
mod key;
mod legacy;
mod lexer;
mod parser;
mod project;
mod reserved;
mod search;
mod update;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use ast::{
    CmpOp, Condition, KeyCondition, KeyOp, Operand, Path, PathElem, SetValue, UpdOperand, Update, UpdateAction,
};
pub use cursor::{MAX_OPERATORS, MAX_PAREN_DEPTH};
use error::Param;
pub use eval::lookup;
pub use key::{KeyRange, RangeCond};
pub use legacy::{AttributeUpdate, ExpectedCondition};
pub use project::project;

use crate::error::{Check, Error, Result};
use crate::model::AttributeValue;
use cursor::Ctx;

/// The `(attribute, value)` equalities of a SearchConditionExpression [`parse`] accepted.
pub fn search_terms(condition: &Condition) -> Result<Vec<(&str, &AttributeValue)>> {
    search::terms(condition).map_err(|e| e.invalid(Param::SearchCondition))
}

/// PartiQL's check of an ordering comparison's operands: the expressions' rule and words, without
/// their "Invalid <X>Expression: " prefix.
pub fn check_orderable(operator: &'static str, operands: &[&Operand]) -> Result<()> {
    match operands.iter().find_map(|o| parser::unorderable(operator, o)) {
        Some(e) => Err(Error::validation(e.to_string())),
        None => Ok(()),
    }
}

/// The operation whose parameters are being parsed; it decides which parameters exist and the
/// wording of the "can only be specified when using expressions" messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Op {
    #[default]
    PutItem,
    DeleteItem,
    UpdateItem,
    GetItem,
    Query,
    Scan,
    /// TransactWriteItems' ConditionCheck.
    ConditionCheck,
    /// Its SearchConditionExpression is carried as the filter.
    SearchVectors,
}

impl Op {
    /// Expression parameters the operation accepts, in the order DynamoDB lists them (a read
    /// names its projection first: `{ProjectionExpression, FilterExpression,
    /// KeyConditionExpression}`).
    fn expressions(self) -> &'static [&'static str] {
        match self {
            Op::PutItem | Op::DeleteItem | Op::ConditionCheck => &["ConditionExpression"],
            Op::UpdateItem => &["UpdateExpression", "ConditionExpression"],
            Op::GetItem => &["ProjectionExpression"],
            Op::Query => &["ProjectionExpression", "FilterExpression", "KeyConditionExpression"],
            Op::Scan => &["ProjectionExpression", "FilterExpression"],
            Op::SearchVectors => &["ProjectionExpression", "SearchConditionExpression"],
        }
    }

    /// Legacy parameters in the order DynamoDB lists them when they clash with expressions: a
    /// read names its filter before `ConditionalOperator`; for the writes, where no capture
    /// shows `ConditionalOperator` beside another, the order is alphabetical (our reading).
    fn legacy(self) -> &'static [&'static str] {
        match self {
            Op::Query => &["AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"],
            Op::Scan => &["AttributesToGet", "ScanFilter", "ConditionalOperator"],
            // Expected before ConditionalOperator (ExtendDB's dual-target suite, captured on AWS).
            _ => &["AttributesToGet", "AttributeUpdates", "Expected", "ConditionalOperator"],
        }
    }
}

/// Everything a request carries that the expression module validates. Legacy parameters arrive
/// already decoded into the typed structs of this module.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExpressionInput<'a> {
    pub op: Op,
    pub condition: Option<&'a str>,
    pub filter: Option<&'a str>,
    pub key_condition: Option<&'a str>,
    pub update: Option<&'a str>,
    pub projection: Option<&'a str>,
    pub names: Option<&'a BTreeMap<String, String>>,
    pub values: Option<&'a BTreeMap<String, AttributeValue>>,
    pub expected: Option<&'a BTreeMap<String, ExpectedCondition>>,
    pub conditional_operator: Option<&'a str>,
    pub attribute_updates: Option<&'a BTreeMap<String, AttributeUpdate>>,
    pub attributes_to_get: Option<&'a [String]>,
    pub key_conditions: Option<&'a BTreeMap<String, ExpectedCondition>>,
    pub query_filter: Option<&'a BTreeMap<String, ExpectedCondition>>,
    pub scan_filter: Option<&'a BTreeMap<String, ExpectedCondition>>,
    /// A member of TransactWriteItems or TransactGetItems, which accept names and values with no
    /// expression at all and ignore them, where the single-item operations refuse them
    /// (captured on AWS, 2026: ExtendDB's dual-target suite; FIDELITY.md).
    pub transaction: bool,
}

/// The typed result; legacy parameters are converted into the same fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// ConditionExpression or Expected.
    pub condition: Option<Condition>,
    /// FilterExpression, QueryFilter or ScanFilter.
    pub filter: Option<Condition>,
    /// KeyConditionExpression or KeyConditions.
    pub key_condition: Option<KeyCondition>,
    /// UpdateExpression or AttributeUpdates.
    pub update: Option<Update>,
    /// ProjectionExpression or AttributesToGet.
    pub projection: Option<Vec<Path>>,
}

/// The longest `#name` or `:value` key, in bytes with its sigil, checked before its syntax (AWS,
/// us-east-1, 2026: ExtendDB's dual-target suite; the values' message gives no size).
const MAX_PLACEHOLDER: usize = 255;

fn key_ok(key: &str, sigil: char) -> bool {
    let mut chars = key.chars();
    chars.next() == Some(sigil) && key.len() > 1 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Validation of a value used in expressions, as items are validated.
fn value_error(v: &AttributeValue) -> Option<&'static str> {
    match v {
        AttributeValue::Ss(s) if s.is_empty() => Some("An string set  may not be empty"),
        AttributeValue::Ns(s) if s.is_empty() => Some("An number set  may not be empty"),
        AttributeValue::Bs(s) if s.is_empty() => Some("Binary sets should not be empty"),
        AttributeValue::M(m) => m.values().find_map(value_error),
        AttributeValue::L(l) => l.iter().find_map(value_error),
        _ => None,
    }
}

/// Whether the request carries the parameter of wire name `name` (an expression, a legacy
/// parameter, ExpressionAttributeNames or ExpressionAttributeValues).
fn given(input: &ExpressionInput, name: &str) -> bool {
    match name {
        "UpdateExpression" => input.update.is_some(),
        "ConditionExpression" => input.condition.is_some(),
        "KeyConditionExpression" => input.key_condition.is_some(),
        "FilterExpression" | "SearchConditionExpression" => input.filter.is_some(),
        "ProjectionExpression" => input.projection.is_some(),
        "ExpressionAttributeNames" => input.names.is_some(),
        "ExpressionAttributeValues" => input.values.is_some(),
        "AttributesToGet" => input.attributes_to_get.is_some(),
        "AttributeUpdates" => input.attribute_updates.is_some(),
        "ConditionalOperator" => input.conditional_operator.is_some(),
        "Expected" => input.expected.is_some(),
        "KeyConditions" => input.key_conditions.is_some(),
        "QueryFilter" => input.query_filter.is_some(),
        "ScanFilter" => input.scan_filter.is_some(),
        _ => false,
    }
}

/// Refuses expression and legacy parameters mixed, and names or values without an expression
/// that uses them; `given` says whether the request carries a parameter, by wire name. It needs
/// only their presence, so the reads (GetItem, Query, Scan) make it before decoding any
/// attribute value, as DynamoDB does (dynalite's tests, run against AWS: a Key holding `{}`
/// beside AttributesToGet and a ProjectionExpression is refused for the mix). Every request
/// passes through here, so the lists an error names are built only for the error.
pub fn check_parameters(op: Op, given: impl Fn(&str) -> bool) -> Result<()> {
    let known = op.expressions().iter().copied();
    // The expressions given, in the order the operation lists them.
    let exprs = known.clone().filter(|e| given(e));
    if exprs.clone().next().is_some() {
        // KeyConditions may accompany a FilterExpression when there is no KeyConditionExpression.
        let set = |name: &str| match name {
            "KeyConditions" => given(name) && given("KeyConditionExpression"),
            _ => given(name),
        };
        // Empty (no allocation) unless the request mixes the two.
        let legacy: Vec<&str> = op.legacy().iter().copied().filter(|n| set(n)).collect();
        if !legacy.is_empty() {
            return Err(Error::validation(format!(
                "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
                legacy.join(", "),
                exprs.collect::<Vec<_>>().join(", ")
            )));
        }
    } else if given("ExpressionAttributeNames") {
        return Err(Error::validation(
            "ExpressionAttributeNames can only be specified when using expressions",
        ));
    }
    let value_exprs = known.filter(|e| *e != "ProjectionExpression");
    let values_unused = exprs.clone().all(|e| e == "ProjectionExpression");
    if given("ExpressionAttributeValues") && value_exprs.clone().next().is_some() && values_unused {
        let value_exprs: Vec<&str> = value_exprs.collect();
        let verb = if value_exprs.len() > 1 { "are" } else { "is" };
        let missing = format!("{} {verb} null", value_exprs.join(" and "));
        return Err(
            Error::validation("ExpressionAttributeValues can only be specified when using expressions")
                .by(Check::ValuesWithoutExpression(missing)),
        );
    }
    Ok(())
}

/// Refuses the keys of `given` (the request's `parameter`) that no expression used; `used` holds
/// keys of `given` only, sorted and each once, so equal counts mean none is unused and nothing is
/// listed.
fn unused_keys<V>(given: Option<&BTreeMap<String, V>>, used: &[&str], parameter: &str) -> Result<()> {
    match given {
        Some(given) if given.len() != used.len() => {
            let unused: Vec<&str> = given
                .keys()
                .map(String::as_str)
                .filter(|k| used.binary_search(k).is_err())
                .collect();
            Err(Error::validation(format!(
                "Value provided in {parameter} unused in expressions: keys: {{{}}}",
                unused.join(", ")
            )))
        }
        _ => Ok(()),
    }
}

/// Parses and validates every expression and legacy parameter of one request, in DynamoDB's
/// order, then reports unused `#names` / `:values`.
pub fn parse(input: &ExpressionInput) -> Result<Parsed> {
    let expressions = [
        input.update,
        input.condition,
        input.key_condition,
        input.filter,
        input.projection,
    ];
    let ignored = input.transaction && expressions.iter().all(Option::is_none);
    if !ignored {
        check_parameters(input.op, |name| given(input, name))?;
    }
    // ConditionalOperator joins the conditions of Expected, QueryFilter or ScanFilter; with none
    // (or an empty map) it has nothing to join.
    let joined = [input.expected, input.query_filter, input.scan_filter];
    if input.conditional_operator.is_some() && joined.iter().all(|m| m.is_none_or(BTreeMap::is_empty)) {
        return Err(Error::validation(
            "ConditionalOperator cannot be used without Filter or Expected",
        ));
    }
    // Nor with one condition alone (AWS, 2026: ExtendDB's dual-target suite; DAX's validator).
    if input.conditional_operator.is_some() && joined.iter().flatten().all(|m| m.len() < 2) {
        return Err(Error::validation(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements",
        ));
    }
    if let Some(names) = input.names {
        if names.is_empty() {
            return Err(Error::validation("ExpressionAttributeNames must not be empty"));
        }
        if let Some(k) = names.keys().find(|k| k.len() > MAX_PLACEHOLDER) {
            return Err(Error::validation(format!(
                "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: {}",
                k.len()
            )));
        }
        if let Some(k) = names.keys().find(|k| !key_ok(k, '#')) {
            return Err(Error::validation(format!(
                "ExpressionAttributeNames contains invalid key: Syntax error; key: \"{k}\""
            )));
        }
        for (k, name) in names {
            match crate::model::attribute_name_error(name) {
                Some(msg @ crate::model::NAME_TOO_LARGE) => return Err(Error::validation(msg)),
                Some(msg) => {
                    return Err(Error::validation(format!(
                        "ExpressionAttributeNames contains invalid value: {msg} for key {k}"
                    )))
                }
                None => {}
            }
        }
    }
    if let Some(values) = input.values {
        if values.is_empty() {
            return Err(Error::validation("ExpressionAttributeValues must not be empty"));
        }
        if values.keys().any(|k| k.len() > MAX_PLACEHOLDER) {
            return Err(Error::validation(
                "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;",
            ));
        }
        if let Some(k) = values.keys().find(|k| !key_ok(k, ':')) {
            return Err(Error::validation(format!(
                "ExpressionAttributeValues contains invalid key: Syntax error; key: \"{k}\""
            )));
        }
        for (k, v) in values {
            if let Some(msg) = value_error(v) {
                return Err(Error::validation(format!(
                    "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: {msg} for key {k}"
                )));
            }
        }
    }

    let mut ctx = Ctx::new(input.names, input.values);
    let mut out = Parsed::default();
    if let Some(src) = input.update {
        out.update = Some(cache::parse(src, &mut ctx, update::parse_update).map_err(|e| e.invalid(Param::Update))?);
    }
    if let Some(src) = input.condition {
        out.condition =
            Some(cache::parse(src, &mut ctx, parser::parse_condition).map_err(|e| e.invalid(Param::Condition))?);
    }
    let mut key_tree = None;
    if let Some(src) = input.key_condition {
        key_tree =
            Some(cache::parse(src, &mut ctx, parser::parse_condition).map_err(|e| e.invalid(Param::KeyCondition))?);
    }
    if let Some(src) = input.filter {
        let param = if input.op == Op::SearchVectors {
            Param::SearchCondition
        } else {
            Param::Filter
        };
        let filter = cache::parse(src, &mut ctx, parser::parse_condition).map_err(|e| e.invalid(param))?;
        if input.op == Op::SearchVectors {
            search::terms(&filter).map_err(|e| e.invalid(param))?;
        }
        out.filter = Some(filter);
    }
    if let Some(src) = input.projection {
        out.projection =
            Some(cache::parse(src, &mut ctx, parser::parse_projection).map_err(|e| e.invalid(Param::Projection))?);
    }
    if !ignored {
        unused_keys(input.names, ctx.used_names.settled(), "ExpressionAttributeNames")?;
        unused_keys(input.values, ctx.used_values.settled(), "ExpressionAttributeValues")?;
    }
    if let Some(tree) = key_tree {
        out.key_condition = Some(key::to_key_condition(&tree).map_err(|e| e.invalid(Param::KeyCondition))?);
    }

    // Legacy parameters.
    if let Some(expected) = input.expected {
        out.condition = legacy::expected_to_condition(expected, input.conditional_operator)?;
    }
    if let Some(filter) = input.query_filter.or(input.scan_filter) {
        out.filter = legacy::filter_to_condition(filter, input.conditional_operator)?;
    }
    if let Some(kc) = input.key_conditions {
        out.key_condition = Some(legacy::key_conditions(kc)?);
    }
    if let Some(updates) = input.attribute_updates {
        out.update = Some(legacy::attribute_updates(updates)?);
    }
    if let Some(names) = input.attributes_to_get {
        out.projection = Some(legacy::attributes_to_get(names)?);
    }
    Ok(out)
}
