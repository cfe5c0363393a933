//! Seed files: tables and items loaded at start from the JSON the AWS CLI already takes, so a
//! fixture written for `aws dynamodb create-table --cli-input-json` or
//! `aws dynamodb batch-write-item --request-items` loads unchanged.
//!
//! A file holds one document, recognised by its shape:
//! - a CreateTable input (it has `KeySchema`), run as CreateTable;
//! - a BatchWriteItem input, either `{"RequestItems": {TABLE: [...]}}` (`--cli-input-json`) or the
//!   bare `{TABLE: [...]}` map (`--request-items`); each `PutRequest` runs as PutItem and each
//!   `DeleteRequest` as DeleteItem, in order, so a file may hold more than BatchWriteItem's 25.
//!
//! Everything goes through the normal request path, so a bad entry is refused with DynamoDB's own
//! error, which the message prefixes with the file and the entry.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::engine::Engine;

impl Engine {
    /// Loads a seed file: a CreateTable input as the AWS CLI takes it (`--cli-input-json`), or
    /// BatchWriteItem request items (`--request-items`, or `--cli-input-json` with
    /// `RequestItems`), applied in order through the normal request path. The error names the
    /// file and the entry DynamoDB refused, with its error type and message.
    pub fn seed(&self, path: &std::path::Path) -> std::io::Result<()> {
        load(self, path).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

/// Loads one seed file into `engine`; the error names the file and the entry that failed.
fn load(engine: &Engine, path: &Path) -> Result<(), String> {
    let fail = |what: String| format!("seed file {}: {what}", path.display());
    let text = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let doc: Value = serde_json::from_slice(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
    let Value::Object(doc) = doc else {
        return Err(fail("expected a JSON object".into()));
    };
    if doc.contains_key("KeySchema") {
        let name = doc
            .get("TableName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        return call(engine, "CreateTable", Value::Object(doc)).map_err(|e| fail(format!("table {name:?}: {e}")));
    }
    let requests = match doc.get("RequestItems") {
        Some(Value::Object(items)) => items,
        Some(_) => {
            return Err(fail(
                "RequestItems must be an object of table names to write requests".into(),
            ))
        }
        None if !doc.is_empty() && doc.values().all(Value::is_array) => &doc,
        None => {
            return Err(fail(
                "expected a create-table input (with KeySchema) or batch-write-item request items".into(),
            ))
        }
    };
    for (table, entries) in requests {
        let Value::Array(entries) = entries else {
            return Err(fail(format!("{table}: expected a list of write requests")));
        };
        for (n, entry) in entries.iter().enumerate() {
            write(engine, table, entry).map_err(|e| fail(format!("{table}[{n}]: {e}")))?;
        }
    }
    Ok(())
}

/// One write request of a batch: `{"PutRequest": {"Item": …}}` or `{"DeleteRequest": {"Key": …}}`.
fn write(engine: &Engine, table: &str, entry: &Value) -> Result<(), String> {
    let one = |kind: &str, member: &str| entry.get(kind).map(|r| r.get(member).cloned().unwrap_or(Value::Null));
    match (
        one("PutRequest", "Item"),
        one("DeleteRequest", "Key"),
        entry.as_object().map(Map::len),
    ) {
        (Some(item), None, Some(1)) => call(engine, "PutItem", json!({"TableName": table, "Item": item})),
        (None, Some(key), Some(1)) => call(engine, "DeleteItem", json!({"TableName": table, "Key": key})),
        _ => Err("expected exactly one of PutRequest (with Item) or DeleteRequest (with Key)".into()),
    }
}

/// Runs one operation; a refusal becomes `Type: message` as DynamoDB worded it.
fn call(engine: &Engine, operation: &str, body: Value) -> Result<(), String> {
    let res = engine.handle(&super::request(operation, &body));
    if res.status().is_success() {
        return Ok(());
    }
    let answer: Value = serde_json::from_slice(res.body()).unwrap_or_default();
    let kind = answer["__type"].as_str().unwrap_or_default();
    let kind = kind.rsplit('#').next().unwrap_or(kind);
    let message = answer["message"]
        .as_str()
        .or(answer["Message"].as_str())
        .unwrap_or_default();
    Err(format!("{kind}: {message}"))
}
