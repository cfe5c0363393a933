//! Ports of DynamoDB adapters. Each keeps the published package's table layout, attribute names
//! and calls (which operation, which expressions, which ReturnValues), with a Rust-shaped API
//! close to the original's. Each also has a `create_table` with the layout its documentation
//! asks for, since the packages (except Jovo's) expect the table to exist.

pub mod auth;
pub mod auth_flow;
pub mod kv;
pub mod matches;
pub mod session;
pub mod user_store;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, KeySchemaElement, KeyType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

use crate::Error;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

pub(crate) fn get_n(item: &Item, name: &str) -> Option<i64> {
    let v = item.get(name)?.as_n().ok()?;
    // JavaScript adapters may write fractional seconds (`getTime() / 1000`).
    v.parse::<i64>()
        .ok()
        .or_else(|| v.parse::<f64>().ok().map(|f| f as i64))
}

pub(crate) fn attr_def(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("complete")
}

pub(crate) fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("complete")
}

/// Turns on TTL for `attribute`, as each package's setup guide asks.
pub(crate) async fn enable_ttl(client: &Client, table: &str, attribute: &str) -> Result<(), Error> {
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(attribute)
                .build()
                .expect("complete"),
        )
        .send()
        .await?;
    Ok(())
}
