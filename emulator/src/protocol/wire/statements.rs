//! What the PartiQL operations' requests share: the `Statement` and `Parameters` members, parsed
//! and bound the same way in ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

use crate::error::{Error, Result};
use crate::model::{AttributeValue, Reading};
use crate::partiql::{self, bind, Statement};
use crate::protocol::attr;
use crate::protocol::shape::{string, Shape};
use crate::protocol::Body;

pub const STATEMENT: Shape = string(1, 8192);
pub const PARAMETERS: Shape = Shape::List {
    member: &Shape::Attr,
    min: 1,
    max: usize::MAX,
};

/// Parses a request's (or list member's) `Statement` and binds its `Parameters`.
pub fn prepare(body: Body) -> Result<(Statement, Vec<AttributeValue>)> {
    prepare_within(body, |e| e)
}

/// [`prepare`], with the statement's own errors passed through `within` (ExecuteTransaction
/// names the statement); a parameter's are not: its values are read first, by DynamoDB's older
/// validator, and ExecuteTransaction words their refusals as ExecuteStatement does (the
/// conformance suite's October 2026 captures).
pub fn prepare_within(body: Body, within: impl Fn(Error) -> Error) -> Result<(Statement, Vec<AttributeValue>)> {
    let params = body
        .list("Parameters")
        .iter()
        .map(|v| attr::decode_kept_as(v, Reading::BigDecimal))
        .collect::<Result<Vec<_>>>()?;
    let (stmt, count) =
        partiql::parse(body.str("Statement").unwrap_or_default()).map_err(|e| within(Error::validation(e.0)))?;
    if count != params.len() {
        return Err(within(bind::param_count()));
    }
    Ok((stmt, params))
}
