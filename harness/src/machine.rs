//! The state-machine runner: random sequences of adapter operations and clock steps, run against
//! an adapter and an in-memory model (or against two targets), shrunk to a short numbered
//! sequence on failure.
//!
//! Hand-rolled on plain proptest strategies rather than `proptest-state-machine`: the adapters
//! are async and keep their own ids, so a suite is just "a strategy for one operation, a way to
//! run it, and a model that says what it must answer". A run creates the suite's table once
//! (uniquely named, so safe on a shared endpoint) and deletes it at the end, also when the run
//! fails; each case starts on the emptied table with a fresh adapter and model. Its [`Report`]
//! says what the run cost the target.

use std::cell::Cell;
use std::fmt::{self, Debug};
use std::future::Future;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use tokio::runtime::Runtime;

use crate::table::RunTable;
use crate::{Cost, Env, Error};

/// One adapter under test, its operations and its model.
pub trait Suite {
    const NAME: &'static str;
    /// What the run's table name says it is for.
    const TABLE: &'static str;
    /// One adapter operation (with its arguments), printed in failure reports.
    type Op: Clone + Debug + 'static;
    /// The in-memory reference: what the adapter must answer.
    type Model: Default;
    /// The adapter (and whatever the suite remembers of its answers) for one case.
    type Sut;

    /// One random operation. `clock` is false when the target's clock cannot move: expiries must
    /// then lie an hour or more ahead, so nothing expires during the run.
    fn op(clock: bool) -> BoxedStrategy<Self::Op>;
    /// Creates the run's table, named `table`, as the adapter's documentation asks, and waits
    /// until it can be used. Once per run: the cases share it.
    fn create_table(env: &Env, table: &str) -> impl Future<Output = Result<(), Error>>;
    /// The adapter for one case, on the run's table (emptied before every case).
    fn setup(env: &Env, table: &str) -> Self::Sut;
    /// Runs `op` through the adapter; what it answered, rendered with `{:?}`.
    fn run(env: &Env, sut: &mut Self::Sut, op: &Self::Op) -> impl Future<Output = String>;
    /// What the adapter must answer to `op` at time `now`, rendered the same way.
    fn model(model: &mut Self::Model, now: i64, op: &Self::Op) -> String;
    /// Applies a TTL sweep at `now` to the model; how many items the store must delete.
    fn sweep(model: &mut Self::Model, now: i64) -> usize;
}

/// One step of a sequence: an operation, or a move of the clock.
#[derive(Clone)]
pub enum Step<Op> {
    Op(Op),
    /// The emulator's clock (and the adapters') moves forward this many seconds.
    Advance(u64),
    /// The emulator deletes expired items now.
    Sweep,
}

impl<Op: Debug> Debug for Step<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Op(op) => write!(f, "{op:?}"),
            Step::Advance(s) => write!(f, "advance clock {s}s"),
            Step::Sweep => f.write_str("sweep expired items"),
        }
    }
}

/// Clock moves that hit TTL boundaries: a second, a minute, an hour, a day.
pub fn clock_step() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![1u64, 59, 60, 61, 600, 3599, 3600, 3601, 86_400])
}

/// A sequence of steps; clock steps only when the target's clock can move.
pub fn steps<S: Suite>(clock: bool) -> BoxedStrategy<Vec<Step<S::Op>>> {
    let op = S::op(clock).prop_map(Step::Op);
    let step = if clock {
        prop_oneof![
            8 => op,
            2 => clock_step().prop_map(Step::Advance),
            1 => Just(Step::Sweep),
        ]
        .boxed()
    } else {
        op.boxed()
    };
    prop::collection::vec(step, 1..=MAX_STEPS).boxed()
}

/// The longest generated sequence.
pub const MAX_STEPS: usize = 24;

/// Cases per suite: `PROPTEST_CASES` when set, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A suite run that passed.
#[derive(Debug)]
pub struct Report {
    pub suite: &'static str,
    pub target: String,
    pub cases: u32,
    /// What this target could not check (clock steps on an endpoint), never silently passed.
    pub skipped: Option<String>,
    /// What the run asked of each target it ran on (table setup, cases and cleanup).
    pub cost: Vec<(String, Cost)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} against {}: {} cases passed", self.suite, self.target, self.cases)?;
        if let Some(s) = &self.skipped {
            write!(f, "; SKIPPED: {s}")?;
        }
        for (target, cost) in &self.cost {
            write!(f, "\n  cost on {target}: {cost}")?;
        }
        Ok(())
    }
}

/// A suite run that found a divergence: the shrunk sequence and where it went wrong.
#[derive(Debug)]
pub struct Failure {
    pub suite: &'static str,
    pub target: String,
    /// The minimal failing sequence, one rendered step per entry, ending at the divergent step.
    pub steps: Vec<String>,
    /// The first divergence of that sequence: the step, the request and both answers.
    pub divergence: String,
    /// A command that runs the same cases again (same seed and count), so the same sequence.
    pub replay: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} against {}: {}", self.suite, self.target, self.divergence)?;
        writeln!(f, "minimal failing sequence:")?;
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(f, "  {:>2}. {step}", i + 1)?;
        }
        writeln!(f, "replay: {}", self.replay)
    }
}

/// Where a case failed: the 0-based step that diverged (none when setup or teardown failed).
struct Divergence {
    step: Option<usize>,
    message: String,
}

impl Divergence {
    fn at(step: usize, message: String) -> Divergence {
        Divergence {
            step: Some(step),
            message,
        }
    }

    fn outside(message: String) -> Divergence {
        Divergence { step: None, message }
    }
}

/// A proptest run's seed, so a failure can say how to replay it, and the step the last failing
/// case diverged at (proptest reports the last failing case as the minimal one).
struct Run {
    seed: u64,
    cases: u32,
    diverged: Cell<Option<usize>>,
}

impl Run {
    /// A runner seeded with `PROPTEST_RNG_SEED` when set, else with a fresh random seed.
    fn new(cases: u32) -> (TestRunner, Run) {
        let config = Config::default();
        let seed = match config.rng_seed {
            RngSeed::Fixed(seed) => seed,
            RngSeed::Random => {
                use std::hash::{BuildHasher, Hasher};
                std::collections::hash_map::RandomState::new().build_hasher().finish()
            }
        };
        let runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 2048,
            rng_seed: RngSeed::Fixed(seed),
            ..config
        });
        let run = Run {
            seed,
            cases,
            diverged: Cell::new(None),
        };
        (runner, run)
    }

    /// A failure of the run as a whole (its table could not be created or deleted): no steps.
    fn failure<S: Suite>(&self, target: &str, divergence: String) -> Failure {
        Failure {
            suite: S::NAME,
            target: target.to_string(),
            steps: vec![],
            divergence,
            replay: self.replay(),
        }
    }

    /// Turns a case's divergence into proptest's failure, noting its step.
    fn fail(&self, d: Divergence) -> TestCaseError {
        self.diverged.set(d.step);
        TestCaseError::fail(d.message)
    }

    /// The command that replays this run: the running test (libtest names its thread after it)
    /// with the same seed, case count and endpoint.
    fn replay(&self) -> String {
        let endpoint = std::env::var("DYNAMODB_ENDPOINT")
            .map(|e| format!("DYNAMODB_ENDPOINT={e} "))
            .unwrap_or_default();
        let test = std::thread::current()
            .name()
            .filter(|name| *name != "main")
            .map(|name| format!(" -- --exact {name}"))
            .unwrap_or_default();
        format!(
            "{endpoint}PROPTEST_RNG_SEED={} PROPTEST_CASES={} cargo test --release -p conformance-tests{test}",
            self.seed, self.cases
        )
    }
}

impl std::error::Error for Failure {}

fn skipped(env: &Env) -> Option<String> {
    (!env.controls_clock())
        .then(|| "clock steps (advance, expiry, TTL sweep): this target's clock cannot be moved".into())
}

/// Runs `cases` random sequences against the suite's adapter on `env` and its model.
pub fn check<S: Suite>(rt: &Runtime, env: &Env, cases: u32) -> Result<Report, Failure> {
    let (mut runner, run) = Run::new(cases);
    let target = env.target().to_string();
    let before = env.cost();
    let table = run_table::<S>(rt, env).map_err(|e| run.failure::<S>(&target, format!("setup failed: {e}")))?;
    let outcome = runner.run(&steps::<S>(env.controls_clock()), |steps| {
        rt.block_on(against_model::<S>(env, &table, &steps))
            .map_err(|d| run.fail(d))
    });
    let deleted = table.delete();
    let cost = vec![(target.clone(), env.cost().since(&before))];
    finish::<S>(&run, outcome, deleted, target, skipped(env), cost)
}

/// Runs `cases` random sequences against two targets and compares every answer (results and
/// error codes); the failure names the first step where they differ. Clock steps only when both
/// clocks can move.
pub fn differential<S: Suite>(rt: &Runtime, a: &Env, b: &Env, cases: u32) -> Result<Report, Failure> {
    let clock = a.controls_clock() && b.controls_clock();
    let (mut runner, run) = Run::new(cases);
    let target = format!("{} vs {}", a.target(), b.target());
    let (a_before, b_before) = (a.cost(), b.cost());
    let setup = |env| run_table::<S>(rt, env).map_err(|e| run.failure::<S>(&target, format!("setup failed: {e}")));
    let (a_table, b_table) = (setup(a)?, setup(b)?);
    align_clocks(a, b);
    let outcome = runner.run(&steps::<S>(clock), |steps| {
        rt.block_on(async {
            let left = answers::<S>(a, &a_table, &steps).await?;
            let right = answers::<S>(b, &b_table, &steps).await?;
            match left.iter().zip(&right).position(|(l, r)| l != r) {
                None => Ok(()),
                Some(i) => Err(Divergence::at(
                    i,
                    format!(
                        "first divergence at step {} ({:?}): {} answered {}; {} answered {}",
                        i + 1,
                        steps[i],
                        a.target(),
                        left[i],
                        b.target(),
                        right[i]
                    ),
                )),
            }
        })
        .map_err(|d| run.fail(d))
    });
    let deleted = a_table.delete().and(b_table.delete());
    let cost = vec![
        (a.target().to_string(), a.cost().since(&a_before)),
        (b.target().to_string(), b.cost().since(&b_before)),
    ];
    let skipped = (!clock).then(|| "clock steps: a target's clock cannot be moved".to_string());
    finish::<S>(&run, outcome, deleted, target, skipped, cost)
}

/// Moves the clock that is behind to the other's: tables that settled after different numbers
/// of polls (an endpoint whose tables are ACTIVE at once against an emulator with transient
/// statuses) moved the two clocks by different waits, and every timestamp the adapters write
/// would differ by that wait though neither target diverged.
fn align_clocks(a: &Env, b: &Env) {
    a.catch_up(b.now());
    b.catch_up(a.now());
}

/// The suite's table for one run on `env`.
fn run_table<'a, S: Suite>(rt: &'a Runtime, env: &'a Env) -> Result<RunTable<'a>, Error> {
    let name = env.table_name(S::TABLE);
    let admin = env.unrestricted();
    RunTable::create(rt, env, name.clone(), S::create_table(&admin, &name))
}

fn finish<S: Suite>(
    run: &Run,
    outcome: Result<(), TestError<Vec<Step<S::Op>>>>,
    deleted: Result<(), Error>,
    target: String,
    skipped: Option<String>,
    cost: Vec<(String, Cost)>,
) -> Result<Report, Failure> {
    let (divergence, steps) = match outcome {
        Ok(()) => {
            return match deleted {
                Ok(()) => Ok(Report {
                    suite: S::NAME,
                    target,
                    cases: run.cases,
                    skipped,
                    cost,
                }),
                Err(e) => Err(run.failure::<S>(&target, format!("deleting the run's table failed: {e}"))),
            };
        }
        Err(TestError::Fail(reason, mut steps)) => {
            // Steps after the divergent one were never compared: leave them out.
            if let Some(last) = run.diverged.get() {
                steps.truncate(last + 1);
            }
            (reason.message().to_string(), steps)
        }
        Err(TestError::Abort(reason)) => (format!("aborted: {reason}"), vec![]),
    };
    Err(Failure {
        steps: steps.iter().map(|s| format!("{s:?}")).collect(),
        ..run.failure::<S>(&target, divergence)
    })
}

async fn against_model<S: Suite>(env: &Env, table: &RunTable<'_>, steps: &[Step<S::Op>]) -> Result<(), Divergence> {
    let mut sut = case::<S>(env, table).await?;
    let mut model = S::Model::default();
    for (i, step) in steps.iter().enumerate() {
        let (actual, expected) = match step {
            Step::Op(op) => {
                // The model reads the clock after the operation: a port that creates its table
                // on first use waits for ACTIVE, and that wait moves an emulator's clock.
                let actual = S::run(env, &mut sut, op).await;
                (actual, S::model(&mut model, env.now(), op))
            }
            Step::Advance(secs) => {
                env.advance(*secs);
                continue;
            }
            Step::Sweep => (
                format!("{:?}", env.sweep().unwrap_or_default()),
                format!("{:?}", S::sweep(&mut model, env.now())),
            ),
        };
        if actual != expected {
            return Err(Divergence::at(
                i,
                format!(
                    "step {} ({step:?}) diverged\n  model expected: {expected}\n  adapter answered: {actual}",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

async fn answers<S: Suite>(env: &Env, table: &RunTable<'_>, steps: &[Step<S::Op>]) -> Result<Vec<String>, Divergence> {
    let mut sut = case::<S>(env, table).await?;
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        out.push(match step {
            Step::Op(op) => S::run(env, &mut sut, op).await,
            Step::Advance(secs) => {
                env.advance(*secs);
                String::new()
            }
            Step::Sweep => format!("{:?}", env.sweep()),
        });
    }
    Ok(out)
}

/// A case's start: the run's table emptied, a fresh adapter on it.
async fn case<S: Suite>(env: &Env, table: &RunTable<'_>) -> Result<S::Sut, Divergence> {
    table
        .clear()
        .await
        .map_err(|e| Divergence::outside(format!("emptying {} on {} failed: {e}", table.name(), env.target())))?;
    Ok(S::setup(env, table.name()))
}

/// Renders an answer the way suites compare them.
pub fn show<T: Debug>(answer: &T) -> String {
    format!("{answer:?}")
}
