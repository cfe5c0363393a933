//! Snapshots through the SDK: `Emulator::snapshot`, `restore` and `reset` bring back (or empty)
//! items, indexes, TTL settings, tags, resource policies and stream records, and a snapshot is
//! independent of writes made after it on either side.

use aws_sdk_dynamodb::types::{
    BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType, ScalarAttributeType, StreamSpecification,
    StreamViewType, Tag, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use aws_sdk_dynamodbstreams::Client as Streams;

use crate::streams::{iterator, read_from};
use crate::support::{attr_def, emulator, error, item, key, n, s};

const TABLE: &str = "fixture";
const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/fixture";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":["dynamodb:GetItem"],"Resource":"*"}]}"#;

async fn create(c: &Client) {
    let def = |name: &str| attr_def(name, ScalarAttributeType::S);
    let hash = |name: &str| key(name, KeyType::Hash);
    c.create_table()
        .table_name(TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(def("pk"))
        .attribute_definitions(def("email"))
        .key_schema(hash("pk"))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_email")
                .key_schema(hash("email"))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .unwrap(),
        )
        .tags(Tag::builder().key("team").value("a").build().unwrap())
        .send()
        .await
        .unwrap();
}

async fn put(c: &Client, pk: &str, email: &str) {
    c.put_item()
        .table_name(TABLE)
        .set_item(Some(item(&[("pk", s(pk)), ("email", s(email)), ("exp", n(1))])))
        .send()
        .await
        .unwrap();
}

/// Items by the GSI, as (pk, email), sorted.
async fn by_email(c: &Client) -> Vec<(String, String)> {
    let out = c.scan().table_name(TABLE).index_name("by_email").send().await.unwrap();
    let mut rows: Vec<(String, String)> = out
        .items
        .unwrap()
        .iter()
        .map(|i| {
            let text = |k: &str| i[k].as_s().unwrap().clone();
            (text("pk"), text("email"))
        })
        .collect();
    rows.sort();
    rows
}

/// The keys of every record of the table's stream, in order.
async fn stream_keys(c: &Client, st: &Streams) -> Vec<String> {
    let table = c
        .describe_table()
        .table_name(TABLE)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let arn = table.latest_stream_arn.unwrap();
    let records = read_from(st, iterator(st, &arn, ShardIteratorType::TrimHorizon, None).await).await;
    records
        .iter()
        .map(|r| {
            r.dynamodb.as_ref().unwrap().keys.as_ref().unwrap()["pk"]
                .as_s()
                .unwrap()
                .clone()
        })
        .collect()
}

async fn tags(c: &Client) -> Vec<(String, String)> {
    let out = c.list_tags_of_resource().resource_arn(ARN).send().await.unwrap();
    out.tags.unwrap().into_iter().map(|t| (t.key, t.value)).collect()
}

async fn ttl_attribute(c: &Client) -> Option<String> {
    let out = c.describe_time_to_live().table_name(TABLE).send().await.unwrap();
    out.time_to_live_description.unwrap().attribute_name
}

#[tokio::test]
async fn restore_brings_back_items_indexes_ttl_tags_policies_and_streams() {
    let (emu, c) = emulator().await;
    let st = emu.streams_client();
    create(&c).await;
    put(&c, "a", "a@x").await;
    let fixture = emu.snapshot();

    // Change everything the snapshot covers.
    put(&c, "a", "changed@x").await;
    put(&c, "b", "b@x").await;
    c.update_time_to_live()
        .table_name(TABLE)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("exp")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.tag_resource()
        .resource_arn(ARN)
        .tags(Tag::builder().key("extra").value("1").build().unwrap())
        .send()
        .await
        .unwrap();
    c.put_resource_policy()
        .resource_arn(ARN)
        .policy(POLICY)
        .send()
        .await
        .unwrap();
    assert_eq!(stream_keys(&c, &st).await, ["a", "a", "b"]);
    assert_eq!(ttl_attribute(&c).await.as_deref(), Some("exp"));

    emu.restore(&fixture);
    assert_eq!(by_email(&c).await, [("a".to_string(), "a@x".to_string())]);
    assert_eq!(stream_keys(&c, &st).await, ["a"]);
    assert_eq!(ttl_attribute(&c).await, None);
    assert_eq!(tags(&c).await, [("team".to_string(), "a".to_string())]);
    let no_policy = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(no_policy).0, "PolicyNotFoundException");

    // Writes after a restore do not reach the snapshot: a second restore is the fixture again.
    put(&c, "c", "c@x").await;
    emu.restore(&fixture);
    assert_eq!(by_email(&c).await, [("a".to_string(), "a@x".to_string())]);
    assert_eq!(stream_keys(&c, &st).await, ["a"]);
}

#[tokio::test]
async fn reset_empties_everything_and_the_old_state_stays_restorable() {
    let (emu, c) = emulator().await;
    create(&c).await;
    put(&c, "a", "a@x").await;
    let before = emu.snapshot();
    emu.reset();
    assert_eq!(
        c.list_tables().send().await.unwrap().table_names.unwrap(),
        Vec::<String>::new()
    );
    let gone = c.describe_table().table_name(TABLE).send().await.unwrap_err();
    assert_eq!(
        error(gone),
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found: Table: fixture not found".to_string()
        )
    );
    // The same name can be created afresh, with no tags left from before.
    create(&c).await;
    assert_eq!(tags(&c).await, [("team".to_string(), "a".to_string())]);
    assert_eq!(by_email(&c).await, []);
    emu.restore(&before);
    assert_eq!(by_email(&c).await, [("a".to_string(), "a@x".to_string())]);
}
