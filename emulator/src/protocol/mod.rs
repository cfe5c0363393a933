//! The wire: the only module that knows HTTP headers, JSON bodies and `__type` names.
//!
//! A request goes through DynamoDB's front-end checks in DynamoDB's order (method and content type,
//! JSON syntax, target, authentication, body), then the operation's shape validation, then the
//! operation. Every answer, success or error, is rendered here with its CRC32 and request id.

pub mod attr;
mod body;
mod control;
pub mod shape;

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{Map, Value};

pub use body::Body;

use crate::engine::Engine;
use crate::error::{Detail, Error, ErrorKind};
use crate::ops::{Operation, Service};

const JSON_1_0: &str = "application/x-amz-json-1.0";
/// `X-Amz-Target` prefixes of the two services answered on the one endpoint.
const TARGET_PREFIXES: [(&str, Service); 2] = [
    ("DynamoDB_20120810.", Service::DynamoDb),
    ("DynamoDBStreams_20120810.", Service::Streams),
];

/// Handles one HTTP request completely; both transports (socket and in-process) call this.
pub fn handle(engine: &Engine, req: &Request<Bytes>) -> Response<Bytes> {
    let request_id = request_id();
    if let Some(path) = req.uri().path().strip_prefix(control::PREFIX) {
        // The emulator's own controls: outside the DynamoDB API, so no target or auth checks.
        let (status, value) = control::handle(engine, req.method(), path, req.body());
        let body = Bytes::from(serde_json::to_vec(&value).expect("JSON values always serialise"));
        return raw(status, "application/json", body, &request_id);
    }
    if req.method() == Method::GET {
        // DynamoDB's health answer; also what `curl ENDPOINT` sees.
        return raw(
            StatusCode::OK,
            "text/plain",
            Bytes::from_static(b"healthy: dynamodb.us-east-1.amazonaws.com "),
            &request_id,
        );
    }
    let body = req.body();
    let content_type = header(req, "content-type").split(';').next().unwrap_or("").trim();
    let json_type = matches!(
        content_type,
        JSON_1_0 | "application/x-amz-json-1.1" | "application/json"
    );
    if req.method() != Method::POST || (!body.is_empty() && !json_type) {
        return raw(
            StatusCode::NOT_FOUND,
            "text/plain",
            Bytes::from_static(b"<UnknownOperationException/>\n"),
            &request_id,
        );
    }
    let result = decode(engine, req);
    match result {
        Ok(value) => json(StatusCode::OK, &value, &request_id),
        Err(e) => {
            if e.kind == ErrorKind::InternalServer {
                tracing::error!(error = %e, "internal error");
            }
            json(
                StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST),
                &render_error(&e),
                &request_id,
            )
        }
    }
}

fn decode(engine: &Engine, req: &Request<Bytes>) -> Result<Value, Error> {
    let body = req.body();
    let parsed: Option<Value> = if body.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice(body).map_err(|_| match nested_deeper(body, JSON_DEPTH) {
                // Only attribute values nest this deep in a DynamoDB request.
                true => Error::nesting_exceeded(),
                false => Error::bare(ErrorKind::Serialization),
            })?,
        )
    };
    let target = header(req, "x-amz-target");
    let op = TARGET_PREFIXES
        .iter()
        .find_map(|(prefix, service)| {
            let name = target.strip_prefix(prefix)?;
            Operation::parse(*service, name)
        })
        .ok_or_else(|| Error::bare(ErrorKind::UnknownOperation))?;
    check_auth(req)?;
    let Some(value) = parsed else {
        return Err(Error::bare(ErrorKind::Serialization));
    };
    if !value.is_object() {
        return Err(Error::serialization("Start of list found where not expected"));
    }
    let span = tracing::debug_span!("op", name = op.name());
    let _enter = span.enter();
    let host = req
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    op.execute_for_host(engine, &value, host)
}

/// DynamoDB's 500 answer, for a request whose handling failed outside the operation (a panic).
pub fn internal_error() -> Response<Bytes> {
    let e = Error::internal("Internal server error");
    json(StatusCode::INTERNAL_SERVER_ERROR, &render_error(&e), &request_id())
}

/// serde_json's own nesting limit: it refuses deeper JSON, which bounds every walk of a request.
const JSON_DEPTH: usize = 128;

/// Whether the JSON text nests arrays and objects more than `limit` deep (scanned without
/// recursion; brackets inside strings do not count).
fn nested_deeper(json: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in json {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'{' | b'[') => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// A DynamoDB request as an SDK sends it (target, JSON 1.0 content type, a SigV4-shaped
/// Authorization), for driving [`Engine::handle`] directly without an SDK.
pub fn request(operation: &str, body: &Value) -> Request<Bytes> {
    Request::builder()
        .method(Method::POST)
        .uri("/")
        .header("content-type", JSON_1_0)
        .header("x-amz-target", format!("DynamoDB_20120810.{operation}"))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        )
        .header("x-amz-date", "20260101T000000Z")
        .body(Bytes::from(serde_json::to_vec(body).expect("JSON values always serialise")))
        .expect("a valid request")
}

/// Any SigV4-looking request is accepted: signatures are not verified.
fn check_auth(req: &Request<Bytes>) -> Result<(), Error> {
    let auth = header(req, "authorization").trim();
    if !auth.starts_with("AWS4-") {
        return Err(Error::new(
            ErrorKind::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        ));
    }
    let mut missing = String::new();
    for part in ["Credential", "Signature", "SignedHeaders"] {
        if !auth.contains(&format!("{part}=")) {
            missing += &format!("Authorization header requires '{part}' parameter. ");
        }
    }
    if header(req, "x-amz-date").is_empty() && header(req, "date").is_empty() {
        missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::IncompleteSignature,
            format!("{missing}Authorization={auth}"),
        ))
    }
}

fn header<'a>(req: &'a Request<Bytes>, name: &str) -> &'a str {
    req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The JSON body of an error: `__type`, the message under DynamoDB's key, and any detail.
pub fn render_error(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("__type".into(), Value::String(e.kind.wire_type().into()));
    if let Some(msg) = &e.message {
        m.insert(e.kind.message_key().into(), Value::String(msg.clone()));
    }
    match &e.detail {
        Detail::None => {}
        Detail::Item(item) => {
            m.insert("Item".into(), attr::encode_map(item));
        }
        Detail::Cancellation(reasons) => {
            let reasons = reasons
                .iter()
                .map(|r| {
                    let mut o = Map::new();
                    if let Some(item) = &r.item {
                        o.insert("Item".into(), attr::encode_map(item));
                    }
                    o.insert("Code".into(), Value::String(r.code.into()));
                    if let Some(msg) = &r.message {
                        o.insert("Message".into(), Value::String(msg.clone()));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("CancellationReasons".into(), Value::Array(reasons));
        }
    }
    Value::Object(m)
}

fn json(status: StatusCode, value: &Value, request_id: &str) -> Response<Bytes> {
    let body = Bytes::from(serde_json::to_vec(value).expect("JSON values always serialise"));
    raw(status, JSON_1_0, body, request_id)
}

fn raw(status: StatusCode, content_type: &'static str, body: Bytes, request_id: &str) -> Response<Bytes> {
    let crc = crc32fast::hash(&body);
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert("content-type", HeaderValue::from_static(content_type));
    h.insert("x-amz-crc32", HeaderValue::from(crc));
    h.insert(
        "x-amzn-requestid",
        HeaderValue::from_str(request_id).expect("request ids are ASCII"),
    );
    res
}

/// A 52-character request id in DynamoDB's alphabet, unique within the process.
fn request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = SEED.get_or_init(Default::default);
    let mut out = String::with_capacity(52);
    let mut round = 0u64;
    while out.len() < 52 {
        let mut h = seed.build_hasher();
        h.write_u64(n);
        h.write_u64(round);
        let mut x = h.finish();
        for _ in 0..12 {
            out.push(ALPHABET[(x % 36) as usize] as char);
            x /= 36;
        }
        round += 1;
    }
    out.truncate(52);
    out
}

#[cfg(test)]
mod tests {
    use super::nested_deeper;

    #[test]
    fn nesting_scan_counts_brackets_outside_strings() {
        assert!(nested_deeper(b"[[[", 2));
        assert!(!nested_deeper(b"[[]][[]]", 2));
        assert!(!nested_deeper(br#"{"a": "[[[[{{"}"#, 2));
        assert!(!nested_deeper(br#"[["\"[[[["]]"#, 2));
        assert!(nested_deeper(br#"[["\\", [[]]]]"#, 3));
    }
}
