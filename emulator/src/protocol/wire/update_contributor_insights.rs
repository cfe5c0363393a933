use serde_json::{json, Value};

use super::answer::insights_mode;
use crate::error::Result;
use crate::ops::update_contributor_insights::{Input, Output};
use crate::protocol::shape::{field, one_of, required, validate, Field, Shape, INDEX_NAME};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableRef),
    field("IndexName", INDEX_NAME),
    required("ContributorInsightsAction", one_of(&["ENABLE", "DISABLE"])),
    field("ContributorInsightsMode", one_of(&["THROTTLED_KEYS", "ACCESSED_AND_THROTTLED_KEYS"])),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        index: body.str("IndexName").map(str::to_owned),
        enable: body.str("ContributorInsightsAction") == Some("ENABLE"),
        throttled_only: body.str("ContributorInsightsMode") == Some("THROTTLED_KEYS"),
    })
}

pub fn encode(out: Output) -> Value {
    let mut v = json!({"TableName": out.table, "ContributorInsightsStatus": out.status});
    if let Some(index) = out.index {
        v["IndexName"] = json!(index);
    }
    if let Some(throttled_only) = out.throttled_only {
        v["ContributorInsightsMode"] = json!(insights_mode(throttled_only));
    }
    v
}
