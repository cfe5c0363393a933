//! An in-process DynamoDB emulator speaking the real JSON 1.0 protocol.
//!
//! # Layout
//! - [`protocol`]: HTTP and JSON only — front-end checks, request shapes, AttributeValue codec,
//!   error rendering.
//! - `ops`: one module per operation (DynamoDB and DynamoDB Streams), dispatched through one list.
//! - [`expr`]: the expression language (lexer → parser → AST → evaluator) and the legacy
//!   parameters; `partiql`: DynamoDB's PartiQL subset, translated onto the same trees.
//! - [`model`]: the typed data model (exact numbers, attribute values, keys, schemas).
//! - `store`: tables in memory, one lock per table, indexes, TTL index and stream records
//!   maintained on every write.
//! - [`error`]: the one error type and its wire mapping.
//! - [`clock`]: system or manual time; [`fault`]: test-only fault injection.
//! - [`server`]: the HTTP server and the [`Emulator`] handle; `transport`: the SDK clients.

pub mod clock;
mod engine;
pub mod error;
pub mod expr;
pub mod fault;
pub mod model;
mod ops;
mod partiql;
pub mod protocol;
pub mod server;
mod store;
mod transport;

pub use engine::Engine;
pub use error::{Error, ErrorKind, Result};
pub use fault::Fault;
pub use server::{Builder, Emulator};

/// An SDK client for any DynamoDB endpoint reachable over plain HTTP (another emulator process,
/// DynamoDB Local), with the emulator's test credentials.
pub fn transport_for_endpoint(endpoint: &str) -> aws_sdk_dynamodb::Client {
    transport::socket_client(endpoint)
}
