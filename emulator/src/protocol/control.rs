//! The emulator's own control endpoints, for tests that are not written in Rust. They live under
//! `/_emulator/`, a path the DynamoDB API never uses (it only POSTs to `/`), and skip the DynamoDB
//! target and authentication checks.
//!
//! - `GET  /_emulator/clock`: `{"mode": "manual"|"system", "now_millis": N}`
//! - `POST /_emulator/clock/advance` with `{"seconds": N}` or `{"millis": N}`: moves a manual
//!   clock forward and answers like `GET /_emulator/clock`
//! - `POST /_emulator/ttl/sweep`: deletes the items whose TTL has passed, `{"deleted": N}`
//! - `PUT /_emulator/snapshots/NAME`: snapshots the whole state under NAME (replacing one of that
//!   name); `POST /_emulator/snapshots/NAME/restore` puts it back (404 for an unknown name);
//!   `DELETE /_emulator/snapshots/NAME` forgets it; `GET /_emulator/snapshots` lists the names
//! - `POST /_emulator/reset`: deletes every table, stream, tag and policy (snapshots are kept)
//! - `PUT /_emulator/chaos` with a chaos plan (`protocol::chaos`): sets it, `{"seed": N}`;
//!   `GET /_emulator/chaos`: `{"seed": N|null, "rules": [{"matched": N, "fired": N}, ...]}`;
//!   `DELETE /_emulator/chaos`: no chaos any more
//!
//! When the engine has a control token (always when it listens on a non-loopback address, see
//! [`crate::server::control_token_for`]), each control request must carry
//! `Authorization: Bearer <token>`; otherwise 401.

use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::engine::Engine;

pub const PREFIX: &str = "/_emulator/";

/// Answers one control request: status and JSON body.
pub fn handle(engine: &Engine, method: &Method, path: &str, authorization: &str, body: &[u8]) -> (StatusCode, Value) {
    if let Some(token) = &engine.control_token {
        // Digests compared, so the time taken says nothing about how much of the token matched.
        let given = authorization.strip_prefix("Bearer ").unwrap_or("");
        if Sha256::digest(given.as_bytes()) != Sha256::digest(token.as_bytes()) {
            return error(
                StatusCode::UNAUTHORIZED,
                "this emulator's controls need its token: send Authorization: Bearer <token> (printed at start, or set with --control-token)",
            );
        }
    }
    match (path.trim_end_matches('/'), method) {
        ("clock", &Method::GET) => (StatusCode::OK, clock(engine)),
        ("clock/advance", &Method::POST) => advance(engine, body),
        ("ttl/sweep", &Method::POST) => (StatusCode::OK, json!({ "deleted": engine.sweep_expired() })),
        ("reset", &Method::POST) => {
            engine.reset();
            (StatusCode::OK, json!({}))
        }
        ("snapshots", &Method::GET) => (StatusCode::OK, snapshot_names(engine)),
        ("chaos", &Method::GET) => (StatusCode::OK, super::chaos::report(&engine.chaos)),
        ("chaos", &Method::PUT) => match std::str::from_utf8(body)
            .map_err(|e| e.to_string())
            .and_then(str::parse)
        {
            Ok(plan) => (StatusCode::OK, json!({ "seed": engine.chaos.set(plan) })),
            Err(e) => error(StatusCode::BAD_REQUEST, e),
        },
        ("chaos", &Method::DELETE) => {
            engine.chaos.clear();
            (StatusCode::OK, json!({}))
        }
        (path, method) if path.starts_with("snapshots/") => snapshot(engine, method, &path["snapshots/".len()..]),
        ("clock", _) | ("clock/advance", _) | ("ttl/sweep", _) | ("reset", _) | ("snapshots", _) | ("chaos", _) => {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} is not allowed on {PREFIX}{path}"),
            )
        }
        _ => error(StatusCode::NOT_FOUND, format!("no emulator control at {PREFIX}{path}")),
    }
}

fn snapshot_names(engine: &Engine) -> Value {
    json!({ "names": engine.snapshots.lock().keys().collect::<Vec<_>>() })
}

/// `PUT NAME`, `DELETE NAME` or `POST NAME/restore` under `/_emulator/snapshots/`.
fn snapshot(engine: &Engine, method: &Method, rest: &str) -> (StatusCode, Value) {
    let (name, restore) = match rest.strip_suffix("/restore") {
        Some(name) => (name, true),
        None => (rest, false),
    };
    if name.is_empty() || name.contains('/') {
        return error(
            StatusCode::NOT_FOUND,
            format!("no emulator control at {PREFIX}snapshots/{rest}"),
        );
    }
    let found = |snapshot: Option<&crate::store::Snapshot>| match snapshot {
        Some(_) => (StatusCode::OK, json!({ "name": name })),
        None => error(StatusCode::NOT_FOUND, format!("no snapshot named {name:?}")),
    };
    match (method, restore) {
        (&Method::PUT, false) => {
            let snapshot = engine.snapshot();
            engine.snapshots.lock().insert(name.to_string(), snapshot);
            (StatusCode::OK, json!({ "name": name }))
        }
        (&Method::DELETE, false) => found(engine.snapshots.lock().remove(name).as_ref()),
        (&Method::POST, true) => {
            // Cloned (O(tables)) so the restore runs without holding the snapshots' lock.
            let snapshot = engine.snapshots.lock().get(name).cloned();
            if let Some(snapshot) = &snapshot {
                engine.restore(snapshot);
            }
            found(snapshot.as_ref())
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not allowed on {PREFIX}snapshots/{rest}"),
        ),
    }
}

fn clock(engine: &Engine) -> Value {
    let mode = match *engine.clock {
        Clock::System => "system",
        Clock::Manual(_) => "manual",
    };
    json!({ "mode": mode, "now_millis": engine.clock.now_millis() })
}

fn advance(engine: &Engine, body: &[u8]) -> (StatusCode, Value) {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let amount = |key: &str| parsed.as_ref().and_then(|v| v.get(key)).and_then(Value::as_f64);
    let millis = match (amount("seconds"), amount("millis")) {
        (Some(s), None) => s * 1000.0,
        (None, Some(ms)) => ms,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "expected a JSON body {\"seconds\": N} or {\"millis\": N}",
            )
        }
    };
    if !(0.0..=1e15).contains(&millis) {
        return error(
            StatusCode::BAD_REQUEST,
            "the clock only moves forward: give a non-negative amount",
        );
    }
    if matches!(*engine.clock, Clock::System) {
        return error(
            StatusCode::CONFLICT,
            "this emulator runs on the system clock; start it with a manual clock (--manual-clock) to move time",
        );
    }
    if !engine
        .clock
        .advance(std::time::Duration::from_millis(millis.round() as u64))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "the clock cannot pass 9999-12-31T23:59:59.999Z, the last time an HTTP date can show",
        );
    }
    (StatusCode::OK, clock(engine))
}

/// A new control token: 128 bits from the operating system's random source, in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    #[allow(clippy::expect_used)] // A guessable token would be worse than failing.
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    hex::encode(bytes)
}

fn error(status: StatusCode, message: impl Into<String>) -> (StatusCode, Value) {
    (status, json!({ "error": message.into() }))
}
