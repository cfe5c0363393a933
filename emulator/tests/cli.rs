//! The binary: starts on a free port, prints one ready line (then the controls' token when bound to a
//! non-loopback address), serves, stops on SIGTERM; verifies signatures when given credentials;
//! takes DynamoDB Local's flags; logs requests when asked.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dynamodb_emulator::aws_sdk_dynamodb::types::TableStatus;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn cli_serves_on_a_free_port_and_stops_on_sigterm() {
    let emu = Running::start(&["--port", "0"]);
    assert!(emu.url.starts_with("http://127.0.0.1:"), "{}", emu.url);
    let client = dynamodb_emulator::transport_for_endpoint(&emu.url);
    let tables = client.list_tables().send().await.unwrap();
    assert!(tables.table_names().is_empty());
    emu.stop(); // asserts the graceful shutdown's exit status 0
}

#[test]
fn help_documents_every_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--ttl-sweep-interval",
        "--manual-clock",
        "--log-requests",
        "--credentials",
        "--control-token",
        "--in-memory",
        "--db-path",
        "--header-timeout",
        "--body-timeout",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

/// One raw HTTP/1.1 request to `addr` (host:port); returns the body.
async fn raw(addr: &str, method: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split_once("\r\n\r\n").unwrap().1.to_string()
}

#[tokio::test]
async fn cli_manual_clock_moves_only_over_http() {
    use aws_sdk_dynamodb::types::AttributeValue as V;
    use aws_sdk_dynamodb::types::TimeToLiveSpecification;

    let emu = Running::start(&["--port", "0", "--manual-clock"]);
    let addr = emu.url.strip_prefix("http://").unwrap().to_string();

    let clock: serde_json::Value = serde_json::from_str(&raw(&addr, "GET", "/_emulator/clock", "").await).unwrap();
    assert_eq!(clock["mode"], "manual");
    let now_secs = clock["now_millis"].as_i64().unwrap() / 1000;

    let c = dynamodb_emulator::transport_for_endpoint(&emu.url);
    create_table(&c, "ttl_cli").await;
    c.update_time_to_live()
        .table_name("ttl_cli")
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("exp")
                .enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.put_item()
        .table_name("ttl_cli")
        .item("pk", V::S("a".into()))
        .item("exp", V::N((now_secs + 5).to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(raw(&addr, "POST", "/_emulator/ttl/sweep", "").await, r#"{"deleted":0}"#);
    raw(&addr, "POST", "/_emulator/clock/advance", r#"{"seconds": 6}"#).await;
    assert_eq!(raw(&addr, "POST", "/_emulator/ttl/sweep", "").await, r#"{"deleted":1}"#);
    emu.stop();
}

/// Creates `name` with a string hash key `pk`, on demand.
async fn create_table(c: &aws_sdk_dynamodb::Client, name: &str) {
    dynamodb_emulator::testing::create_table(c, name, "pk").await.unwrap();
}

/// Stops the child process if the test fails before it does.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary started with `args`, its address read from the ready line; stderr kept for
/// [`Running::stop`].
struct Running {
    child: KillOnDrop,
    url: String,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = KillOnDrop(
            Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut line = String::new();
        BufReader::new(child.0.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("ready line")
            .to_string();
        Running { child, url }
    }

    /// Stops the emulator with SIGTERM and returns what it wrote to stderr.
    fn stop(mut self) -> String {
        let pid = self.child.0.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.child.0.stderr.take().unwrap(), &mut err).unwrap();
        assert!(self.child.0.wait().unwrap().success());
        err
    }
}

/// SIGTERM at once after the ready line: the handlers are installed before it is printed, so
/// every run shuts down cleanly (before, about one in six was killed by the default action).
#[test]
fn a_signal_right_after_the_ready_line_shuts_down_cleanly() {
    for _ in 0..40 {
        Running::start(&["--port", "0"]).stop();
    }
}

#[tokio::test]
async fn a_dynamodb_local_command_line_starts_the_emulator() {
    let emu = Running::start(&[
        "-port",
        "0",
        "-inMemory",
        "-sharedDb",
        "-delayTransientStatuses",
        "-disableTelemetry",
        "-cors",
        "*",
    ]);
    let client = dynamodb_emulator::transport_for_endpoint(&emu.url);
    assert!(client.list_tables().send().await.unwrap().table_names().is_empty());
    // -delayTransientStatuses keeps a new table CREATING for its default 500 ms: it is ACTIVE no
    // sooner than that after CreateTable was sent. (Whether a DescribeTable still sees it
    // CREATING depends on how long the loaded machine took to send it, so that is not asserted.)
    let status = || async {
        let out = client.describe_table().table_name("delayed").send().await.unwrap();
        out.table.unwrap().table_status.unwrap()
    };
    let sent = std::time::Instant::now();
    create_table(&client, "delayed").await;
    while status().await != TableStatus::Active {
        assert!(sent.elapsed() < std::time::Duration::from_secs(20), "still CREATING");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        sent.elapsed() >= std::time::Duration::from_millis(500),
        "{:?}",
        sent.elapsed()
    );
    let err = emu.stop();
    assert!(!err.contains("WARN"), "{err}");
}

#[test]
fn dynamodb_local_flags_the_emulator_cannot_honour_are_refused_with_the_reason() {
    let cases: [(&[&str], &str); 2] = [
        (
            &["-port", "0", "-dbPath", "/tmp/ddb", "-inMemory"],
            "error: -inMemory (--in-memory) and -dbPath (--db-path) cannot be used together",
        ),
        (
            &["-optimizeDbBeforeStartup"],
            "error: -optimizeDbBeforeStartup (--optimize-db-before-startup) needs -dbPath",
        ),
    ];
    for (args, message) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing listens");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().next(), Some(message), "{args:?}");
    }
}

#[test]
fn dash_help_is_dynamodb_locals_help_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .arg("-help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("DynamoDB Local's flags (-port and -help work too):"),
        "{help}"
    );
    assert!(
        help.contains("-inMemory: accepted; the emulator keeps its data in memory unless given -dbPath"),
        "{help}"
    );
}

/// The request lines in a log, each without its timestamp and latency figure.
fn request_lines(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.split_once(" INFO dynamodb_emulator::request: "))
        .map(|(_, line)| {
            let (rest, latency) = line.rsplit_once(" latency=").expect("a latency");
            assert!(
                latency.ends_with("ms") && latency[..latency.len() - 2].parse::<f64>().is_ok(),
                "{line}"
            );
            rest.to_string()
        })
        .collect()
}

#[tokio::test]
async fn log_requests_prints_one_line_per_request() {
    use aws_sdk_dynamodb::types::AttributeValue as V;

    let emu = Running::start(&["--port", "0", "--log-requests"]);
    let c = dynamodb_emulator::transport_for_endpoint(&emu.url);
    create_table(&c, "logged").await;
    c.put_item()
        .table_name("logged")
        .item("pk", V::S("a".into()))
        .send()
        .await
        .unwrap();
    let failed = c
        .put_item()
        .table_name("logged")
        .item("pk", V::S("a".into()))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await;
    assert!(failed.is_err());
    let addr = emu.url.strip_prefix("http://").unwrap().to_string();
    raw(&addr, "GET", "/_emulator/clock", "").await;
    assert_eq!(
        request_lines(&emu.stop()),
        [
            "CreateTable table=logged status=200",
            "PutItem table=logged status=200",
            "PutItem table=logged status=400 error=ConditionalCheckFailedException",
            "GET /_emulator/clock status=200",
        ]
    );
}

#[tokio::test]
async fn requests_are_not_logged_by_default() {
    let emu = Running::start(&["--port", "0"]);
    let client = dynamodb_emulator::transport_for_endpoint(&emu.url);
    client.list_tables().send().await.unwrap();
    let log = emu.stop();
    assert!(log.contains("dynamodb-emulator ready"), "{log}");
    assert_eq!(request_lines(&log), Vec::<String>::new());
}

#[tokio::test]
async fn credentials_turn_signature_verification_on() {
    // `transport_for_endpoint` signs with the access key `test` and the secret `test`.
    let emu = Running::start(&["--port", "0", "--credentials", "test:test:123456789012"]);
    let client = dynamodb_emulator::transport_for_endpoint(&emu.url);
    assert!(client.list_tables().send().await.unwrap().table_names().is_empty());
    let emu = Running::start(&["--port", "0", "--credentials", "someone-else:secret"]);
    let err = dynamodb_emulator::transport_for_endpoint(&emu.url)
        .list_tables()
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert_eq!(
        (err.meta().code(), err.meta().message()),
        (
            Some("UnrecognizedClientException"),
            Some("The security token included in the request is invalid.")
        )
    );
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .args(["--credentials", "key-without-secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("'key-without-secret' is not ID:SECRET or ID:SECRET:ACCOUNT (an account is 12 digits)"),
        "{err}"
    );
}

#[tokio::test]
async fn on_a_non_loopback_address_the_controls_token_is_printed_and_required() {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
            .args(["--host", "0.0.0.0", "--port", "0", "--manual-clock"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let (mut ready, mut token) = (String::new(), String::new());
    out.read_line(&mut ready).unwrap();
    out.read_line(&mut token).unwrap();
    let addr = ready.trim().strip_prefix("listening on http://").unwrap().to_string();
    let token = token.trim().strip_prefix("control token: ").expect("token line");
    assert_eq!(token.len(), 32);
    let refused = raw(&addr, "GET", "/_emulator/clock", "").await;
    assert!(refused.contains("need its token"), "{refused}");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let req = format!(
        "GET /_emulator/clock HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains(r#""mode":"manual""#), "{answer}");
}

#[tokio::test]
async fn seed_files_load_at_start_and_a_bad_one_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.json");
    let items = dir.path().join("items.json");
    std::fs::write(
        &table,
        r#"{"TableName": "seeded", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}"#,
    )
    .unwrap();
    std::fs::write(&items, r#"{"seeded": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}"#).unwrap();
    let (table, items) = (table.to_str().unwrap(), items.to_str().unwrap());

    let emu = Running::start(&["--port", "0", "--seed", table, "--seed", items]);
    let client = dynamodb_emulator::transport_for_endpoint(&emu.url);
    let scan = client.scan().table_name("seeded").send().await.unwrap();
    assert_eq!(scan.count, 1);
    emu.stop();

    // The items before their table: refused, nothing listens.
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .args(["--port", "0", "--seed", items, "--seed", table])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.lines().last(),
        Some(
            format!("error: seed file {items}: seeded[0]: ResourceNotFoundException: Requested resource not found")
                .as_str()
        )
    );
}

#[tokio::test]
async fn a_chaos_plan_file_applies_from_the_start_and_its_seed_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"rules": [{"operation": "CreateTable", "error": "ThrottlingException", "nth": [1]}]}"#,
    )
    .unwrap();
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
            .args(["--port", "0", "--chaos", plan.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let url = lines
        .next()
        .unwrap()
        .unwrap()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let seed = lines.next().unwrap().unwrap();
    let seed: u64 = seed.strip_prefix("chaos seed: ").expect("seed line").parse().unwrap();
    let addr = url.replace("http://", "");
    let answer = raw(&addr, "GET", "/_emulator/chaos", "").await;
    assert_eq!(
        answer,
        format!(r#"{{"rules":[{{"fired":0,"matched":0}}],"seed":{seed}}}"#)
    );
    // The SDK retries the throttled CreateTable and succeeds on its second attempt.
    create_table(&dynamodb_emulator::transport_for_endpoint(&url), "tbl").await;
    let answer = raw(&addr, "GET", "/_emulator/chaos", "").await;
    assert_eq!(
        answer,
        format!(r#"{{"rules":[{{"fired":1,"matched":2}}],"seed":{seed}}}"#)
    );
}

/// Opens a connection that stalls in its headers, one that stalls in its body and one left idle
/// after a request, and asserts that the server closes each between `timeout` and a few seconds
/// later (the body one after answering 408).
async fn assert_stalled_connections_are_closed(addr: &str, timeout: std::time::Duration) {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let start = Instant::now();
    let mut connections = Vec::new();
    for (what, sent) in [
        ("half-sent header", "POST / HTTP/1.1\r\nHost: x\r\nContent-"),
        (
            "half-sent body",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{\"a\"",
        ),
        ("idle keep-alive", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(sent.as_bytes()).await.unwrap();
        connections.push((what, stream));
    }
    for (what, mut stream) in connections {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(timeout + Duration::from_secs(5), stream.read_to_end(&mut answer));
        assert!(
            matches!(read.await, Ok(Ok(_))),
            "{what}: still open after {:?}",
            start.elapsed()
        );
        assert!(start.elapsed() >= timeout, "{what}: closed after {:?}", start.elapsed());
        let status = String::from_utf8_lossy(&answer)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let expected = match what {
            "half-sent body" => "HTTP/1.1 408 Request Timeout",
            "idle keep-alive" => "HTTP/1.1 200 OK",
            _ => "",
        };
        assert_eq!(status, expected, "{what}");
    }
}

#[tokio::test]
async fn stalled_connections_are_closed_after_the_timeouts_given_on_the_command_line() {
    let emu = Running::start(&["--port", "0", "--header-timeout", "400", "--body-timeout", "400"]);
    let addr = emu.url.strip_prefix("http://").unwrap();
    assert_stalled_connections_are_closed(addr, std::time::Duration::from_millis(400)).await;
}

#[tokio::test]
async fn stalled_connections_are_closed_after_the_timeouts_given_to_the_builder() {
    let timeout = std::time::Duration::from_millis(400);
    let timeouts = dynamodb_emulator::server::Timeouts {
        header: timeout,
        body: timeout,
    };
    let emu = dynamodb_emulator::Emulator::builder()
        .timeouts(timeouts)
        .start()
        .await
        .unwrap();
    assert_stalled_connections_are_closed(&emu.addr().to_string(), timeout).await;
}
