//! Deterministic chaos: the failures DynamoDB really produces (throttling, server errors, partial
//! batches, transaction conflicts, added latency) and its eventual consistency (stale reads, global
//! secondary indexes lagging behind their table), injected by a seeded plan so an application can
//! rehearse its handling of them and a failing run replays exactly.
//!
//! Unlike [`crate::fault`], which breaks the emulator on purpose to prove a test suite notices,
//! every answer produced here is one DynamoDB gives. Off unless a plan is set
//! ([`crate::Builder::chaos`], [`crate::Emulator::chaos`], `--chaos PLAN.json`,
//! `PUT /_emulator/chaos`); the plan's JSON form is parsed by the protocol (`protocol::chaos`).
//!
//! The protocol asks [`Chaos::decide`] once per request, after its front-end checks and before
//! the operation runs, with what the request names ([`Request`]). Each rule counts the requests it
//! matches; whether its n-th match fires depends only on the seed, the rule's position and n, so the
//! same sequence of requests meets the same faults however the rules interleave.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};

use crate::error::{Error, ErrorKind};
use crate::model::{AttributeValue, Item};
use crate::store::Keep;

/// A seeded list of rules. The first rule that fires an error decides the answer; latencies add.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Decides every rate; printed when the plan is set, so a failing run can be replayed.
    pub seed: u64,
    /// Applied to every request, in order.
    pub rules: Vec<Rule>,
}

/// Which requests a rule matches (every filter given must hold), what it does to them, and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    /// An operation name (`PutItem`); any operation when `None`.
    pub operation: Option<String>,
    /// A table the request names (any of a batch's or transaction's tables).
    pub table: Option<String>,
    /// The request's region (a table of that name in another region is not matched).
    pub region: Option<String>,
    /// The request's account.
    pub account: Option<String>,
    /// The `IndexName` of a Query or Scan.
    pub index: Option<String>,
    /// A key or item of the request must match.
    pub key: Option<KeyMatch>,
    /// What it does when it fires.
    pub effect: Effect,
    /// Added before the answer is sent, whatever the effect.
    pub latency: Duration,
    /// Which of its matches fire.
    pub schedule: Schedule,
    /// Fires at most this many times.
    pub times: Option<u64>,
}

/// A condition on one of a request's keys or items.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyMatch {
    /// Every attribute given has exactly this value.
    Equals(Item),
    /// This string attribute starts with this prefix.
    Prefix {
        /// The attribute's name.
        attribute: String,
        /// What its value starts with.
        prefix: String,
    },
}

/// What a firing rule does.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Effect {
    /// Nothing but the rule's latency.
    #[default]
    Delay,
    /// The request fails with this error without running.
    Fail(Failure),
    /// The request runs, then fails with this error anyway: the ambiguous outcome of a 500 whose
    /// write happened.
    FailAfterRunning(Failure),
    /// BatchWriteItem or BatchGetItem leaves its last N requests unprocessed
    /// (ProvisionedThroughputExceededException when that is all of them, as DynamoDB answers).
    Unprocessed(usize),
    /// TransactWriteItems (and ExecuteTransaction) is cancelled with a TransactionConflict reason
    /// on the items the rule's table and key filters match (its first item without filters).
    Conflict,
    /// Eventually consistent reads of the rule's tables (and their indexes) see the data as it
    /// was this long or this many writes ago, whichever is older. Strongly consistent reads and
    /// every write and condition see the latest.
    Stale(Lag),
    /// Reads of the tables' global secondary indexes see them as they were this many
    /// milliseconds ago: index updates arrive late.
    GsiLag(u64),
}

/// How far behind a read is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lag {
    /// Milliseconds on the emulator's clock.
    pub millis: u64,
    /// Writes to the table (one per request that changed it).
    pub writes: u64,
}

/// The retryable errors DynamoDB answers under load or on its own failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// ProvisionedThroughputExceededException (400): a provisioned table's capacity ran out.
    ProvisionedThroughputExceeded,
    /// ThrottlingException (400): an on-demand table is scaling.
    Throttling,
    /// RequestLimitExceeded (400): the account's throughput quota.
    RequestLimitExceeded,
    /// InternalServerError (500).
    InternalServerError,
}

impl Failure {
    /// By its `__type` name.
    pub fn parse(name: &str) -> Option<Failure> {
        Some(match name {
            "ProvisionedThroughputExceededException" => Failure::ProvisionedThroughputExceeded,
            "ThrottlingException" => Failure::Throttling,
            "RequestLimitExceeded" => Failure::RequestLimitExceeded,
            "InternalServerError" => Failure::InternalServerError,
            _ => return None,
        })
    }

    /// The error with DynamoDB's message.
    pub(crate) fn error(self) -> Error {
        match self {
            Failure::ProvisionedThroughputExceeded => throughput_exceeded(),
            Failure::Throttling => Error::new(
                ErrorKind::Throttling,
                "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html",
            ),
            Failure::RequestLimitExceeded => Error::new(
                ErrorKind::RequestLimitExceeded,
                "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase",
            ),
            Failure::InternalServerError => Error::internal("Internal server error"),
        }
    }
}

/// ProvisionedThroughputExceededException, also what a batch answers when nothing was processed.
pub(crate) fn throughput_exceeded() -> Error {
    Error::new(
        ErrorKind::ProvisionedThroughputExceeded,
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    )
}

/// When a matching request is hit.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Each match independently with this probability, drawn from the seed.
    Rate(f64),
    /// Exactly these matches, counted from 1 ("the 3rd PutItem": `Nth(vec![3])`).
    Nth(Vec<u64>),
    /// Every k-th match: the k-th, 2k-th, ...
    Every(u64),
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule::Rate(1.0)
    }
}

/// An answer's added latency, as a response extension: each transport waits it out
/// asynchronously (the server after the blocking pool answered, the in-process client in its
/// future), so no thread is held while it passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency(pub Duration);

/// What the protocol knows of a request before running it.
pub(crate) struct Request<'a> {
    pub operation: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    /// Named in the body, or in a PartiQL statement.
    pub tables: Vec<Cow<'a, str>>,
    pub index: Option<Cow<'a, str>>,
    /// With the table each belongs to.
    pub keys: Vec<(&'a str, Item)>,
}

/// What the plan decided for one request; carried by `ops::Cx`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Decision {
    /// Fail before running (`false`) or after (`true`).
    pub failure: Option<(Failure, bool)>,
    pub latency: Duration,
    pub unprocessed: usize,
    /// The rule whose filters pick the conflicting items.
    conflict: Option<Arc<Rule>>,
    /// The fired `Stale` and `GsiLag` rules, whose filters pick the reads they delay.
    lagging: Vec<Arc<Rule>>,
}

impl Decision {
    /// For each of a transaction's items (table, key or item), whether the plan makes it conflict;
    /// empty when it does not.
    pub fn conflicts<'a>(&self, items: impl Iterator<Item = (&'a str, &'a Item)>) -> Vec<bool> {
        let Some(rule) = &self.conflict else {
            return Vec::new();
        };
        let mut marks: Vec<bool> = items.map(|(t, item)| rule.filters_item(t, item)).collect();
        if rule.table.is_none() && rule.key.is_none() {
            marks.iter_mut().skip(1).for_each(|m| *m = false);
        }
        marks
    }

    /// How far behind an eventually consistent read of `table` (or of its `index`, with whether
    /// it is global) is; `None` when it sees the latest.
    pub fn lag(&self, table: &str, index: Option<(&str, bool)>) -> Option<Lag> {
        let lags = self.lagging.iter().filter(|r| {
            r.table.as_deref().is_none_or(|t| t == table)
                && r.index
                    .as_deref()
                    .is_none_or(|i| index.is_some_and(|(name, _)| name == i))
        });
        let lags = lags.filter_map(|r| match r.effect {
            Effect::Stale(lag) => Some(lag),
            Effect::GsiLag(millis) if index.is_some_and(|(_, global)| global) => Some(Lag { millis, writes: 0 }),
            _ => None,
        });
        lags.reduce(|a, b| Lag {
            millis: a.millis.max(b.millis),
            writes: a.writes.max(b.writes),
        })
    }
}

/// Per-rule counts of matched and fired requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCount {
    /// Requests the rule's filters matched.
    pub matched: u64,
    /// Requests it acted on.
    pub fired: u64,
}

/// The active plan, if any, and its counters. Held by the `Engine`.
#[derive(Default)]
pub struct Chaos {
    active: RwLock<Option<Arc<Active>>>,
}

struct Active {
    seed: u64,
    rules: Vec<Arc<Rule>>,
    counts: Mutex<Vec<RuleCount>>,
}

impl Chaos {
    /// Replaces the plan (counters start over) and returns its seed.
    pub fn set(&self, plan: Plan) -> u64 {
        tracing::info!(seed = plan.seed, rules = plan.rules.len(), "chaos plan set");
        *self.active.write() = Some(Arc::new(Active {
            seed: plan.seed,
            counts: Mutex::new(vec![RuleCount::default(); plan.rules.len()]),
            rules: plan.rules.into_iter().map(Arc::new).collect(),
        }));
        plan.seed
    }

    /// Back to no chaos at all.
    pub fn clear(&self) {
        *self.active.write() = None;
    }

    /// The active plan's seed.
    pub fn seed(&self) -> Option<u64> {
        self.active.read().as_ref().map(|a| a.seed)
    }

    /// How many requests each rule of the active plan matched and fired on so far.
    pub fn counts(&self) -> Vec<RuleCount> {
        self.active
            .read()
            .as_ref()
            .map_or_else(Vec::new, |a| a.counts.lock().clone())
    }

    /// Whether a plan is set (the protocol describes requests only then).
    pub fn is_active(&self) -> bool {
        self.active.read().is_some()
    }

    /// How much history `table` of `account` in `region` keeps for the plan's stale reads and
    /// index lags (`None`: no rule may make its reads lag).
    pub(crate) fn keep(&self, account: &str, region: &str, table: &str) -> Option<Keep> {
        let active = self.active.read();
        let rules = active.as_ref()?.rules.iter();
        let rules = rules.filter(|r| r.in_namespace(account, region) && r.table.as_deref().is_none_or(|t| t == table));
        rules
            .filter_map(|r| match r.effect {
                Effect::Stale(lag) => Some(Keep {
                    millis: lag.millis as i64,
                    writes: lag.writes as usize,
                }),
                Effect::GsiLag(millis) => Some(Keep {
                    millis: millis as i64,
                    writes: 0,
                }),
                _ => None,
            })
            .reduce(|a, b| Keep {
                millis: a.millis.max(b.millis),
                writes: a.writes.max(b.writes),
            })
    }

    /// Applies the plan to one request.
    pub(crate) fn decide(&self, req: &Request) -> Decision {
        let mut decision = Decision::default();
        let Some(active) = self.active.read().clone() else {
            return decision;
        };
        let mut counts = active.counts.lock();
        for (i, (rule, count)) in active.rules.iter().zip(counts.iter_mut()).enumerate() {
            if !rule.matches(req) {
                continue;
            }
            count.matched += 1;
            if rule.times.is_some_and(|t| count.fired >= t) || !rule.schedule.hits(active.seed, i, count.matched) {
                continue;
            }
            count.fired += 1;
            decision.latency += rule.latency;
            match &rule.effect {
                Effect::Delay => {}
                Effect::Fail(f) if decision.failure.is_none() => decision.failure = Some((*f, false)),
                Effect::FailAfterRunning(f) if decision.failure.is_none() => decision.failure = Some((*f, true)),
                Effect::Unprocessed(n) => decision.unprocessed = decision.unprocessed.max(*n),
                Effect::Conflict if decision.conflict.is_none() => decision.conflict = Some(rule.clone()),
                Effect::Stale(_) | Effect::GsiLag(_) => decision.lagging.push(rule.clone()),
                _ => {}
            }
        }
        decision
    }
}

impl Rule {
    fn matches(&self, req: &Request) -> bool {
        self.operation.as_deref().is_none_or(|op| op == req.operation)
            && self.in_namespace(req.account, req.region)
            && self.table.as_deref().is_none_or(|t| req.tables.iter().any(|n| n == t))
            && self.index.as_deref().is_none_or(|i| req.index.as_deref() == Some(i))
            && (self.key.is_none() || req.keys.iter().any(|(t, item)| self.filters_item(t, item)))
    }

    fn in_namespace(&self, account: &str, region: &str) -> bool {
        self.account.as_deref().is_none_or(|a| a == account) && self.region.as_deref().is_none_or(|r| r == region)
    }

    /// Whether an item of `table` passes the rule's table and key filters.
    fn filters_item(&self, table: &str, item: &Item) -> bool {
        self.table.as_deref().is_none_or(|t| t == table) && self.key.as_ref().is_none_or(|k| k.matches(item))
    }
}

impl KeyMatch {
    fn matches(&self, item: &Item) -> bool {
        match self {
            KeyMatch::Equals(want) => want.iter().all(|(name, value)| item.get(name) == Some(value)),
            KeyMatch::Prefix { attribute, prefix } => {
                matches!(item.get(attribute), Some(AttributeValue::S(s)) if s.starts_with(prefix.as_str()))
            }
        }
    }
}

impl Schedule {
    /// Whether the `n`-th match (from 1) of rule `rule` fires under `seed`.
    fn hits(&self, seed: u64, rule: usize, n: u64) -> bool {
        match self {
            Schedule::Nth(list) => list.contains(&n),
            Schedule::Every(k) => n % k == 0,
            Schedule::Rate(rate) => unit(seed, rule as u64, n) < *rate,
        }
    }
}

/// A number in [0, 1) fixed by (seed, rule, n): SplitMix64's finaliser over the three, so each
/// rule's draws are independent of the others' and of request interleaving.
fn unit(seed: u64, rule: u64, n: u64) -> f64 {
    let mut z = seed ^ rule.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(table: &'static str) -> Request<'static> {
        Request {
            operation: "PutItem",
            account: "000000000000",
            region: "us-east-1",
            tables: vec![table.into()],
            index: None,
            keys: vec![(
                table,
                Item::from_iter([("pk".to_string(), AttributeValue::S("user#1".into()))]),
            )],
        }
    }

    fn fired(chaos: &Chaos, n: usize, table: &'static str) -> Vec<bool> {
        (0..n).map(|_| chaos.decide(&put(table)).failure.is_some()).collect()
    }

    fn rule(schedule: Schedule) -> Rule {
        Rule {
            operation: Some("PutItem".into()),
            table: Some("t".into()),
            effect: Effect::Fail(Failure::Throttling),
            schedule,
            ..Rule::default()
        }
    }

    #[test]
    fn a_seeded_rate_replays_identically_and_differs_by_seed() {
        let chaos = Chaos::default();
        let plan = |seed| Plan {
            seed,
            rules: vec![rule(Schedule::Rate(0.3))],
        };
        chaos.set(plan(7));
        let first = fired(&chaos, 200, "t");
        chaos.set(plan(7));
        assert_eq!(fired(&chaos, 200, "t"), first);
        let hits = first.iter().filter(|f| **f).count();
        assert!((40..=80).contains(&hits), "{hits} of 200 at rate 0.3");
        chaos.set(plan(8));
        assert_ne!(fired(&chaos, 200, "t"), first);
    }

    #[test]
    fn an_exact_schedule_counts_only_matching_requests_and_times_caps_it() {
        let chaos = Chaos::default();
        chaos.set(Plan {
            seed: 1,
            rules: vec![rule(Schedule::Nth(vec![3]))],
        });
        assert_eq!(fired(&chaos, 1, "other"), [false]);
        assert_eq!(fired(&chaos, 4, "t"), [false, false, true, false]);
        assert_eq!(chaos.counts(), [RuleCount { matched: 4, fired: 1 }]);
        chaos.set(Plan {
            seed: 1,
            rules: vec![Rule {
                times: Some(2),
                ..rule(Schedule::Rate(1.0))
            }],
        });
        assert_eq!(fired(&chaos, 3, "t"), [true, true, false]);
    }

    #[test]
    fn key_filters_match_exact_values_and_string_prefixes() {
        let item = Item::from_iter([("pk".to_string(), AttributeValue::S("user#1".into()))]);
        let prefix = |p: &str| KeyMatch::Prefix {
            attribute: "pk".into(),
            prefix: p.into(),
        };
        assert!(prefix("user#").matches(&item));
        assert!(!prefix("shop#").matches(&item));
        assert!(KeyMatch::Equals(item.clone()).matches(&item));
        let other = Item::from_iter([("pk".to_string(), AttributeValue::S("user#2".into()))]);
        assert!(!KeyMatch::Equals(other).matches(&item));
    }

    #[test]
    fn region_and_account_filters_keep_a_rule_to_its_namespace() {
        let chaos = Chaos::default();
        chaos.set(Plan {
            seed: 1,
            rules: vec![Rule {
                region: Some("us-east-1".into()),
                account: Some("000000000000".into()),
                ..rule(Schedule::Rate(1.0))
            }],
        });
        assert_eq!(fired(&chaos, 1, "t"), [true]);
        let elsewhere = |account, region| Request {
            account,
            region,
            ..put("t")
        };
        for req in [
            elsewhere("000000000000", "eu-west-1"),
            elsewhere("111111111111", "us-east-1"),
        ] {
            assert!(chaos.decide(&req).failure.is_none());
        }
    }

    #[test]
    fn lags_apply_to_their_tables_and_gsi_lag_only_to_global_indexes() {
        let chaos = Chaos::default();
        let lagging = |table: &str, effect| Rule {
            table: Some(table.into()),
            effect,
            ..Rule::default()
        };
        chaos.set(Plan {
            seed: 1,
            rules: vec![
                lagging("t", Effect::Stale(Lag { millis: 100, writes: 2 })),
                lagging("t", Effect::GsiLag(500)),
                lagging("u", Effect::GsiLag(900)),
            ],
        });
        let decision = chaos.decide(&put("t"));
        assert_eq!(decision.lag("t", None), Some(Lag { millis: 100, writes: 2 }));
        assert_eq!(
            decision.lag("t", Some(("lsi", false))),
            Some(Lag { millis: 100, writes: 2 })
        );
        assert_eq!(
            decision.lag("t", Some(("gsi", true))),
            Some(Lag { millis: 500, writes: 2 })
        );
        assert_eq!(decision.lag("u", Some(("gsi", true))), None, "u's rule did not match");
        assert_eq!(
            chaos.keep("000000000000", "us-east-1", "t"),
            Some(Keep { millis: 500, writes: 2 })
        );
        assert_eq!(chaos.keep("000000000000", "us-east-1", "v"), None);
        chaos.clear();
        assert_eq!(chaos.keep("000000000000", "us-east-1", "t"), None);
    }
}
