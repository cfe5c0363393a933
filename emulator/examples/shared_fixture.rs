//! One emulator shared by every test of a test binary, for suites that would rather not start one
//! per test. Each `#[tokio::test]` runs on a runtime of its own that ends with the test, so the
//! shared emulator is started once on a runtime that lives as long as the process, and tests keep
//! apart by using table names no other test uses.
//!
//! `cargo test -p dynamodb-emulator --example shared_fixture` runs the tests.

// An example test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use dynamodb_emulator::Emulator;

/// The process-wide emulator, started on first use on a runtime thread of its own.
fn shared() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                tx.send(Emulator::start().await.unwrap()).unwrap();
                // Serve until the process exits.
                std::future::pending::<()>().await
            })
        });
        rx.recv().unwrap()
    })
}

fn main() {
    println!("the shared emulator listens on {}", shared().endpoint_url());
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use dynamodb_emulator::aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    use dynamodb_emulator::aws_sdk_dynamodb::Client;

    use super::*;

    /// A new table with a string hash key `pk`, named so that no other test uses it.
    async fn fresh_table(client: &Client, prefix: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        client
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        name
    }

    #[tokio::test]
    async fn writes_land_in_the_tests_own_table() {
        let client = shared().client();
        let table = fresh_table(&client, "carts").await;
        client
            .put_item()
            .table_name(&table)
            .item("pk", AttributeValue::S("cart-1".into()))
            .send()
            .await
            .unwrap();
        let scan = client.scan().table_name(&table).send().await.unwrap();
        assert_eq!(scan.count(), 1);
    }

    #[tokio::test]
    async fn the_socket_serves_every_test_runtime() {
        // Over HTTP, which needs the emulator's own runtime to be alive after other tests ended.
        let client = shared().http_client();
        let table = fresh_table(&client, "orders").await;
        let described = client.describe_table().table_name(&table).send().await.unwrap();
        assert_eq!(described.table().and_then(|t| t.table_name()), Some(table.as_str()));
    }

    #[tokio::test]
    async fn tests_see_the_same_emulator() {
        assert_eq!(shared().addr(), shared().addr());
        let client = shared().client();
        let table = fresh_table(&client, "users").await;
        let names = client.list_tables().send().await.unwrap().table_names;
        assert!(names.unwrap_or_default().contains(&table));
    }
}
