//! Where a suite runs, and what it may control there.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::config::retry::{RetryConfig, RetryPartition};
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::chaos::Plan;
use dynamodb_emulator::Emulator;
#[cfg(feature = "faults")]
use dynamodb_emulator::Fault;

use crate::adapters::Waiter;
use crate::cost::{Cost, Meter};
use crate::{Error, Now};

/// A DynamoDB to run against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A fresh emulator, reached through the in-process transport (no socket). The default.
    InProcess,
    /// A fresh emulator, reached over HTTP on 127.0.0.1.
    Http,
    /// Any endpoint reachable over plain `http://` (DynamoDB Local, another emulator process),
    /// with credentials and region from the standard AWS environment variables. `https://` is
    /// not supported: the SDK is built without a TLS client.
    Endpoint(String),
}

impl Target {
    /// What `cargo test` runs against: `DYNAMODB_ENDPOINT` alone when it is set, else the
    /// emulator in-process and over HTTP.
    pub fn from_env() -> Vec<Target> {
        match std::env::var("DYNAMODB_ENDPOINT") {
            Ok(url) if !url.is_empty() => vec![Target::Endpoint(url)],
            _ => vec![Target::InProcess, Target::Http],
        }
    }

    /// Whether this target is an emulator this process starts (so its clock is controllable).
    pub fn is_emulator(&self) -> bool {
        !matches!(self, Target::Endpoint(_))
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::InProcess => f.write_str("emulator (in-process)"),
            Target::Http => f.write_str("emulator (HTTP)"),
            Target::Endpoint(url) => write!(f, "endpoint {url}"),
        }
    }
}

/// Attempts per request in resilience mode: enough to outlast any run of failures the
/// resilience plans schedule.
pub const RESILIENT_ATTEMPTS: u32 = 5;

/// Attempts per request on an endpoint, in the SDK's adaptive retry mode (exponential backoff
/// from DynamoDB's throttling answers, and a client-side rate limit once throttled): a run slows
/// down on a busy table instead of failing at the SDK's default of three attempts.
pub const ENDPOINT_ATTEMPTS: u32 = 8;

/// How long the emulator targets keep tables and new indexes in their transient statuses, so the
/// ports' waits are exercised as on DynamoDB (where they take seconds).
pub const TRANSIENT_DELAY: Duration = Duration::from_millis(500);

/// How to start an [`Env`].
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    /// Test-only emulator fault (emulator targets only; feature `faults`).
    #[cfg(feature = "faults")]
    pub fault: Option<Fault>,
    /// Resilience mode: the emulator answers with DynamoDB's failures as this plan says, and the
    /// client retries as the SDK's standard mode does, with a 1 ms backoff and up to
    /// [`RESILIENT_ATTEMPTS`] attempts (emulator targets only).
    pub chaos: Option<Plan>,
    /// The emulator's manual clock start, in epoch seconds; default 1 700 000 000. Ignored for
    /// an endpoint, whose clock is the real one.
    pub start: Option<i64>,
    /// An IAM identity policy (JSON) the suite's adapters act under, to check that a policy grants
    /// an adapter all it needs. On an emulator target their requests are signed with the access
    /// key [`POLICY_KEY`], so refusals name `user/app`; the harness itself creates, empties and
    /// deletes the run's table with an unrestricted key. An endpoint enforces its own policies
    /// (our binary: `--credentials` and `--policy`), so there the adapters sign with the
    /// environment's key, which the endpoint restricts, and the harness with the admin key of
    /// [`ADMIN_KEY_VARS`], required then. When `None`, the file named by `DYNAMODB_POLICY`, if set.
    pub policy: Option<String>,
}

/// The access key the adapters' requests are signed with when a policy is given.
pub const POLICY_KEY: &str = "app";

/// The unrestricted access key the harness's own requests use when a policy is given.
const ADMIN_KEY: &str = "admin";

/// The environment variables naming the key (id, secret) the harness manages an endpoint's run
/// tables with, when set, while the adapters use `AWS_ACCESS_KEY_ID`.
pub const ADMIN_KEY_VARS: [&str; 2] = ["DYNAMODB_ADMIN_ACCESS_KEY_ID", "DYNAMODB_ADMIN_SECRET_ACCESS_KEY"];

impl EnvOptions {
    /// Whether these options ask for what only an emulator offers (a fault, a chaos plan).
    fn emulator_only(&self) -> bool {
        #[cfg(feature = "faults")]
        if self.fault.is_some() {
            return true;
        }
        self.chaos.is_some()
    }
}

/// A connected target: an SDK client, the emulator when this process started one, and the clock
/// the adapters see.
///
/// On an emulator the clock is the emulator's manual clock: it moves only with
/// [`Env::advance`], and expired items go only with [`Env::sweep`]. On an endpoint the clock
/// is frozen at the real time the `Env` started and cannot be moved; suites then leave out clock
/// steps and give every expiry an hour or more, so nothing can expire while they run.
pub struct Env {
    target: Target,
    client: Client,
    /// The run's table management: `client` itself unless a policy restricts it.
    admin: Client,
    meter: Meter,
    emulator: Option<Emulator>,
    now: Arc<AtomicI64>,
    prefix: String,
    tables: AtomicU64,
}

impl Env {
    /// Connects to `target` (starting an emulator for the emulator targets). Needs a tokio
    /// runtime.
    pub async fn start(target: Target, options: EnvOptions) -> Result<Env, Error> {
        let real_now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let policy = match options.policy.clone() {
            Some(policy) => Some(policy),
            None => policy_from_env()?,
        };
        let (client, admin, retry, emulator, now) = match &target {
            Target::InProcess | Target::Http => {
                let start = options.start.unwrap_or(1_700_000_000);
                let mut builder = Emulator::builder()
                    .manual_clock(UNIX_EPOCH + Duration::from_secs(start.max(0) as u64))
                    .delay_transient_statuses(TRANSIENT_DELAY);
                if let Some(policy) = &policy {
                    let keys: dynamodb_emulator::Credentials =
                        format!("{ADMIN_KEY}:{ADMIN_KEY},{POLICY_KEY}:{POLICY_KEY}")
                            .parse()
                            .map_err(|e| Error::new("InvalidCredentials", e))?;
                    let keys = keys
                        .with_policy(POLICY_KEY, policy)
                        .map_err(|e| Error::new("InvalidPolicy", e))?;
                    builder = builder.credentials(keys);
                }
                #[cfg(feature = "faults")]
                if let Some(fault) = options.fault {
                    builder = builder.fault(fault);
                }
                let resilient = options.chaos.is_some();
                if let Some(plan) = options.chaos {
                    builder = builder.chaos(plan);
                }
                let emulator = builder
                    .start()
                    .await
                    .map_err(|e| Error::new("TransportError", e.to_string()))?;
                let client = match target {
                    Target::InProcess => emulator.client(),
                    _ => emulator.http_client(),
                };
                let (client, admin) = match policy {
                    Some(_) => (
                        signed(&client, POLICY_KEY, POLICY_KEY),
                        signed(&client, ADMIN_KEY, ADMIN_KEY),
                    ),
                    None => (client.clone(), client),
                };
                let retry = resilient.then(|| {
                    RetryConfig::standard()
                        .with_max_attempts(RESILIENT_ATTEMPTS)
                        .with_initial_backoff(Duration::from_millis(1))
                });
                (client, admin, retry, Some(emulator), start)
            }
            Target::Endpoint(url) => {
                if options.emulator_only() {
                    return Err(Error::new("Unsupported", "faults and chaos exist only in the emulator"));
                }
                // Adaptive mode: throttled requests also slow the client's own sending rate.
                let retry = RetryConfig::adaptive().with_max_attempts(ENDPOINT_ATTEMPTS);
                let client = endpoint_client(url)?;
                let admin = match ADMIN_KEY_VARS.map(var) {
                    [Some(id), Some(secret)] => signed(&client, &id, &secret),
                    _ if policy.is_some() => {
                        return Err(Error::new(
                            "Unsupported",
                            format!(
                                "a policy run against an endpoint needs {} and {}: the harness manages its table with that key while the adapters use AWS_ACCESS_KEY_ID, which the endpoint must restrict by the policy (our binary: --credentials and --policy)",
                                ADMIN_KEY_VARS[0], ADMIN_KEY_VARS[1]
                            ),
                        ))
                    }
                    _ => client.clone(),
                };
                (client, admin, Some(retry), None, real_now.as_secs() as i64)
            }
        };
        let meter = Meter::default();
        let prefix = format!(
            "harness-{:x}-{:x}",
            std::process::id(),
            real_now.as_nanos() as u64 & 0xff_ffff_ffff
        );
        // The SDK keeps one retry quota (token bucket) per retry partition for the whole process;
        // a partition of the `Env`'s own keeps suites running at once from draining each
        // other's quota, which made a retryable error reach an adapter by chance.
        let partition = RetryPartition::new(prefix.clone());
        let metered = |client: Client| {
            let mut config = client
                .config()
                .to_builder()
                .interceptor(meter.clone())
                .retry_partition(partition.clone());
            if let Some(retry) = retry.clone() {
                config = config.retry_config(retry);
            }
            Client::from_conf(config.build())
        };
        Ok(Env {
            target,
            client: metered(client),
            admin: metered(admin),
            meter,
            emulator,
            now: Arc::new(AtomicI64::new(now)),
            prefix,
            tables: AtomicU64::new(0),
        })
    }

    /// The emulator this `Env` started, if any: for its chaos plan's counts.
    pub fn emulator(&self) -> Option<&Emulator> {
        self.emulator.as_ref()
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The adapters' client: restricted by [`EnvOptions::policy`] when one is given.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The harness's own client for the run's table, never restricted by a policy.
    pub fn admin(&self) -> &Client {
        &self.admin
    }

    /// This `Env` with the adapters' client unrestricted too (the same emulator, clock and
    /// meter): a suite creates its run's table through it, as an app's deployment would with
    /// other rights than the app's.
    pub fn unrestricted(&self) -> Env {
        Env {
            target: self.target.clone(),
            client: self.admin.clone(),
            admin: self.admin.clone(),
            meter: self.meter.clone(),
            emulator: self.emulator.clone(),
            now: self.now.clone(),
            prefix: self.prefix.clone(),
            tables: AtomicU64::new(self.tables.load(Ordering::SeqCst)),
        }
    }

    /// What this `Env`'s client has asked of the target so far (every request it sent).
    pub fn cost(&self) -> Cost {
        self.meter.snapshot()
    }

    /// Whether [`Env::advance`] and [`Env::sweep`] work here (an emulator target).
    pub fn controls_clock(&self) -> bool {
        self.emulator.is_some()
    }

    /// The adapters' time, epoch seconds.
    pub fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    /// The adapters' clock, to hand to an adapter.
    pub fn clock(&self) -> Now {
        let now = self.now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    }

    /// Moves the emulator's clock (and the adapters') forward.
    ///
    /// # Panics
    /// On an endpoint, whose clock cannot be moved: check [`Env::controls_clock`] first.
    #[allow(clippy::expect_used)] // The documented panic above.
    pub fn advance(&self, secs: u64) {
        let emulator = self.emulator.as_ref().expect("the clock of an endpoint cannot move");
        step(emulator, &self.now, secs);
    }

    /// Moves the adapters' clock (and an emulator's) forward to `to` if it is behind. On an
    /// endpoint only the adapters' clock moves, as a waiter's sleep moves it; the suites' expiries
    /// of an hour or more make a few seconds ahead of the endpoint's clock harmless.
    pub fn catch_up(&self, to: i64) {
        let lag = to - self.now();
        if lag > 0 {
            match &self.emulator {
                Some(emulator) => step(emulator, &self.now, lag as u64),
                None => {
                    self.now.fetch_add(lag, Ordering::SeqCst);
                }
            }
        }
    }

    /// How the ports wait for ACTIVE here: the JS SDK waiter's backoff, from 2 s (the SDK's
    /// default is 20 s; callers may lower it, and the harness does to keep runs short) up to 30 s.
    /// The adapters' clock moves by each wait, in whole seconds: on an emulator the wait is a step
    /// of both manual clocks (no real sleep), on an endpoint a real sleep, so two targets whose
    /// tables settle on the same poll keep equal clocks.
    pub fn waiter(&self) -> Waiter {
        let (emulator, now) = (self.emulator.clone(), self.now.clone());
        Waiter {
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            ..Waiter::js_sdk(Arc::new(move |d: Duration| {
                let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
                match &emulator {
                    Some(emulator) => {
                        step(emulator, &now, secs);
                        Box::pin(std::future::ready(()))
                    }
                    None => {
                        now.fetch_add(secs as i64, Ordering::SeqCst);
                        Box::pin(tokio::time::sleep(Duration::from_secs(secs)))
                    }
                }
            }))
        }
    }

    /// Deletes what has expired, now; how many items. `None` on an endpoint.
    pub fn sweep(&self) -> Option<usize> {
        self.emulator.as_ref().map(Emulator::sweep_expired)
    }

    /// A table name no other suite, run or process uses.
    pub fn table_name(&self, what: &str) -> String {
        let n = self.tables.fetch_add(1, Ordering::SeqCst);
        format!("{}-{what}-{n}", self.prefix)
    }

    /// Deletes a table if it exists.
    pub async fn delete_table(&self, name: &str) -> Result<(), Error> {
        match self.admin.delete_table().table_name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = Error::from(e);
                if e.code == "ResourceNotFoundException" {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// Moves the emulator's manual clock and the adapters' together.
fn step(emulator: &Emulator, now: &AtomicI64, secs: u64) {
    assert!(emulator.advance(Duration::from_secs(secs)));
    now.fetch_add(secs as i64, Ordering::SeqCst);
}

/// The policy in the file `DYNAMODB_POLICY` names, when set.
fn policy_from_env() -> Result<Option<String>, Error> {
    match std::env::var("DYNAMODB_POLICY") {
        Ok(path) if !path.is_empty() => std::fs::read_to_string(&path)
            .map(Some)
            .map_err(|e| Error::new("InvalidPolicy", format!("DYNAMODB_POLICY={path}: {e}"))),
        _ => Ok(None),
    }
}

/// `client` signing with the access key `id` and its `secret`.
fn signed(client: &Client, id: &str, secret: &str) -> Client {
    let credentials = Credentials::new(id, secret, None, None, "harness");
    Client::from_conf(client.config().to_builder().credentials_provider(credentials).build())
}

/// The environment variable `name`, unless unset or empty.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A plain-HTTP client for `url`, with credentials and region from the environment when set.
fn endpoint_client(url: &str) -> Result<Client, Error> {
    if !url.starts_with("http://") {
        return Err(Error::new(
            "Unsupported",
            format!("{url}: only plain http:// endpoints are supported (no TLS client is built)"),
        ));
    }
    let client = dynamodb_emulator::transport_for_endpoint(url);
    let mut config = client.config().to_builder();
    if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        config = config.credentials_provider(Credentials::new(
            id,
            secret,
            var("AWS_SESSION_TOKEN"),
            None,
            "environment",
        ));
    }
    if let Some(region) = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")) {
        config = config.region(Region::new(region));
    }
    Ok(Client::from_conf(config.build()))
}
