//! `dynamodb-emulator`: serves the DynamoDB API on a port, in memory, for any language's SDK.

use std::io::Write;
use std::sync::Arc;

use clap::Parser;
use dynamodb_emulator::clock::Clock;
use dynamodb_emulator::Engine;

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
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await?;
    let addr = listener.local_addr()?;
    let engine = Arc::new(Engine::new(Clock::System));
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
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
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
