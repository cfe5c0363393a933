//! stub
pub mod error;
pub mod expr;
pub mod model;
pub use error::{Error, ErrorKind, Result};
