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
    assert_eq!(error(delete(None).await.unwrap_err()), not_found(ARN));
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
