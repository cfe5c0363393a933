//! `dynamodb-emulator`: serves the DynamoDB API on a port, in memory, for any language's SDK.

use std::io::Write;
use std::sync::Arc;

use clap::Parser;
use dynamodb_emulator::clock::Clock;
use dynamodb_emulator::server::Sweeper;
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
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await?;
    let addr = listener.local_addr()?;
    let clock = if args.manual_clock {
        Clock::manual(std::time::SystemTime::now())
    } else {
        Clock::System
    };
    let engine = Arc::new(Engine::new(clock));
    let _sweeper = Sweeper::start(&engine, std::time::Duration::from_millis(args.ttl_sweep_interval));
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    tracing::info!(%addr, "dynamodb-emulator ready");
    dynamodb_emulator::server::serve(listener, engine, shutdown_signal()).await?;
    tracing::info!("shut down");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
