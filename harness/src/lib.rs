//! Rust ports of the DynamoDB adapters apps use, and property-based conformance suites that run
//! them against the emulator or any endpoint.
//!
//! - [`adapters`]: small ports whose tables and calls follow the published packages (Shopify
//!   session storage, the Auth.js adapter, unstorage's KV driver, Jovo's user store) plus a
//!   register/login flow. They know nothing about the emulator: they take an
//!   `aws_sdk_dynamodb::Client`.
//! - [`Target`] and [`Env`]: where a suite runs (the in-process emulator, the emulator over HTTP,
//!   or `DYNAMODB_ENDPOINT`), unique table names, and the clock the suite may move.
//! - [`machine`]: the state-machine runner. A [`Suite`] generates random sequences of adapter
//!   operations and clock steps, runs them against an adapter and an in-memory model, and
//!   reports the shrunk failing sequence, numbered; [`machine::differential`] runs one sequence
//!   against two targets instead.
//! - [`suites`]: one suite per adapter, and the concurrent-registration check.

pub mod adapters;
mod cost;
mod error;
pub mod machine;
pub mod suites;
mod table;
mod target;
pub mod time;

pub use cost::Cost;
pub use error::Error;
pub use machine::{check, differential, Failure, Report, Suite};
pub use target::{Env, EnvOptions, Target, ADMIN_KEY_VARS, POLICY_KEY};

/// The current time in epoch seconds, as an adapter sees it. Adapters that compare against the
/// time (TTL filtering, session expiry) take one, so a suite can give them the emulator's clock.
pub type Now = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;
