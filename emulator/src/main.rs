//! `dynamodb-emulator`: serves the DynamoDB API on a port, in memory, for any language's SDK.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{CommandFactory, Parser};
use dynamodb_emulator::server::Sweeper;
use dynamodb_emulator::Clock;
use dynamodb_emulator::Engine;

/// mimalloc gives memory freed by a large request or by deletes back to the system, where the
/// system allocator kept it; the library leaves the choice of allocator to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An in-memory DynamoDB emulator speaking the DynamoDB JSON 1.0 protocol.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free port (the line printed on start tells which).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// How often expired TTL items are deleted, in milliseconds; 0 disables background deletion.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    ttl_sweep_interval: u64,
    /// Start on a manual clock at the current time: time then moves only through
    /// `POST /_emulator/clock/advance`, and items expire only through `POST /_emulator/ttl/sweep`.
    #[arg(long)]
    manual_clock: bool,
    /// Verify SigV4 signatures: only these access keys are accepted, each with its secret and
    /// optionally its 12-digit account (default 000000000000). Without it any credentials work.
    #[arg(long, value_name = "ID:SECRET[:ACCOUNT],...")]
    credentials: Option<dynamodb_emulator::Credentials>,
    /// Attach the IAM identity policy in FILE (JSON) to access key KEY of --credentials: its
    /// requests are then authorized as on AWS (AccessDeniedException). Repeatable.
    #[arg(long, value_name = "KEY=FILE", requires = "credentials")]
    policy: Vec<String>,
    /// The token `/_emulator/` controls require (`Authorization: Bearer TOKEN`); when bound to a
    /// non-loopback address without one, a random token is made up and printed at start.
    #[arg(long, value_name = "TOKEN")]
    control_token: Option<String>,
    /// Log one line per request to stderr: operation, table, status, error type, latency.
    #[arg(long)]
    log_requests: bool,
    /// Load tables or items at start from a JSON file in the AWS CLI's formats: a create-table
    /// input (--cli-input-json) or batch-write-item request items. Repeatable; loaded in order.
    #[arg(long, value_name = "FILE")]
    seed: Vec<PathBuf>,
    /// Answer as DynamoDB does under load or failure, as the chaos plan in this JSON file says
    /// (throttling, server errors, partial batches, transaction conflicts, latency); its seed is
    /// printed at start so a run can be replayed. See the README's "Chaos" section.
    #[arg(long, value_name = "PLAN.json")]
    chaos: Option<PathBuf>,
    /// How long a client may take to send a request's headers, and how long a keep-alive
    /// connection may sit idle, before the connection is closed (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    header_timeout: u64,
    /// How long a client may take to send a request's body once its headers arrived, before the
    /// request is refused (408) and the connection closed (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    body_timeout: u64,
    /// -inMemory: accepted; the emulator keeps its data in memory unless given -dbPath.
    #[arg(long, help_heading = LOCAL)]
    in_memory: bool,
    /// -sharedDb: every client shares one set of tables, whatever its credentials and region (by
    /// default tables live per account and region, as on AWS).
    #[arg(long, help_heading = LOCAL)]
    shared_db: bool,
    /// -delayTransientStatuses: keep new tables CREATING, updated ones UPDATING, deleted ones
    /// DELETING and new global secondary indexes CREATING (backfilling) for MS milliseconds
    /// (default 500) on the emulator's clock, as DynamoDB does for seconds.
    #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "500", help_heading = LOCAL)]
    delay_transient_statuses: Option<u64>,
    /// -disableTelemetry: accepted; the emulator sends nothing anywhere.
    #[arg(long, help_heading = LOCAL)]
    disable_telemetry: bool,
    /// Keep the data in the directory DIR (created if missing) and load it from there at start:
    /// every acknowledged write survives the process, even kill -9 (-dbPath too).
    #[arg(long, value_name = "DIR")]
    db_path: Option<PathBuf>,
    /// -optimizeDbBeforeStartup: accepted with -dbPath; the database is always compacted at start.
    #[arg(long, help_heading = LOCAL)]
    optimize_db_before_startup: bool,
    /// -cors: accepted; every origin may call the emulator (answers carry `Access-Control-Allow-Origin: *`).
    #[arg(long, value_name = "ORIGINS", help_heading = LOCAL)]
    cors: Option<String>,
}

const LOCAL: &str = "DynamoDB Local's flags (-port and -help work too)";

/// DynamoDB Local's single-dash flags and ours, so that a script written for
/// `java -jar DynamoDBLocal.jar -port 8000 -inMemory -sharedDb` starts this binary unchanged.
const DYNAMODB_LOCAL_FLAGS: [(&str, &str); 9] = [
    ("-port", "--port"),
    ("-help", "--help"),
    ("-inMemory", "--in-memory"),
    ("-sharedDb", "--shared-db"),
    ("-delayTransientStatuses", "--delay-transient-statuses"),
    ("-disableTelemetry", "--disable-telemetry"),
    ("-dbPath", "--db-path"),
    ("-optimizeDbBeforeStartup", "--optimize-db-before-startup"),
    ("-cors", "--cors"),
];

/// Rewrites DynamoDB Local's flags into ours before clap sees them (clap would read `-port` as the
/// short flags `-p -o -r -t`). The word after a flag that requires a value is left as it is (an
/// optional value, as `--delay-transient-statuses` has, is never a dash word).
fn translate(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let command = Args::command();
    let takes_value = |long: &str| {
        command.get_arguments().any(|a| {
            a.get_long() == Some(long)
                && a.get_action().takes_values()
                && a.get_num_args().is_none_or(|n| n.min_values() != 0)
        })
    };
    let mut out = Vec::new();
    let mut is_value = false;
    for arg in args {
        let arg = match DYNAMODB_LOCAL_FLAGS
            .iter()
            .find(|(local, _)| !is_value && arg == **local)
        {
            Some((_, ours)) => OsString::from(ours),
            None => arg,
        };
        is_value = arg.to_str().and_then(|a| a.strip_prefix("--")).is_some_and(takes_value);
        out.push(arg);
    }
    out
}

impl Args {
    /// Refuses the DynamoDB Local flags the emulator cannot honour, each with why, and warns about
    /// the ones it accepts without their effect. Exits with status 2 (a usage error) when refusing.
    fn check(&self) {
        let refusal = if self.optimize_db_before_startup && self.db_path.is_none() {
            Some("-optimizeDbBeforeStartup (--optimize-db-before-startup) needs -dbPath")
        } else if self.in_memory && self.db_path.is_some() {
            Some("-inMemory (--in-memory) and -dbPath (--db-path) cannot be used together")
        } else {
            None
        };
        if let Some(message) = refusal {
            Args::command()
                .error(clap::error::ErrorKind::ArgumentConflict, message)
                .exit();
        }
        if self.cors.as_deref().is_some_and(|origins| origins != "*") {
            tracing::warn!("-cors lists origins, but the emulator allows every origin");
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse_from(translate(std::env::args_os()));
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    if args.log_requests {
        // Asked for explicitly, so shown whatever RUST_LOG says about the rest.
        let target = dynamodb_emulator::REQUEST_LOG_TARGET;
        filter = filter.add_directive(format!("{target}=info").parse().map_err(std::io::Error::other)?);
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .init();
    args.check();
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await?;
    let addr = listener.local_addr()?;
    let clock = if args.manual_clock {
        Clock::manual(std::time::SystemTime::now())
    } else {
        Clock::System
    };
    let mut engine = Engine::new(clock);
    engine.set_log_requests(args.log_requests);
    engine.set_shared_db(args.shared_db);
    engine.set_credentials(
        args.credentials
            .clone()
            .map(|creds| {
                args.policy.iter().try_fold(creds, |creds, entry| {
                    let (key, file) = entry
                        .split_once('=')
                        .ok_or(format!("--policy {entry}: expected KEY=FILE"))?;
                    let doc = std::fs::read_to_string(file).map_err(|e| format!("--policy {file}: {e}"))?;
                    creds
                        .with_policy(key, &doc)
                        .map_err(|e| format!("--policy {file}: {e}"))
                })
            })
            .transpose()
            .unwrap_or_else(|e| {
                eprintln!("error: {e}");
                std::process::exit(2);
            }),
    );
    engine.set_control_token(dynamodb_emulator::server::control_token_for(
        addr,
        args.control_token.clone(),
    ));
    if let Some(dir) = &args.db_path {
        let started = std::time::Instant::now();
        if let Err(e) = engine.open_db(dir) {
            eprintln!("error: cannot open --db-path {}: {e}", dir.display());
            std::process::exit(1);
        }
        tracing::info!(dir = %dir.display(), elapsed_ms = started.elapsed().as_millis() as u64, "database loaded");
    }
    for seed in &args.seed {
        if let Err(e) = engine.seed(seed) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        tracing::info!(file = %seed.display(), "seeded");
    }
    // After the seeds: a fixture's tables are ACTIVE from the start.
    engine.set_transient_delay(std::time::Duration::from_millis(
        args.delay_transient_statuses.unwrap_or(0),
    ));
    let mut chaos_seed = None;
    if let Some(path) = &args.chaos {
        let plan = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| text.parse::<dynamodb_emulator::chaos::Plan>());
        match plan {
            Ok(plan) => chaos_seed = Some(engine.chaos().set(plan)),
            Err(e) => {
                eprintln!("error: chaos plan {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    }
    let engine = Arc::new(engine);
    let _sweeper = Sweeper::start(&engine, std::time::Duration::from_millis(args.ttl_sweep_interval));
    let shutdown = shutdown_signal()?;
    println!("listening on http://{addr}");
    if let Some(seed) = chaos_seed {
        // Replaying a run needs only the plan and this seed.
        println!("chaos seed: {seed}");
    }
    if let (Some(token), None) = (engine.control_token(), &args.control_token) {
        println!("control token: {token}");
    }
    std::io::stdout().flush()?;
    tracing::info!(%addr, "dynamodb-emulator ready");
    let timeouts = dynamodb_emulator::server::Timeouts {
        header: std::time::Duration::from_millis(args.header_timeout),
        body: std::time::Duration::from_millis(args.body_timeout),
    };
    dynamodb_emulator::server::serve(listener, engine, timeouts, shutdown).await?;
    tracing::info!("shut down");
    Ok(())
}

/// Completes on SIGINT or SIGTERM. The handlers are installed by this call, not when the future is
/// first polled: a signal sent right after the ready line must stop the server cleanly, not kill
/// the process with the default action (tests stop the binary that way as soon as it is ready).
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (mut interrupt, mut terminate) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(args: &[&str]) -> Vec<String> {
        translate(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn dynamodb_local_flags_become_ours() {
        assert_eq!(
            translated(&[
                "bin",
                "-port",
                "8001",
                "-inMemory",
                "-sharedDb",
                "-delayTransientStatuses"
            ]),
            [
                "bin",
                "--port",
                "8001",
                "--in-memory",
                "--shared-db",
                "--delay-transient-statuses"
            ]
        );
        assert_eq!(translated(&["bin", "-help"]), ["bin", "--help"]);
        assert_eq!(
            translated(&["bin", "-delayTransientStatuses", "-sharedDb"]),
            ["bin", "--delay-transient-statuses", "--shared-db"]
        );
    }

    #[test]
    fn a_flag_value_is_never_rewritten() {
        assert_eq!(translated(&["bin", "--host", "-port"]), ["bin", "--host", "-port"]);
        assert_eq!(
            translated(&["bin", "-cors", "-sharedDb"]),
            ["bin", "--cors", "-sharedDb"]
        );
        assert_eq!(
            translated(&["bin", "--manual-clock", "-sharedDb"]),
            ["bin", "--manual-clock", "--shared-db"]
        );
    }

    #[test]
    fn the_transient_delay_is_optional_in_milliseconds() {
        let delay = |args: &[&str]| Args::parse_from(translated(args)).delay_transient_statuses;
        assert_eq!(delay(&["bin"]), None);
        assert_eq!(delay(&["bin", "-delayTransientStatuses", "-sharedDb"]), Some(500));
        assert_eq!(delay(&["bin", "--delay-transient-statuses", "1500"]), Some(1500));
    }

    #[test]
    fn every_alias_names_a_flag_clap_knows() {
        let command = Args::command();
        for (local, ours) in DYNAMODB_LOCAL_FLAGS {
            let long = ours.strip_prefix("--").unwrap();
            let known = long == "help" || command.get_arguments().any(|a| a.get_long() == Some(long));
            assert!(known, "{local} -> {ours}");
        }
    }
}
