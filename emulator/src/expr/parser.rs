//! Condition, filter and key-condition grammar (one grammar, as in DynamoDB), and projections.
//!
//! Syntax errors abort at once; semantic errors are collected into slots while parsing and the
//! first filled slot, in DynamoDB's precedence, is reported once the whole string parsed.

use super::ast::{CmpOp, Condition, Operand, Path};
use super::cursor::{check_overlap, first, Ctx, Cursor, PResult};
use super::error::{ExprError, Grammar};
use super::eval::compare_values;
use super::lexer::Tok;
use crate::model::{AttributeValue, ValueType};

const KEYWORDS: &[&str] = &["AND", "OR", "NOT", "BETWEEN", "IN"];
const MAX_IN_OPERANDS: usize = 100;

/// Errors of one leaf condition, committed together when the leaf ends.
#[derive(Default)]
struct Leaf {
    name_val: Option<ExprError>,
    operand: Option<ExprError>,
    distinct: Option<ExprError>,
    function: Option<ExprError>,
}

/// A parsed operand position: a value operand, or a boolean function (only valid as a condition).
enum Term {
    Op(Operand),
    BoolFn(Condition, &'static str),
}

/// A parsed sub-expression before we know whether it is used as condition or operand.
enum Node {
    Cond(Condition),
    Op(Operand),
}

struct CondParser<'s, 'c, 'a> {
    cur: Cursor<'s>,
    ctx: &'c mut Ctx<'a>,
    parens: Option<ExprError>,
    unknown_fn: Option<ExprError>,
    misused_fn: Option<ExprError>,
    reserved: Option<ExprError>,
    condition: Option<ExprError>,
    leaf: Leaf,
}

/// Parses a condition-grammar string.
pub fn parse_condition(src: &str, ctx: &mut Ctx<'_>) -> Result<Condition, ExprError> {
    super::cursor::precheck(src)?;
    let mut p = CondParser {
        cur: Cursor::new(src),
        ctx,
        parens: None,
        unknown_fn: None,
        misused_fn: None,
        reserved: None,
        condition: None,
        leaf: Leaf::default(),
    };
    let result = p.start();
    let cond = result.map_err(|idx| p.cur.error_at(idx))?;
    if let Some(error) = [p.parens, p.unknown_fn, p.misused_fn, p.reserved, p.condition]
        .into_iter()
        .flatten()
        .next()
    {
        return Err(error);
    }
    Ok(cond)
}

/// The error of an ordering comparison (`<`, `BETWEEN`...) given a value that is not a string,
/// number or binary. DynamoDB words it as for a function (`operator or function: <`) and names the
/// type by its code (`BOOL`).
pub(super) fn unorderable(operator: &'static str, operand: &Operand) -> Option<ExprError> {
    let Operand::Value(v) = operand else { return None };
    let ty = v.value_type();
    (!matches!(ty, ValueType::S | ValueType::N | ValueType::B)).then(|| ExprError::FunctionOperandType {
        function: operator,
        ty: ty.as_str(),
    })
}

fn type_of_term(t: &Term) -> Option<ValueType> {
    match t {
        Term::Op(Operand::Value(v)) => Some(v.value_type()),
        Term::Op(Operand::Size(_)) => Some(ValueType::N),
        Term::BoolFn(..) => Some(ValueType::Bool),
        Term::Op(Operand::Path(_)) => None,
    }
}

/// BETWEEN's bounds, of one type and in order. This and [`type_name_error`] are the only checks
/// that read a value's content rather than its type (the parse cache runs them again on a hit).
pub(super) fn between_error(a: &AttributeValue, b: &AttributeValue) -> Option<ExprError> {
    let (low, high) = (a.clone(), b.clone());
    if a.value_type() != b.value_type() {
        Some(ExprError::BetweenTypes { low, high })
    } else if compare_values(a, b) == Some(std::cmp::Ordering::Greater) {
        Some(ExprError::BetweenOrder { low, high })
    } else {
        None
    }
}

/// `attribute_type`'s second operand names a type.
pub(super) fn type_name_error(s: &str) -> Option<ExprError> {
    ValueType::parse(s)
        .is_none()
        .then(|| ExprError::AttributeTypeName(s.to_owned()))
}

impl CondParser<'_, '_, '_> {
    fn start(&mut self) -> PResult<Condition> {
        let (node, _) = self.or()?;
        let cond = self.need_cond(node)?;
        if self.cur.tok() != Tok::Eof {
            return Err(self.cur.pos);
        }
        Ok(cond)
    }

    fn commit_leaf(&mut self) {
        let leaf = std::mem::take(&mut self.leaf);
        if self.condition.is_none() {
            self.condition = leaf.name_val.or(leaf.operand).or(leaf.distinct).or(leaf.function);
        }
    }

    /// A node used where a condition is required: an operand there is a syntax error at the current
    /// token, except `size(...)`, which DynamoDB reports as a misused function.
    fn need_cond(&mut self, node: Node) -> PResult<Condition> {
        match node {
            Node::Cond(c) => Ok(c),
            Node::Op(Operand::Size(_)) => {
                first(&mut self.misused_fn, || ExprError::FunctionMisused("size"));
                Ok(Condition::Exists(Path::attr("")))
            }
            Node::Op(_) => Err(self.cur.pos),
        }
    }

    fn or(&mut self) -> PResult<(Node, bool)> {
        let (mut left, mut paren) = self.and()?;
        while self.cur.is_kw("OR") {
            let l = self.need_cond(left)?;
            self.cur.operator()?;
            self.cur.bump();
            let (right, _) = self.and()?;
            let r = self.need_cond(right)?;
            left = Node::Cond(Condition::Or(Box::new(l), Box::new(r)));
            paren = false;
        }
        Ok((left, paren))
    }

    fn and(&mut self) -> PResult<(Node, bool)> {
        let (mut left, mut paren) = self.not()?;
        while self.cur.is_kw("AND") {
            let l = self.need_cond(left)?;
            self.cur.operator()?;
            self.cur.bump();
            let (right, _) = self.not()?;
            let r = self.need_cond(right)?;
            left = Node::Cond(Condition::And(Box::new(l), Box::new(r)));
            paren = false;
        }
        Ok((left, paren))
    }

    /// `NOT` may repeat (`NOT NOT a = :v`); each one counts as an operator, which bounds the depth.
    fn not(&mut self) -> PResult<(Node, bool)> {
        if self.cur.is_kw("NOT") {
            self.cur.operator()?;
            self.cur.bump();
            let (node, _) = self.not()?;
            let c = self.need_cond(node)?;
            return Ok((Node::Cond(Condition::Not(Box::new(c))), false));
        }
        self.primary()
    }

    fn redundant(&mut self) {
        first(&mut self.parens, || ExprError::RedundantParentheses);
    }

    fn primary(&mut self) -> PResult<(Node, bool)> {
        if self.cur.tok() == Tok::LParen {
            self.cur.open()?;
            self.cur.bump();
            let (inner, inner_paren) = self.or()?;
            self.cur.expect(Tok::RParen)?;
            self.cur.close();
            if inner_paren {
                self.redundant();
            }
            return match inner {
                Node::Cond(c) => Ok((Node::Cond(c), true)),
                Node::Op(o) => Ok((self.tail(o)?, false)),
            };
        }
        match self.term()? {
            Term::Op(o) => Ok((self.tail(o)?, false)),
            Term::BoolFn(c, name) => {
                if self.at_comparison() {
                    self.misused(name);
                    self.tail(Operand::Path(Path::attr("")))?;
                }
                self.commit_leaf();
                Ok((Node::Cond(c), false))
            }
        }
    }

    fn at_comparison(&self) -> bool {
        matches!(
            self.cur.tok(),
            Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge
        ) || self.cur.is_kw("BETWEEN")
            || self.cur.is_kw("IN")
    }

    fn misused(&mut self, name: &'static str) {
        first(&mut self.misused_fn, || ExprError::FunctionMisused(name));
    }

    /// An operand where only value operands are allowed.
    fn value_operand(&mut self, t: Term) -> Operand {
        match t {
            Term::Op(o) => o,
            Term::BoolFn(_, name) => {
                self.misused(name);
                Operand::Path(Path::attr(""))
            }
        }
    }

    fn distinct(&mut self, operator: &'static str, a: &Operand, b: &Operand) {
        if let (Operand::Path(x), Operand::Path(y)) = (a, b) {
            if x == y {
                first(&mut self.leaf.distinct, || ExprError::NotDistinct {
                    operator,
                    first: x.clone(),
                });
            }
        }
    }

    /// What may follow a left operand: a comparison, BETWEEN or IN; otherwise the operand itself.
    fn tail(&mut self, left: Operand) -> PResult<Node> {
        let op = match self.cur.tok() {
            Tok::Eq => Some(CmpOp::Eq),
            Tok::Ne => Some(CmpOp::Ne),
            Tok::Lt => Some(CmpOp::Lt),
            Tok::Le => Some(CmpOp::Le),
            Tok::Gt => Some(CmpOp::Gt),
            Tok::Ge => Some(CmpOp::Ge),
            _ => None,
        };
        if op.is_some() || self.cur.is_kw("BETWEEN") || self.cur.is_kw("IN") {
            self.cur.operator()?;
        }
        let cond = if let Some(op) = op {
            self.cur.bump();
            let t = self.operand_parens()?;
            let right = self.value_operand(t);
            self.distinct(op.as_str(), &left, &right);
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                self.orderable(op.as_str(), [&left, &right]);
            }
            Condition::Cmp(op, left, right)
        } else if self.cur.is_kw("BETWEEN") {
            self.cur.bump();
            let t = self.operand_parens()?;
            let lo = self.value_operand(t);
            if !self.cur.is_kw("AND") {
                return Err(self.cur.pos);
            }
            self.cur.bump();
            let t = self.operand_parens()?;
            let hi = self.value_operand(t);
            self.orderable("BETWEEN", [&left, &lo, &hi]);
            self.between_bounds(&lo, &hi);
            Condition::Between(left, lo, hi)
        } else if self.cur.is_kw("IN") {
            self.cur.bump();
            self.cur.expect(Tok::LParen)?;
            let mut list = Vec::new();
            loop {
                let t = self.operand_parens()?;
                list.push(self.value_operand(t));
                if self.cur.tok() != Tok::Comma {
                    break;
                }
                self.cur.bump();
            }
            self.cur.expect(Tok::RParen)?;
            if list.len() > MAX_IN_OPERANDS {
                let count = list.len();
                first(&mut self.leaf.function, || ExprError::InTooManyOperands { count });
            }
            Condition::In(left, list)
        } else {
            return Ok(Node::Op(left));
        };
        self.commit_leaf();
        Ok(Node::Cond(cond))
    }

    /// Ordering operators take only strings, numbers and binaries; a value of any other type is
    /// refused while parsing rather than making the condition false.
    fn orderable<const N: usize>(&mut self, operator: &'static str, operands: [&Operand; N]) {
        for o in operands {
            if let Some(e) = unorderable(operator, o) {
                first(&mut self.leaf.operand, || e);
            }
        }
    }

    fn between_bounds(&mut self, lo: &Operand, hi: &Operand) {
        if let (Operand::Value(a), Operand::Value(b)) = (lo, hi) {
            if let Some(msg) = between_error(a, b) {
                first(&mut self.leaf.function, || msg);
            }
        }
    }

    fn operand_parens(&mut self) -> PResult<Term> {
        if self.cur.tok() != Tok::LParen {
            return self.term();
        }
        self.cur.bump();
        if self.cur.tok() == Tok::LParen {
            self.cur.bump();
            let t = self.term()?;
            self.cur.expect(Tok::RParen)?;
            self.cur.expect(Tok::RParen)?;
            self.redundant();
            return Ok(t);
        }
        let t = self.term()?;
        self.cur.expect(Tok::RParen)?;
        Ok(t)
    }

    fn term(&mut self) -> PResult<Term> {
        match self.cur.tok() {
            Tok::Value => Ok(Term::Op(Operand::Value(
                self.cur.value(self.ctx, &mut self.leaf.name_val),
            ))),
            Tok::Ident if self.cur.peek_tok(1) == Tok::LParen && !KEYWORDS.iter().any(|k| self.cur.is_kw(k)) => {
                self.function()
            }
            Tok::Ident | Tok::Name => {
                let p = self
                    .cur
                    .path(self.ctx, KEYWORDS, &mut self.reserved, &mut self.leaf.name_val)?;
                Ok(Term::Op(Operand::Path(p)))
            }
            _ => Err(self.cur.pos),
        }
    }

    fn function(&mut self) -> PResult<Term> {
        self.cur.operator()?;
        let name = self.cur.text();
        self.cur.bump();
        self.cur.bump();
        let mut args = Vec::with_capacity(2);
        loop {
            args.push(self.operand_parens()?);
            if self.cur.tok() != Tok::Comma {
                break;
            }
            self.cur.bump();
        }
        self.cur.expect(Tok::RParen)?;
        for a in &args {
            if let Term::BoolFn(_, n) = a {
                self.misused(n);
            }
        }
        let (canon, arity): (&'static str, usize) = match name {
            "attribute_exists" => ("attribute_exists", 1),
            "attribute_not_exists" => ("attribute_not_exists", 1),
            "attribute_type" => ("attribute_type", 2),
            "begins_with" => ("begins_with", 2),
            "contains" => ("contains", 2),
            "size" => ("size", 1),
            "if_not_exists" | "list_append" => {
                first(&mut self.unknown_fn, || ExprError::FunctionNotAllowed {
                    function: name.to_string(),
                    grammar: Grammar::Condition,
                });
                return Ok(Term::BoolFn(Condition::Exists(Path::attr("")), "unknown"));
            }
            _ => {
                first(&mut self.unknown_fn, || ExprError::UnknownFunction(name.to_string()));
                // Any other call parses as a boolean function; the name is what is reported.
                return Ok(Term::BoolFn(Condition::Exists(Path::attr("")), "unknown"));
            }
        };
        let dummy = || Term::Op(Operand::Path(Path::attr("")));
        if args.len() != arity {
            let count = args.len();
            first(&mut self.leaf.operand, || ExprError::OperandCount {
                function: canon,
                count,
            });
            return Ok(if canon == "size" {
                dummy()
            } else {
                Term::BoolFn(Condition::Exists(Path::attr("")), canon)
            });
        }
        let type_error = |ty| ExprError::FunctionOperandType { function: canon, ty };
        let mut it = args.into_iter();
        let a = it.next().unwrap_or_else(dummy);
        if arity == 2 {
            let b = it.next().unwrap_or_else(dummy);
            if let (Term::Op(x), Term::Op(y)) = (&a, &b) {
                self.distinct(canon, x, y);
            }
            match canon {
                "begins_with" => {
                    for t in [&a, &b] {
                        if let Some(ty) = type_of_term(t).filter(|t| !matches!(t, ValueType::S | ValueType::B)) {
                            first(&mut self.leaf.function, || type_error(ty.as_str()));
                        }
                    }
                }
                "attribute_type" => match &b {
                    Term::Op(Operand::Value(AttributeValue::S(s))) => {
                        if let Some(msg) = type_name_error(s) {
                            first(&mut self.leaf.function, || msg);
                        }
                    }
                    other => {
                        let ty = type_of_term(other).map_or("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}", |t| t.as_str());
                        first(&mut self.leaf.function, || type_error(ty));
                    }
                },
                _ => {}
            }
            let x = self.value_operand(a);
            let y = self.value_operand(b);
            let cond = match canon {
                "begins_with" => Condition::BeginsWith(x, y),
                "contains" => Condition::Contains(x, y),
                _ => Condition::AttrType(x, y),
            };
            return Ok(Term::BoolFn(cond, canon));
        }
        if canon == "size" {
            if let Some(ty) = type_of_term(&a).filter(|t| matches!(t, ValueType::N | ValueType::Bool | ValueType::Null))
            {
                if !matches!(a, Term::BoolFn(..)) {
                    first(&mut self.leaf.function, || type_error(ty.as_str()));
                }
            }
            let x = self.value_operand(a);
            return Ok(Term::Op(Operand::Size(Box::new(x))));
        }
        let path = match a {
            Term::Op(Operand::Path(p)) => p,
            _ => {
                first(&mut self.leaf.function, || ExprError::NeedsPath(canon));
                Path::attr("")
            }
        };
        let cond = if canon == "attribute_exists" {
            Condition::Exists(path)
        } else {
            Condition::NotExists(path)
        };
        Ok(Term::BoolFn(cond, canon))
    }
}

/// Parses a ProjectionExpression: comma-separated document paths.
pub fn parse_projection(src: &str, ctx: &mut Ctx<'_>) -> Result<Vec<Path>, ExprError> {
    super::cursor::precheck(src)?;
    let mut cur = Cursor::new(src);
    let (mut reserved, mut names, mut overlap, mut conflict) = (None, None, None, None);
    let mut paths: Vec<Path> = Vec::new();
    let result: PResult<()> = (|| loop {
        let p = cur.path(ctx, &[], &mut reserved, &mut names)?;
        check_overlap(&paths, &p, &mut overlap, &mut conflict);
        paths.push(p);
        match cur.tok() {
            Tok::Comma => cur.bump(),
            Tok::Eof => return Ok(()),
            _ => return Err(cur.pos),
        }
    })();
    result.map_err(|idx| cur.error_at(idx))?;
    match reserved.or(names).or(overlap).or(conflict) {
        Some(error) => Err(error),
        None => Ok(paths),
    }
}
