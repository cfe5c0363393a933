//! ListContributorInsights: the tables and global indexes whose Contributor Insights are not
//! DISABLED, by table name, each table before its indexes, in pages of MaxResults.

use super::insights::{insights_target, InsightsDescription};
use super::Cx;
use crate::error::{Error, Result};

pub struct Input {
    /// A table name or ARN: only its table and indexes.
    pub table: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<usize>,
}

pub struct Output {
    pub summaries: Vec<InsightsDescription>,
    pub next_token: Option<String>,
}

/// A page when MaxResults is not given.
const DEFAULT_PAGE: usize = 100;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let tables = match &input.table {
        Some(name) => vec![insights_target(cx, name, None)?],
        None => cx.ns.store.tables(),
    };
    let all: Vec<InsightsDescription> = tables
        .iter()
        .flat_map(|table| {
            let def = table.def();
            let names: Vec<Option<&str>> = std::iter::once(None)
                .chain(def.global_indexes.iter().map(|i| Some(i.name.as_str())))
                .collect();
            names
                .into_iter()
                .map(|index| InsightsDescription::of(&def, index))
                .filter(|d| d.settings.as_ref().is_some_and(|s| s.enabled))
                .collect::<Vec<_>>()
        })
        .collect();
    // The token is the number of entries already listed.
    let skip = match &input.next_token {
        Some(token) => token.parse::<usize>().map_err(|_| Error::validation("Invalid NextToken"))?,
        None => 0,
    };
    let page = input.max_results.unwrap_or(DEFAULT_PAGE);
    let end = skip.saturating_add(page).min(all.len());
    let next_token = (end < all.len()).then(|| end.to_string());
    let summaries = all.into_iter().skip(skip).take(page).collect();
    Ok(Output { summaries, next_token })
}
