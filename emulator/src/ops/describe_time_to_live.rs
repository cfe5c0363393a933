//! DescribeTimeToLive: ENABLED with the attribute, or DISABLED; refused while the table is being
//! created or deleted (AWS, October 2026, the ACK catalogue's DDB-TABLE-442 and -118).

use super::tables::table_named;
use super::Cx;
use crate::error::{Error, Result};
use crate::store::Status;

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
    let state = match table.status(now_millis) {
        Status::Creating => "CREATING",
        Status::Deleting => "DELETING",
        Status::Active | Status::Updating => "",
    };
    if !state.is_empty() {
        return Err(Error::validation(format!(
            "Cannot describe time to live while table is in {state} state: Current table state is {state}"
        )));
    }
    let attribute = table.state.read().ttl_attribute().map(str::to_owned);
    Ok(Output { attribute })
}
