//! Recursive-descent parser for DynamoDB's PartiQL subset. Errors carry DynamoDB's wording:
//! most are details of "Statement wasn't well formed, can't be processed: …".

use super::ast::{Call, Expr, IsWhat, Lit, OrderTerm, Returning, Select, Span, Statement, Target, UpdateClause, Write};
use super::lexer::{lex, Tok};
use crate::expr::{CmpOp, Path, PathElem, MAX_OPERATORS, MAX_PAREN_DEPTH};

pub const NOT_WELL_FORMED: &str = "Statement wasn't well formed, can't be processed: ";

/// A parse failure: the whole message DynamoDB sends.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError(pub String);

fn malformed(detail: &str) -> ParseError {
    ParseError(format!("{NOT_WELL_FORMED}{detail}"))
}

type PResult<T> = Result<T, ParseError>;

/// Words that end or structure a statement; a term cannot start with one.
const KEYWORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "INSERT",
    "INTO",
    "VALUE",
    "VALUES",
    "UPDATE",
    "SET",
    "REMOVE",
    "DELETE",
    "RETURNING",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "AS",
    "LIMIT",
    "ALL",
    "MODIFIED",
    "OLD",
    "NEW",
    "EXISTS",
];
const NUMBER: &[&str] = &["N"];
const STRING: &[&str] = &["S"];

/// PartiQL's one-word type names (besides NULL and MISSING), as `IS` takes them, and the DynamoDB
/// types of the values each names: a number is PartiQL's decimal, whatever numeric type is
/// asked (our reading), a set a bag, a map a struct.
const TYPE_NAMES: &[(&str, &[&str])] = &[
    ("BOOL", &["BOOL"]),
    ("BOOLEAN", &["BOOL"]),
    ("SMALLINT", NUMBER),
    ("INT2", NUMBER),
    ("INTEGER2", NUMBER),
    ("INT4", NUMBER),
    ("INTEGER4", NUMBER),
    ("INT8", NUMBER),
    ("INTEGER8", NUMBER),
    ("INT", NUMBER),
    ("INTEGER", NUMBER),
    ("BIGINT", NUMBER),
    ("FLOAT", NUMBER),
    ("REAL", NUMBER),
    ("DECIMAL", NUMBER),
    ("NUMERIC", NUMBER),
    ("CHARACTER", STRING),
    ("CHAR", STRING),
    ("VARCHAR", STRING),
    ("STRING", STRING),
    ("SYMBOL", STRING),
    ("CLOB", STRING),
    ("BLOB", &["B"]),
    ("STRUCT", &["M"]),
    ("TUPLE", &["M"]),
    ("LIST", &["L"]),
    ("BAG", &["SS", "NS", "BS"]),
    ("ANY", &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]),
    ("SEXP", &[]),
    ("TIMESTAMP", &[]),
    ("DATE", &[]),
    ("TIME", &[]),
];

/// PartiQL's reserved words (SQL-92's and PartiQL's own), one space apart: the lexer DynamoDB
/// runs makes keywords of them, which a path's dot component cannot be (`m.inner`: `Invalid path
/// dot component`, the conformance suite's AWS captures, October 2026). Elsewhere we still read
/// most of them as names, having no capture of what DynamoDB does there.
const RESERVED: &str = "\
    absolute action add all allocate alter and any are as asc assertion at authorization avg \
    bag begin between bit bit_length blob bool boolean by cascade cascaded case cast catalog \
    char char_length character character_length check clob close coalesce collate collation \
    column commit conflict connect connection constraint constraints continue convert \
    corresponding count create cross current current_date current_time current_timestamp \
    current_user cursor date date_add date_diff deallocate dec decimal declare default \
    deferrable deferred delete desc describe descriptor diagnostics disconnect distinct do \
    domain double drop else end escape except exception exec execute exists external extract \
    false fetch first float for foreign found from full get global go goto grant group having \
    identity immediate in index indicator initially inner input insensitive insert int \
    integer intersect interval into is isolation join key language last left let level like \
    limit list local lower match max min missing modified module names national natural nchar \
    new next no not nothing null nullif numeric octet_length of old on only open option or \
    order outer output overlaps pad partial pivot position precision prepare preserve primary \
    prior privileges procedure public read real references relative remove restrict returning \
    revoke right rollback rows schema scroll section select session session_user set sexp \
    size smallint some space sql sqlcode sqlerror sqlstate string struct substring sum symbol \
    system_user table temporary then time timestamp to transaction translate translation trim \
    true tuple union unique unknown unpivot update upper usage user using value values \
    varchar varying view when whenever where with work write zone";

/// Operator words: a term cannot start with these either.
const OPERATOR_WORDS: &[&str] = &["AND", "OR", "IS", "IN", "BETWEEN", "LIKE"];

/// Parses one statement. Also returns how many `?` parameters it holds.
pub fn parse(src: &str) -> PResult<(Statement, usize)> {
    let (toks, spans) = lex(src).map_err(|d| malformed(&d))?.into_iter().unzip();
    let mut p = Parser {
        toks,
        spans,
        pos: 0,
        params: 0,
        operators: 0,
        depth: 0,
    };
    let stmt = p.statement()?;
    if p.punct(";") {
        p.pos += 1;
    }
    if p.peek() != &Tok::End {
        return Err(malformed("Unexpected token after expression"));
    }
    Ok((stmt, p.params))
}

struct Parser {
    toks: Vec<Tok>,
    /// Where each token was written.
    spans: Vec<Span>,
    pos: usize,
    params: usize,
    /// Operators so far and the current bracket depth: bounded like expressions' (AWS publishes
    /// no PartiQL limits), which bounds the parser's recursion and the depth of the tree it builds.
    operators: usize,
    depth: usize,
}

impl Parser {
    fn operator(&mut self) -> PResult<()> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(malformed(&format!(
                "The expression contains too many operators; operator count: {}",
                self.operators
            )));
        }
        Ok(())
    }

    /// Parses a bracketed construct one level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth == MAX_PAREN_DEPTH {
            return Err(malformed("Expression nesting too deep"));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    /// Where the next token was written.
    fn at(&self) -> Span {
        self.spans[self.pos.min(self.spans.len() - 1)]
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        let hit = self.punct(p);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, p: &str) -> PResult<()> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// The error for a token that cannot start or continue what is being parsed.
    fn unexpected(&self) -> ParseError {
        match self.peek() {
            Tok::End | Tok::Punct(";") | Tok::Punct(")") => malformed("Unexpected term"),
            Tok::Word(w) if is_operator_word(w) => malformed("Unexpected operator"),
            Tok::Word(w) if is_keyword(w) => malformed("Unexpected keyword"),
            Tok::Punct(_) => malformed("Unexpected operator"),
            _ => malformed("Unexpected token after expression"),
        }
    }

    fn statement(&mut self) -> PResult<Statement> {
        if self.eat_kw("SELECT") {
            self.select()
        } else if self.eat_kw("INSERT") {
            self.insert()
        } else if self.eat_kw("UPDATE") {
            self.update()
        } else if self.eat_kw("DELETE") {
            self.delete()
        } else if self.eat_kw("EXISTS") {
            self.exists()
        } else if self.eat_kw("FROM") {
            self.update_from()
        } else {
            self.bare_expression()
        }
    }

    /// A statement that is an expression parses, as in PartiQL, and is then refused naming the
    /// operation at its root (`x IS INT4`: `Unsupported operation: IsType`; the conformance
    /// suite's AWS captures, October 2026). Text that is neither an expression nor a statement
    /// lacks its data manipulation.
    fn bare_expression(&mut self) -> PResult<Statement> {
        match self.expr() {
            Ok(e) if matches!(self.peek(), Tok::End | Tok::Punct(";")) => {
                Err(ParseError(format!("Unsupported operation: {}", operation_name(&e))))
            }
            _ => Err(malformed("Expected data manipulation")),
        }
    }

    /// PartiQL's FROM-first UPDATE, `FROM "t" WHERE ... SET ... | REMOVE ...`: the clauses in that
    /// order, run as the UPDATE it spells (the conformance suite, AWS, October 2026).
    fn update_from(&mut self) -> PResult<Statement> {
        let target = self.target()?;
        self.no_alias()?;
        let filter = self.where_clause()?;
        let actions = self.update_clauses()?;
        if actions.is_empty() {
            return Err(malformed("Expected data manipulation"));
        }
        let returning = self.returning()?;
        Ok(Statement::Write(Write::Update {
            target,
            actions,
            filter,
            returning,
        }))
    }

    fn select(&mut self) -> PResult<Statement> {
        self.select_body().map(Statement::Read)
    }

    /// `EXISTS(SELECT ...)`: the SELECT's table and WHERE clause.
    fn exists(&mut self) -> PResult<Statement> {
        self.expect("(")?;
        self.expect_kw("SELECT")?;
        let Select { target, filter, .. } = self.select_body()?;
        self.expect(")")?;
        Ok(Statement::Write(Write::Exists { target, filter }))
    }

    fn select_body(&mut self) -> PResult<Select> {
        let projection = if self.eat("*") {
            None
        } else {
            let mut paths = vec![self.projected()?];
            while self.eat(",") {
                paths.push(self.projected()?);
            }
            Some(paths)
        };
        self.expect_kw("FROM")?;
        if matches!(self.peek(), Tok::End | Tok::Punct(";")) || self.is_kw("WHERE") {
            return Err(malformed("Unexpected term"));
        }
        let target = self.target()?;
        self.no_alias()?;
        let filter = self.where_clause()?;
        let mut order = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let path = self.path()?;
                let descending = self.eat_kw("DESC");
                if !descending {
                    self.eat_kw("ASC");
                }
                order.push(OrderTerm { path, descending });
                if !self.eat(",") {
                    break;
                }
            }
        }
        Ok(Select {
            target,
            projection,
            filter,
            order,
        })
    }

    /// One item of a SELECT list: a term that is not a path (a call, a literal) is refused at its
    /// first token (`SELECT attribute_exists(ss)`: `Unexpected path component at 1:8:16`, the
    /// conformance suite's AWS captures, October 2026; other terms by our reading of the rule).
    fn projected(&mut self) -> PResult<Path> {
        let at = self.at();
        match self.operand_expr()? {
            Expr::Path(path) => Ok(path),
            _ => Err(ParseError(format!("Unexpected path component at {at}"))),
        }
    }

    fn insert(&mut self) -> PResult<Statement> {
        self.expect_kw("INTO")?;
        let target = self.target()?;
        // UPDATE and DELETE parse a qualifier and refuse it when run; INSERT's grammar has none.
        if target.index.is_some() {
            return Err(ParseError(
                "FROM clause may only contain a single table name in data manipulation statements".into(),
            ));
        }
        if !self.is_kw("VALUE") {
            return Err(malformed("Unexpected token after expression"));
        }
        self.pos += 1;
        let value = self.expr()?;
        Ok(Statement::Write(Write::Insert { target, value }))
    }

    fn update(&mut self) -> PResult<Statement> {
        let target = self.target()?;
        self.no_alias()?;
        let actions = self.update_clauses()?;
        if actions.is_empty() {
            return Err(self.unexpected());
        }
        let filter = self.where_clause()?;
        let returning = self.returning()?;
        Ok(Statement::Write(Write::Update {
            target,
            actions,
            filter,
            returning,
        }))
    }

    /// SET and REMOVE clauses, one after another, in any order.
    fn update_clauses(&mut self) -> PResult<Vec<UpdateClause>> {
        let mut actions = Vec::new();
        loop {
            if self.eat_kw("SET") {
                loop {
                    let path = self.path()?;
                    self.expect("=")?;
                    let value = self.operand_expr()?;
                    actions.push(UpdateClause::Set(path, value));
                    if !self.eat(",") {
                        break;
                    }
                }
            } else if self.eat_kw("REMOVE") {
                loop {
                    actions.push(UpdateClause::Remove(self.path()?));
                    if !self.eat(",") {
                        break;
                    }
                }
            } else {
                return Ok(actions);
            }
        }
    }

    fn delete(&mut self) -> PResult<Statement> {
        self.expect_kw("FROM")
            .map_err(|_| malformed("Expected identifier for simple path"))?;
        if !matches!(self.peek(), Tok::Word(w) if !is_keyword(w)) && !matches!(self.peek(), Tok::Quoted(_)) {
            return Err(malformed("Expected identifier for simple path"));
        }
        let target = self.target()?;
        self.no_alias()?;
        let filter = self.where_clause()?;
        let returning = self.returning()?;
        if let Some(r) = returning.filter(|r| *r != Returning::AllOld) {
            return Err(ParseError(format!(
                "Invalid returning clause: RETURNING {} *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
                r.words()
            )));
        }
        Ok(Statement::Write(Write::Delete {
            target,
            filter,
            returning,
        }))
    }

    fn returning(&mut self) -> PResult<Option<Returning>> {
        if !self.eat_kw("RETURNING") {
            return Ok(None);
        }
        let r = if self.eat_kw("ALL") {
            if self.eat_kw("OLD") {
                Returning::AllOld
            } else {
                self.expect_kw("NEW")?;
                Returning::AllNew
            }
        } else {
            self.expect_kw("MODIFIED")?;
            if self.eat_kw("OLD") {
                Returning::ModifiedOld
            } else {
                self.expect_kw("NEW")?;
                Returning::ModifiedNew
            }
        };
        self.expect("*")?;
        Ok(Some(r))
    }

    fn where_clause(&mut self) -> PResult<Option<Expr>> {
        if self.eat_kw("WHERE") {
            Ok(Some(self.expr()?))
        } else {
            Ok(None)
        }
    }

    /// A table alias (`"t" x` or `"t" AS x`) is refused with a message of its own.
    fn no_alias(&self) -> PResult<()> {
        match self.peek() {
            Tok::Word(w) if w.eq_ignore_ascii_case("AS") || !is_keyword(w) && !is_operator_word(w) => {
                Err(ParseError("Aliasing is not supported".into()))
            }
            Tok::Quoted(_) => Err(ParseError("Aliasing is not supported".into())),
            _ => Ok(()),
        }
    }

    fn identifier(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Quoted(s) => {
                self.pos += 1;
                Ok(s)
            }
            Tok::Word(w) if !is_keyword(&w) && !is_operator_word(&w) => {
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `table` or `table.index`; these path errors come bare, ahead of resolving the table.
    fn target(&mut self) -> PResult<Target> {
        let table = self.target_component()?;
        let index = if self.eat(".") {
            Some(self.target_component()?)
        } else {
            None
        };
        if self.punct(".") {
            return Err(ParseError(
                "A path may contain at most 2 components in the FROM clause".into(),
            ));
        }
        Ok(Target { table, index })
    }

    fn target_component(&mut self) -> PResult<String> {
        let name = self.identifier()?;
        if name.is_empty() {
            return Err(ParseError("Path component cannot be an empty string".into()));
        }
        Ok(name)
    }

    /// A document path: `a`, `"a"`, `a.b`, `a[2]`, `a['b']`.
    fn path(&mut self) -> PResult<Path> {
        let mut elems = vec![PathElem::Attr(self.identifier()?)];
        loop {
            if self.eat(".") {
                elems.push(PathElem::Attr(self.dot_component()?));
            } else if self.punct("[") {
                self.pos += 1;
                match self.next() {
                    Tok::Num(n) => {
                        let i = n.parse::<usize>().map_err(|_| malformed("Unexpected term"))?;
                        elems.push(PathElem::Index(i));
                    }
                    Tok::Str(s) => elems.push(PathElem::Attr(s)),
                    _ => return Err(malformed("Unexpected term")),
                }
                self.expect("]")?;
            } else {
                return Ok(Path(elems));
            }
        }
    }

    /// The name after a path's dot: a quoted name, or a bare word that is not one of PartiQL's
    /// reserved words; anything else but `*` is `Invalid path dot component`, as in the parser
    /// DynamoDB runs.
    fn dot_component(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Quoted(name) => {
                self.pos += 1;
                Ok(name)
            }
            Tok::Word(w) if !RESERVED.split(' ').any(|r| r.eq_ignore_ascii_case(&w)) => {
                self.pos += 1;
                Ok(w)
            }
            Tok::Punct("*") => Err(self.unexpected()),
            _ => Err(malformed("Invalid path dot component")),
        }
    }

    /// The right-hand side of an infix operator: missing entirely is its own message.
    fn rhs<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if matches!(self.peek(), Tok::End | Tok::Punct(";")) {
            return Err(malformed("Missing right-hand side expression of infix operator"));
        }
        f(self)
    }

    fn expr(&mut self) -> PResult<Expr> {
        let mut left = self.and_expr()?;
        while self.eat_kw("OR") {
            self.operator()?;
            let right = self.rhs(Self::and_expr)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        let mut left = self.not_expr()?;
        while self.eat_kw("AND") {
            self.operator()?;
            let right = self.rhs(Self::not_expr)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        if self.eat_kw("NOT") {
            self.operator()?;
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> PResult<Expr> {
        let left = self.operand_expr()?;
        let op = match self.peek() {
            Tok::Punct("=") => Some(CmpOp::Eq),
            Tok::Punct("<>") | Tok::Punct("!=") => Some(CmpOp::Ne),
            Tok::Punct("<") => Some(CmpOp::Lt),
            Tok::Punct("<=") => Some(CmpOp::Le),
            Tok::Punct(">") => Some(CmpOp::Gt),
            Tok::Punct(">=") => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            self.operator()?;
            let right = self.rhs(Self::operand_expr)?;
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right)));
        }
        if self.is_kw("IS") {
            self.pos += 1;
            self.operator()?;
            let negated = self.eat_kw("NOT");
            let what = if self.eat_kw("MISSING") {
                IsWhat::Missing
            } else if self.eat_kw("NULL") {
                IsWhat::Null
            } else {
                IsWhat::Type(self.type_name()?)
            };
            return Ok(Expr::Is(Box::new(left), what, negated));
        }
        let negated = self.is_kw("NOT")
            && matches!(self.peek_at(1), Tok::Word(w) if w.eq_ignore_ascii_case("IN") || w.eq_ignore_ascii_case("BETWEEN"));
        if negated {
            self.pos += 1;
        }
        let wrap = |e: Expr| if negated { Expr::Not(Box::new(e)) } else { e };
        if self.eat_kw("BETWEEN") {
            self.operator()?;
            let lo = self.rhs(Self::operand_expr)?;
            self.expect_kw("AND")?;
            let hi = self.rhs(Self::operand_expr)?;
            return Ok(wrap(Expr::Between(Box::new(left), Box::new(lo), Box::new(hi))));
        }
        if self.eat_kw("IN") {
            self.operator()?;
            let close = if self.eat("(") {
                ")"
            } else if self.eat("[") {
                "]"
            } else {
                return Err(self.unexpected());
            };
            let mut items = vec![self.operand_expr()?];
            while self.eat(",") {
                items.push(self.operand_expr()?);
            }
            self.expect(close)?;
            return Ok(wrap(Expr::In(Box::new(left), items)));
        }
        Ok(left)
    }

    /// Arithmetic on terms: `a + 1`, `a - 1`.
    fn operand_expr(&mut self) -> PResult<Expr> {
        let mut left = self.term()?;
        loop {
            if self.eat("+") {
                self.operator()?;
                let right = self.rhs(Self::term)?;
                left = Expr::Add(Box::new(left), Box::new(right));
            } else if self.eat("-") {
                self.operator()?;
                let right = self.rhs(Self::term)?;
                left = Expr::Sub(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn term(&mut self) -> PResult<Expr> {
        // A minus right before a number is the number's sign.
        if let (Tok::Punct("-"), Tok::Num(n)) = (self.peek(), self.peek_at(1)) {
            let negative = format!("-{n}");
            self.pos += 2;
            return Ok(Expr::Lit(Lit::Num(negative)));
        }
        match self.peek().clone() {
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Str(s)))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Num(n)))
            }
            Tok::Param => {
                self.pos += 1;
                self.params += 1;
                Ok(Expr::Param(self.params - 1))
            }
            Tok::Punct("(") => {
                self.pos += 1;
                let e = self.nested(Self::expr)?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Punct("[") => {
                self.pos += 1;
                Ok(Expr::List(self.nested(|p| p.items("]"))?))
            }
            Tok::Punct("<<") => {
                self.pos += 1;
                Ok(Expr::Bag(self.nested(|p| p.items(">>"))?))
            }
            Tok::Punct("{") => {
                self.pos += 1;
                Ok(Expr::Map(self.nested(Self::map_entries)?))
            }
            Tok::Word(w) => {
                let upper = w.to_ascii_uppercase();
                match upper.as_str() {
                    "TRUE" | "FALSE" => {
                        self.pos += 1;
                        Ok(Expr::Lit(Lit::Bool(upper == "TRUE")))
                    }
                    "NULL" => {
                        self.pos += 1;
                        Ok(Expr::Lit(Lit::Null))
                    }
                    "MISSING" => {
                        self.pos += 1;
                        Ok(Expr::Missing)
                    }
                    // EXISTS is a function's name too, which DynamoDB then does not know.
                    _ if matches!(self.peek_at(1), Tok::Punct("("))
                        && (!is_keyword(&w) || upper == "EXISTS")
                        && !is_operator_word(&w) =>
                    {
                        let at = self.at();
                        self.pos += 2;
                        self.operator()?;
                        // `COUNT(*)`, PartiQL's one call taking a star, is an aggregate DynamoDB
                        // refuses where it stands like any call (Dynoxide's eu-west-2 capture).
                        let (args, args_at) = if upper == "COUNT" && self.eat("*") {
                            self.expect(")")?;
                            (Vec::new(), Vec::new())
                        } else {
                            self.nested(|p| p.items_at(")"))?
                        };
                        Ok(Expr::Call(Box::new(Call {
                            name: w.to_ascii_lowercase(),
                            at,
                            args,
                            args_at,
                        })))
                    }
                    _ => Ok(Expr::Path(self.path()?)),
                }
            }
            Tok::Quoted(_) => Ok(Expr::Path(self.path()?)),
            _ => Err(self.unexpected()),
        }
    }

    /// One of PartiQL's type names after `IS` (a word, or two for `DOUBLE PRECISION` and
    /// `CHARACTER VARYING`), as the DynamoDB types whose values it names.
    fn type_name(&mut self) -> PResult<&'static [&'static str]> {
        let word = |p: &Self, at: usize| match p.peek_at(at) {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        let (first, second) = (word(self, 0), word(self, 1));
        let (words, types) = match (first.as_str(), second.as_str()) {
            ("DOUBLE", "PRECISION") => (2, NUMBER),
            ("CHARACTER", "VARYING") => (2, STRING),
            (w, _) => match TYPE_NAMES.iter().find(|(name, _)| *name == w) {
                Some((_, types)) => (1, *types),
                None => return Err(malformed("Expected type name")),
            },
        };
        self.pos += words;
        Ok(types)
    }

    /// The entries of a `{...}` literal after its `{`.
    fn map_entries(&mut self) -> PResult<Vec<(String, Expr)>> {
        let mut entries = Vec::new();
        if self.eat("}") {
            return Ok(entries);
        }
        loop {
            let key = match self.next() {
                Tok::Str(s) => s,
                _ => return Err(malformed("Unexpected term")),
            };
            self.expect(":")?;
            entries.push((key, self.operand_expr()?));
            if self.eat("}") {
                return Ok(entries);
            }
            self.expect(",")?;
        }
    }

    /// Comma-separated operands up to `close` (which may come at once).
    fn items(&mut self, close: &str) -> PResult<Vec<Expr>> {
        self.items_at(close).map(|(items, _)| items)
    }

    /// [`Self::items`], with where each starts.
    fn items_at(&mut self, close: &str) -> PResult<(Vec<Expr>, Vec<Span>)> {
        let (mut items, mut spans) = (Vec::new(), Vec::new());
        if self.eat(close) {
            return Ok((items, spans));
        }
        loop {
            spans.push(self.at());
            items.push(self.operand_expr()?);
            if self.eat(close) {
                return Ok((items, spans));
            }
            self.expect(",")?;
        }
    }
}

fn is_keyword(w: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

fn is_operator_word(w: &str) -> bool {
    OPERATOR_WORDS.iter().any(|k| k.eq_ignore_ascii_case(w)) || w.eq_ignore_ascii_case("NOT")
}

/// The name PartiQL's syntax tree gives the operation at the root of `e`.
fn operation_name(e: &Expr) -> &'static str {
    match e {
        Expr::Path(p) if p.0.len() == 1 => "Id",
        Expr::Path(_) => "Path",
        Expr::Lit(_) => "Lit",
        Expr::Param(_) => "Parameter",
        Expr::Missing => "Missing",
        Expr::List(_) => "List",
        Expr::Map(_) => "Struct",
        Expr::Bag(_) => "Bag",
        Expr::Cmp(op, _, _) => match op {
            CmpOp::Eq => "Eq",
            CmpOp::Ne => "Ne",
            CmpOp::Lt => "Lt",
            CmpOp::Le => "Lte",
            CmpOp::Gt => "Gt",
            CmpOp::Ge => "Gte",
        },
        Expr::Between(..) => "Between",
        Expr::In(..) => "InCollection",
        Expr::And(..) => "And",
        Expr::Or(..) => "Or",
        Expr::Not(_) => "Not",
        Expr::Is(..) => "IsType",
        Expr::Call(..) => "Call",
        Expr::Add(..) => "Plus",
        Expr::Sub(..) => "Minus",
    }
}
