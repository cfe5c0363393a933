//! Seed files (`Builder::seed`): the AWS CLI's create-table and batch-write-item JSON load at
//! start, in order; a refused entry stops the start with the file, the entry and DynamoDB's error.

use std::path::PathBuf;

use dynamodb_emulator::Emulator;
use tempfile::TempDir;

use crate::support::{item, s};

/// Writes `text` to `name` in a test's own scratch directory (removed when `dir` is dropped).
fn file(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const TABLE: &str = r#"{
  "TableName": "users",
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"
}"#;

#[tokio::test]
async fn create_table_and_both_batch_write_item_forms_load_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let table = file(&dir, "table.json", TABLE);
    // `--cli-input-json` form, with a delete after the put of the same key.
    let cli_input = file(
        &dir,
        "cli-input.json",
        r#"{"RequestItems": {"users": [
            {"PutRequest": {"Item": {"pk": {"S": "ann"}, "age": {"N": "31"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "gone"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "gone"}}}}
        ]}}"#,
    );
    // `--request-items file://…` form: the bare map.
    let request_items = file(
        &dir,
        "request-items.json",
        r#"{"users": [{"PutRequest": {"Item": {"pk": {"S": "bob"}, "tags": {"SS": ["a", "b"]}}}}]}"#,
    );
    let emu = Emulator::builder()
        .seed(&table)
        .seed(&cli_input)
        .seed(&request_items)
        .start()
        .await
        .unwrap();
    let c = emu.client();
    let scan = c.scan().table_name("users").send().await.unwrap();
    let mut items = scan.items.unwrap();
    items.sort_by_key(|i| i["pk"].as_s().unwrap().clone());
    let set = aws_sdk_dynamodb::types::AttributeValue::Ss(vec!["a".into(), "b".into()]);
    assert_eq!(
        items,
        [
            item(&[("pk", s("ann")), ("age", crate::support::n(31))]),
            item(&[("pk", s("bob")), ("tags", set)]),
        ]
    );
}

#[tokio::test]
async fn a_refused_entry_names_the_file_the_entry_and_dynamodbs_error() {
    let dir = tempfile::tempdir().unwrap();
    let table = file(&dir, "table-for-errors.json", TABLE);
    let cases = [
        (
            r#"{"users": [{"PutRequest": {"Item": {"pk": {"S": "ok"}}}}, {"PutRequest": {"Item": {"pk": {"N": "1"}}}}]}"#,
            "users[1]: ValidationException: One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        (
            r#"{"users": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}, "DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}"#,
            "users[0]: expected exactly one of PutRequest (with Item) or DeleteRequest (with Key)",
        ),
        (
            r#"{"missing": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]}"#,
            "missing[0]: ResourceNotFoundException: Requested resource not found",
        ),
        (TABLE, r#"table "users": ResourceInUseException: Table already exists: users"#),
        (
            r#"{"TableName": "users"}"#,
            "expected a create-table input (with KeySchema) or batch-write-item request items",
        ),
        ("[1,", "not JSON: EOF while parsing a value at line 1 column 3"),
    ];
    for (n, (text, want)) in cases.into_iter().enumerate() {
        let seed = file(&dir, &format!("bad-{n}.json"), text);
        let err = Emulator::builder()
            .seed(&table)
            .seed(&seed)
            .start()
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            format!("seed file {}: {want}", seed.display()),
            "case {n}"
        );
    }
    let absent = dir.path().join("absent.json");
    let err = Emulator::builder().seed(&absent).start().await.err().unwrap();
    assert_eq!(
        err.to_string(),
        format!("seed file {}: No such file or directory (os error 2)", absent.display())
    );
}
