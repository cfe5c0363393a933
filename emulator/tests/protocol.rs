//! The wire protocol with raw HTTP over a real socket: malformed requests get DynamoDB's answers
//! and the server stays up.

use dynamodb_emulator::Emulator;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc";

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

/// Sends one HTTP/1.1 request with the given extra header lines and reads the whole answer.
async fn send(emu: &Emulator, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let mut req = format!(
        "{method} / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    req += body;
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

async fn call(emu: &Emulator, target: &str, body: &str) -> Reply {
    let headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", target),
        ("Authorization", AUTH),
        ("X-Amz-Date", "20260101T000000Z"),
    ];
    send(emu, "POST", &headers, body).await
}

fn json_of(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn malformed_requests_get_dynamodb_errors_and_server_stays_up() {
    let emu = Emulator::start().await.unwrap();
    let bad_json = call(&emu, "DynamoDB_20120810.ListTables", "{not json").await;
    assert_eq!(
        (bad_json.status, json_of(&bad_json)),
        (
            400,
            json!({"__type": "com.amazon.coral.service#SerializationException"})
        )
    );

    let unknown = call(&emu, "DynamoDB_20120810.Frobnicate", "{}").await;
    assert_eq!(
        json_of(&unknown),
        json!({"__type": "com.amazon.coral.service#UnknownOperationException"})
    );

    let no_target = send(
        &emu,
        "POST",
        &[("Content-Type", "application/x-amz-json-1.0"), ("Authorization", AUTH)],
        "{}",
    )
    .await;
    assert_eq!(
        json_of(&no_target),
        json!({"__type": "com.amazon.coral.service#UnknownOperationException"})
    );

    let wrong_type = send(
        &emu,
        "POST",
        &[
            ("Content-Type", "text/plain"),
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
        ],
        "{}",
    )
    .await;
    assert_eq!(
        (wrong_type.status, wrong_type.body.as_str()),
        (404, "<UnknownOperationException/>\n")
    );

    let unsigned = send(
        &emu,
        "POST",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
        ],
        "{}",
    )
    .await;
    assert_eq!(
        json_of(&unsigned),
        json!({"__type": "com.amazon.coral.service#MissingAuthenticationTokenException", "message": "Request is missing Authentication Token"})
    );

    let empty_name = call(
        &emu,
        "DynamoDB_20120810.PutItem",
        r#"{"TableName": "", "Item": {"pk": {"S": "a"}}}"#,
    )
    .await;
    assert_eq!(
        json_of(&empty_name),
        json!({"__type": "com.amazon.coral.validate#ValidationException",
               "message": "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1"})
    );

    let wrong_field_type = call(&emu, "DynamoDB_20120810.ListTables", r#"{"Limit": "ten"}"#).await;
    assert_eq!(
        json_of(&wrong_field_type),
        json!({"__type": "com.amazon.coral.service#SerializationException", "Message": "class java.lang.String can not be converted to an Long"})
    );

    let aggregated = call(
        &emu,
        "DynamoDB_20120810.ListTables",
        r#"{"Limit": 0, "ExclusiveStartTableName": "a!"}"#,
    )
    .await;
    assert_eq!(
        json_of(&aggregated)["message"],
        "3 validation errors detected: \
         Value 'a!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
         Value 'a!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3; \
         Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );

    // Still serving after all of that.
    let ok = call(&emu, "DynamoDB_20120810.ListTables", "{}").await;
    assert_eq!((ok.status, json_of(&ok)), (200, json!({"TableNames": []})));
}

#[tokio::test]
async fn answers_carry_dynamodb_headers_and_a_matching_crc32() {
    let emu = Emulator::start().await.unwrap();
    let r = call(&emu, "DynamoDB_20120810.ListTables", "{}").await;
    assert!(
        r.headers.contains("content-type: application/x-amz-json-1.0"),
        "{}",
        r.headers
    );
    let request_id = r
        .headers
        .lines()
        .find_map(|l| l.strip_prefix("x-amzn-requestid: "))
        .unwrap();
    assert_eq!(request_id.len(), 52);
    let crc: u32 = r
        .headers
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-crc32: "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(crc, crc32fast::hash(r.body.as_bytes()));
    let other = call(&emu, "DynamoDB_20120810.ListTables", "{}").await;
    assert!(!other.headers.contains(request_id), "request ids differ");
}
