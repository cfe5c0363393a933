//! DescribeContributorInsights: a table's or global index's Contributor Insights; DISABLED before
//! any UpdateContributorInsights.

use super::insights::{insights_target, InsightsDescription};
use super::Cx;
use crate::error::Result;

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    pub index: Option<String>,
}

pub struct Output {
    pub insights: InsightsDescription,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let table = insights_target(cx, &input.table, input.index.as_deref())?;
    let insights = InsightsDescription::of(&table.def(), input.index.as_deref());
    Ok(Output { insights })
}
