//! UpdateContributorInsights: turns a table's or global index's Contributor Insights on (in a
//! mode, ACCESSED_AND_THROTTLED_KEYS unless THROTTLED_KEYS is asked for) or off. The answer says
//! ENABLING or DISABLING when something changes, the settled status when nothing does (AWS's
//! no-ops); a DISABLE echoes the current mode, not the one sent.

use super::insights::insights_target;
use super::tables::missing_table;
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{Insights, TableDef};
use crate::store::Status;

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    pub index: Option<String>,
    /// ContributorInsightsAction ENABLE (else DISABLE).
    pub enable: bool,
    /// ContributorInsightsMode THROTTLED_KEYS.
    pub throttled_only: bool,
}

pub struct Output {
    pub table: String,
    pub index: Option<String>,
    /// ENABLING, ENABLED, DISABLING or DISABLED.
    pub status: &'static str,
    pub throttled_only: Option<bool>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let table = insights_target(cx, &input.table, input.index.as_deref())?;
    let key = input.index.clone().unwrap_or_default();
    if input.enable {
        let settling = match &input.index {
            None => table.status(now_millis) == Status::Creating,
            Some(index) => table.index_status(index, now_millis).0 == Status::Creating,
        };
        if settling {
            let what = if input.index.is_some() { "IndexStatus" } else { "TableStatus" };
            return Err(Error::validation(format!(
                "Table or Index is not in a valid state to update Key Access Insights: {what} must be ACTIVE to enable ContributorInsights."
            )));
        }
    }
    // A table in any status but gone: DynamoDB takes insights changes while it is DELETING too.
    let mut state = table.state.write();
    if state.dropped && table.status(now_millis) != Status::Deleting {
        return Err(missing_table(&input.table));
    }
    let current = state.def.insights.get(&key).cloned();
    let (status, next) = match (&current, input.enable) {
        (Some(c), true) if c.enabled && c.throttled_only == input.throttled_only => ("ENABLED", None),
        (Some(c), true) if c.enabled => {
            let next = Insights { throttled_only: input.throttled_only, updated_millis: now_millis, ..c.clone() };
            ("ENABLING", Some(next))
        }
        (_, true) => {
            let next = Insights {
                enabled: true,
                throttled_only: input.throttled_only,
                updated_millis: now_millis,
                rules_millis: now_millis,
            };
            ("ENABLING", Some(next))
        }
        (Some(c), false) if c.enabled => {
            ("DISABLING", Some(Insights { enabled: false, updated_millis: now_millis, ..c.clone() }))
        }
        (_, false) => ("DISABLED", None),
    };
    let throttled_only = next.as_ref().or(current.as_ref()).map(|i| i.throttled_only);
    if let Some(next) = next {
        let mut def = TableDef::clone(&state.def);
        def.insights.insert(key, next);
        table.set_def(&mut state, def);
    }
    Ok(Output { table: table.name.clone(), index: input.index, status, throttled_only })
}
