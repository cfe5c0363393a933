//! DescribeLimits: the default account and table capacity quotas of a region.

use super::Cx;
use crate::error::Result;
use crate::model::TABLE_MAX_CAPACITY;

/// DescribeLimits takes no parameters.
pub struct Input;

/// A region's default capacity quotas, in capacity units.
pub struct Output {
    pub account_max_read: i64,
    pub account_max_write: i64,
    pub table_max_read: i64,
    pub table_max_write: i64,
}

pub fn run(_: &Cx, _: Input) -> Result<Output> {
    Ok(Output {
        account_max_read: 80_000,
        account_max_write: 80_000,
        table_max_read: TABLE_MAX_CAPACITY,
        table_max_write: TABLE_MAX_CAPACITY,
    })
}
