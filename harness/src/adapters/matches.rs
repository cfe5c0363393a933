//! A tournament match tracker laid out as the DynamoDB Developer Guide's multi-attribute keys
//! pattern (GSI.DesignPattern.MultiAttributeKeys): a table keyed by `matchId`, and the GSI
//! `TournamentRegionIndex` whose partition key is (`tournamentId`, `region`) and whose sort key is
//! (`round`, `bracket`, `matchId`), so a bracket is read without concatenated synthetic keys.
//!
//! Matches not yet scheduled have no `round`/`bracket` and so stay out of the index (sparse);
//! `schedule` (UpdateItem SET) puts one in, `unschedule` (UpdateItem REMOVE) takes it out. Reads
//! are Queries of the index, left to right along the sort key, paged through `LastEvaluatedKey`.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType};
use aws_sdk_dynamodb::Client;

use super::{attr_def, get_s, key, s, Item, Waiter};
use crate::Error;

pub const INDEX: &str = "TournamentRegionIndex";

/// A match as the tracker stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub id: String,
    pub tournament: String,
    pub region: String,
    /// Round and bracket, once scheduled.
    pub slot: Option<(String, String)>,
}

/// A scheduled match as the index returns it: (round, bracket, matchId), the index's sort key.
pub type Scheduled = (String, String, String);

pub struct MatchTracker {
    client: Client,
    table: String,
    page_size: i32,
}

impl MatchTracker {
    /// A tracker on `table`, reading the index `page_size` items a page.
    pub fn new(client: Client, table: impl Into<String>, page_size: i32) -> Self {
        MatchTracker {
            client,
            table: table.into(),
            page_size,
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The table and its index with the multi-attribute key; the index projects every attribute.
    pub async fn create_table(&self, waiter: &Waiter) -> Result<(), Error> {
        let index = GlobalSecondaryIndex::builder()
            .index_name(INDEX)
            .key_schema(key("tournamentId", KeyType::Hash))
            .key_schema(key("region", KeyType::Hash))
            .key_schema(key("round", KeyType::Range))
            .key_schema(key("bracket", KeyType::Range))
            .key_schema(key("matchId", KeyType::Range))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()?;
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(
                ["matchId", "tournamentId", "region", "round", "bracket"]
                    .map(attr_def)
                    .to_vec(),
            ))
            .key_schema(key("matchId", KeyType::Hash))
            .global_secondary_indexes(index)
            .send()
            .await?;
        waiter.until_active(&self.client, &self.table).await?;
        Ok(())
    }

    /// Stores a match (replacing one with the same id).
    pub async fn record(&self, m: &Match) -> Result<(), Error> {
        let mut item: Item = HashMap::from([
            ("matchId".to_string(), s(&m.id)),
            ("tournamentId".to_string(), s(&m.tournament)),
            ("region".to_string(), s(&m.region)),
        ]);
        if let Some((round, bracket)) = &m.slot {
            item.insert("round".into(), s(round));
            item.insert("bracket".into(), s(bracket));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// Schedules a match that exists; a missing id is left alone.
    pub async fn schedule(&self, id: &str, round: &str, bracket: &str) -> Result<(), Error> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("matchId", s(id))
            .update_expression("SET #round = :r, bracket = :b")
            .condition_expression("attribute_exists(matchId)")
            .expression_attribute_names("#round", "round")
            .expression_attribute_values(":r", s(round))
            .expression_attribute_values(":b", s(bracket))
            .send()
            .await;
        ignore_missing(out.map(|_| ()).map_err(Error::from))
    }

    /// Takes a match out of its bracket (it stays recorded).
    pub async fn unschedule(&self, id: &str) -> Result<(), Error> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("matchId", s(id))
            .update_expression("REMOVE bracket")
            .condition_expression("attribute_exists(matchId)")
            .send()
            .await;
        ignore_missing(out.map(|_| ()).map_err(Error::from))
    }

    pub async fn cancel(&self, id: &str) -> Result<(), Error> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("matchId", s(id))
            .send()
            .await?;
        Ok(())
    }

    /// The scheduled matches of a tournament's region, optionally of one round and bracket, in
    /// sort-key order (reversed when `latest_first`).
    pub async fn bracket(
        &self,
        tournament: &str,
        region: &str,
        round: Option<&str>,
        bracket: Option<&str>,
        latest_first: bool,
    ) -> Result<Vec<Scheduled>, Error> {
        let mut expr = "tournamentId = :t AND #region = :g".to_string();
        let mut values = vec![(":t", tournament), (":g", region)];
        if let Some(r) = round {
            expr.push_str(" AND #round = :r");
            values.push((":r", r));
        }
        if let Some(b) = bracket {
            expr.push_str(" AND bracket = :b");
            values.push((":b", b));
        }
        self.query(&expr, &values, latest_first).await
    }

    /// The scheduled matches of rounds from `round` on (`round >= :r`).
    pub async fn rounds_from(&self, tournament: &str, region: &str, round: &str) -> Result<Vec<Scheduled>, Error> {
        let expr = "tournamentId = :t AND #region = :g AND #round >= :r";
        self.query(expr, &[(":t", tournament), (":g", region), (":r", round)], false)
            .await
    }

    /// The matches of one round whose bracket starts with `prefix`.
    pub async fn brackets_starting(
        &self,
        tournament: &str,
        region: &str,
        round: &str,
        prefix: &str,
    ) -> Result<Vec<Scheduled>, Error> {
        let expr = "tournamentId = :t AND #region = :g AND #round = :r AND begins_with(bracket, :p)";
        self.query(
            expr,
            &[(":t", tournament), (":g", region), (":r", round), (":p", prefix)],
            false,
        )
        .await
    }

    /// A query of the index, every page; `round` and `region` are reserved words, so aliased.
    async fn query(&self, expr: &str, values: &[(&str, &str)], backwards: bool) -> Result<Vec<Scheduled>, Error> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .request(expr, values)
                .scan_index_forward(!backwards)
                .set_exclusive_start_key(start.take());
            let page = page.send().await?;
            out.extend(
                page.items()
                    .iter()
                    .filter_map(|i| Some((get_s(i, "round")?, get_s(i, "bracket")?, get_s(i, "matchId")?))),
            );
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    fn request(&self, expr: &str, values: &[(&str, &str)]) -> QueryFluentBuilder {
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX)
            .key_condition_expression(expr)
            .limit(self.page_size);
        for (alias, name) in [("#region", "region"), ("#round", "round")] {
            if expr.contains(alias) {
                q = q.expression_attribute_names(alias, name);
            }
        }
        for (k, v) in values {
            q = q.expression_attribute_values(*k, s(*v));
        }
        q
    }
}

/// An update whose condition failed found no match: nothing to do.
fn ignore_missing(r: Result<(), Error>) -> Result<(), Error> {
    match r {
        Err(e) if e.code == "ConditionalCheckFailedException" => Ok(()),
        r => r,
    }
}
