//! Binding a parsed statement to its parameters and translating it into the expression module's
//! trees, so PartiQL conditions and updates run on the same evaluator as the expression API.

use std::collections::BTreeSet;

use super::ast::{Call, Expr, IsWhat, Lit, UpdateClause};
use crate::error::{Error, Result};
use crate::expr::{
    self, CmpOp, Condition, Operand, Path, PathElem, RangeCond, SetValue, UpdOperand, Update, UpdateAction,
};
use crate::model::{
    first_repeat, AttributeValue, Item, KeyAttr, KeySchema, KeyValue, KeyValues, Number, Reading, ScalarType,
};

/// Where a literal sits inside a value, as DynamoDB names it in number errors: `root`, `root.x`,
/// `root[1]`.
fn number(text: &str, at: &str) -> Result<AttributeValue> {
    Number::parse(text)
        .map(AttributeValue::N)
        .map_err(|e| Error::validation(format!("{} under {at}", e.message())))
}

/// The value an expression denotes, with parameters bound. `None` for MISSING.
pub fn value(e: &Expr, params: &[AttributeValue]) -> Result<Option<AttributeValue>> {
    value_at(e, params, "root")
}

fn value_at(e: &Expr, params: &[AttributeValue], at: &str) -> Result<Option<AttributeValue>> {
    Ok(Some(match e {
        Expr::Lit(Lit::Str(s)) => AttributeValue::S(s.clone()),
        Expr::Lit(Lit::Num(n)) => number(n, at)?,
        Expr::Lit(Lit::Bool(b)) => AttributeValue::Bool(*b),
        Expr::Lit(Lit::Null) => AttributeValue::Null,
        Expr::Missing => return Ok(None),
        Expr::Param(i) => params.get(*i).cloned().ok_or_else(param_count)?,
        Expr::List(items) => AttributeValue::L(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| value_at(x, params, &format!("{at}[{i}]")).transpose())
                .collect::<Result<_>>()?,
        ),
        Expr::Map(entries) => {
            let mut m = Item::new();
            for (k, x) in entries {
                if let Some(v) = value_at(x, params, &format!("{at}.{k}"))? {
                    m.insert(k.clone(), v);
                }
            }
            AttributeValue::M(m)
        }
        Expr::Bag(items) => {
            let values: Vec<AttributeValue> = items
                .iter()
                .filter_map(|x| value_at(x, params, at).transpose())
                .collect::<Result<_>>()?;
            set_of(values)?.in_set_order()
        }
        // A call is no value (`INSERT ... VALUE {'ss': set_add(...)}`: the conformance suite's
        // AWS captures, October 2026); its path is the number errors' (our reading).
        Expr::Call(c) => {
            return Err(Error::validation(format!(
                "Unsupported data type: {} under key {at} at {}",
                c.name, c.at
            )))
        }
        _ => return Err(unsupported_value()),
    }))
}

fn unsupported_value() -> Error {
    Error::validation("Unsupported value in expression")
}

pub fn param_count() -> Error {
    Error::validation("Number of parameters in request and statement don't match.")
}

/// `<<...>>`: a string, number or binary set. An empty one, or one with a repeated member, is
/// refused as DynamoDB refuses them (`<<>>`, `<<'x', 'x'>>`: the conformance suite's AWS
/// captures, October 2026), a repeat in the older validator's words, which PartiQL's values
/// take.
fn set_of(values: Vec<AttributeValue>) -> Result<AttributeValue> {
    let invalid = || Error::validation("Unsupported set element type or mixed types in a set");
    /// The members of one type, or `None` at the first of another.
    fn members<T>(values: Vec<AttributeValue>, of: fn(AttributeValue) -> Option<T>) -> Option<Vec<T>> {
        values.into_iter().map(of).collect()
    }
    fn unique<T: Ord>(ty: &str, members: Vec<T>, text: impl Fn(&T) -> String) -> Result<Vec<T>> {
        match first_repeat(&members) {
            Some(order) => {
                let raw: Vec<String> = members.iter().map(text).collect();
                Err(Error::duplicates(ty, &raw, &order, Reading::BigDecimal))
            }
            None => Ok(members),
        }
    }
    match values.first() {
        None => Err(Error::validation("Empty bags are not supported")),
        Some(AttributeValue::S(_)) => {
            let v = members(values, |v| if let AttributeValue::S(s) = v { Some(s) } else { None });
            Ok(AttributeValue::Ss(unique("SS", v.ok_or_else(invalid)?, String::clone)?))
        }
        Some(AttributeValue::N(_)) => {
            let v = members(values, |v| if let AttributeValue::N(n) = v { Some(n) } else { None });
            Ok(AttributeValue::Ns(unique(
                "NS",
                v.ok_or_else(invalid)?,
                Number::to_string,
            )?))
        }
        Some(AttributeValue::B(_)) => {
            let v = members(values, |v| if let AttributeValue::B(b) = v { Some(b) } else { None });
            let text = |b: &Vec<u8>| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
            Ok(AttributeValue::Bs(unique("BS", v.ok_or_else(invalid)?, text)?))
        }
        _ => Err(invalid()),
    }
}

/// The item an INSERT's VALUE denotes. Each attribute's value is converted on its own, so a
/// number error's path starts at the value (`root`, `root.x`), not at the item.
pub fn insert_item(e: &Expr, params: &[AttributeValue]) -> Result<Item> {
    if let Expr::Map(entries) = e {
        let mut item = Item::new();
        for (name, x) in entries {
            if let Some(v) = value(x, params)? {
                item.insert(name.clone(), v);
            }
        }
        return Ok(item);
    }
    match value(e, params)? {
        Some(AttributeValue::M(m)) => Ok(m),
        _ => Err(Error::validation(format!(
            "{}Expected a tuple in VALUE",
            super::parser::NOT_WELL_FORMED
        ))),
    }
}

/// The functions a WHERE clause knows; any other call in it is `Unrecognized function: <name>
/// at <where>` (`EXISTS(ss)`, `set_add(...)`: the conformance suite's AWS captures, October 2026).
const WHERE_FUNCTIONS: &[&str] = &[
    "begins_with",
    "contains",
    "attribute_type",
    "attribute_exists",
    "attribute_not_exists",
    "missing",
    "size",
];

fn unrecognized(c: &Call) -> Error {
    Error::validation(format!("Unrecognized function: {} at {}", c.name, c.at))
}

fn operand(e: &Expr, params: &[AttributeValue]) -> Result<Operand> {
    match e {
        Expr::Path(p) => Ok(Operand::Path(p.clone())),
        Expr::Call(c) if c.name == "size" && c.args.len() == 1 => {
            Ok(Operand::Size(Box::new(operand(&c.args[0], params)?)))
        }
        Expr::Call(c) if !WHERE_FUNCTIONS.contains(&c.name.as_str()) => Err(unrecognized(c)),
        Expr::Call(_) => Err(unsupported_value()),
        _ => match value(e, params)? {
            Some(v) => Ok(Operand::Value(v)),
            None => Err(unsupported_value()),
        },
    }
}

/// A WHERE clause as a condition on an item.
pub fn condition(e: &Expr, params: &[AttributeValue]) -> Result<Condition> {
    let b = |x: &Expr| condition(x, params).map(Box::new);
    Ok(match e {
        Expr::And(l, r) => Condition::And(b(l)?, b(r)?),
        Expr::Or(l, r) => Condition::Or(b(l)?, b(r)?),
        Expr::Not(x) => Condition::Not(b(x)?),
        Expr::Cmp(op, l, r) => match (&**l, &**r) {
            // A function's truth compared with TRUE or FALSE (`attribute_exists(a) = true`).
            (Expr::Call(c), Expr::Lit(Lit::Bool(b))) | (Expr::Lit(Lit::Bool(b)), Expr::Call(c))
                if matches!(op, CmpOp::Eq | CmpOp::Ne) =>
            {
                let holds = call(c, params)?;
                if (*op == CmpOp::Eq) == *b {
                    holds
                } else {
                    Condition::Not(Box::new(holds))
                }
            }
            // `a = MISSING` and `a <> MISSING` test presence.
            (Expr::Path(p), Expr::Missing) | (Expr::Missing, Expr::Path(p)) if *op == CmpOp::Eq => {
                Condition::NotExists(p.clone())
            }
            (Expr::Path(p), Expr::Missing) | (Expr::Missing, Expr::Path(p)) if *op == CmpOp::Ne => {
                Condition::Exists(p.clone())
            }
            _ => {
                let (l, r) = (operand(l, params)?, operand(r, params)?);
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    expr::check_orderable(op.as_str(), &[&l, &r])?;
                }
                Condition::Cmp(*op, l, r)
            }
        },
        Expr::Between(x, lo, hi) => {
            let (x, lo, hi) = (operand(x, params)?, operand(lo, params)?, operand(hi, params)?);
            expr::check_orderable("BETWEEN", &[&x, &lo, &hi])?;
            Condition::Between(x, lo, hi)
        }
        Expr::In(x, items) => Condition::In(
            operand(x, params)?,
            items.iter().map(|i| operand(i, params)).collect::<Result<_>>()?,
        ),
        Expr::Is(x, what, negated) => {
            let Expr::Path(p) = &**x else {
                return Err(unsupported_value());
            };
            // IS NULL holds for a stored NULL alone: an absent attribute is MISSING, not NULL
            // (AWS, September 2026; FIDELITY.md), unlike PartiQL's own `MISSING IS NULL`. The
            // other type names test the value's type (`s IS STRING`: the conformance suite's
            // whereFunctions.test.ts, AWS, October 2026).
            let of_type = |t: &&str| {
                Condition::AttrType(Operand::Path(p.clone()), Operand::Value(AttributeValue::S((*t).into())))
            };
            let base = match what {
                IsWhat::Missing => Condition::NotExists(p.clone()),
                IsWhat::Null => of_type(&"NULL"),
                IsWhat::Type(types) => types
                    .iter()
                    .map(of_type)
                    .reduce(|a, b| Condition::Or(Box::new(a), Box::new(b)))
                    // No DynamoDB value has the type: true of nothing.
                    .unwrap_or_else(|| {
                        Condition::And(
                            Box::new(Condition::Exists(p.clone())),
                            Box::new(Condition::NotExists(p.clone())),
                        )
                    }),
            };
            match (what, negated) {
                (IsWhat::Missing, true) => Condition::Exists(p.clone()),
                (_, true) => Condition::Not(Box::new(base)),
                _ => base,
            }
        }
        Expr::Call(c) => call(c, params)?,
        _ => {
            return Err(Error::validation(
                "Unsupported operation: the WHERE clause must be a condition",
            ))
        }
    })
}

fn call(c: &Call, params: &[AttributeValue]) -> Result<Condition> {
    let (name, args) = (c.name.as_str(), &c.args[..]);
    // Checked in the expression API's words (the conformance suite's partiqlFunctions.test.ts,
    // AWS, October 2026).
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(Error::validation(format!(
                "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {}",
                args.len()
            )))
        }
    };
    let path = |e: &Expr| match e {
        Expr::Path(p) => Ok(p.clone()),
        _ => Err(Error::validation(format!(
            "Operator or function requires a document path; operator or function: {name}"
        ))),
    };
    match name {
        "begins_with" => {
            arity(2)?;
            Ok(Condition::BeginsWith(
                operand(&args[0], params)?,
                operand(&args[1], params)?,
            ))
        }
        "contains" => {
            arity(2)?;
            Ok(Condition::Contains(
                operand(&args[0], params)?,
                operand(&args[1], params)?,
            ))
        }
        "attribute_type" => {
            arity(2)?;
            Ok(Condition::AttrType(
                operand(&args[0], params)?,
                operand(&args[1], params)?,
            ))
        }
        "missing" | "attribute_not_exists" => {
            arity(1)?;
            Ok(Condition::NotExists(path(&args[0])?))
        }
        "attribute_exists" => {
            arity(1)?;
            Ok(Condition::Exists(path(&args[0])?))
        }
        _ => Err(unrecognized(c)),
    }
}

/// The flattened top-level conjuncts of a WHERE clause.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::And(l, r) => {
            conjuncts(l, out);
            conjuncts(r, out);
        }
        other => out.push(other),
    }
}

/// The branches of a WHERE clause's top-level ORs (the clause itself when it has none).
pub fn disjuncts(e: &Expr) -> Vec<&Expr> {
    let (mut out, mut todo) = (Vec::new(), vec![e]);
    while let Some(e) = todo.pop() {
        match e {
            Expr::Or(l, r) => todo.extend([&**r, &**l]),
            other => out.push(other),
        }
    }
    out
}

/// Whether one of a branch's conjuncts names a sort attribute of `key` without bounding it
/// (`NOT sk = v`, `sk <> v`): such a branch reads its whole partition and filters.
pub fn filters_sort_key(branch: &Expr, key: &KeySchema, params: &[AttributeValue]) -> Result<bool> {
    let mut cs = Vec::new();
    conjuncts(branch, &mut cs);
    for c in cs {
        for attr in &key.range {
            if mentions(c, &attr.name) && sort_bound(c, attr, params)?.is_none() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether `e` reads the top-level attribute `name` anywhere (the parser bounds its depth).
fn mentions(e: &Expr, name: &str) -> bool {
    let all = |items: &[Expr]| items.iter().any(|i| mentions(i, name));
    match e {
        Expr::Path(p) => matches!(p.0.first(), Some(PathElem::Attr(a)) if a == name),
        Expr::Lit(_) | Expr::Param(_) | Expr::Missing => false,
        Expr::List(items) | Expr::Bag(items) => all(items),
        Expr::Call(c) => all(&c.args),
        Expr::Map(entries) => entries.iter().any(|(_, x)| mentions(x, name)),
        Expr::Not(x) | Expr::Is(x, _, _) => mentions(x, name),
        Expr::Cmp(_, l, r) | Expr::And(l, r) | Expr::Or(l, r) | Expr::Add(l, r) | Expr::Sub(l, r) => {
            mentions(l, name) || mentions(r, name)
        }
        Expr::Between(x, lo, hi) => mentions(x, name) || mentions(lo, name) || mentions(hi, name),
        Expr::In(x, items) => mentions(x, name) || all(items),
    }
}

/// Whether `e` is the top-level attribute `name`.
fn is_attr(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Path(p) if matches!(&p.0[..], [PathElem::Attr(a)] if a == name))
}

/// The value side of `name = value` (either way round), when `c` is that comparison (a path or a
/// call is no value).
fn equated<'e>(c: &'e Expr, name: &str) -> Option<&'e Expr> {
    let Expr::Cmp(CmpOp::Eq, l, r) = c else { return None };
    match (&**l, &**r) {
        (p, v) | (v, p) if is_attr(p, name) && !matches!(v, Expr::Path(_) | Expr::Call(_)) => Some(v),
        _ => None,
    }
}

/// Whether a top-level conjunct holds the top-level attribute `name` to a value or an `IN`
/// list: the shape DynamoDB calls keyed, whether or not the read can use it as a key.
pub fn keyed_on(filter: &Expr, name: &str) -> bool {
    let mut cs = Vec::new();
    conjuncts(filter, &mut cs);
    cs.into_iter()
        .any(|c| equated(c, name).is_some() || matches!(c, Expr::In(x, _) if is_attr(x, name)))
}

/// The value a top-level `name = value` conjunct gives a top-level attribute, if any.
pub fn equality(filter: &Expr, name: &str, params: &[AttributeValue]) -> Result<Option<AttributeValue>> {
    let mut cs = Vec::new();
    conjuncts(filter, &mut cs);
    for v in cs.into_iter().filter_map(|c| equated(c, name)) {
        if let Some(v) = value(v, params)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// The values a WHERE clause holds a top-level attribute to, if it holds it to a list: `name =
/// v`, `name IN [v, ...]`, a conjunction with such a side, or a disjunction whose every side is
/// one (`name = a OR name = b`). These are the forms DynamoDB reads a partition key from without
/// a full table scan.
pub fn values_of(e: &Expr, name: &str, params: &[AttributeValue]) -> Result<Option<Vec<AttributeValue>>> {
    Ok(match e {
        Expr::And(l, r) => match values_of(l, name, params)? {
            Some(values) => Some(values),
            None => values_of(r, name, params)?,
        },
        Expr::Or(l, r) => match (values_of(l, name, params)?, values_of(r, name, params)?) {
            (Some(mut values), Some(more)) => {
                values.extend(more);
                Some(values)
            }
            _ => None,
        },
        Expr::In(x, items) if is_attr(x, name) && !items.iter().any(|i| matches!(i, Expr::Path(_))) => items
            .iter()
            .map(|i| value(i, params))
            .collect::<Result<Option<Vec<_>>>>()?,
        c => match equated(c, name) {
            Some(v) => value(v, params)?.map(|v| vec![v]),
            None => None,
        },
    })
}

/// The most partitions one SELECT reads as such: DynamoDB documents 50 as the most partition key
/// values an `IN` list may hold. A WHERE clause naming more (or whose lists on a multi-attribute
/// partition key multiply past it) is served as a scan, which gives the same rows.
pub const MAX_PARTITIONS: usize = 50;

/// Where the rows a SELECT's WHERE clause admits can be: the partitions it holds the partition
/// key to, and the stretch of each that its top-level conjuncts bound on the sort key.
#[derive(Debug, PartialEq)]
pub struct KeyReads {
    /// Each partition's key values, typed as the schema says, without duplicates.
    pub partitions: Vec<KeyValues>,
    /// Values the leading sort attributes are held equal to.
    pub sort_prefix: KeyValues,
    /// A bound on the sort attribute after them.
    pub sort: Option<RangeCond>,
}

/// The [`KeyReads`] of a WHERE clause against the key schema it reads by (a table's or an
/// index's), when the clause holds every partition attribute to values ([`values_of`], the
/// recognition IAM's `dynamodb:LeadingKeys` and `FullTableScan` read too); `None` for a scan. A
/// value of another type than its attribute's names no partition. Every row outside these is one
/// the clause rejects, so reading only them changes no answer; the clause still filters each row.
pub fn key_reads(filter: &Expr, key: &KeySchema, params: &[AttributeValue]) -> Result<Option<KeyReads>> {
    let mut partitions = vec![KeyValues::new()];
    for attr in &key.hash {
        let Some(values) = values_of(filter, &attr.name, params)? else {
            return Ok(None);
        };
        let typed: BTreeSet<KeyValue> = values.iter().filter_map(|v| typed(v, attr)).collect();
        if partitions.len().saturating_mul(typed.len()) > MAX_PARTITIONS {
            return Ok(None);
        }
        partitions = partitions
            .iter()
            .flat_map(|p| typed.iter().map(move |v| p.iter().chain([v]).cloned().collect()))
            .collect();
    }
    let mut cs = Vec::new();
    conjuncts(filter, &mut cs);
    let (mut sort_prefix, mut sort) = (KeyValues::new(), None);
    for attr in &key.range {
        let mut bounds = cs.iter().map(|c| sort_bound(c, attr, params));
        match bounds.find_map(Result::transpose).transpose()? {
            Some(RangeCond::Eq(v)) => sort_prefix.push(v),
            other => {
                sort = other;
                break;
            }
        }
    }
    Ok(Some(KeyReads {
        partitions,
        sort_prefix,
        sort,
    }))
}

/// `v` as a key value of `attr`, when it has the attribute's type.
fn typed(v: &AttributeValue, attr: &KeyAttr) -> Option<KeyValue> {
    KeyValue::from_attr(v).filter(|k| k.scalar_type() == attr.ty)
}

/// The sort positions a conjunct `c` admits for the sort attribute `attr`: a comparison of it
/// with a value (either way round), BETWEEN or `begins_with` on a string or binary attribute.
fn sort_bound(c: &Expr, attr: &KeyAttr, params: &[AttributeValue]) -> Result<Option<RangeCond>> {
    // Only literals and parameters are values here: a key value is a scalar.
    let key = |e: &Expr| -> Result<Option<KeyValue>> {
        Ok(match e {
            Expr::Lit(_) | Expr::Param(_) => value(e, params)?.and_then(|v| typed(&v, attr)),
            _ => None,
        })
    };
    let name = &attr.name;
    Ok(match c {
        Expr::Cmp(op, l, r) => {
            let (op, v) = match (is_attr(l, name), is_attr(r, name)) {
                (true, false) => (*op, r),
                // `v < sk` bounds sk from below.
                (false, true) => {
                    let flipped = match op {
                        CmpOp::Lt => CmpOp::Gt,
                        CmpOp::Le => CmpOp::Ge,
                        CmpOp::Gt => CmpOp::Lt,
                        CmpOp::Ge => CmpOp::Le,
                        eq_or_ne => *eq_or_ne,
                    };
                    (flipped, l)
                }
                _ => return Ok(None),
            };
            key(v)?.and_then(|v| match op {
                CmpOp::Eq => Some(RangeCond::Eq(v)),
                CmpOp::Lt => Some(RangeCond::Lt(v)),
                CmpOp::Le => Some(RangeCond::Le(v)),
                CmpOp::Gt => Some(RangeCond::Gt(v)),
                CmpOp::Ge => Some(RangeCond::Ge(v)),
                CmpOp::Ne => None,
            })
        }
        Expr::Between(x, lo, hi) if is_attr(x, name) => match (key(lo)?, key(hi)?) {
            (Some(lo), Some(hi)) => Some(RangeCond::Between(lo, hi)),
            _ => None,
        },
        Expr::Call(f) if f.name == "begins_with" && f.args.len() == 2 && is_attr(&f.args[0], name) => key(&f.args[1])?
            .filter(|_| attr.ty != ScalarType::N)
            .map(RangeCond::BeginsWith),
        _ => None,
    })
}

/// Whether a WHERE clause holds every attribute of `key` equal to a value and has a condition
/// besides: EXISTS's shape.
pub fn names_item_with_condition(filter: &Expr, key: &KeySchema) -> bool {
    matches!(key_shape(filter, key), (true, others) if others > 0)
}

/// Whether a WHERE clause is equalities on every attribute of `key` and nothing else: the read
/// of one item that BatchExecuteStatement and ExecuteTransaction make of a SELECT.
pub fn names_key_alone(filter: &Expr, key: &KeySchema) -> bool {
    key_shape(filter, key) == (true, 0)
}

/// Whether a WHERE clause's top-level conjuncts hold every attribute of `key` equal to a value,
/// and how many of them do something else.
fn key_shape(filter: &Expr, key: &KeySchema) -> (bool, usize) {
    let mut cs = Vec::new();
    conjuncts(filter, &mut cs);
    let keyed = |c: &Expr| key.attrs().any(|a| equated(c, &a.name).is_some());
    let whole = key.attrs().all(|a| cs.iter().any(|c| equated(c, &a.name).is_some()));
    (whole, cs.iter().filter(|c| !keyed(c)).count())
}

pub fn missing_key_equality() -> Error {
    Error::validation("Where clause does not contain a mandatory equality on all key attributes")
}

/// The full primary key (as a Key map) a write's WHERE clause names.
pub fn key_of(filter: Option<&Expr>, key: &KeySchema, params: &[AttributeValue]) -> Result<Item> {
    key_or(filter, key, params, missing_key_equality)
}

/// [`key_of`], refusing a clause without the key with `missing`'s error (each operation words it).
pub fn key_or(
    filter: Option<&Expr>,
    key: &KeySchema,
    params: &[AttributeValue],
    missing: fn() -> Error,
) -> Result<Item> {
    let filter = filter.ok_or_else(missing)?;
    let mut out = Item::new();
    for attr in key.attrs() {
        let v = equality(filter, &attr.name, params)?.ok_or_else(missing)?;
        out.insert(attr.name.clone(), v);
    }
    Ok(out)
}

fn upd_operand(e: &Expr, params: &[AttributeValue]) -> Result<UpdOperand> {
    match e {
        Expr::Path(p) => Ok(UpdOperand::Path(p.clone())),
        Expr::Call(c) if c.name == "list_append" && c.args.len() == 2 => Ok(UpdOperand::ListAppend(
            Box::new(upd_operand(&c.args[0], params)?),
            Box::new(upd_operand(&c.args[1], params)?),
        )),
        Expr::Call(c) if c.name == "if_not_exists" && c.args.len() == 2 => match &c.args[0] {
            Expr::Path(p) => Ok(UpdOperand::IfNotExists(
                p.clone(),
                Box::new(upd_operand(&c.args[1], params)?),
            )),
            _ => Err(unsupported_value()),
        },
        _ => match value(e, params)? {
            Some(v) => Ok(UpdOperand::Value(v)),
            None => Err(unsupported_value()),
        },
    }
}

/// `SET a = set_add(a, <<...>>)` (or set_delete) as ADD (or DELETE) of the set. Refused in this
/// order, at the call's name or its first argument as DynamoDB points (the conformance suite's
/// AWS captures, October 2026): two arguments, the first the assigned path, the second a set
/// (a set parameter included; a path is no value).
fn set_function(target: &Path, c: &Call, params: &[AttributeValue]) -> Result<UpdateAction> {
    let name = c.name.to_ascii_uppercase();
    let refuse = |what: String, at| Err(Error::validation(format!("{what} at {at}")));
    if c.args.len() != 2 {
        return refuse(format!("{name} must have exactly two arguments"), c.at);
    }
    if !matches!(&c.args[0], Expr::Path(q) if q == target) {
        return refuse(
            format!("The first argument to {name} must equal the assignment value"),
            c.at,
        );
    }
    let set = match &c.args[1] {
        Expr::Path(_) => None,
        e => value(e, params)?
            .filter(|v| matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))),
    };
    let Some(set) = set else {
        return refuse(
            format!("The second argument to {name} must be a value with type SET"),
            c.args_at[0],
        );
    };
    Ok(if c.name == "set_add" {
        UpdateAction::Add(target.clone(), set)
    } else {
        UpdateAction::Delete(target.clone(), set)
    })
}

/// An UPDATE's SET and REMOVE clauses as an update.
pub fn update(clauses: &[UpdateClause], params: &[AttributeValue]) -> Result<Update> {
    let mut actions = Vec::new();
    for c in clauses {
        actions.push(match c {
            UpdateClause::Remove(p) => UpdateAction::Remove(p.clone()),
            UpdateClause::Set(p, Expr::Missing) => UpdateAction::Remove(p.clone()),
            UpdateClause::Set(p, Expr::Call(c)) if c.name == "set_add" || c.name == "set_delete" => {
                set_function(p, c, params)?
            }
            UpdateClause::Set(p, Expr::Add(l, r)) => UpdateAction::Set(
                p.clone(),
                SetValue::Plus(upd_operand(l, params)?, upd_operand(r, params)?),
            ),
            UpdateClause::Set(p, Expr::Sub(l, r)) => UpdateAction::Set(
                p.clone(),
                SetValue::Minus(upd_operand(l, params)?, upd_operand(r, params)?),
            ),
            UpdateClause::Set(p, e) => UpdateAction::Set(p.clone(), SetValue::Operand(upd_operand(e, params)?)),
        });
    }
    Ok(Update { actions, legacy: false })
}

/// A SELECT's projection: each path's value under the name of its last step, as DynamoDB returns
/// `SELECT a.b` as `{"b": ...}` (the parity suite); list indexes after that name stay in it, so
/// `SELECT a.l[0]` answers `{"l[0]": ...}` (DynamoDB Local, which libraries test against).
pub fn project(item: &Item, paths: &[Path]) -> Item {
    let mut out = Item::new();
    for p in paths {
        if let Some(v) = crate::expr::lookup(item, p) {
            let last = p.0.iter().rposition(|e| matches!(e, PathElem::Attr(_))).unwrap_or(0);
            let mut name = String::new();
            for e in &p.0[last..] {
                match e {
                    PathElem::Attr(a) => name.push_str(a),
                    PathElem::Index(i) => name.push_str(&format!("[{i}]")),
                }
            }
            out.insert(name, v.clone());
        }
    }
    out
}
