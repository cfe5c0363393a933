//! What tests of the emulator itself reach for, beyond the SDK: a raw request to drive
//! [`Engine::handle`](crate::Engine::handle) without an SDK (benchmarks, protocol tests), and the
//! key types [`Engine::hold_items`](crate::Engine::hold_items) takes to hold items as an in-flight
//! transaction would.

pub use crate::model::{KeyValue, PrimaryKey};
pub use crate::protocol::request;
