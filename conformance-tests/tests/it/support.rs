//! Shared helpers: an emulator per test, table fixtures, and exact error extraction.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, Capacity, ConsumedCapacity, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

/// A running emulator and an in-process client for it.
pub async fn emulator() -> (Emulator, Client) {
    let emu = Emulator::start().await.expect("emulator starts");
    let client = emu.client();
    (emu, client)
}

/// A running emulator on a manual clock set to `secs` after the epoch, and its client.
pub async fn on_manual_clock(secs: u64) -> (Emulator, Client) {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    let emu = Emulator::builder()
        .manual_clock(at)
        .start()
        .await
        .expect("emulator starts");
    let client = emu.client();
    (emu, client)
}

/// A running emulator on a manual clock at 1,700,000,000 s whose transient statuses last `delay`,
/// and its client.
pub async fn with_transient_delay(delay: std::time::Duration) -> (Emulator, Client) {
    let emu = Emulator::builder()
        .manual_clock(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000))
        .delay_transient_statuses(delay)
        .start()
        .await
        .expect("emulator starts");
    let client = emu.client();
    (emu, client)
}

/// A two-worker runtime for tests that drive the harness (its `check` and `Env` take one) rather
/// than run inside `#[tokio::test]`.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub fn attr_def(name: &str, ty: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ty)
        .build()
        .unwrap()
}

pub fn key(name: &str, ty: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(ty)
        .build()
        .unwrap()
}

/// Creates an on-demand table with a string `pk` and, if given, a sort key `sk` of that type.
/// A global index keyed on `attr` alone, projecting every attribute.
pub fn gsi_all(name: &str, attr: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(attr, KeyType::Hash))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .unwrap()
}

pub async fn create_table(client: &Client, name: &str, sort: Option<ScalarAttributeType>) {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash));
    if let Some(ty) = sort {
        req = req
            .attribute_definitions(attr_def("sk", ty))
            .key_schema(key("sk", KeyType::Range));
    }
    req.send().await.expect("table created");
}

/// Creates an on-demand table with a string `pk` and a GSI `by_group` on the string `g`,
/// projecting all attributes.
pub async fn create_with_gsi(c: &Client, name: &str) {
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("g", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(gsi_all("by_group", "g"))
        .send()
        .await
        .unwrap();
}

/// The table of the index capacity captures: key pk/sk (strings), a global index `gsi-inc` on
/// gsiPk projecting `proj`, a local index `lsi1` on lsiSk projecting as `lsi` says (INCLUDE:
/// `proj`).
pub async fn create_capacity_table(c: &Client, name: &str, lsi: ProjectionType) {
    let include = |kind: ProjectionType| {
        let p = Projection::builder().projection_type(kind.clone());
        match kind {
            ProjectionType::Include => p.non_key_attributes("proj").build(),
            _ => p.build(),
        }
    };
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("sk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("gsiPk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("lsiSk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("gsi-inc")
                .key_schema(key("gsiPk", KeyType::Hash))
                .projection(include(ProjectionType::Include))
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("lsi1")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("lsiSk", KeyType::Range))
                .projection(include(lsi))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// A write's capacity as (total, `gsi-inc`'s arm, `lsi1`'s arm); `None` is an absent arm.
pub fn arms(cc: Option<&ConsumedCapacity>) -> (f64, Option<f64>, Option<f64>) {
    let cc = cc.unwrap();
    let arm = |m: Option<&std::collections::HashMap<String, Capacity>>, name: &str| {
        m.map(|m| m[name].capacity_units.unwrap())
    };
    (
        cc.capacity_units.unwrap(),
        arm(cc.global_secondary_indexes.as_ref(), "gsi-inc"),
        arm(cc.local_secondary_indexes.as_ref(), "lsi1"),
    )
}

/// The (code, message) DynamoDB answered with.
pub fn error<E: ProvideErrorMetadata, R>(e: SdkError<E, R>) -> (String, String) {
    (
        e.code().unwrap_or_default().to_string(),
        e.message().unwrap_or_default().to_string(),
    )
}

pub fn validation(message: &str) -> (String, String) {
    ("ValidationException".to_string(), message.to_string())
}

/// A string attribute value.
pub fn s(v: &str) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(v.into())
}

/// A number attribute value, from any number or numeric text.
pub fn n(v: impl std::fmt::Display) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::N(v.to_string())
}

/// An item (or key) from name/value pairs.
pub fn item(
    pairs: &[(&str, aws_sdk_dynamodb::types::AttributeValue)],
) -> std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// Puts the item made of name/value pairs into `table`.
pub async fn put(client: &Client, table: &str, pairs: &[(&str, aws_sdk_dynamodb::types::AttributeValue)]) {
    client
        .put_item()
        .table_name(table)
        .set_item(Some(item(pairs)))
        .send()
        .await
        .expect("item put");
}
