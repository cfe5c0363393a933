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
//! # Layout
//! - [`protocol`]: HTTP and JSON only — front-end checks, request shapes, AttributeValue codec,
//!   error rendering, the request log.
//! - `ops`: one module per operation (DynamoDB and DynamoDB Streams), dispatched through one list.
//! - `expr`: the expression language (lexer → parser → AST → evaluator) and the legacy
//!   parameters; `partiql`: DynamoDB's PartiQL subset, translated onto the same trees.
//! - `model`: the typed data model (exact numbers, attribute values, keys, schemas); public but
//!   hidden, for the crate's own tests.
//! - `store`: tables in memory, one lock per table, indexes, TTL index and stream records
//!   maintained on every write.
//! - `error`: the one error type and its wire mapping.
//! - [`clock`]: system or manual time; [`chaos`]: DynamoDB's own failures, injected by a seeded
//!   plan; `fault`: test-only fault injection (breaks the emulator to test test suites; feature `faults`).
//! - [`server`]: the HTTP server and the [`Emulator`] handle; `transport`: the SDK clients.

#![deny(missing_docs)]

pub mod chaos;
pub mod clock;
mod durable;
mod engine;
mod error;
mod expr;
#[cfg(feature = "faults")]
pub mod fault;
mod iam;
#[doc(hidden)]
pub mod model;
mod ops;
mod partiql;
mod pool;
pub mod protocol;
pub mod server;
mod store;
mod transport;

pub use aws_sdk_dynamodb;
pub use aws_sdk_dynamodbstreams;
pub use engine::Engine;
#[cfg(feature = "faults")]
pub use fault::Fault;
pub use protocol::Credentials;
pub use server::{Builder, Emulator};
pub use store::Snapshot;

/// An SDK client for any DynamoDB endpoint reachable over plain HTTP (another emulator process,
/// DynamoDB Local), with the emulator's test credentials.
pub fn transport_for_endpoint(endpoint: &str) -> aws_sdk_dynamodb::Client {
    transport::socket_client(endpoint)
}
