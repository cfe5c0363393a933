//! SigV4 verification (`Builder::credentials`) against the Rust SDK's own signer: the right secret
//! passes, a wrong one, an unknown key and a clock more than 15 minutes off get DynamoDB's exact
//! errors, over both transports; a compressed body is verified as sent.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::Credentials as SdkCredentials;
use aws_sdk_dynamodb::Client;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_async::time::StaticTimeSource;
use bytes::Bytes;
use dynamodb_emulator::Emulator;

use crate::support::error;

/// The emulator's (manual) clock: 2026-03-30T00:04:05Z.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_774_829_045)
}

async fn verifying() -> Emulator {
    Emulator::builder()
        .manual_clock(now())
        .credentials("AKIDEXAMPLE:right-secret,OTHERKEY:other:111122223333".parse().unwrap())
        .start()
        .await
        .unwrap()
}

/// `base` signing with this key and secret at `at`, without retries (an SDK retries a refused
/// signature with its clock corrected by the answer's `Date`).
fn signing(base: &Client, key: &str, secret: &str, at: SystemTime) -> Client {
    signing_as(base, SdkCredentials::new(key, secret, None, None, "test"), at)
}

/// [`signing`] with any credentials, a session token among them.
fn signing_as(base: &Client, credentials: SdkCredentials, at: SystemTime) -> Client {
    let conf = base
        .config()
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .credentials_provider(credentials)
        .time_source(StaticTimeSource::new(at))
        .build();
    Client::from_conf(conf)
}

async fn list_tables(client: &Client) -> Result<(), (String, String)> {
    client.list_tables().send().await.map(|_| ()).map_err(error)
}

fn invalid(message: &str) -> Result<(), (String, String)> {
    Err(("InvalidSignatureException".into(), message.into()))
}

#[tokio::test]
async fn the_right_secret_passes_and_a_wrong_one_or_unknown_key_is_refused() {
    let ddb = verifying().await;
    for base in [ddb.client(), ddb.http_client()] {
        assert_eq!(
            list_tables(&signing(&base, "AKIDEXAMPLE", "right-secret", now())).await,
            Ok(())
        );
        assert_eq!(list_tables(&signing(&base, "OTHERKEY", "other", now())).await, Ok(()));
        assert_eq!(
            list_tables(&signing(&base, "AKIDEXAMPLE", "wrong-secret", now())).await,
            invalid("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        );
        assert_eq!(
            list_tables(&signing(&base, "NOSUCHKEY", "right-secret", now())).await,
            Err((
                "UnrecognizedClientException".into(),
                "The security token included in the request is invalid.".into()
            ))
        );
        // The emulator's default test credentials are not on the list either.
        assert_eq!(list_tables(&base).await.unwrap_err().0, "UnrecognizedClientException");
    }
}

/// Every key given to the emulator is long-term, so a session token beside one names temporary
/// credentials that do not exist: AWS answers with the unknown key's text, less its full stop
/// (ExtendDB's dual-target test_auth_error_fidelity.py, measured 2026-09-16).
#[tokio::test]
async fn a_session_token_beside_a_long_term_key_is_refused() {
    let ddb = verifying().await;
    for base in [ddb.client(), ddb.http_client()] {
        let with_token = SdkCredentials::new(
            "AKIDEXAMPLE",
            "right-secret",
            Some("AQoDYXdzEJr-not-a-real-token".into()),
            None,
            "test",
        );
        assert_eq!(
            list_tables(&signing_as(&base, with_token, now())).await,
            Err((
                "UnrecognizedClientException".into(),
                "The security token included in the request is invalid".into()
            ))
        );
    }
}

#[tokio::test]
async fn a_request_more_than_15_minutes_from_the_emulators_clock_is_refused() {
    let ddb = verifying().await;
    let client = |at| signing(&ddb.client(), "AKIDEXAMPLE", "right-secret", at);
    let minutes = |m: u64| Duration::from_secs(60 * m);
    assert_eq!(list_tables(&client(now() - minutes(15))).await, Ok(()));
    assert_eq!(list_tables(&client(now() + minutes(15))).await, Ok(()));
    assert_eq!(
        list_tables(&client(now() - minutes(16))).await,
        invalid(
            "Signature expired: 20260329T234805Z is now earlier than 20260329T234905Z (20260330T000405Z - 15 min.)"
        )
    );
    assert_eq!(
        list_tables(&client(now() + minutes(16))).await,
        invalid("Signature not yet current: 20260330T002005Z is still later than 20260330T001905Z (20260330T000405Z + 15 min.)")
    );
    // The time is judged before the key: a stale request of an unknown key is stale, as on AWS
    // (ScyllaDB's Alternator test_expired_signature).
    assert_eq!(
        list_tables(&signing(&ddb.client(), "NOSUCHKEY", "any", now() - minutes(16))).await,
        invalid(
            "Signature expired: 20260329T234805Z is now earlier than 20260329T234905Z (20260330T000405Z - 15 min.)"
        )
    );
    // The emulator's clock decides, not the machine's: once it moves, the same time is stale.
    ddb.advance(minutes(16));
    assert_eq!(
        list_tables(&client(now())).await.unwrap_err().1,
        "Signature expired: 20260330T000405Z is now earlier than 20260330T000505Z (20260330T002005Z - 15 min.)"
    );
}

#[tokio::test]
async fn without_credentials_any_key_and_secret_work() {
    let ddb = Emulator::builder().manual_clock(now()).start().await.unwrap();
    let far = now() - Duration::from_secs(86_400);
    assert_eq!(list_tables(&signing(&ddb.client(), "ANY", "thing", far)).await, Ok(()));
}

/// A gzip-compressed ListTables request signed by the SDK's signer over its compressed bytes.
fn signed_gzip_request(secret: &str) -> http::Request<Bytes> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"Limit": 5}"#).unwrap();
    let body = gz.finish().unwrap();
    let mut req = http::Request::builder()
        .method("POST")
        .uri("http://localhost:8000/")
        .header("host", "localhost:8000")
        .header("content-type", "application/x-amz-json-1.0")
        .header("content-encoding", "gzip")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .body(Bytes::from(body))
        .unwrap();
    let identity = SdkCredentials::new("AKIDEXAMPLE", secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("dynamodb")
        .time(now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = req.headers().iter().map(|(k, v)| (k.as_str(), v.to_str().unwrap()));
    let signable = SignableRequest::new(
        "POST",
        "http://localhost:8000/",
        headers,
        SignableBody::Bytes(req.body()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut req);
    req
}

#[tokio::test]
async fn a_compressed_body_is_verified_as_sent() {
    let ddb = verifying().await;
    let res = ddb.engine().handle(&signed_gzip_request("right-secret"));
    assert_eq!(res.status(), 200, "{:?}", res.body());
    assert_eq!(&res.body()[..], br#"{"TableNames":[]}"#);
    let res = ddb.engine().handle(&signed_gzip_request("wrong-secret"));
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(body["__type"], "com.amazon.coral.service#InvalidSignatureException");
    // The same JSON compressed differently is another body: its signature no longer holds.
    let mut req = signed_gzip_request("right-secret");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(br#"{"Limit":  5}"#).unwrap();
    *req.body_mut() = Bytes::from(gz.finish().unwrap());
    let body: serde_json::Value = serde_json::from_slice(ddb.engine().handle(&req).body()).unwrap();
    assert_eq!(body["__type"], "com.amazon.coral.service#InvalidSignatureException");
}
