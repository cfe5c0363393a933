//! DescribeEndpoints: one endpoint, the host the client addressed (so endpoint discovery comes back
//! to the emulator), cached for a day as AWS answers.

use serde_json::{json, Value};

use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[];

/// Without a request host (never the case over HTTP), the regional endpoint's name.
pub fn run(&Cx { engine, host, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let address = match host.filter(|h| !h.is_empty()) {
        Some(h) => h.to_string(),
        None => format!("dynamodb.{}.amazonaws.com", engine.region),
    };
    Ok(json!({ "Endpoints": [{ "Address": address, "CachePeriodInMinutes": 1440 }] }))
}
