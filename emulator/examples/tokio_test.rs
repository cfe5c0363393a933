//! An emulator per test: `Emulator::start()` inside `#[tokio::test]`, a table, a write and a read
//! through the in-process client. Each test gets its own emulator in about a millisecond, so tests
//! never see each other's tables.
//!
//! `cargo test -p dynamodb-emulator --example tokio_test` runs the test; `cargo run --example
//! tokio_test` runs the same steps once.

// An example test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dynamodb_emulator::aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use dynamodb_emulator::aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

/// The code under test: stores a session and reads it back.
async fn save_and_load_session(client: &Client, id: &str, user: &str) -> Option<String> {
    client
        .put_item()
        .table_name("sessions")
        .item("id", AttributeValue::S(id.into()))
        .item("user", AttributeValue::S(user.into()))
        .send()
        .await
        .unwrap();
    let item = client
        .get_item()
        .table_name("sessions")
        .key("id", AttributeValue::S(id.into()))
        .send()
        .await
        .unwrap()
        .item;
    item?.get("user")?.as_s().ok().cloned()
}

async fn create_sessions_table(client: &Client) {
    client
        .create_table()
        .table_name("sessions")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let ddb = Emulator::start().await.unwrap();
    create_sessions_table(&ddb.client()).await;
    let user = save_and_load_session(&ddb.client(), "s1", "ann").await;
    println!("loaded session s1 of {user:?} from {}", ddb.endpoint_url());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_saved_session_loads_back() {
        let ddb = Emulator::start().await.unwrap();
        let client = ddb.client();
        create_sessions_table(&client).await;
        assert_eq!(
            save_and_load_session(&client, "s1", "ann").await.as_deref(),
            Some("ann")
        );
    }

    #[tokio::test]
    async fn each_test_has_its_own_emulator() {
        let ddb = Emulator::start().await.unwrap();
        let tables = ddb.client().list_tables().send().await.unwrap();
        assert!(tables.table_names().is_empty(), "no table from the other test");
    }
}
