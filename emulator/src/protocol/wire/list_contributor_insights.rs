use serde_json::{json, Value};

use super::answer;
use crate::error::Result;
use crate::ops::list_contributor_insights::{Input, Output};
use crate::protocol::shape::{field, int, string, validate, Field, Shape};
use crate::protocol::Body;

pub(crate) const SHAPE: &[Field] = &[
    field("TableName", Shape::TableRef),
    field("NextToken", string(0, usize::MAX)),
    field("MaxResults", int(Some(0), Some(100))),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        table: body.str("TableName").map(str::to_owned),
        next_token: body.str("NextToken").map(str::to_owned),
        max_results: body.int("MaxResults").map(|n| n as usize),
    })
}

pub fn encode(out: Output) -> Value {
    let summaries: Vec<Value> = out.summaries.iter().map(|d| answer::insights(d, false)).collect();
    let mut v = json!({ "ContributorInsightsSummaries": summaries });
    if let Some(token) = out.next_token {
        v["NextToken"] = json!(token);
    }
    v
}
