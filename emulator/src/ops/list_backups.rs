//! ListBackups: the namespace's backups, oldest first, filtered by table, creation time
//! (`[lower, upper)`, to the millisecond) and type, in pages of `Limit`. Every backup here is a
//! USER backup; SYSTEM and AWS_BACKUP list none.

use std::sync::Arc;

use super::Cx;
use crate::error::{Error, Result};
use crate::store::Backup;

pub struct Input {
    /// A table name or ARN.
    pub table: Option<String>,
    pub limit: Option<usize>,
    /// TimeRangeLowerBound and TimeRangeUpperBound, milliseconds.
    pub lower_millis: Option<i64>,
    pub upper_millis: Option<i64>,
    pub exclusive_start: Option<String>,
    /// BackupType; USER when absent.
    pub backup_type: Option<String>,
}

pub struct Output {
    pub backups: Vec<Arc<Backup>>,
    /// The last backup listed, when more follow.
    pub last_evaluated: Option<String>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    if let (Some(lower), Some(upper)) = (input.lower_millis, input.upper_millis) {
        if lower > upper {
            return Err(Error::validation("Time range lower bound must be less than or equal to upper bound"));
        }
    }
    if !matches!(input.backup_type.as_deref(), None | Some("USER" | "ALL")) {
        return Ok(Output { backups: Vec::new(), last_evaluated: None });
    }
    let table = input.table.as_deref().map(|t| cx.engine.table_name(t));
    // The cursor is a position, not a backup: one deleted since still says where to resume.
    let after = input.exclusive_start.as_deref().map(|arn| (created_millis(arn), arn));
    let mut backups = cx.ns.store.backups().into_iter().filter(|b| {
        table.is_none_or(|t| b.def.name == t)
            && input.lower_millis.is_none_or(|lower| b.created_millis >= lower)
            && input.upper_millis.is_none_or(|upper| b.created_millis < upper)
            && after.is_none_or(|after| (b.created_millis, b.arn.as_str()) > after)
    });
    let limit = input.limit.unwrap_or(usize::MAX);
    let page: Vec<_> = backups.by_ref().take(limit).collect();
    let last_evaluated = match backups.next() {
        Some(_) => page.last().map(|b| b.arn.clone()),
        None => None,
    };
    Ok(Output { backups: page, last_evaluated })
}

/// The creation time a backup ARN's id starts with (0 when it has none).
fn created_millis(arn: &str) -> i64 {
    let id = arn.rsplit('/').next().unwrap_or_default();
    id.split('-').next().and_then(|ms| ms.parse().ok()).unwrap_or(0)
}
