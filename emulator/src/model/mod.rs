//! The typed data model: numbers, attribute values, items, keys and table schemas.
//! Nothing here knows JSON or HTTP.

mod key;
mod number;
mod schema;
mod value;

pub use key::{KeyValue, KeyValues, ScalarType};
pub use number::{Number, NumberError};
pub use schema::*;
pub use value::{item_size, nesting_ok, AttributeValue, Item, ValueType, MAX_NESTING};

/// DynamoDB's maximum item size: 400 KB.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;
