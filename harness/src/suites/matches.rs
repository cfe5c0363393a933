//! The match tracker suite: a GSI whose partition key has two attributes and whose sort key has
//! three. Writes, updates that add or remove a key attribute, deletes, and Queries that use the
//! sort key left to right (equalities, `>=`, `begins_with`, both directions, paged two items at
//! a time), plus a Query that skips a sort attribute, which DynamoDB refuses.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{answer, ok, one_of};
use crate::adapters::matches::{Match, MatchTracker, Scheduled, INDEX};
use crate::adapters::s;
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    Record(Match),
    Schedule {
        id: String,
        round: String,
        bracket: String,
    },
    Unschedule(String),
    Cancel(String),
    Bracket {
        tournament: String,
        region: String,
        round: Option<String>,
        bracket: Option<String>,
        latest_first: bool,
    },
    RoundsFrom {
        tournament: String,
        region: String,
        round: String,
    },
    BracketsStarting {
        tournament: String,
        region: String,
        round: String,
        prefix: String,
    },
    /// A Query naming `bracket` but not `round`, the sort attribute before it.
    SkipRound {
        tournament: String,
        region: String,
        bracket: String,
    },
}

pub struct MatchSuite;

const IDS: &[&str] = &["m1", "m2", "m3", "m4", "m5", "m6"];
const TOURNAMENTS: &[&str] = &["w24", "s25"];
const REGIONS: &[&str] = &["eu", "us"];
/// "quarter" is a prefix of "quarterly": both sides of a `begins_with` and `>=` boundary.
const ROUNDS: &[&str] = &["final", "quarter", "quarterly", "semi"];
const BRACKETS: &[&str] = &["lower", "up", "upper"];

/// Matches by id.
type Model = BTreeMap<String, Match>;

/// The model's index: scheduled matches of one partition, in sort-key order.
fn index(model: &Model, tournament: &str, region: &str) -> Vec<Scheduled> {
    let mut rows: Vec<Scheduled> = model
        .values()
        .filter(|m| m.tournament == tournament && m.region == region)
        .filter_map(|m| m.slot.as_ref().map(|(r, b)| (r.clone(), b.clone(), m.id.clone())))
        .collect();
    rows.sort();
    rows
}

fn partition() -> impl Strategy<Value = (String, String)> {
    (one_of(TOURNAMENTS), one_of(REGIONS))
}

impl Suite for MatchSuite {
    const NAME: &'static str = "match tracker (multi-attribute GSI keys)";
    const TABLE: &'static str = "matches";
    type Op = Op;
    type Model = Model;
    type Sut = MatchTracker;

    fn op(_clock: bool) -> BoxedStrategy<Op> {
        let slot = (one_of(ROUNDS), one_of(BRACKETS));
        prop_oneof![
            4 => (one_of(IDS), partition(), proptest::option::weighted(0.8, slot.clone()))
                .prop_map(|(id, (tournament, region), slot)| Op::Record(Match { id, tournament, region, slot })),
            1 => (one_of(IDS), slot).prop_map(|(id, (round, bracket))| Op::Schedule { id, round, bracket }),
            1 => one_of(IDS).prop_map(Op::Unschedule),
            1 => one_of(IDS).prop_map(Op::Cancel),
            3 => (partition(), proptest::option::of((one_of(ROUNDS), proptest::option::of(one_of(BRACKETS)))), any::<bool>())
                .prop_map(|((tournament, region), prefix, latest_first)| {
                    let (round, bracket) = prefix.map_or((None, None), |(r, b)| (Some(r), b));
                    Op::Bracket { tournament, region, round, bracket, latest_first }
                }),
            1 => (partition(), one_of(ROUNDS))
                .prop_map(|((tournament, region), round)| Op::RoundsFrom { tournament, region, round }),
            1 => (partition(), one_of(ROUNDS), one_of(&["u", "up", "lo", "x"]))
                .prop_map(|((tournament, region), round, prefix)| Op::BracketsStarting { tournament, region, round, prefix }),
            1 => (partition(), one_of(BRACKETS))
                .prop_map(|((tournament, region), bracket)| Op::SkipRound { tournament, region, bracket }),
        ]
        .boxed()
    }

    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        Self::setup(env, table).create_table(&env.waiter()).await
    }

    fn setup(env: &Env, table: &str) -> MatchTracker {
        // Two items a page, so every read follows LastEvaluatedKey across index keys.
        MatchTracker::new(env.client().clone(), table, 2)
    }

    async fn run(env: &Env, t: &mut MatchTracker, op: &Op) -> String {
        match op {
            Op::Record(m) => answer(t.record(m).await),
            Op::Schedule { id, round, bracket } => answer(t.schedule(id, round, bracket).await),
            Op::Unschedule(id) => answer(t.unschedule(id).await),
            Op::Cancel(id) => answer(t.cancel(id).await),
            Op::Bracket {
                tournament,
                region,
                round,
                bracket,
                latest_first,
            } => answer(
                t.bracket(tournament, region, round.as_deref(), bracket.as_deref(), *latest_first)
                    .await,
            ),
            Op::RoundsFrom {
                tournament,
                region,
                round,
            } => answer(t.rounds_from(tournament, region, round).await),
            Op::BracketsStarting {
                tournament,
                region,
                round,
                prefix,
            } => answer(t.brackets_starting(tournament, region, round, prefix).await),
            Op::SkipRound {
                tournament,
                region,
                bracket,
            } => answer(
                env.client()
                    .query()
                    .table_name(t.table())
                    .index_name(INDEX)
                    .key_condition_expression("tournamentId = :t AND #region = :g AND bracket = :b")
                    .expression_attribute_names("#region", "region")
                    .expression_attribute_values(":t", s(tournament))
                    .expression_attribute_values(":g", s(region))
                    .expression_attribute_values(":b", s(bracket))
                    .send()
                    .await
                    .map(|o| o.count)
                    .map_err(Error::from),
            ),
        }
    }

    fn model(model: &mut Model, _now: i64, op: &Op) -> String {
        match op {
            Op::Record(m) => {
                model.insert(m.id.clone(), m.clone());
                ok(())
            }
            Op::Schedule { id, round, bracket } => {
                if let Some(m) = model.get_mut(id) {
                    m.slot = Some((round.clone(), bracket.clone()));
                }
                ok(())
            }
            Op::Unschedule(id) => {
                if let Some(m) = model.get_mut(id) {
                    m.slot = None;
                }
                ok(())
            }
            Op::Cancel(id) => {
                model.remove(id);
                ok(())
            }
            Op::Bracket {
                tournament,
                region,
                round,
                bracket,
                latest_first,
            } => {
                let mut rows: Vec<Scheduled> = index(model, tournament, region)
                    .into_iter()
                    .filter(|(r, b, _)| {
                        round.as_ref().is_none_or(|x| x == r) && bracket.as_ref().is_none_or(|x| x == b)
                    })
                    .collect();
                if *latest_first {
                    rows.reverse();
                }
                ok(rows)
            }
            Op::RoundsFrom {
                tournament,
                region,
                round,
            } => ok(index(model, tournament, region)
                .into_iter()
                .filter(|(r, _, _)| r >= round)
                .collect::<Vec<_>>()),
            Op::BracketsStarting {
                tournament,
                region,
                round,
                prefix,
            } => ok(index(model, tournament, region)
                .into_iter()
                .filter(|(r, b, _)| r == round && b.starts_with(prefix.as_str()))
                .collect::<Vec<_>>()),
            Op::SkipRound { .. } => "Err(ValidationException)".into(),
        }
    }

    fn sweep(_model: &mut Model, _now: i64) -> usize {
        0
    }
}
