//! AWS Signature Version 4, verified as DynamoDB verifies it, on the request exactly as it arrived:
//! the signature covers the body as sent (compressed, if it was), so this runs on the raw bytes,
//! never on the decoded JSON. Off unless the emulator was given [`Credentials`].

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use http::Request;
use sha2::{Digest, Sha256};

use crate::clock::{basic_iso8601, parse_basic_iso8601};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::iam::PolicyDocument;

/// How far a request's time may be from the emulator's clock, either way.
const MAX_SKEW_MS: i64 = 15 * 60 * 1000;

/// A verified caller: its access key, account and identity policies.
#[derive(Debug)]
pub struct Identity<'c> {
    pub key: &'c str,
    pub account: &'c str,
    pub policies: &'c [PolicyDocument],
}

/// Identity policies are JSON, so this half of `Credentials` lives in the protocol.
impl Credentials {
    /// Attaches an IAM identity policy (the JSON document) to an access key: from then on its
    /// requests are authorized as AWS does, against its policies and the tables' resource
    /// policies (AccessDeniedException otherwise). Keys without a policy may do anything.
    /// Refuses a document it cannot evaluate (see `--policy` in the README).
    pub fn with_policy(mut self, access_key_id: &str, document: &str) -> Result<Credentials, String> {
        let doc = super::iam::parse(document)?;
        self.policies.entry(access_key_id.into()).or_default().push(doc);
        Ok(self)
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
/// header; `protocol::check_auth` has already refused one missing any of them.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Authorization<'a> {
        Authorization {
            credential: param(header, "Credential"),
            signed_headers: param(header, "SignedHeaders"),
            signature: param(header, "Signature"),
        }
    }
}

/// The value of parameter `name` in an `Authorization` header (empty when absent). Parameters
/// are separated by commas, whitespace or both, as DynamoDB accepts (ScyllaDB's Alternator tests,
/// run against AWS, send `Credential=… SignedHeaders=… Signature=…` and `…,SignedHeaders=…`).
///
/// It runs on every request, so it splits bytes, not chars: the separators are ASCII, so every
/// piece starts and ends on a char boundary.
fn param<'a>(header: &'a str, name: &str) -> &'a str {
    let params = header.split_once(' ').map_or("", |(_, rest)| rest);
    let mut start = 0;
    for piece in params.as_bytes().split(|&b| b == b',' || b.is_ascii_whitespace()) {
        let text = &params[start..start + piece.len()];
        start += piece.len() + 1;
        if let Some(value) = text.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')) {
            return value;
        }
    }
    ""
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidSignature, message)
}

fn incomplete(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::IncompleteSignature, message)
}

/// Checks the request's signature with `credentials` at `now_ms` (the emulator's clock), in this
/// order: the credential scope's shape, the request time's form, what must be signed, the time's
/// skew, the scope's service, region and date, the access key, then the signature itself. The
/// skew comes before the scope and the key as on AWS, which answers "Signature expired" for a
/// stale request whatever its scope and key (ScyllaDB's Alternator test_expired_signature).
/// Answers who signed it.
pub fn verify<'c>(credentials: &'c Credentials, now_ms: i64, req: &Request<Bytes>) -> Result<Identity<'c>, Error> {
    let auth = Authorization::parse(header(req, "authorization"));
    let scope: Vec<&str> = auth.credential.split('/').collect();
    let [key_id, scope_date, region, service, terminator] = scope[..] else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            auth.credential
        )));
    };
    let amz_date = header(req, "x-amz-date");
    let raw_date = if amz_date.is_empty() {
        header(req, "date")
    } else {
        amz_date
    };
    let (date, request_ms) = if amz_date.is_empty() {
        let ms = httpdate::parse_http_date(raw_date)
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64);
        (ms.map(basic_iso8601), ms)
    } else {
        (Some(amz_date.to_string()), parse_basic_iso8601(amz_date))
    };
    let (Some(date), Some(request_ms)) = (date, request_ms) else {
        return Err(incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{raw_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        )));
    };
    let signed: Vec<&str> = auth.signed_headers.split(';').collect();
    if !signed.contains(&"host") {
        return Err(incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if !amz_date.is_empty() && !signed.contains(&"x-amz-date") {
        return Err(incomplete(
            "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let now = basic_iso8601(now_ms);
    if request_ms < now_ms - MAX_SKEW_MS {
        return Err(invalid(format!(
            "Signature expired: {date} is now earlier than {} ({now} - 15 min.)",
            basic_iso8601(now_ms - MAX_SKEW_MS)
        )));
    }
    if request_ms > now_ms + MAX_SKEW_MS {
        return Err(invalid(format!(
            "Signature not yet current: {date} is still later than {} ({now} + 15 min.)",
            basic_iso8601(now_ms + MAX_SKEW_MS)
        )));
    }
    // Each wrong part of the scope adds its sentence, region first (AWS, measured 2026-09-16, names
    // a wrong region and service together in that order).
    let mut scope_errors = String::new();
    if region.is_empty() {
        scope_errors += "Credential should be scoped to a valid region, not ''. ";
    }
    if service != "dynamodb" {
        scope_errors += "Credential should be scoped to correct service: 'dynamodb'. ";
    }
    if terminator != "aws4_request" {
        scope_errors +=
            &format!("Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ");
    }
    if !scope_errors.is_empty() {
        return Err(invalid(scope_errors));
    }
    if scope_date != &date[..8] {
        return Err(invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{date}'.",
            &date[..8]
        )));
    }
    let Some((known_key, (secret, account))) = credentials.keys.get_key_value(key_id) else {
        return Err(Error::new(
            ErrorKind::UnrecognizedClient,
            "The security token included in the request is invalid.",
        ));
    };
    // Every key here is long-term, and a session token names temporary credentials, which no key
    // here is: AWS refuses the pair (without the full stop of the unknown key's text).
    if req.headers().contains_key("x-amz-security-token") {
        return Err(Error::new(
            ErrorKind::UnrecognizedClient,
            "The security token included in the request is invalid",
        ));
    }
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{}\n{}",
        &auth.credential[key_id.len() + 1..],
        hex::encode(Sha256::digest(canonical_request(req, &signed)))
    );
    let key = [scope_date, region, service, terminator]
        .iter()
        .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
            hmac(&key, part.as_bytes())
        });
    let mut mac = keyed(&key);
    mac.update(string_to_sign.as_bytes());
    let given = hex::decode(auth.signature).unwrap_or_default();
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given).map_err(|_| {
        invalid("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    })?;
    let policies = credentials.policies.get(known_key).map_or(&[][..], Vec::as_slice);
    Ok(Identity {
        key: known_key,
        account,
        policies,
    })
}

/// What a request's `Authorization` header names, verified or not: the credential's access key
/// (the sender) and its scope's region (`KEY/DATE/REGION/SERVICE/aws4_request`), if it names one,
/// which selects the namespace. Read once a request, for both.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub key: &'a str,
    pub region: Option<&'a str>,
}

pub fn scope(authorization: &str) -> Scope<'_> {
    // Only the credential: this runs on every request. Split as bytes, as `param` splits (a
    // `char` pattern's searcher cost more than the rest of the read); past the last part, parts
    // are empty, as a missing region reads.
    let mut rest = param(authorization, "Credential");
    let mut part = || {
        let (part, after) = match rest.bytes().position(|b| b == b'/') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, ""),
        };
        rest = after;
        part
    };
    let key = part();
    part();
    let region = Some(part()).filter(|r| !r.is_empty());
    Scope { key, region }
}

/// HMAC-SHA256 keyed with `key`.
#[allow(clippy::expect_used)] // HMAC takes keys of any length; only fixed-size MACs refuse one.
fn keyed(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any size")
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// SigV4's canonical request: method, path (percent-encoded once more, as every SDK signs it for
/// services other than S3), query pairs sorted as sent, each signed header's values trimmed with
/// inner runs of spaces collapsed and joined by commas, the signed header list, and the SHA-256
/// of the body as received.
fn canonical_request(req: &Request<Bytes>, signed: &[&str]) -> String {
    let mut query: Vec<&str> = req.uri().query().map_or(Vec::new(), |q| q.split('&').collect());
    query.sort_unstable();
    let mut out = format!(
        "{}\n{}\n{}\n",
        req.method(),
        uri_encode(req.uri().path()),
        query.join("&")
    );
    for name in signed {
        let mut values: Vec<String> = req
            .headers()
            .get_all(*name)
            .iter()
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if values.is_empty() && *name == "host" {
            // An HTTP/2 or in-process request names its host in the URI only.
            values.extend(req.uri().authority().map(|a| a.to_string()));
        }
        out += &format!("{name}:{}\n", values.join(","));
    }
    out += &format!("\n{}\n{}", signed.join(";"), hex::encode(Sha256::digest(req.body())));
    out
}

/// Percent-encodes everything but SigV4's unreserved characters and `/`.
fn uri_encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn header<'a>(req: &'a Request<Bytes>, name: &str) -> &'a str {
    req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::DEFAULT_ACCOUNT;

    /// A request at 2026-03-30T00:04:05Z with this `Authorization` (signature never checked: every
    /// case is refused before that).
    fn refused(authorization: &str, date: &str) -> (ErrorKind, String) {
        let req = Request::builder()
            .header("authorization", authorization)
            .header("x-amz-date", date)
            .body(Bytes::new())
            .unwrap();
        let creds = Credentials::default().with("AK", "s", DEFAULT_ACCOUNT);
        let e = verify(&creds, 1_774_829_045_000, &req).unwrap_err();
        (e.kind, e.message.unwrap())
    }

    #[test]
    fn malformed_scopes_dates_and_signed_headers_are_refused_before_the_signature() {
        use ErrorKind::{IncompleteSignature as Incomplete, InvalidSignature as Invalid};
        let auth = |cred: &str, signed: &str| {
            format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={signed}, Signature=00")
        };
        let good = "AK/20260330/us-east-1/dynamodb/aws4_request";
        let date = "20260330T000405Z";
        let cases = [
            (auth("AK/20260330/us-east-1/dynamodb", "host;x-amz-date"), date, Incomplete, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AK/20260330/us-east-1/dynamodb'"),
            (auth(good, "host;x-amz-date"), "2026-03-30T00:04:05Z", Incomplete, "Date must be in ISO-8601 'basic format'. Got '2026-03-30T00:04:05Z'. See http://en.wikipedia.org/wiki/ISO_8601"),
            (auth(good, "x-amz-date"), date, Incomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            (auth(good, "host"), date, Incomplete, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."),
            (auth("AK/20260330/us-east-1/s3/aws4_request", "host;x-amz-date"), date, Invalid, "Credential should be scoped to correct service: 'dynamodb'. "),
            (auth("AK/20260330//dynamodb/aws4_request", "host;x-amz-date"), date, Invalid, "Credential should be scoped to a valid region, not ''. "),
            (auth("AK/20260330/us-east-1/dynamodb/aws5_request", "host;x-amz-date"), date, Invalid, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "),
            (auth("AK/20260330//s3/aws5_request", "host;x-amz-date"), date, Invalid, "Credential should be scoped to a valid region, not ''. Credential should be scoped to correct service: 'dynamodb'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "),
            (auth("AK/20260329/us-east-1/dynamodb/aws4_request", "host;x-amz-date"), date, Invalid, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260329' != '20260330', from '20260330T000405Z'."),
            (auth(good, "host;x-amz-date"), date, Invalid, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
            // A stale request is refused for its time before its scope or key is looked at.
            (auth("nobody/2/3/4/aws4_request", "host;x-amz-date"), "20170101T010101Z", Invalid, "Signature expired: 20170101T010101Z is now earlier than 20260329T234905Z (20260330T000405Z - 15 min.)"),
        ];
        for (authorization, date, kind, message) in cases {
            assert_eq!(
                refused(&authorization, date),
                (kind, message.to_string()),
                "{authorization} {date}"
            );
        }
    }

    #[test]
    fn parameters_may_be_separated_by_commas_whitespace_or_both() {
        for sep in [", ", ",", " ", " ,\t"] {
            let header = format!("AWS4-HMAC-SHA256 Credential=AK/x{sep}SignedHeaders=host;x-amz-date{sep}Signature=00");
            let auth = Authorization::parse(&header);
            assert_eq!(
                (auth.credential, auth.signed_headers, auth.signature),
                ("AK/x", "host;x-amz-date", "00"),
                "{sep:?}"
            );
        }
    }

    /// The key is the credential's first part and the region its third, when not empty, as
    /// `str::split` would give them.
    #[test]
    fn a_scope_names_the_credentials_key_and_region() {
        let read = |credential: &str| {
            let header = format!("AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=0");
            let s = scope(&header);
            (s.key.to_string(), s.region.map(str::to_string))
        };
        let some = |r: &str| Some(r.to_string());
        assert_eq!(
            read("AK/20260101/eu-west-2/dynamodb/aws4_request"),
            ("AK".into(), some("eu-west-2"))
        );
        assert_eq!(read("a/b/c/d"), ("a".into(), some("c")));
        assert_eq!(read("/d/r"), ("".into(), some("r")));
        for credential in ["AK", "AK/d", "AK/d/", "AK/d//x", ""] {
            let key = credential.split('/').next().unwrap();
            assert_eq!(read(credential), (key.into(), None), "{credential:?}");
        }
        assert_eq!((scope("AWS4-HMAC-SHA256").key, scope("").region), ("", None));
    }

    #[test]
    fn a_parameter_is_found_only_where_one_starts() {
        let header =
            "AWS4-HMAC-SHA256 XCredential=no,Credential,\tCredentialX=no SignedHeaders=Credential=no Credential=AK/x,";
        assert_eq!(param(header, "Credential"), "AK/x");
        assert_eq!(param(header, "SignedHeaders"), "Credential=no");
        assert_eq!(param(header, "Signature"), "");
        assert_eq!(param("AWS4-HMAC-SHA256", "Credential"), "");
    }

    #[test]
    fn paths_are_encoded_once_more() {
        assert_eq!(uri_encode("/"), "/");
        assert_eq!(uri_encode("/a b/%41~"), "/a%20b/%2541~");
    }
}
