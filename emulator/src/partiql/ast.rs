//! Parsed PartiQL statements, before parameters are bound.

use crate::expr::{CmpOp, Path};

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

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Select {
        target: Target,
        /// `None` for `*`.
        projection: Option<Vec<Path>>,
        filter: Option<Expr>,
        /// `ORDER BY ... DESC` on the sort key.
        descending: bool,
    },
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
}

impl Statement {
    pub fn target(&self) -> &Target {
        match self {
            Statement::Select { target, .. }
            | Statement::Insert { target, .. }
            | Statement::Update { target, .. }
            | Statement::Delete { target, .. } => target,
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, Statement::Select { .. })
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
    /// A function call; the name lower-cased.
    Call(String, Vec<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
}
