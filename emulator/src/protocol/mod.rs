//! The wire: the only module that knows HTTP headers, JSON bodies and `__type` names.
//!
//! A request goes through DynamoDB's front-end checks in DynamoDB's order (size of the request head,
//! method, body decoding per `Content-Encoding`, content type, JSON syntax, target, authentication,
//! body), then the operation's shape validation, then the operation. Every answer, success or
//! error, is rendered here with its request id; `frontend::finish` compresses it when asked, stamps its
//! CRC32 and adds the `Server` and CORS headers.

pub(crate) mod attr;
mod body;
pub(crate) mod chaos;
pub(crate) mod control;
pub(crate) mod frontend;
mod iam;
pub(crate) mod item_json;
mod log;
pub(crate) mod seed;
pub(crate) mod serialization;
pub(crate) mod shape;
mod sigv4;
pub(crate) mod wire;

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, AsHeaderName, HeaderName};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{Map, Value};

pub(crate) use body::Body;
pub use log::TARGET as REQUEST_LOG_TARGET;

use crate::engine::Engine;
use crate::error::{Check, Detail, Error, ErrorKind};
use crate::iam::Sender;
use crate::ops::{Cx, Operation, Service};
use crate::store::Namespace;
use wire::Encoded;

const JSON_1_0: &str = "application/x-amz-json-1.0";
/// Header names DynamoDB's requests and answers carry beyond the standard ones, named once so a
/// request does not parse them again.
const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZN_REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// `X-Amz-Target` prefixes of the two services answered on the one endpoint.
const TARGET_PREFIXES: [(&str, Service); 2] = [
    ("DynamoDB_20120810.", Service::DynamoDb),
    ("DynamoDBStreams_20120810.", Service::Streams),
];

/// How a request reached the engine, beyond its HTTP: given by the transport as a value rather
/// than as request extensions, whose map costs two allocations and a hashed insert per request.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Via {
    /// The address the request came from (IAM's `aws:SourceIp`); in-process requests have none.
    pub peer: Option<std::net::IpAddr>,
    /// The server runs it on its async worker (`server::handle`): the operation must then neither
    /// wait for a table lock nor read many rows (`ops::Cx::inline`).
    pub inline: bool,
}

/// On the answer to an inline request ([`Via::inline`]) that gave up before changing anything:
/// the server runs the request again, not inline, on its engine threads.
#[derive(Clone, Copy, Debug)]
pub struct Yielded;

/// The request entry point: here, above the engine's state, so the state imports no layer above it.
impl Engine {
    /// Answers one DynamoDB HTTP request.
    pub fn handle(&self, req: &Request<Bytes>) -> Response<Bytes> {
        self.handle_via(req, Via::default())
    }

    /// Answers one DynamoDB HTTP request that reached the engine `via` a transport.
    pub(crate) fn handle_via(&self, req: &Request<Bytes>, via: Via) -> Response<Bytes> {
        // A latency measurement, not the emulated time, so `Instant` rather than the `Clock`.
        let started = self.log_requests.then(std::time::Instant::now);
        let run = || respond(self, req, via);
        let res = match &self.durable {
            Some(wal) if changes_catalogue(req) => {
                wal.change_catalogue(&self.namespaces, run, |res| res.status() == StatusCode::OK)
            }
            _ => self.durably(run),
        };
        let res = res.unwrap_or_else(|e| {
            // Applied in memory but not kept: the client must not take it as acknowledged.
            tracing::error!(error = %e, "durable mode: a change could not be saved");
            internal_error()
        });
        if let Some(started) = started.filter(|_| res.extensions().get::<Yielded>().is_none()) {
            log::log(req, &res, started.elapsed());
        }
        res
    }
}

/// Whether `req` names an operation that changes more than items ([`Operation::changes_catalogue`]).
fn changes_catalogue(req: &Request<Bytes>) -> bool {
    req.headers()
        .get(X_AMZ_TARGET)
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.strip_prefix("DynamoDB_20120810."))
        .and_then(|name| Operation::parse(Service::DynamoDb, name))
        .is_some_and(Operation::changes_catalogue)
}

/// Answers one HTTP request completely, front-end checks to compression.
fn respond(engine: &Engine, req: &Request<Bytes>, via: Via) -> Response<Bytes> {
    let res = answer(engine, req, via);
    frontend::finish(
        req.headers(),
        req.method() == Method::OPTIONS,
        engine.clock.now_millis(),
        res,
    )
}

fn answer(engine: &Engine, req: &Request<Bytes>, via: Via) -> Response<Bytes> {
    let request_id = request_id();
    if frontend::head_refused(req) {
        return raw(StatusCode::BAD_REQUEST, "text/plain", Bytes::new(), request_id);
    }
    if let Some(path) = req.uri().path().strip_prefix(control::PREFIX) {
        // The emulator's own controls: outside the DynamoDB API, so no target or auth checks.
        let authorization = header(req, header::AUTHORIZATION);
        let (status, value) = control::handle(engine, req.method(), path, authorization, req.body());
        let body = Bytes::from(value.to_string());
        return raw(status, "application/json", body, request_id);
    }
    if req.method() == Method::OPTIONS {
        // A CORS preflight: `frontend::finish` adds what it grants.
        return raw(StatusCode::OK, "text/plain", Bytes::new(), request_id);
    }
    if req.method() == Method::GET && req.uri().path() == "/" {
        // DynamoDB's health answer; also what `curl ENDPOINT` sees. Other paths fall through to
        // the unknown-operation answer below.
        let health = format!("healthy: dynamodb.{}.amazonaws.com ", engine.region);
        return raw(StatusCode::OK, "text/plain", Bytes::from(health), request_id);
    }
    let body = match frontend::decoded_body(req) {
        Ok(body) => body,
        Err(frontend::BodyError::TooLarge) => {
            return raw(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", Bytes::new(), request_id)
        }
        // DynamoDB answers a body it cannot decode with a server error, as if it were its fault.
        Err(frontend::BodyError::Undecodable) => {
            let e = Error::internal("The request body could not be decoded with its Content-Encoding");
            return json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &render_error(&e, None, Validator::Newer),
                request_id,
            );
        }
    };
    let content_type = header(req, header::CONTENT_TYPE).split(';').next().unwrap_or("").trim();
    // Only JSON 1.0 (and plain JSON) is DynamoDB's protocol: a body sent as AWS JSON 1.1, the
    // protocol of most other AWS services, is not found at all (404), as any other type is.
    let json_type = matches!(content_type, JSON_1_0 | "application/json");
    if req.method() != Method::POST || (!body.is_empty() && !json_type) {
        return raw(
            StatusCode::NOT_FOUND,
            "text/plain",
            Bytes::from_static(b"<UnknownOperationException/>\n"),
            request_id,
        );
    }
    let target = header(req, X_AMZ_TARGET);
    let op = TARGET_PREFIXES.iter().find_map(|(prefix, service)| {
        let name = target.strip_prefix(prefix)?;
        Operation::parse(*service, name)
    });
    let reader = match nested_deeper(&body, READER_DEPTH) {
        true => Validator::Older,
        false => Validator::Newer,
    };
    let parsed = if body.is_empty() {
        Ok(None)
    } else {
        match op {
            Some(op) => parse(op, &body, reader).map(Some),
            None => serde_json::from_slice(&body).map(Some).map_err(|_| unreadable(reader)),
        }
    };
    let mut latency = std::time::Duration::ZERO;
    let mut res = match parsed.and_then(|parsed| decode(engine, req, via, op, parsed, &mut latency)) {
        // An output with no members (TagResource, UntagResource) is sent as no body at all.
        Ok(Encoded::Tree(Value::Null)) => raw(StatusCode::OK, JSON_1_0, Bytes::new(), request_id),
        Ok(Encoded::Tree(value)) => json(StatusCode::OK, &value, request_id),
        Ok(Encoded::Bytes(bytes)) => raw(StatusCode::OK, JSON_1_0, Bytes::from(bytes), request_id),
        Err(e) if e.kind == ErrorKind::Yielded => {
            let mut res = raw(StatusCode::SERVICE_UNAVAILABLE, "text/plain", Bytes::new(), request_id);
            res.extensions_mut().insert(Yielded);
            return res;
        }
        Err(e) => {
            if e.kind == ErrorKind::InternalServer {
                tracing::error!(error = %e, "internal error");
            }
            json(
                StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST),
                &render_error(&e, op, reader),
                request_id,
            )
        }
    };
    if !latency.is_zero() {
        // The transports wait it out without holding a thread (`crate::chaos::Latency`).
        res.extensions_mut().insert(crate::chaos::Latency(latency));
    }
    // A request sent as plain `application/json` is answered in the same type (dynalite's tests,
    // run against AWS: "should return 200 if no params and application/json" in listTables.js).
    if content_type == "application/json" {
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    res
}

/// Parses a typed operation's body by its shape ([`shape::parse`]); SearchVectors' service first
/// deserializes it strictly ([`wire::search_vectors::read_strictly`]).
fn parse(op: Operation, body: &[u8], reader: Validator) -> Result<Value, Error> {
    if op == Operation::SearchVectors {
        wire::search_vectors::read_strictly(body)?;
    }
    shape::parse(body, wire::shape(op)).map_err(|_| unreadable(reader))
}

/// A body the parse refused. The parse keeps attribute values as text at any depth; only JSON
/// where no attribute value belongs (an unknown member, a wrongly typed one) reaches serde_json's
/// limit, and only attribute values nest this deep in a DynamoDB request.
fn unreadable(reader: Validator) -> Error {
    match reader {
        Validator::Older => Error::nesting_exceeded().by(Check::Request),
        Validator::Newer => Error::bare(ErrorKind::Serialization),
    }
}

fn decode(
    engine: &Engine,
    req: &Request<Bytes>,
    via: Via,
    op: Option<Operation>,
    parsed: Option<Value>,
    latency: &mut std::time::Duration,
) -> Result<Encoded, Error> {
    let op = op.ok_or_else(|| Error::bare(ErrorKind::UnknownOperation))?;
    let scope = sigv4::scope(header(req, header::AUTHORIZATION));
    let (ns, identity) = check_auth(engine, req, scope)?;
    let Some(value) = parsed else {
        return Err(Error::bare(ErrorKind::Serialization));
    };
    if !value.is_object() {
        return Err(Error::serialization("Start of list found where not expected"));
    }
    if let Some(id) = identity.filter(|id| !id.policies.is_empty()) {
        iam::check(engine, &ns, id.key, id.policies, op, &value, via.peer)?;
    }
    let span = tracing::debug_span!("op", name = op.name());
    let _enter = span.enter();
    let host = req
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    let mut cx = Cx::new(engine, &ns, host);
    cx.inline = via.inline;
    cx.sender = Some(Sender {
        key: scope.key,
        source: via.peer,
    });
    if engine.chaos.is_active() {
        if cx.inline {
            // A plan's decisions are drawn once per request: one that might yield later must not
            // draw them here too.
            return Err(Error::yielded());
        }
        cx.chaos = engine.chaos.decide(&chaos::request(op.name(), &ns, &value));
        *latency = cx.chaos.latency;
    }
    let failure = cx.chaos.failure;
    if let Some((failure, false)) = failure {
        return Err(failure.error());
    }
    let answer = wire::execute(op, &cx, value)?;
    match failure {
        Some((failure, true)) => Err(failure.error()),
        _ => Ok(answer),
    }
}

/// DynamoDB's 500 answer, for a request whose handling failed outside the operation (a panic).
pub fn internal_error() -> Response<Bytes> {
    let e = Error::internal("Internal server error");
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &render_error(&e, None, Validator::Newer),
        request_id(),
    )
}

/// The deepest JSON DynamoDB's newer validator reads, serde_json's own limit too (which bounds
/// every walk of a request's tree): a body nested 128 levels or more is read by the older one.
/// PutItem words a value whose last level is the body's 125th the newer way and the 129th the
/// older; every region names the key of a transaction's value reaching the 128th, where some
/// refuse shallower ones bare (nestingDepth.test.ts, AWS, October 2026).
const READER_DEPTH: usize = 127;

/// Which of DynamoDB's two request validators reads a body, and so words its refusals.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Validator {
    /// The newer one, for a body nested at most [`READER_DEPTH`] levels.
    Newer,
    /// The older one, which reads any depth.
    Older,
}

/// Whether the JSON text nests arrays and objects more than `limit` deep (scanned without
/// recursion; brackets inside strings do not count).
fn nested_deeper(json: &[u8], limit: usize) -> bool {
    // Depth never exceeds the number of opening brackets (those in strings included), which a
    // vectorised count finds for a whole ordinary request faster than the scan reads it.
    if json.iter().filter(|&&b| b == b'{' || b == b'[').count() <= limit {
        return false;
    }
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
    // Built in place rather than by `Request::builder`, whose checks these constant parts pass.
    let mut req = Request::new(Bytes::from(body.to_string()));
    *req.method_mut() = Method::POST;
    let h = req.headers_mut();
    h.insert("content-type", HeaderValue::from_static(JSON_1_0));
    // A name no header can carry leaves the target out, which is refused as a client's would be.
    if let Ok(target) = HeaderValue::from_str(&format!("DynamoDB_20120810.{operation}")) {
        h.insert("x-amz-target", target);
    }
    h.insert(
        "authorization",
        HeaderValue::from_static(
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        ),
    );
    h.insert("x-amz-date", HeaderValue::from_static("20260101T000000Z"));
    req
}

/// A request must carry a SigV4-shaped Authorization; its signature is verified only when the
/// engine was given credentials (`sigv4`), so by default any key and secret work. Answers the
/// namespace the request works in: the region of its credential scope, and the account its
/// access key is mapped to (the default account when verification is off). `scope` is the
/// header's as sent.
fn check_auth<'e>(
    engine: &'e Engine,
    req: &Request<Bytes>,
    scope: sigv4::Scope,
) -> Result<(Arc<Namespace>, Option<sigv4::Identity<'e>>), Error> {
    let sent = header(req, header::AUTHORIZATION);
    let auth = sent.trim();
    if !auth.starts_with("AWS4-") {
        return Err(Error::new(
            ErrorKind::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        ));
    }
    let mut missing = String::new();
    // Needles written out, not formatted: this runs on every request.
    for (part, needle) in [
        ("Credential", "Credential="),
        ("Signature", "Signature="),
        ("SignedHeaders", "SignedHeaders="),
    ] {
        if !auth.contains(needle) {
            missing += &format!("Authorization header requires '{part}' parameter. ");
        }
    }
    if header(req, X_AMZ_DATE).is_empty() && header(req, header::DATE).is_empty() {
        missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if !missing.is_empty() {
        return Err(Error::new(
            ErrorKind::IncompleteSignature,
            format!("{missing}Authorization={auth}"),
        ));
    }
    let identity = match &engine.credentials {
        Some(credentials) => Some(sigv4::verify(credentials, engine.clock.now_millis(), req)?),
        None => None,
    };
    let account = identity.as_ref().map_or(engine.account_id.as_str(), |id| id.account);
    // The region is the trimmed header's. Trailing whitespace (ASCII: a header's text is) reads
    // the same; leading whitespace, which HTTP strips but an in-process request may carry, can
    // move where the parameters start, so only then is the scope read again.
    let region = match sent.starts_with(char::is_whitespace) {
        false => scope.region,
        true => sigv4::scope(auth).region,
    };
    let region = region.unwrap_or(&engine.region);
    Ok((engine.namespace(account, region), identity))
}

fn header(req: &Request<Bytes>, name: impl AsHeaderName) -> &str {
    req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// `e`'s message as `op` words it; the one rule for the two validators' wordings.
///
/// DynamoDB's newer validator counts its ValidationExceptions ("1 validation error detected: …";
/// never a SerializationException, the JSON reader's) and fronts
/// PutItem, UpdateItem and DeleteItem for every request-only check (it also drops the
/// "ExpressionAttributeValues contains invalid value" wrapper), and Query for its Select
/// checks; Query drops the wrapper too, for a value's numbers and set members. Every other
/// operation, and every check against the table, keeps the older wording. Evidence: moto's
/// AWS-verified tests (Aug 2026) and the conformance suite (Oct 2026); see FIDELITY.md.
///
/// A body the newer validator cannot read ([`Validator::Older`]) is worded the older way by
/// every operation. TransactWriteItems' newer validator refuses a value nested too deep among
/// its ExpressionAttributeValues bare, the older names its key (nestingDepth.test.ts and
/// deepRequests.test.ts, AWS, October 2026).
fn wire_message(e: &Error, op: Option<Operation>, reader: Validator) -> Option<Cow<'_, str>> {
    let message = e.message.as_deref()?;
    let newer = reader == Validator::Newer;
    let counted = newer
        && e.kind == ErrorKind::Validation
        && match &e.check {
            Check::Table => false,
            Check::Request | Check::ExpressionValue(_) | Check::ValuesWithoutExpression(_) => matches!(
                op,
                Some(Operation::PutItem | Operation::UpdateItem | Operation::DeleteItem)
            ),
            Check::Select => op == Some(Operation::Query),
        };
    Some(match &e.check {
        _ if counted => format!("1 validation error detected: {message}").into(),
        // Query's validator words a value's numbers and set members bare, as GetItem's does,
        // keeping the wrapper for a value's form (valueLayers.test.ts, AWS, October 2026).
        Check::ExpressionValue(_) if op == Some(Operation::Query) && !attr::refuses_form(message) => message.into(),
        Check::ExpressionValue(_)
            if newer && op == Some(Operation::TransactWriteItems) && e.message == Error::nesting_exceeded().message =>
        {
            message.into()
        }
        Check::ExpressionValue(key) => {
            format!("ExpressionAttributeValues contains invalid value: {message} for key {key}").into()
        }
        Check::ValuesWithoutExpression(missing) => format!("{message}: {missing}").into(),
        _ => message.into(),
    })
}

/// The JSON body of an error as operation `op` answers it: `__type`, the message under
/// DynamoDB's key, and any detail.
pub fn render_error(e: &Error, op: Option<Operation>, reader: Validator) -> Value {
    let mut m = Map::new();
    m.insert("__type".into(), Value::String(e.kind.wire_type().into()));
    if let Some(msg) = wire_message(e, op, reader) {
        m.insert(e.kind.message_key().into(), Value::String(msg.into_owned()));
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

fn json(status: StatusCode, value: &Value, request_id: HeaderValue) -> Response<Bytes> {
    raw(status, JSON_1_0, Bytes::from(value.to_string()), request_id)
}

/// An answer without its CRC32, compression and CORS headers, which `frontend::finish` adds.
fn raw(status: StatusCode, content_type: &'static str, body: Bytes, request_id: HeaderValue) -> Response<Bytes> {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(X_AMZN_REQUEST_ID, request_id);
    res
}

/// A 52-character request id in DynamoDB's alphabet, unique within the process: four words, each
/// the request's count through a bijective mix (SplitMix64's finaliser) keyed per process, written
/// as the first 13 base-36 digits of its fraction of 2^64 (36^13 > 2^64, so the first word alone
/// tells every count apart).
fn request_id() -> HeaderValue {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static KEYS: std::sync::OnceLock<[u64; 4]> = std::sync::OnceLock::new();
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let keys = KEYS.get_or_init(|| {
        use std::hash::BuildHasher;
        let seed = std::collections::hash_map::RandomState::new();
        [0u64, 1, 2, 3].map(|i| seed.hash_one(i))
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = [0u8; 52];
    for (chunk, key) in id.chunks_exact_mut(13).zip(keys) {
        // The word as a fraction of 2^64, its base-36 digits read off the top by multiplying
        // (cheaper than dividing).
        let mut x = mix(n ^ key);
        for c in chunk {
            let wide = u128::from(x) * 36;
            *c = ALPHABET[(wide >> 64) as usize];
            x = wide as u64;
        }
    }
    #[allow(clippy::expect_used)] // The alphabet is letters and digits.
    HeaderValue::from_bytes(&id).expect("request ids are ASCII")
}

/// SplitMix64's finaliser: a bijection of `u64` that spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{nested_deeper, request_id, wire_message, Validator};
    use crate::error::{Check, Error};
    use crate::ops::Operation;

    #[test]
    fn request_ids_are_52_letters_and_digits_and_differ() {
        let ids: std::collections::HashSet<_> = (0..10_000)
            .map(|_| {
                let id = request_id();
                assert_eq!(id.len(), 52);
                assert!(id
                    .as_bytes()
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
                id
            })
            .collect();
        assert_eq!(ids.len(), 10_000);
    }

    #[test]
    fn nesting_scan_counts_brackets_outside_strings() {
        assert!(nested_deeper(b"[[[", 2));
        assert!(!nested_deeper(b"[[]][[]]", 2));
        assert!(!nested_deeper(br#"{"a": "[[[[{{"}"#, 2));
        assert!(!nested_deeper(br#"[["\"[[[["]]"#, 2));
        assert!(nested_deeper(br#"[["\\", [[]]]]"#, 3));
        // More brackets than the limit, but not nested that deep: the scan decides.
        assert!(!nested_deeper(b"[[[]]][[[]]]", 3));
        assert!(nested_deeper(b"[[[[]]]]", 3));
    }

    #[test]
    fn a_body_past_the_newer_validator_is_worded_the_older_way() {
        let nesting = Error::nesting_exceeded();
        let bare = nesting.message.clone().unwrap();
        let named = format!("ExpressionAttributeValues contains invalid value: {bare} for key :v");
        let in_value = nesting.clone().by(Check::ExpressionValue(":v".into()));
        let in_item = nesting.by(Check::Request);
        let worded = |e: &Error, op, reader| wire_message(e, Some(op), reader).unwrap().into_owned();
        for (e, op, reader, want) in [
            (
                &in_item,
                Operation::PutItem,
                Validator::Newer,
                format!("1 validation error detected: {bare}"),
            ),
            (&in_item, Operation::PutItem, Validator::Older, bare.clone()),
            (
                &in_value,
                Operation::UpdateItem,
                Validator::Newer,
                format!("1 validation error detected: {bare}"),
            ),
            (&in_value, Operation::UpdateItem, Validator::Older, named.clone()),
            (&in_value, Operation::TransactWriteItems, Validator::Newer, bare.clone()),
            (
                &in_value,
                Operation::TransactWriteItems,
                Validator::Older,
                named.clone(),
            ),
            (&in_value, Operation::Scan, Validator::Newer, named.clone()),
        ] {
            assert_eq!(worded(e, op, reader), want, "{op:?} {reader:?}");
        }
        // Only the nesting refusal: another refusal of a transaction's value keeps its key.
        let number = Error::validation("The parameter cannot be converted to a numeric value: x")
            .by(Check::ExpressionValue(":v".into()));
        let kept = "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :v";
        assert_eq!(worded(&number, Operation::TransactWriteItems, Validator::Newer), kept);
    }

    /// The namespace is the region of the trimmed Authorization header, which the credential
    /// read once from the header as sent gives too unless the header starts with whitespace: then
    /// the parameters may start elsewhere (here the credential is not found at all, so the default
    /// region serves), and the scope is read again from the trimmed header.
    #[test]
    fn a_header_starting_with_whitespace_selects_the_trimmed_headers_region() {
        use crate::{Clock, Engine};
        use http::HeaderValue;
        use serde_json::json;
        let engine = Engine::new(Clock::System);
        let table = json!({"TableName": "spaced", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
        let mut create = super::request("CreateTable", &table);
        create.headers_mut().insert(
            "authorization",
            HeaderValue::from_static(
                " AWS4-HMAC-SHA256\tCredential=test/20260101/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
            ),
        );
        assert_eq!(engine.handle(&create).status(), 200);
        let tables = |region: &str| {
            let mut list = super::request("ListTables", &json!({}));
            let auth = format!("AWS4-HMAC-SHA256 Credential=test/20260101/{region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
            list.headers_mut()
                .insert("authorization", HeaderValue::from_str(&auth).unwrap());
            String::from_utf8(engine.handle(&list).into_body().to_vec()).unwrap()
        };
        assert_eq!(tables("us-east-1"), r#"{"TableNames":["spaced"]}"#);
        assert_eq!(tables("eu-west-2"), r#"{"TableNames":[]}"#);
    }
}
