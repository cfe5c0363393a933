//! What the three Contributor Insights operations share: the table or global index a request
//! names, and how its insights are described. The emulator keeps the settings, not the metrics:
//! insights settle at once (AWS: ENABLING for 1-16 s, DISABLING for 2 s), and their CloudWatch
//! rules are only named.

use std::sync::Arc;

use super::tables::table_named;
use super::Cx;
use crate::error::{Error, Result};
use crate::model::{Insights, TableDef};
use crate::store::Table;

/// Contributor Insights of one table or global index, as the operations describe them.
#[derive(Clone, Debug)]
pub struct InsightsDescription {
    pub table: String,
    pub index: Option<String>,
    /// `None` before the first UpdateContributorInsights.
    pub settings: Option<Insights>,
    /// The CloudWatch rules while enabled, named as DynamoDB names them.
    pub rules: Vec<String>,
}

impl InsightsDescription {
    pub fn of(def: &TableDef, index: Option<&str>) -> InsightsDescription {
        let settings = def.insights.get(index.unwrap_or_default()).cloned();
        let rules = match &settings {
            Some(s) if s.enabled => rule_names(def, index, s),
            _ => Vec::new(),
        };
        InsightsDescription {
            table: def.name.clone(),
            index: index.map(str::to_owned),
            settings,
            rules,
        }
    }
}

/// `DynamoDBContributorInsights-<kind>-<table>[-<index>]-<millis>`: most accessed (C) and most
/// throttled (T) partition keys (PK), and sort keys (SK) when the table or index has one.
fn rule_names(def: &TableDef, index: Option<&str>, s: &Insights) -> Vec<String> {
    let key = match index {
        Some(name) => def.indexes().find(|i| i.name == name).map(|i| &i.key),
        None => Some(&def.key),
    };
    let sorted = key.is_some_and(|k| !k.range.is_empty());
    let resource = match index {
        Some(index) => format!("{}-{index}", def.name),
        None => def.name.clone(),
    };
    let kinds: &[&str] = match (sorted, s.throttled_only) {
        (false, false) => &["PKC", "PKT"],
        (false, true) => &["PKT"],
        (true, false) => &["PKC", "PKT", "SKC", "SKT"],
        (true, true) => &["PKT", "SKT"],
    };
    kinds
        .iter()
        .map(|kind| format!("DynamoDBContributorInsights-{kind}-{resource}-{}", s.rules_millis))
        .collect()
}

/// The table `name` and, when given, its global index `index` (a local one has no insights).
pub fn insights_target(cx: &Cx, name: &str, index: Option<&str>) -> Result<Arc<Table>> {
    let table = table_named(cx, name, cx.now_millis)?;
    if let Some(index) = index {
        if !table.def().global_indexes.iter().any(|i| i.name == index) {
            return Err(Error::resource_not_found(format!(
                "Requested resource not found: Index: {index} not found for table: {}",
                table.name
            )));
        }
    }
    Ok(table)
}
