//! What tests of the emulator itself reach for, beyond the SDK: a raw request to drive
//! [`Engine::handle`](crate::Engine::handle) without an SDK (benchmarks, protocol tests), the
//! key types [`Engine::hold_items`](crate::Engine::hold_items) takes to hold items as an in-flight
//! transaction would, and the one-key table most of those tests start from.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::create_table::{CreateTableError, CreateTableOutput};
use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};

pub use crate::model::{KeyValue, PrimaryKey};
pub use crate::protocol::request;

/// Creates the on-demand table `name` keyed by the string attribute `hash_key` alone, through
/// `client`; the answer is the SDK's, so a caller can expect success or ignore an existing table.
pub async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    hash_key: &str,
) -> Result<CreateTableOutput, SdkError<CreateTableError, HttpResponse>> {
    let definition = AttributeDefinition::builder()
        .attribute_name(hash_key)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(SdkError::construction_failure)?;
    let key = KeySchemaElement::builder()
        .attribute_name(hash_key)
        .key_type(KeyType::Hash)
        .build()
        .map_err(SdkError::construction_failure)?;
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(definition)
        .key_schema(key)
        .send()
        .await
}
