//! An in-process DynamoDB emulator speaking the real JSON 1.0 protocol, for tests.
//!
//! [`Emulator::start`] starts one in about a millisecond and hands out a ready
//! [`aws_sdk_dynamodb::Client`]. The SDK crates are re-exported ([`aws_sdk_dynamodb`],
//! [`aws_sdk_dynamodbstreams`]) so a test uses exactly the version the emulator was built with:
//! a second copy of the SDK would make `ddb.client()` a different type from the test's.
//!
//! ```
//! use dynamodb_emulator::aws_sdk_dynamodb::types::AttributeValue;
//! use dynamodb_emulator::Emulator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let ddb = Emulator::start().await.unwrap();
//! let client = ddb.client(); // in-process: no socket between the SDK and the emulator
//! let err = client
//!     .get_item()
//!     .table_name("missing")
//!     .key("pk", AttributeValue::S("a".into()))
//!     .send()
//!     .await
//!     .unwrap_err();
//! assert!(err.into_service_error().is_resource_not_found_exception());
//! # }
//! ```
//!
//! The `dynamodb-emulator` binary (feature `cli`, on by default) serves the same emulator on a
//! port for other languages; a library user can leave it out with `default-features = false`.
//!
//! # Public API
//! [`Emulator`] and its [`Builder`], the [`Engine`] they serve (for a binary or a benchmark that
//! drives it directly), [`Clock`] (system or manual time), [`chaos`] plans, [`Snapshot`]s,
//! [`Credentials`], [`server`] (serving an engine on a listener, as the binary does), `Fault`
//! (feature `faults`) and [`testing`]. Everything else is private; ARCHITECTURE.md maps it.

#![deny(missing_docs)]

pub mod chaos;
mod clock;
mod credentials;
mod durable;
mod engine;
mod error;
mod expr;
#[cfg(feature = "faults")]
mod fault;
mod iam;
mod inflight;
mod model;
mod ops;
mod partiql;
mod pool;
mod protocol;
pub mod server;
mod store;
pub mod testing;
mod transport;

pub use aws_sdk_dynamodb;
pub use aws_sdk_dynamodbstreams;
pub use clock::Clock;
pub use credentials::Credentials;
pub use engine::Engine;
#[cfg(feature = "faults")]
pub use fault::Fault;
pub use protocol::REQUEST_LOG_TARGET;
pub use server::{Builder, Emulator};
pub use store::Snapshot;

/// An SDK client for any DynamoDB endpoint reachable over plain HTTP (another emulator process,
/// DynamoDB Local), with the emulator's test credentials.
pub fn transport_for_endpoint(endpoint: &str) -> aws_sdk_dynamodb::Client {
    transport::socket_client(endpoint)
}
