//! ListTables: names in byte order (DELETING tables included), paged by Limit and
//! ExclusiveStartTableName.

use super::Cx;
use crate::error::Result;

pub struct Input {
    /// At most this many names (1 to 100).
    pub limit: usize,
    /// Names after this one.
    pub exclusive_start: Option<String>,
}

pub struct Output {
    pub names: Vec<String>,
    /// The page's last name, when more follow.
    pub last_evaluated: Option<String>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let start = input.exclusive_start.as_deref();
    let mut names: Vec<String> = cx.ns.store.names(now_millis).into_iter().filter(|n| start.is_none_or(|s| n.as_str() > s)).collect();
    let more = names.len() > input.limit;
    names.truncate(input.limit);
    Ok(Output { last_evaluated: names.last().filter(|_| more).cloned(), names })
}
