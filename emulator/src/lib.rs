//! stub
pub mod error;
pub mod model;
pub use error::{Error, ErrorKind, Result};
