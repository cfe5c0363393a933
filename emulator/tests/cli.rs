//! The binary: starts on a free port, prints exactly one ready line, serves, stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn cli_serves_on_a_free_port_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("ready line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let client = dynamodb_emulator::transport_for_endpoint(&url);
    let tables = client.list_tables().send().await.unwrap();
    assert!(tables.table_names().is_empty());

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "graceful shutdown exits 0");
}

#[test]
fn help_documents_every_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in ["--host", "--port", "--ttl-sweep-interval", "--manual-clock"] {
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
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TimeToLiveSpecification,
    };

    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_dynamodb-emulator"))
            .args(["--port", "0", "--manual-clock"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap().to_string();
    let addr = url.strip_prefix("http://").unwrap().to_string();

    let clock: serde_json::Value = serde_json::from_str(&raw(&addr, "GET", "/_emulator/clock", "").await).unwrap();
    assert_eq!(clock["mode"], "manual");
    let now_secs = clock["now_millis"].as_i64().unwrap() / 1000;

    let c = dynamodb_emulator::transport_for_endpoint(&url);
    c.create_table()
        .table_name("ttl_cli")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
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

    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.0.wait().unwrap().success());
}

/// Stops the child process if the test fails before it does.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
