//! One conformance suite per adapter (a [`crate::Suite`]: operations, model, runner glue), and
//! the concurrency checks.

pub mod auth;
pub mod auth_flow;
pub mod kv;
pub mod session;
pub mod user_store;
