//! The typed data model: numbers, attribute values, items, keys and table schemas.
//! Nothing here knows JSON or HTTP.

mod capacity;
mod key;
mod number;
mod schema;
mod stored;
mod value;
mod vector;

pub use capacity::{ConsumedCapacity, ItemCollectionMetrics};
pub use key::{KeyValue, KeyValues, ScalarType};
pub use number::{Number, NumberError, OrderedBytes, Reading};
pub use schema::*;
#[cfg(test)]
pub(crate) use stored::tests as stored_tests;
pub use stored::{Checked, RawView, Seq, Stored, View};
pub use value::{
    attribute_name_error, first_repeat, has_oversized_name, item_size, nesting_ok, AttributeValue, Item, ValueType,
    MAX_NESTING, NAME_TOO_LARGE,
};
pub use vector::{to_f32, Distance, SearchElement, SearchRole, VectorFault};

/// DynamoDB's maximum item size: 400 KB.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// DynamoDB's size limits on key values (bytes of UTF-8 or binary): partition keys 2,048, sort
/// keys 1,024, for the table's key and every index's.
pub const MAX_HASH_KEY: usize = 2048;
pub const MAX_RANGE_KEY: usize = 1024;
