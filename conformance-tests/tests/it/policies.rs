//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy through the SDK: revisions,
//! expected revisions, and DynamoDB's messages.

use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use aws_sdk_dynamodb::Client;

use crate::support::{create_table, emulator, error};

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/guarded";

fn policy(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"000000000000"}},"Action":["{action}"],"Resource":"*"}}]}}"#
    )
}

async fn put(c: &Client, action: &str, expected: Option<&str>) -> Result<String, (String, String)> {
    c.put_resource_policy()
        .resource_arn(ARN)
        .policy(policy(action))
        .set_expected_revision_id(expected.map(str::to_owned))
        .send()
        .await
        .map(|o| o.revision_id.unwrap())
        .map_err(error)
}

fn not_found(detail: &str) -> (String, String) {
    (
        "PolicyNotFoundException".into(),
        format!("Resource-based policy not found for the provided ResourceArn: {detail}"),
    )
}

#[tokio::test]
async fn policies_are_versioned() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let get = || async { c.get_resource_policy().resource_arn(ARN).send().await.map_err(error) };
    assert_eq!(get().await.unwrap_err(), not_found(ARN));

    let first = put(&c, "dynamodb:*", Some("NO_POLICY")).await.unwrap();
    let got = get().await.unwrap();
    assert_eq!(
        (got.policy.unwrap(), got.revision_id.unwrap()),
        (policy("dynamodb:*"), first.clone())
    );
    // The same document again is no change; another one is a later revision.
    assert_eq!(put(&c, "dynamodb:*", None).await.unwrap(), first);
    let second = put(&c, "dynamodb:GetItem", Some(&first)).await.unwrap();
    assert!(second > first, "{second} > {first}");

    assert_eq!(
        put(&c, "dynamodb:PutItem", Some(&first)).await.unwrap_err(),
        not_found(&format!(
            "Requested update for policy with revision id {first}, but the policy associated to target table guarded has revision id {second}."
        ))
    );
    assert_eq!(
        put(&c, "dynamodb:PutItem", Some("NO_POLICY")).await.unwrap_err(),
        not_found(&format!(
            "Requested policy update expecting none to be present for table guarded, but a policy exists with revision id {second}."
        ))
    );
    assert_eq!(get().await.unwrap().revision_id.unwrap(), second);

    let delete = |expected: Option<&str>| {
        c.delete_resource_policy()
            .resource_arn(ARN)
            .set_expected_revision_id(expected.map(str::to_owned))
            .send()
    };
    assert_eq!(
        error(delete(Some("unknown")).await.unwrap_err()),
        not_found(&format!(
            "Requested update for policy with revision id unknown, but the policy associated to target table guarded has revision id {second}."
        ))
    );
    assert_eq!(delete(Some(&second)).await.unwrap().revision_id.unwrap(), second);
    assert_eq!(get().await.unwrap_err(), not_found(ARN));
    // Deleting no policy is idempotent: an answer without a revision (AWS, October 2026).
    assert_eq!(delete(None).await.unwrap().revision_id, None);
}

#[tokio::test]
async fn policies_need_an_existing_resource_and_go_with_their_table() {
    let (_emu, c) = emulator().await;
    let missing = (
        "ResourceNotFoundException".to_string(),
        "Requested resource not found: Table: guarded not found".to_string(),
    );
    assert_eq!(put(&c, "dynamodb:*", None).await.unwrap_err(), missing);
    let get = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(get), missing);
    let delete = c.delete_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(delete), missing);

    create_table(&c, "guarded", None).await;
    put(&c, "dynamodb:*", None).await.unwrap();
    c.delete_table().table_name("guarded").send().await.unwrap();
    create_table(&c, "guarded", None).await;
    let get = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(get), not_found(ARN));
}

#[tokio::test]
async fn a_stream_has_its_own_policy() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let spec = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::KeysOnly)
        .build()
        .unwrap();
    let updated = c
        .update_table()
        .table_name("guarded")
        .stream_specification(spec)
        .send()
        .await
        .unwrap();
    let stream = updated.table_description.unwrap().latest_stream_arn.unwrap();
    let revision = c
        .put_resource_policy()
        .resource_arn(&stream)
        .policy(policy("dynamodb:GetRecords"))
        .send()
        .await
        .unwrap()
        .revision_id
        .unwrap();
    let got = c.get_resource_policy().resource_arn(&stream).send().await.unwrap();
    assert_eq!(
        (got.policy.unwrap(), got.revision_id.unwrap()),
        (policy("dynamodb:GetRecords"), revision)
    );
    let table = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(table), not_found(ARN));
    let unknown = format!("{ARN}/stream/2000-01-01T00:00:00.000");
    let missing = c.get_resource_policy().resource_arn(&unknown).send().await.unwrap_err();
    assert_eq!(
        error(missing),
        (
            "ResourceNotFoundException".into(),
            format!("Requested resource not found: Stream: {unknown} not found")
        )
    );
}

#[tokio::test]
async fn policy_documents_are_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let put = |document: String| c.put_resource_policy().resource_arn(ARN).policy(document).send();
    let invalid = |detail: &str| {
        crate::support::validation(&format!(
            "One or more parameter values were invalid: Invalid policy document: {detail}"
        ))
    };
    let statement = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
    let cases = [
        ("{not json".to_string(), invalid("The policy is not valid JSON")),
        (
            r#"{"Version":"2012-10-17"}"#.to_string(),
            invalid("Missing required field Statement"),
        ),
        (
            statement(r#"{"Effect":"Permit","Principal":"*","Action":"dynamodb:Query"}"#),
            invalid("Invalid effect: Permit"),
        ),
        (
            statement(r#"{"Effect":"Allow","Action":"dynamodb:Query"}"#),
            invalid("Missing required field Principal"),
        ),
        (
            policy("dynamodb:ListStreams"),
            invalid(r#"The following action names are invalid: "dynamodb:ListStreams""#),
        ),
        (
            statement(&format!(
                r#"{{"Sid":"{}","Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}}"#,
                "s".repeat(20 * 1024)
            )),
            invalid("The policy document exceeds the maximum size of 20480 bytes"),
        ),
    ];
    for (document, expected) in cases {
        assert_eq!(
            error(put(document.clone()).await.unwrap_err()),
            expected,
            "{document:.80}"
        );
    }
    let none = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(none), not_found(ARN));
}

#[tokio::test]
async fn create_table_attaches_its_resource_policy() {
    let (_emu, c) = emulator().await;
    let create = |name: &str, document: String| {
        c.create_table()
            .table_name(name)
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .attribute_definitions(crate::support::attr_def(
                "pk",
                aws_sdk_dynamodb::types::ScalarAttributeType::S,
            ))
            .key_schema(crate::support::key("pk", aws_sdk_dynamodb::types::KeyType::Hash))
            .resource_policy(document)
            .send()
    };
    let refused = create("guarded", policy("dynamodb:ListTables")).await.unwrap_err();
    assert_eq!(
        error(refused),
        crate::support::validation(
            r#"One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:ListTables""#
        )
    );
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
    create("guarded", policy("dynamodb:GetItem")).await.unwrap();
    let got = c.get_resource_policy().resource_arn(ARN).send().await.unwrap();
    assert_eq!(got.policy.unwrap(), policy("dynamodb:GetItem"));
    let revision = got.revision_id.unwrap();
    assert_eq!(
        put(&c, "dynamodb:Query", Some(&revision)).await.map(|r| r > revision),
        Ok(true)
    );
}
