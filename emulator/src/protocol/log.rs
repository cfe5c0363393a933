//! The request log (`--log-requests`, [`Builder::log_requests`](crate::Builder::log_requests)): one
//! line per request at info level, so a user can see what an app sent and what it got without a
//! proxy. Built from the request and the rendered answer, so it costs nothing when it is off and
//! never changes an answer.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use serde_json::Value;

/// `tracing` target of the request lines, to filter them (`RUST_LOG=dynamodb_emulator::request=info`).
pub const TARGET: &str = "dynamodb_emulator::request";

/// Logs one request: operation, tables, status, error type and the time the engine took.
pub fn log(req: &Request<Bytes>, res: &Response<Bytes>, latency: Duration) {
    tracing::info!(target: TARGET, "{}", line(req, res, latency));
}

/// `PutItem table=users status=400 error=ConditionalCheckFailedException latency=0.042ms`; table
/// and error appear only when there is one.
fn line(req: &Request<Bytes>, res: &Response<Bytes>, latency: Duration) -> String {
    let target = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok());
    let mut out = match target.and_then(|t| t.split_once('.')) {
        Some((_, op)) => op.to_string(),
        None => format!("{} {}", req.method(), req.uri().path()),
    };
    let body: Option<Value> = serde_json::from_slice(req.body()).ok();
    let tables = body.as_ref().map(tables).unwrap_or_default();
    if !tables.is_empty() {
        out += &format!(" table={}", tables.join(","));
    }
    out += &format!(" status={}", res.status().as_u16());
    if let Some(kind) = error_type(res) {
        out += &format!(" error={kind}");
    }
    out + &format!(" latency={:.3}ms", latency.as_secs_f64() * 1000.0)
}

/// The tables a request names: `TableName`, the keys of a batch's `RequestItems`, the tables of a
/// transaction's actions, or the table inside a stream or resource ARN. In order, without repeats.
fn tables(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    if let Some(name) = body.get("TableName").and_then(Value::as_str) {
        add(name);
    }
    if let Some(items) = body.get("RequestItems").and_then(Value::as_object) {
        items.keys().for_each(|name| add(name));
    }
    for action in body
        .get("TransactItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let named = action.as_object().into_iter().flat_map(|a| a.values());
        named.filter_map(|a| a.get("TableName")?.as_str()).for_each(&mut add);
    }
    for key in ["StreamArn", "ResourceArn"] {
        let arn = body.get(key).and_then(Value::as_str).unwrap_or_default();
        if let Some((_, rest)) = arn.split_once(":table/") {
            add(rest.split('/').next().unwrap_or(rest));
        }
    }
    names
}

/// The short error name of a DynamoDB error answer (the `__type` after its namespace).
fn error_type(res: &Response<Bytes>) -> Option<String> {
    if res.status().is_success() {
        return None;
    }
    let body: Value = serde_json::from_slice(res.body()).ok()?;
    let wire = body.get("__type")?.as_str()?;
    Some(wire.rsplit('#').next().unwrap_or(wire).to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::clock::Clock;
    use crate::engine::Engine;

    fn logged(op: &str, body: Value) -> String {
        let engine = Engine::new(Clock::System);
        let req = super::super::request(op, &body);
        let res = engine.handle(&req);
        line(&req, &res, Duration::from_micros(1500))
    }

    #[test]
    fn a_success_names_operation_table_status_and_latency() {
        let create = json!({
            "TableName": "users",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        });
        assert_eq!(
            logged("CreateTable", create),
            "CreateTable table=users status=200 latency=1.500ms"
        );
        assert_eq!(logged("ListTables", json!({})), "ListTables status=200 latency=1.500ms");
    }

    #[test]
    fn an_error_adds_its_short_type() {
        assert_eq!(
            logged("GetItem", json!({"TableName": "nope", "Key": {"pk": {"S": "a"}}})),
            "GetItem table=nope status=400 error=ResourceNotFoundException latency=1.500ms"
        );
    }

    #[test]
    fn batches_transactions_and_arns_name_every_table_once() {
        assert_eq!(tables(&json!({"RequestItems": {"a": [], "b": []}})), ["a", "b"]);
        let transact = json!({"TransactItems": [
            {"Put": {"TableName": "a"}}, {"Update": {"TableName": "b"}}, {"Delete": {"TableName": "a"}}
        ]});
        assert_eq!(tables(&transact), ["a", "b"]);
        let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/t1/stream/2026-01-01T00:00:00.000";
        assert_eq!(tables(&json!({"StreamArn": arn})), ["t1"]);
        assert_eq!(tables(&json!({"Statement": "SELECT * FROM t"})), Vec::<String>::new());
    }

    #[test]
    fn requests_outside_the_api_show_method_and_path() {
        let req = Request::get("/_emulator/clock").body(Bytes::new()).unwrap();
        let res = Engine::new(Clock::System).handle(&req);
        assert_eq!(
            line(&req, &res, Duration::ZERO),
            "GET /_emulator/clock status=200 latency=0.000ms"
        );
    }
}
