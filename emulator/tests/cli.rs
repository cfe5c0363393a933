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
    for flag in ["--host", "--port"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}
