//! DescribeEndpoints: one endpoint, the host the client addressed (so endpoint discovery comes back
//! to the emulator), cached for a day as AWS answers.

use super::Cx;
use crate::error::Result;

/// DescribeEndpoints takes no parameters.
pub struct Input;

pub struct Output {
    /// The one endpoint's host (and port).
    pub address: String,
    pub cache_period_minutes: i64,
}

/// Without a request host (never the case over HTTP), the regional endpoint's name.
pub fn run(cx @ &Cx { host, .. }: &Cx, _: Input) -> Result<Output> {
    let address = match host.filter(|h| !h.is_empty()) {
        Some(h) => h.to_string(),
        None => format!("dynamodb.{}.amazonaws.com", cx.ns.region),
    };
    Ok(Output { address, cache_period_minutes: 1440 })
}
