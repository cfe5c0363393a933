//! DescribeTimeToLive: ENABLED with the attribute, or DISABLED.

use super::tables::table_named;
use super::Cx;
use crate::error::Result;

pub struct Input {
    /// A table name or ARN.
    pub table: String,
}

pub struct Output {
    /// The TTL attribute while TTL is enabled.
    pub attribute: Option<String>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let table = table_named(cx, &input.table, now_millis)?;
    let attribute = table.state.read().ttl_attribute().map(str::to_owned);
    Ok(Output { attribute })
}
