//! What DynamoDB's HTTP front end does around the API: request size limits, compressed request
//! bodies, compressed answers, CORS and the `Server` header. `protocol::handle` calls these first
//! (limits, decoding) and last ([`finish`]), so both transports behave alike.

use std::io::Read;

use bytes::Bytes;
use flate2::read::{MultiGzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Request, Response};

/// DynamoDB accepts request bodies up to 16 MB; a compressed body is held to the same bound once
/// decompressed.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Header lines in total, or the request line, beyond this are refused with HTTP 400.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// DynamoDB compresses an answer only when it is at least this large.
const MIN_COMPRESSED_BYTES: usize = 4096;

/// Headers a browser page may read from an answer (the SDK reads the request id and checksum).
const EXPOSED_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-crc32,Date";

/// How long a browser may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "172800";

/// Whether DynamoDB's front end refuses the request's head before reading it as a request: a
/// request line or header lines beyond what it reads, or a second `Host` line (HTTP/1.1 asks a
/// server to refuse one, and AWS does, before any signature check: ExtendDB's dual-target
/// test_auth_error_fidelity.py).
pub fn head_refused<B>(req: &Request<B>) -> bool {
    req.headers().get_all(header::HOST).iter().nth(1).is_some() || head_too_large(req)
}

/// Whether the request line or the header lines exceed what DynamoDB reads.
fn head_too_large<B>(req: &Request<B>) -> bool {
    let line = req.method().as_str().len() + displayed_len(req.uri()) + " HTTP/1.1".len() + 1;
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    line > MAX_HEAD_BYTES || headers > MAX_HEAD_BYTES
}

/// The length of `x` as displayed, counted without writing it anywhere.
fn displayed_len(x: &impl std::fmt::Display) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    // Counting cannot fail, and a `Display` that fails leaves the count short.
    let _ = std::fmt::write(&mut count, format_args!("{x}"));
    count.0
}

/// Largest body of a request [`runs_inline`] may take: a point operation's key, item and
/// expressions with room to spare (an item is at most 400 KB, but few are large).
const INLINE_MAX_BODY: usize = 64 * 1024;

/// The operations whose work is bounded by one item (400 KB at most), whatever the table holds.
const ONE_ITEM_OPERATIONS: [&str; 4] = [
    "DynamoDB_20120810.GetItem",
    "DynamoDB_20120810.PutItem",
    "DynamoDB_20120810.UpdateItem",
    "DynamoDB_20120810.DeleteItem",
];

/// Reads whose work is bounded while they run inline: past `ops::read::INLINE_ROWS` rows or
/// `INLINE_BYTES` of items they give up and run again on the engine threads
/// (`ops::read::inline_may_read`). ExecuteStatement's other statements write one item.
const BOUNDED_READS: [&str; 4] = [
    "DynamoDB_20120810.Query",
    "DynamoDB_20120810.Scan",
    "DynamoDB_20120810.BatchGetItem",
    "DynamoDB_20120810.ExecuteStatement",
];

/// Whether a request is cheap by construction, so the server may run it on the async worker that
/// read it instead of handing it to the engine threads (the hand-off, two thread wake-ups, cost
/// more than a small request's own work): an operation on one item, or a read (Query, Scan,
/// BatchGetItem, ExecuteStatement: bounded there by rows and bytes read, see [`BOUNDED_READS`]) whose answer is not to be compressed, with a small
/// body sent uncompressed (inflating and deflating are unbounded work), when no change waits for
/// a disk sync (`durable`). Everything else (other batches, transactions, large or compressed bodies)
/// may take long and must not hold a worker other connections share. Inline work still waits
/// for nothing: a busy table sends it to the engine threads too (`ops::Cx::inline`). Bounded
/// work can still be a few milliseconds (an UpdateItem adding to a 400 KB set); ARCHITECTURE.md,
/// "Why these choices".
pub fn runs_inline(headers: &HeaderMap, body_len: usize, durable: bool) -> bool {
    let Some(target) = headers.get("x-amz-target").map(HeaderValue::as_bytes) else {
        return false;
    };
    let named = |ops: &[&str]| ops.iter().any(|op| op.as_bytes() == target);
    let compressed_answer = || {
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .and_then(negotiate)
            .is_some()
    };
    !durable
        && body_len <= INLINE_MAX_BODY
        && !headers.contains_key(header::CONTENT_ENCODING)
        && (named(&ONE_ITEM_OPERATIONS) || (named(&BOUNDED_READS) && !compressed_answer()))
}

/// Why a request body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than [`MAX_BODY_BYTES`] once decompressed.
    TooLarge,
    /// An unknown `Content-Encoding`, or content that is not what it claims to be.
    Undecodable,
}

/// The request body with every `Content-Encoding` undone, last applied first (`deflate, gzip`
/// means deflated, then gzipped). `identity` changes nothing.
pub fn decoded_body(req: &Request<Bytes>) -> Result<Bytes, BodyError> {
    let mut codings: Vec<String> = Vec::new();
    for value in req.headers().get_all(header::CONTENT_ENCODING) {
        let value = value.to_str().map_err(|_| BodyError::Undecodable)?;
        codings.extend(value.split(',').map(|c| c.trim().to_ascii_lowercase()));
    }
    let mut body = req.body().clone();
    for coding in codings.iter().rev() {
        body = match coding.as_str() {
            "gzip" | "x-gzip" => inflate(MultiGzDecoder::new(&body[..]))?,
            "deflate" => inflate(ZlibDecoder::new(&body[..]))?,
            "identity" => body,
            _ => return Err(BodyError::Undecodable),
        };
    }
    Ok(body)
}

/// Reads a decoder to its end, at most [`MAX_BODY_BYTES`] of output. Empty input is not a valid
/// stream of either format.
fn inflate(decoder: impl Read) -> Result<Bytes, BodyError> {
    let mut out = Vec::new();
    let mut limited = decoder.take(MAX_BODY_BYTES as u64 + 1);
    limited.read_to_end(&mut out).map_err(|_| BodyError::Undecodable)?;
    if out.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(out))
}

/// A compression the answer can be sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

/// The coding an `Accept-Encoding` value asks for, as DynamoDB picks it: the highest quality wins
/// (a `q` above 1 counts as 1, an unreadable one as 1, zero or less refuses the coding); among
/// equals a coding named outright beats one only covered by `*`, the earlier one beats the later,
/// and under `*` alone gzip beats deflate. Other codings, `identity` among them, are ignored.
pub fn negotiate(accept: &str) -> Option<Coding> {
    let offers: Vec<(String, f64)> = accept.split(',').map(offer).collect();
    let wildcard = offers
        .iter()
        .filter(|(name, _)| name == "*")
        .map(|(_, q)| *q)
        .reduce(f64::max);
    // Each coding's quality and rank among equals: named ones by position, then `*`, gzip first.
    [Coding::Gzip, Coding::Deflate]
        .into_iter()
        .enumerate()
        .filter_map(|(k, coding)| {
            let named = offers
                .iter()
                .enumerate()
                .filter(|(_, (name, _))| name == coding.name())
                .map(|(i, (_, q))| (*q, i))
                .reduce(|best, next| if next.0 > best.0 { next } else { best });
            let (q, rank) = named.or(wildcard.map(|q| (q, offers.len() + k)))?;
            (q > 0.0).then_some((coding, q, rank))
        })
        .reduce(|a, b| if b.1 > a.1 || (b.1 == a.1 && b.2 < a.2) { b } else { a })
        .map(|(coding, _, _)| coding)
}

/// One `Accept-Encoding` entry: the coding's name and the first `q` given for it.
fn offer(entry: &str) -> (String, f64) {
    let mut parts = entry.split(';');
    let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let q = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == "q").then(|| v.trim())
    });
    let q = match q.map(str::parse::<f64>) {
        Some(Ok(q)) if !q.is_nan() => q.min(1.0),
        _ => 1.0,
    };
    (name, q)
}

fn compress(coding: Coding, body: &[u8]) -> Bytes {
    use std::io::Write;
    let out = match coding {
        Coding::Gzip => {
            let mut e = GzEncoder::new(Vec::new(), Compression::default());
            e.write_all(body).and_then(|_| e.finish())
        }
        Coding::Deflate => {
            let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
            e.write_all(body).and_then(|_| e.finish())
        }
    };
    #[allow(clippy::expect_used)] // A `Vec` sink never fails a write.
    Bytes::from(out.expect("writing to memory cannot fail"))
}

const X_AMZ_CRC32: header::HeaderName = header::HeaderName::from_static("x-amz-crc32");

/// The `Date` header for `now_ms`, formatted once per second per thread: an HTTP date shows whole
/// seconds, and most answers of a busy second share one.
fn http_date(now_ms: i64) -> HeaderValue {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u64, HeaderValue)>> = const { std::cell::RefCell::new(None) };
    }
    let secs = now_ms.clamp(0, crate::clock::LATEST_MILLIS) as u64 / 1000;
    LAST.with_borrow_mut(|last| match last {
        Some((at, date)) if *at == secs => date.clone(),
        _ => {
            let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            #[allow(clippy::expect_used)] // `fmt_http_date` writes only ASCII letters, digits and spaces.
            let date = HeaderValue::from_str(&httpdate::fmt_http_date(now)).expect("HTTP dates are ASCII");
            last.insert((secs, date)).1.clone()
        }
    })
}

/// Completes an answer to `request_headers`: compresses it when the client accepts a coding and
/// the body is large enough, stamps the CRC32 of the bytes sent (compressed ones, as DynamoDB
/// does), the `Server` header, the `Date` by the emulator's clock at `now_ms` (SDKs correct their
/// clock skew from it, so a manual clock must show there) and, for a cross-origin request, the
/// CORS headers.
pub fn finish(request_headers: &HeaderMap, preflight: bool, now_ms: i64, mut res: Response<Bytes>) -> Response<Bytes> {
    let coding = request_headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiate)
        .filter(|_| res.body().len() >= MIN_COMPRESSED_BYTES);
    if let Some(coding) = coding {
        let compressed = compress(coding, res.body());
        *res.body_mut() = compressed;
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding.name()));
    }
    let crc = crc32fast::hash(res.body());
    let h = res.headers_mut();
    h.insert(X_AMZ_CRC32, HeaderValue::from(crc));
    h.insert(header::SERVER, HeaderValue::from_static("Server"));
    h.insert(header::DATE, http_date(now_ms));
    if request_headers.contains_key(header::ORIGIN) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
        if preflight {
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(PREFLIGHT_MAX_AGE),
            );
            // A preflight is granted what it asks for.
            for (asked, granted) in [
                (
                    header::ACCESS_CONTROL_REQUEST_METHOD,
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                ),
                (
                    header::ACCESS_CONTROL_REQUEST_HEADERS,
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                ),
            ] {
                if let Some(v) = request_headers.get(asked) {
                    h.insert(granted, v.clone());
                }
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_follows_the_clock_to_the_second() {
        for (ms, text) in [
            (1_700_000_000_999, "Tue, 14 Nov 2023 22:13:20 GMT"),
            (1_700_000_001_000, "Tue, 14 Nov 2023 22:13:21 GMT"),
            (1_700_000_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-5, "Thu, 01 Jan 1970 00:00:00 GMT"),
        ] {
            assert_eq!(http_date(ms), text, "{ms}");
            assert_eq!(http_date(ms), text, "{ms}, again");
        }
    }

    #[test]
    fn a_uri_is_measured_as_displayed() {
        for uri in ["/", "/a/b?x=1&y=2", "http://localhost:8000/", "https://h:1/p?q", "*"] {
            let uri: http::Uri = uri.parse().unwrap();
            assert_eq!(displayed_len(&uri), uri.to_string().len(), "{uri}");
        }
    }

    #[test]
    fn accept_encoding_is_negotiated_as_dynamodb_does() {
        use Coding::{Deflate, Gzip};
        let cases: &[(&str, Option<Coding>)] = &[
            ("gzip", Some(Gzip)),
            ("deflate", Some(Deflate)),
            ("", None),
            ("identity", None),
            ("br", None),
            ("x-gzip", None),
            ("gzip, deflate", Some(Gzip)),
            ("br, identity, deflate, gzip", Some(Deflate)),
            ("GZIP, identity", Some(Gzip)),
            ("dog, gzip ,, cat", Some(Gzip)),
            ("gzip;q=0.8, deflate;q=0.5", Some(Gzip)),
            ("br, gzip;q=0, deflate; q = 0.5 , identity;q=0", Some(Deflate)),
            ("*", Some(Gzip)),
            ("*, deflate;q=0.5", Some(Gzip)),
            ("*, deflate", Some(Deflate)),
            ("*, gzip;q=0.5", Some(Deflate)),
            ("gzip ;q=0", None),
            ("*;q=0", None),
            ("*;q=0.5,identity", Some(Gzip)),
            ("br;q=0.8,identity;q=0.5,*;q=0", None),
            ("\"gzip\"", None),
            ("gzip br", None),
            ("gzip:q=1", None),
            ("deflate;q=0.5, gzip;q=31", Some(Gzip)),
            ("gzip;q=31,deflate;q=51", Some(Gzip)),
            ("deflate;q=0.5, gzip;q=1;q=0.2", Some(Gzip)),
            ("deflate;q=0.5,gzip;q=0.", Some(Deflate)),
            ("deflate;q=0.5,gzip;q=0.x", Some(Gzip)),
            ("deflate;q=-0.5,gzip;q=0.2", Some(Gzip)),
            ("gzip;nq=1;q=0 ", None),
            ("gzip;q=0, gzip;q=1, gzip;q=0", Some(Gzip)),
            ("br,identity;q=0.5,gzip;q=0.0001", Some(Gzip)),
        ];
        for (accept, want) in cases {
            assert_eq!(negotiate(accept), *want, "Accept-Encoding: {accept}");
        }
    }

    fn request(encoding: &str, body: Vec<u8>) -> Request<Bytes> {
        Request::builder()
            .header("content-encoding", encoding)
            .body(Bytes::from(body))
            .unwrap()
    }

    #[test]
    fn only_small_uncompressed_one_item_requests_and_bounded_reads_run_inline() {
        let headers = |target: &str, encoding: Option<&str>, accept: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert("x-amz-target", HeaderValue::from_str(target).unwrap());
            if let Some(e) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_str(e).unwrap());
            }
            if let Some(a) = accept {
                h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(a).unwrap());
            }
            h
        };
        let reads = ["Query", "Scan", "BatchGetItem", "ExecuteStatement"];
        for op in ["GetItem", "PutItem", "UpdateItem", "DeleteItem"]
            .into_iter()
            .chain(reads)
        {
            let target = format!("DynamoDB_20120810.{op}");
            let h = headers(&target, None, Some("identity"));
            assert!(runs_inline(&h, INLINE_MAX_BODY, false), "{op}");
            assert!(!runs_inline(&h, INLINE_MAX_BODY + 1, false), "{op} with a large body");
            assert!(!runs_inline(&h, 10, true), "{op} waiting for a disk sync");
            let gzipped = headers(&target, Some("gzip"), None);
            assert!(!runs_inline(&gzipped, 10, false), "{op} compressed");
            // Compressing a whole page is unbounded work; one item's answer stays small enough.
            let accepts_gzip = headers(&target, None, Some("gzip"));
            assert_eq!(
                runs_inline(&accepts_gzip, 10, false),
                !reads.contains(&op),
                "{op} answered compressed"
            );
        }
        for target in [
            "DynamoDB_20120810.TransactWriteItems",
            "DynamoDB_20120810.ListTables",
            "DynamoDBStreams_20120810.GetRecords",
            "DynamoDB_20120810.GetItemX",
            "GetItem",
        ] {
            assert!(!runs_inline(&headers(target, None, None), 10, false), "{target}");
        }
        assert!(!runs_inline(&HeaderMap::new(), 10, false));
    }

    #[test]
    fn encodings_are_undone_last_first() {
        let text = b"{\"TableName\": \"t\"}".to_vec();
        let both = compress(Coding::Gzip, &compress(Coding::Deflate, &text));
        assert_eq!(decoded_body(&request("deflate, gzip", both.to_vec())).unwrap(), text);
        // Two gzip members in a row are one body.
        let mut two = compress(Coding::Gzip, &text[..5]).to_vec();
        two.extend_from_slice(&compress(Coding::Gzip, &text[5..]));
        assert_eq!(decoded_body(&request("gzip", two)).unwrap(), text);
        assert_eq!(decoded_body(&request("identity", text.clone())).unwrap(), text);
    }

    #[test]
    fn broken_unknown_and_oversized_bodies_are_refused() {
        let text = b"{}".to_vec();
        for (encoding, body) in [
            ("gzip", text.clone()),
            ("deflate", text.clone()),
            ("gzip", Vec::new()),
            ("deflate", Vec::new()),
            ("garbage", text.clone()),
            ("gzip", compress(Coding::Gzip, &text)[..10].to_vec()),
        ] {
            assert_eq!(
                decoded_body(&request(encoding, body)),
                Err(BodyError::Undecodable),
                "{encoding}"
            );
        }
        let bomb = compress(Coding::Gzip, &vec![b' '; MAX_BODY_BYTES + 1]);
        assert_eq!(decoded_body(&request("gzip", bomb.to_vec())), Err(BodyError::TooLarge));
    }
}
