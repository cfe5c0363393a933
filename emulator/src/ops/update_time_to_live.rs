//! UpdateTimeToLive: enables or disables Time to Live on one attribute, effective at once (AWS
//! takes up to an hour and refuses a second change meanwhile; an emulator has no reason to).

use super::tables::{live, table_named};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    pub enabled: bool,
    pub attribute: String,
}

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
    state.set_ttl(enabled.then(|| attribute.clone()));
    Ok(Output { enabled, attribute })
}
