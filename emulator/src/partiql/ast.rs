//! Parsed PartiQL statements, before parameters are bound.

use crate::expr::{CmpOp, Path, PathElem};

pub use super::lexer::Span;

/// `"table"` or `"table"."index"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub table: String,
    pub index: Option<String>,
}

/// What an UPDATE or DELETE returns (`RETURNING ... *`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returning {
    AllOld,
    ModifiedOld,
    AllNew,
    ModifiedNew,
}

impl Returning {
    /// The clause's words as written, as error messages quote them.
    pub fn words(self) -> &'static str {
        match self {
            Returning::AllOld => "ALL OLD",
            Returning::ModifiedOld => "MODIFIED OLD",
            Returning::AllNew => "ALL NEW",
            Returning::ModifiedNew => "MODIFIED NEW",
        }
    }
}

/// A parsed statement, a read or a write: an operation matches the two and runs each by its own
/// type (a transaction or batch refuses a mix before running either).
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Read(Select),
    Write(Write),
}

impl Statement {
    pub fn target(&self) -> &Target {
        match self {
            Statement::Read(select) => &select.target,
            Statement::Write(write) => write.target(),
        }
    }
}

/// SELECT, the one read.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub target: Target,
    /// `None` for `*`.
    pub projection: Option<Vec<Path>>,
    pub filter: Option<Expr>,
    /// `ORDER BY`'s terms as written (empty without the clause).
    pub order: Vec<OrderTerm>,
}

/// One `ORDER BY` term: a path and whether it is `DESC`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderTerm {
    pub path: Path,
    pub descending: bool,
}

impl OrderTerm {
    /// The attribute the term names, when it is a bare name: only such a term can name a key.
    pub fn attribute(&self) -> Option<&str> {
        match &self.path.0[..] {
            [PathElem::Attr(name)] => Some(name),
            _ => None,
        }
    }
}

/// INSERT, UPDATE or DELETE.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Insert {
        target: Target,
        value: Expr,
    },
    Update {
        target: Target,
        actions: Vec<UpdateClause>,
        filter: Option<Expr>,
        returning: Option<Returning>,
    },
    Delete {
        target: Target,
        filter: Option<Expr>,
        returning: Option<Returning>,
    },
    /// `EXISTS(SELECT ... WHERE ...)`: a transaction's check that one item exists and meets the
    /// rest of the WHERE clause, as TransactWriteItems' ConditionCheck.
    Exists {
        target: Target,
        filter: Option<Expr>,
    },
}

impl Write {
    pub fn target(&self) -> &Target {
        match self {
            Write::Insert { target, .. }
            | Write::Update { target, .. }
            | Write::Delete { target, .. }
            | Write::Exists { target, .. } => target,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum UpdateClause {
    Set(Path, Expr),
    Remove(Path),
}

/// A literal as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

/// What `IS [NOT] ...` tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsWhat {
    Missing,
    Null,
    /// Another of PartiQL's type names: the DynamoDB types of its values (none for a type no
    /// DynamoDB value has, such as TIMESTAMP).
    Type(&'static [&'static str]),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Path(Path),
    Lit(Lit),
    /// The n-th `?` (0-based).
    Param(usize),
    Missing,
    List(Vec<Expr>),
    /// `{'k': v, ...}` in written order.
    Map(Vec<(String, Expr)>),
    /// `<<a, b>>`: a set.
    Bag(Vec<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Is(Box<Expr>, IsWhat, bool),
    Call(Box<Call>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
}

/// A function call, with where its name and each argument start: DynamoDB's refusals of a call
/// point at one of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Lower-cased.
    pub name: String,
    pub at: Span,
    pub args: Vec<Expr>,
    /// The span of each argument's first token.
    pub args_at: Vec<Span>,
}
