//! DynamoDB's PartiQL subset: a lexer, a parser producing [`ast::Statement`], and the binding of
//! parameters that turns WHERE clauses and SET/REMOVE clauses into the expression module's
//! condition and update trees, so PartiQL runs on the same evaluator as the expression API.

pub mod ast;
pub mod bind;
mod lexer;
pub mod parser;

#[cfg(test)]
mod tests;

pub use ast::{Expr, Returning, Select, Statement, Write};
pub use parser::parse;
