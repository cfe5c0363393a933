//! The wire protocol with raw HTTP over a real socket: malformed requests get DynamoDB's answers
//! and the server stays up.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dynamodb_emulator::Emulator;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc";

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// Sends one HTTP/1.1 request for `/` with the given extra header lines and reads the whole answer.
async fn send(emu: &Emulator, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    exchange(emu, &format!("{method} /"), headers, body.as_bytes()).await
}

/// Sends `line` (method and path) with the header lines and body; reads the whole answer.
async fn exchange(emu: &Emulator, line: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let mut req = format!(
        "{line} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: raw[split + 4..].to_vec(),
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
    serde_json::from_slice(&r.body).unwrap()
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
        (wrong_type.status, wrong_type.text()),
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
        json!({"__type": "com.amazon.coral.service#SerializationException", "Message": "STRING_VALUE cannot be converted to Integer"})
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

/// A member of the wrong JSON type is refused by DynamoDB's JSON reader, before any validation,
/// in today's words (FIDELITY.md, "JSON type errors"), at the top of a request and inside
/// attribute values alike.
#[tokio::test]
async fn wrong_json_types_are_refused_in_the_readers_words() {
    let emu = Emulator::start().await.unwrap();
    let cases = [
        ("GetItem", r#"{"TableName": true}"#, "TRUE_VALUE cannot be converted to String"),
        ("GetItem", r#"{"TableName": 34.5}"#, "DECIMAL_VALUE cannot be converted to String"),
        ("GetItem", r#"{"TableName": []}"#, "Unrecognized collection type class java.lang.String"),
        ("GetItem", r#"{"TableName": {}}"#, "Start of structure or map found where not expected"),
        ("GetItem", r#"{"TableName": "abc", "ConsistentRead": "yes"}"#, "Unexpected token received from parser"),
        ("GetItem", r#"{"TableName": "abc", "ConsistentRead": 1}"#, "NUMBER_VALUE cannot be converted to Boolean"),
        ("GetItem", r#"{"TableName": "abc", "Key": 5}"#, "Unexpected field type"),
        (
            "GetItem",
            r#"{"TableName": "abc", "Key": []}"#,
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
        ),
        ("GetItem", r#"{"TableName": "abc", "Key": {"a": 5}}"#, "Unexpected value type in payload"),
        ("Scan", r#"{"TableName": "abc", "Limit": "5"}"#, "STRING_VALUE cannot be converted to Integer"),
        (
            "CreateTable",
            r#"{"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": false}}"#,
            "FALSE_VALUE cannot be converted to Long",
        ),
        (
            "CreateTable",
            r#"{"TableName": "abc", "KeySchema": [[]]}"#,
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement",
        ),
        ("CreateTable", r#"{"TableName": "abc", "ProvisionedThroughput": 5}"#, "Unexpected field type"),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"N": 123}}}"#, "NUMBER_VALUE cannot be converted to String"),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"B": 5}}}"#, "only base-64-encoded strings are convertible to bytes"),
        (
            "PutItem",
            r#"{"TableName": "abc", "Item": {"a": {"B": "23456"}}}"#,
            "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
        ),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"B": "+/+="}}}"#, "Invalid last non-pad Base64 character dectected"),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"NULL": "yes"}}}"#, "Unexpected token received from parser"),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"SS": "x"}}}"#, "Unexpected field type"),
        ("PutItem", r#"{"TableName": "abc", "Item": {"a": {"L": [1]}}}"#, "Unexpected value type in payload"),
        // Expected's and AttributeUpdates' entries by their own Java types (dynalite's tests, run
        // against AWS, in putItem.js and updateItem.js).
        (
            "PutItem",
            r#"{"Expected": []}"#,
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue>",
        ),
        (
            "DeleteItem",
            r#"{"Expected": {"a": []}}"#,
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue",
        ),
        ("UpdateItem", r#"{"Expected": {"a": {"Exists": "23"}}}"#, "Unexpected token received from parser"),
        ("PutItem", r#"{"Expected": {"a": {"Exists": 23}}}"#, "NUMBER_VALUE cannot be converted to Boolean"),
        (
            "Query",
            r#"{"KeyConditions": []}"#,
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.Condition>",
        ),
        (
            "UpdateItem",
            r#"{"AttributeUpdates": []}"#,
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValueUpdate>",
        ),
        ("UpdateItem", r#"{"AttributeUpdates": {"a": 23}}"#, "Unexpected value type in payload"),
        ("UpdateItem", r#"{"AttributeUpdates": {"a": {"Action": true}}}"#, "TRUE_VALUE cannot be converted to String"),
        (
            "BatchWriteItem",
            r#"{"RequestItems": []}"#,
            "Unrecognized collection type java.util.Map<java.lang.String, java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>",
        ),
    ];
    for (op, body, message) in cases {
        let reply = call(&emu, &format!("DynamoDB_20120810.{op}"), body).await;
        assert_eq!(
            (reply.status, json_of(&reply)),
            (
                400,
                json!({"__type": "com.amazon.coral.service#SerializationException", "Message": message})
            ),
            "{op} {body}"
        );
    }
}

/// A client's string or array whose text is an attribute value's JSON is refused wherever an
/// attribute value stands, as DynamoDB refuses any string or array there: never read as the value
/// it spells (the guided parse keeps each attribute value's text in such a form). Members the
/// parse is not guided into (legacy conditions and updates, BatchGetItem's keys) are plain JSON.
#[tokio::test]
async fn attribute_values_cannot_be_spelled_as_strings_or_arrays() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let put = call(
        &emu,
        "DynamoDB_20120810.PutItem",
        r#"{"TableName": "tbl", "Item": {"pk": {"S": "a"}}}"#,
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let string = r#""{\"S\": \"a\"}""#;
    let array = r#"["{\"S\": \"a\"}"]"#;
    let value_type = "Unexpected value type in payload";
    let collection = "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue";
    // Each request with `<v>` where one attribute value stands.
    let members = [
        ("PutItem", r#""Item": {"pk": {"S": "a"}, "x": <v>}"#),
        (
            "PutItem",
            r#""Item": {"pk": {"S": "a"}}, "Expected": {"pk": {"Value": <v>}}"#,
        ),
        (
            "PutItem",
            r#""Item": {"pk": {"S": "a"}}, "Expected": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [<v>]}}"#,
        ),
        (
            "UpdateItem",
            r#""Key": {"pk": {"S": "a"}}, "AttributeUpdates": {"x": {"Action": "PUT", "Value": <v>}}"#,
        ),
        (
            "UpdateItem",
            r#""Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET x = :v", "ExpressionAttributeValues": {":v": <v>}"#,
        ),
        (
            "DeleteItem",
            r#""Key": {"pk": {"S": "a"}}, "Expected": {"pk": {"Value": <v>}}"#,
        ),
        (
            "Scan",
            r#""ScanFilter": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [<v>]}}"#,
        ),
        (
            "Query",
            r#""KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [<v>]}}"#,
        ),
        ("GetItem", r#""Key": {"pk": <v>}"#),
    ];
    let requests = members
        .iter()
        .map(|(op, members)| (*op, format!(r#"{{"TableName": "tbl", {members}}}"#)))
        .chain([(
            "BatchGetItem",
            r#"{"RequestItems": {"tbl": {"Keys": [{"pk": <v>}]}}}"#.to_string(),
        )]);
    for (op, body) in requests {
        for (value, message) in [(string, value_type), (array, collection)] {
            let body = body.replace("<v>", value);
            let reply = call(&emu, &format!("DynamoDB_20120810.{op}"), &body).await;
            assert_eq!(
                (reply.status, json_of(&reply)),
                (
                    400,
                    json!({"__type": "com.amazon.coral.service#SerializationException", "Message": message})
                ),
                "{op} {body}"
            );
        }
    }
    let get = call(
        &emu,
        "DynamoDB_20120810.GetItem",
        r#"{"TableName": "tbl", "Key": {"pk": {"S": "a"}}}"#,
    )
    .await;
    assert_eq!(json_of(&get), json!({"Item": {"pk": {"S": "a"}}}));
}

/// KeyConditions, QueryFilter and ScanFilter must name each condition's operator, a member the
/// SDKs require too: its absence is a constraint violation, aggregated with the others
/// (dynalite's tests, written against AWS: "incorrect attributes" in query.js and scan.js).
#[tokio::test]
async fn filter_conditions_without_an_operator_are_refused_with_the_other_violations() {
    let emu = Emulator::start().await.unwrap();
    let null = |path: &str| {
        format!(
            "Value null at '{path}.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"
        )
    };
    let bad_name = "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
    for (target, body, path) in [
        (
            "Query",
            r#"{"TableName": "abc;", "KeyConditions": {"a": {}}}"#,
            "keyConditions",
        ),
        (
            "Query",
            r#"{"TableName": "abc;", "QueryFilter": {"a": {}}}"#,
            "queryFilter",
        ),
        (
            "Scan",
            r#"{"TableName": "abc;", "ScanFilter": {"a": {}}}"#,
            "scanFilter",
        ),
    ] {
        let r = call(&emu, &format!("DynamoDB_20120810.{target}"), body).await;
        assert_eq!(r.status, 400);
        assert_eq!(
            json_of(&r),
            json!({"__type": "com.amazon.coral.validate#ValidationException",
                "message": format!("2 validation errors detected: {bad_name}; {}", null(path))}),
            "{target} {body}"
        );
    }
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
    assert_eq!(crc, crc32fast::hash(&r.body));
    let other = call(&emu, "DynamoDB_20120810.ListTables", "{}").await;
    assert!(!other.headers.contains(request_id), "request ids differ");
}

/// A request sent as `application/json` is answered as `application/json`, success or error.
#[tokio::test]
async fn plain_json_requests_are_answered_in_their_type() {
    let emu = Emulator::start().await.unwrap();
    for (target, status) in [
        ("DynamoDB_20120810.ListTables", 200),
        ("DynamoDB_20120810.DescribeTable", 400),
    ] {
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Amz-Target", target),
            ("Authorization", AUTH),
            ("X-Amz-Date", "20260101T000000Z"),
        ];
        let r = send(&emu, "POST", &headers, "{}").await;
        assert_eq!(r.status, status);
        assert!(
            r.headers.contains("content-type: application/json\r\n"),
            "{}",
            r.headers
        );
    }
}

#[tokio::test]
async fn the_date_header_is_the_emulators_clock() {
    // SDKs correct their signing clock from `Date`, so it must be the emulated time, also when
    // hyper would stamp the machine's.
    let start = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_774_829_045);
    let emu = Emulator::builder().manual_clock(start).start().await.unwrap();
    let r = call(&emu, "DynamoDB_20120810.ListTables", "{}").await;
    assert_eq!(r.header("date"), Some("mon, 30 mar 2026 00:04:05 gmt"));
    emu.advance(std::time::Duration::from_secs(3600));
    let r = send(&emu, "GET", &[], "").await;
    assert_eq!(r.header("date"), Some("mon, 30 mar 2026 01:04:05 gmt"));
}

/// A signed request for `operation` with extra header lines and a raw (possibly compressed) body.
async fn post(emu: &Emulator, operation: &str, extra: &[(&str, &str)], body: &[u8]) -> Reply {
    let target = format!("DynamoDB_20120810.{operation}");
    let mut headers = vec![
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", target.as_str()),
        ("Authorization", AUTH),
        ("X-Amz-Date", "20260101T000000Z"),
    ];
    headers.extend_from_slice(extra);
    exchange(emu, "POST /", &headers, body).await
}

async fn create_table(emu: &Emulator) {
    let r = call(
        emu,
        "DynamoDB_20120810.CreateTable",
        r#"{"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(body).unwrap();
    e.finish().unwrap()
}

fn deflate(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(body).unwrap();
    e.finish().unwrap()
}

fn put_body(pk: &str) -> Vec<u8> {
    format!(r#"{{"TableName": "tbl", "Item": {{"pk": {{"S": "{pk}"}}}}}}"#).into_bytes()
}

#[tokio::test]
async fn compressed_requests_are_decoded_before_anything_else() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    for (encoding, body) in [
        ("gzip", gzip(&put_body("a"))),
        ("deflate", deflate(&put_body("b"))),
        // Codings in the order they were applied: deflate first, then gzip.
        ("deflate, gzip", gzip(&deflate(&put_body("c")))),
        ("GZIP", [gzip(&put_body("d")[..9]), gzip(&put_body("d")[9..])].concat()),
    ] {
        let r = post(&emu, "PutItem", &[("Content-Encoding", encoding)], &body).await;
        assert_eq!((r.status, json_of(&r)), (200, json!({})), "{encoding}");
    }

    // A body that is not what its encoding says, or an unknown encoding: a server error, and
    // nothing is written.
    let server_error = json!({"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
        "message": "The request body could not be decoded with its Content-Encoding"});
    let truncated = gzip(&put_body("x"));
    for (encoding, body) in [
        ("gzip", put_body("x")),
        ("deflate", put_body("x")),
        ("gzip", Vec::new()),
        ("gzip", truncated[..truncated.len() - 1].to_vec()),
        ("br", put_body("x")),
        ("gzip, garbage", gzip(&put_body("x"))),
    ] {
        let r = post(&emu, "PutItem", &[("Content-Encoding", encoding)], &body).await;
        assert_eq!((r.status, json_of(&r)), (500, server_error.clone()), "{encoding}");
    }
    // Decompressed, a body is held to the same 16 MB as any other.
    let mut bomb = put_body("x");
    bomb.splice(1..1, std::iter::repeat_n(b' ', 16 * 1024 * 1024));
    let r = post(&emu, "PutItem", &[("Content-Encoding", "gzip")], &gzip(&bomb)).await;
    assert_eq!((r.status, r.text()), (413, ""));

    let scan = call(&emu, "DynamoDB_20120810.Scan", r#"{"TableName": "tbl"}"#).await;
    let mut keys: Vec<String> = json_of(&scan)["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["pk"]["S"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    assert_eq!(keys, ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn answers_are_compressed_only_when_asked_and_large_enough() {
    use std::io::Read;
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let big = "x".repeat(5000);
    let item = json!({"pk": {"S": "a"}, "big": {"S": big}});
    let put = json!({"TableName": "tbl", "Item": item}).to_string();
    assert_eq!(call(&emu, "DynamoDB_20120810.PutItem", &put).await.status, 200);
    let get = |projection: &str| {
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": projection})
            .to_string()
            .into_bytes()
    };
    let whole = json!({"Item": item});

    for (accept, coding) in [
        ("gzip", "gzip"),
        ("deflate", "deflate"),
        ("br, deflate;q=0.5, gzip", "gzip"),
    ] {
        let r = post(&emu, "GetItem", &[("Accept-Encoding", accept)], &get("pk, big")).await;
        assert_eq!(r.header("content-encoding"), Some(coding), "{accept}");
        // The checksum covers the bytes sent, as DynamoDB's does.
        assert_eq!(
            r.header("x-amz-crc32"),
            Some(crc32fast::hash(&r.body).to_string().as_str())
        );
        let mut text = Vec::new();
        match coding {
            "gzip" => flate2::read::GzDecoder::new(&r.body[..]).read_to_end(&mut text),
            _ => flate2::read::ZlibDecoder::new(&r.body[..]).read_to_end(&mut text),
        }
        .unwrap();
        assert!(r.body.len() * 30 < text.len());
        assert_eq!(serde_json::from_slice::<Value>(&text).unwrap(), whole);
    }
    // Not asked, or asked for nothing we send: plain.
    for extra in [&[][..], &[("Accept-Encoding", "br, identity")][..]] {
        let r = post(&emu, "GetItem", extra, &get("pk, big")).await;
        assert_eq!((r.header("content-encoding"), json_of(&r)), (None, whole.clone()));
    }
    // Below 4 KB an answer is never compressed.
    let r = post(&emu, "GetItem", &[("Accept-Encoding", "gzip")], &get("pk")).await;
    assert_eq!(
        (r.header("content-encoding"), json_of(&r)),
        (None, json!({"Item": {"pk": {"S": "a"}}}))
    );

    // A full 1 MB Scan page is compressed whole, and decodes to the plain answer.
    let filler = "y".repeat(100_000);
    for i in 0..12 {
        let put = json!({"TableName": "tbl", "Item": {"pk": {"S": format!("p{i}")}, "f": {"S": filler}}});
        assert_eq!(
            call(&emu, "DynamoDB_20120810.PutItem", &put.to_string()).await.status,
            200
        );
    }
    let scan = br#"{"TableName": "tbl"}"#;
    let plain = post(&emu, "Scan", &[], scan).await;
    // Cut at 1 MB, so more follows.
    let page = json_of(&plain);
    assert_eq!(
        (page["LastEvaluatedKey"].is_object(), plain.body.len() > 900_000),
        (true, true)
    );
    let packed = post(&emu, "Scan", &[("Accept-Encoding", "gzip")], scan).await;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&packed.body[..])
        .read_to_end(&mut text)
        .unwrap();
    assert_eq!(
        (packed.header("content-encoding"), packed.body.len() < 10_000),
        (Some("gzip"), true)
    );
    assert_eq!(text, plain.body);
}

#[tokio::test]
async fn cors_lets_a_browser_page_call_the_api() {
    let emu = Emulator::start().await.unwrap();
    let origin = ("Origin", "http://example.com");
    let preflight = exchange(
        &emu,
        "OPTIONS /",
        &[
            origin,
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type,x-amz-target,authorization",
            ),
        ],
        b"",
    )
    .await;
    assert_eq!((preflight.status, preflight.text()), (200, ""));
    let cors = |r: &Reply| -> Vec<String> {
        r.headers
            .lines()
            .filter(|l| l.starts_with("access-control-"))
            .map(str::to_string)
            .collect()
    };
    let expose =
        "access-control-expose-headers: x-amzn-requestid,x-amzn-errortype,x-amzn-errormessage,x-amz-crc32,date";
    let mut got = cors(&preflight);
    got.sort();
    assert_eq!(
        got,
        [
            "access-control-allow-headers: content-type,x-amz-target,authorization",
            "access-control-allow-methods: post",
            "access-control-allow-origin: *",
            expose,
            "access-control-max-age: 172800",
        ]
    );

    let headers = [
        origin,
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
        ("Authorization", AUTH),
        ("X-Amz-Date", "20260101T000000Z"),
    ];
    let actual = send(&emu, "POST", &headers, "{}").await;
    assert_eq!(json_of(&actual), json!({"TableNames": []}));
    let mut got = cors(&actual);
    got.sort();
    assert_eq!(got, ["access-control-allow-origin: *", expose]);

    // Without an Origin there is no CORS at all.
    for method in ["OPTIONS", "GET", "POST"] {
        assert_eq!(
            cors(&send(&emu, method, &headers[1..], "{}").await),
            Vec::<String>::new()
        );
    }
}

/// AWS JSON 1.1, the protocol of most other AWS services, is refused as any foreign content
/// type is: a signed, well-formed ListTables sent as 1.1 is not found (rusoto/rusoto#215,
/// huseyinbabal/taws#165: DynamoDB answers such requests 404), while JSON 1.0 and plain JSON
/// are served.
#[tokio::test]
async fn aws_json_1_1_requests_are_not_found() {
    let emu = Emulator::start().await.unwrap();
    let mut answers = Vec::new();
    for content_type in [
        "application/x-amz-json-1.1",
        "application/x-amz-json-1.0",
        "application/json",
    ] {
        let headers = [
            ("Content-Type", content_type),
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
            ("Authorization", AUTH),
            ("X-Amz-Date", "20260101T000000Z"),
        ];
        let r = send(&emu, "POST", &headers, "{}").await;
        answers.push((r.status, r.text().to_string()));
    }
    assert_eq!(
        answers,
        [
            (404, "<UnknownOperationException/>\n".to_string()),
            (200, r#"{"TableNames":[]}"#.to_string()),
            (200, r#"{"TableNames":[]}"#.to_string()),
        ]
    );
}

#[tokio::test]
async fn health_page_server_header_and_request_head_limits() {
    let emu = Emulator::start().await.unwrap();
    let health = exchange(&emu, "GET /", &[], b"").await;
    assert_eq!(
        (health.status, health.text(), health.header("server")),
        (200, "healthy: dynamodb.us-east-1.amazonaws.com ", Some("server"))
    );
    for path in ["/health", "/index.html", "/-"] {
        let r = exchange(&emu, &format!("GET {path}"), &[], b"").await;
        assert_eq!(
            (r.status, r.text(), r.header("server")),
            (404, "<UnknownOperationException/>\n", Some("server")),
            "{path}"
        );
    }
    let error = call(&emu, "DynamoDB_20120810.DescribeTable", r#"{"TableName": "nope"}"#).await;
    assert_eq!((error.status, error.header("server")), (400, Some("server")));

    // Header lines beyond 16 KB in total, or a request line beyond 16 KB: HTTP 400.
    let near = "a".repeat(15 * 1024);
    let ok = post(&emu, "ListTables", &[("X-Padding", &near)], b"{}").await;
    assert_eq!((ok.status, json_of(&ok)), (200, json!({"TableNames": []})));
    let too_many = post(&emu, "ListTables", &[("X-Padding", &near), ("X-More", &near)], b"{}").await;
    assert_eq!((too_many.status, too_many.text()), (400, ""));
    let line = format!("POST /?{}", "a".repeat(16 * 1024));
    let long_line = exchange(&emu, &line, &[("X-Amz-Target", "DynamoDB_20120810.ListTables")], b"{}").await;
    assert_eq!((long_line.status, long_line.text()), (400, ""));
    // A second Host line, whatever else the request holds.
    let two_hosts = post(&emu, "ListTables", &[("Host", "evil.example.com")], b"{}").await;
    assert_eq!((two_hosts.status, two_hosts.text()), (400, ""));
}

#[tokio::test]
async fn tag_and_untag_answer_with_an_empty_body() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl";
    let tag = json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}).to_string();
    let untag = json!({"ResourceArn": arn, "TagKeys": ["k"]}).to_string();
    for (op, body) in [("TagResource", tag), ("UntagResource", untag)] {
        let r = call(&emu, &format!("DynamoDB_20120810.{op}"), &body).await;
        assert_eq!(
            (r.status, r.header("content-length"), r.text()),
            (200, Some("0"), ""),
            "{op}"
        );
    }
    let listed = call(
        &emu,
        "DynamoDB_20120810.ListTagsOfResource",
        &json!({"ResourceArn": arn}).to_string(),
    )
    .await;
    assert_eq!(json_of(&listed), json!({"Tags": []}));
}

/// A map parameter with a member nested too deep and one holding an unreadable number: the first
/// in the order sent is reported (the conformance suite's partiqlParameterNumbers.test.ts, AWS,
/// October 2026), which only a body written by hand can order.
#[tokio::test]
async fn a_map_reports_its_first_refused_member_in_the_order_sent() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let deep = (0..40).fold(r#"{"S": "leaf"}"#.to_string(), |v, _| {
        format!(r#"{{"M": {{"n": {v}}}}}"#)
    });
    let bad = r#"{"N": "abc"}"#;
    let nesting = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    for (members, message) in [
        (format!(r#""d": {deep}, "bad": {bad}"#), nesting),
        (
            format!(r#""bad": {bad}, "d": {deep}"#),
            "The parameter cannot be converted to a numeric value: abc",
        ),
    ] {
        let body = format!(
            r#"{{"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'p' AND x = ?", "Parameters": [{{"M": {{{members}}}}}]}}"#
        );
        let r = call(&emu, "DynamoDB_20120810.ExecuteStatement", &body).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(json_of(&r)["message"], message, "{members}");
    }
}

/// Bodies nested 100,000 levels, where attribute values belong and where nothing does: the body is
/// read without recursion (attribute values kept as text, skipped past DynamoDB's 32 levels;
/// anything else stopped at the JSON reader's 128) and answered with the nesting refusal,
/// uncounted, as DynamoDB's older validator words it for a body past 127 levels. A deep recursion
/// would overflow an engine thread's stack and end the process, so the server answering after
/// them is part of the proof.
#[tokio::test]
async fn pathological_nesting_is_refused_without_recursion() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let levels = 100_000;
    let deep_value = [
        r#"{"M": {"n": "#.repeat(levels),
        r#"{"S": "x"}"#.to_string(),
        "}}".repeat(levels),
    ]
    .concat();
    let deep_list = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
    let nesting = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    for body in [
        format!(r#"{{"TableName": "tbl", "Item": {{"pk": {{"S": "a"}}, "d": {deep_value}}}}}"#),
        format!(r#"{{"TableName": "tbl", "Item": {{"pk": {{"S": "a"}}}}, "Junk": {deep_list}}}"#),
        deep_list.clone(),
    ] {
        let r = call(&emu, "DynamoDB_20120810.PutItem", &body).await;
        assert_eq!(r.status, 400, "{}", r.text());
        let answer = json_of(&r);
        assert_eq!(answer["__type"], "com.amazon.coral.validate#ValidationException");
        assert_eq!(answer["message"], nesting, "{}", &body[..60]);
    }
    // A list where an attribute value stands is refused for its type alone, read past unparsed.
    let body = format!(r#"{{"TableName": "tbl", "Item": {{"pk": {{"S": "a"}}, "d": {deep_list}}}}}"#);
    let r = call(&emu, "DynamoDB_20120810.PutItem", &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(json_of(&r)["__type"], "com.amazon.coral.service#SerializationException");
    let key = json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}).to_string();
    let r = call(&emu, "DynamoDB_20120810.GetItem", &key).await;
    assert_eq!(json_of(&r), json!({}));
}

/// A legacy condition's or update's value is read by the JSON reader like any attribute value, so
/// a wrongly typed one is its SerializationException ahead of the request's constraint checks.
#[tokio::test]
async fn a_legacy_values_type_is_refused_before_the_constraints() {
    let emu = Emulator::start().await.unwrap();
    create_table(&emu).await;
    let unexpected = json!({"__type": "com.amazon.coral.service#SerializationException", "Message": "Unexpected value type in payload"});
    for (op, body) in [
        (
            "PutItem",
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}}, "Expected": {"a": {"Value": "s"}}, "ReturnValues": "BOGUS"}),
        ),
        (
            "Scan",
            json!({"TableName": "tbl", "ScanFilter": {"a": {"ComparisonOperator": "EQ", "AttributeValueList": ["x"]}}, "Select": "BOGUS"}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "AttributeUpdates": {"a": {"Value": true}}, "ReturnValues": "BOGUS"}),
        ),
    ] {
        let r = call(&emu, &format!("DynamoDB_20120810.{op}"), &body.to_string()).await;
        assert_eq!((r.status, json_of(&r)), (400, unexpected.clone()), "{op}");
    }
}
