//! UpdateTimeToLive: enables or disables Time to Live on one attribute, effective at once, and,
//! as on AWS, refuses another change for a while after one.

use super::tables::{live, table_named};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    pub enabled: bool,
    pub attribute: String,
}

/// How long after a change AWS refuses the next one: refused 1,811 s after an enable and accepted
/// at 1,872 s (measured October 2026, the ACK catalogue's DDB-TABLE-143; the Developer Guide says
/// up to an hour). A refused request does not extend it.
const COOLDOWN_MILLIS: i64 = 31 * 60 * 1000;

/// The specification as applied (the request's).
pub struct Output {
    pub enabled: bool,
    pub attribute: String,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let Input { table: name, enabled, attribute } = input;
    let table = table_named(cx, &name, now_millis)?;
    let mut state = live(&table, &name, now_millis)?;
    match (state.ttl_attribute(), enabled) {
        (Some(current), _) if current != attribute => {
            return Err(Error::validation(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )));
        }
        (Some(_), true) => return Err(Error::validation("TimeToLive is already enabled")),
        (None, false) => return Err(Error::validation("TimeToLive is already disabled")),
        _ => {}
    }
    // The request's own faults above come first; only a real change waits out the cooldown.
    if state.ttl_changed_at.is_some_and(|at| now_millis < at + COOLDOWN_MILLIS) {
        return Err(Error::validation(
            "Time to live has been modified multiple times within a fixed interval",
        ));
    }
    state.ttl_changed_at = Some(now_millis);
    state.set_ttl(enabled.then(|| attribute.clone()));
    Ok(Output { enabled, attribute })
}
