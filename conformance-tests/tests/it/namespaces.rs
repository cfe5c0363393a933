//! Accounts and regions as namespaces: tables, ARNs, streams, tags and snapshots live per
//! (account, region), as on AWS; `Builder::shared_db` puts everything in one, as DynamoDB Local's
//! `-sharedDb` does.

use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{SseSpecification, StreamSpecification, StreamViewType, Tag};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_table, error};

/// `base` sending through `region` with this access key.
/// CreateTable of the on-demand table `Tab1` (pk S) with a KEYS_ONLY stream, to be sent.
fn stream_table(c: &Client) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    c.create_table()
        .table_name("Tab1")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(crate::support::attr_def(
            "pk",
            aws_sdk_dynamodb::types::ScalarAttributeType::S,
        ))
        .key_schema(crate::support::key("pk", aws_sdk_dynamodb::types::KeyType::Hash))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .unwrap(),
        )
}

fn client(base: &Client, region: &str, key: &str, secret: &str) -> Client {
    let conf = base
        .config()
        .to_builder()
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    Client::from_conf(conf)
}

async fn names(client: &Client) -> Vec<String> {
    client.list_tables().send().await.unwrap().table_names().to_vec()
}

async fn arn(client: &Client, table: &str) -> Result<String, (String, String)> {
    let out = client.describe_table().table_name(table).send().await.map_err(error)?;
    Ok(out.table().unwrap().table_arn().unwrap().to_string())
}

fn not_found() -> Result<String, (String, String)> {
    Err((
        "ResourceNotFoundException".into(),
        "Requested resource not found: Table: Tab1 not found".into(),
    ))
}

#[tokio::test]
async fn a_table_is_seen_only_through_its_region() {
    let emu = Emulator::start().await.unwrap();
    for base in [emu.client(), emu.http_client()] {
        emu.reset();
        let east2 = client(&base, "us-east-2", "any", "key");
        let east1 = client(&base, "us-east-1", "other", "key");
        create_table(&east2, "Tab1", None).await;
        assert_eq!(
            arn(&east2, "Tab1").await,
            Ok("arn:aws:dynamodb:us-east-2:000000000000:table/Tab1".into())
        );
        assert_eq!(arn(&east1, "Tab1").await, not_found());
        assert_eq!(names(&east1).await, Vec::<String>::new());
        // Another fake key in the same region sees the same tables (one default account).
        assert_eq!(names(&client(&base, "us-east-2", "third", "x")).await, ["Tab1"]);
        // The same name is free in the other region, with its own items.
        create_table(&east1, "Tab1", None).await;
        east1
            .put_item()
            .table_name("Tab1")
            .item("pk", crate::support::s("a"))
            .send()
            .await
            .unwrap();
        let count = |c: Client| async move { c.scan().table_name("Tab1").send().await.unwrap().count() };
        assert_eq!((count(east1.clone()).await, count(east2.clone()).await), (1, 0));
    }
}

/// Every ARN names the partition of its region (`arn:aws-us-gov:…` in GovCloud, `arn:aws-cn:…` in
/// China), as LocalStack's test_dynamodb_table_in_different_partitions checks against AWS; a
/// resource ARN of another partition is not the region's.
#[tokio::test]
async fn arns_name_the_partition_of_their_region() {
    let emu = Emulator::start().await.unwrap();
    for (region, partition) in [
        ("us-gov-east-1", "aws-us-gov"),
        ("cn-north-1", "aws-cn"),
        ("eu-west-1", "aws"),
    ] {
        let c = client(&emu.client(), region, "k", "s");
        let out = stream_table(&c)
            .sse_specification(SseSpecification::builder().enabled(true).build())
            .send()
            .await
            .unwrap();
        let t = out.table_description().unwrap();
        let arn = format!("arn:{partition}:dynamodb:{region}:000000000000:table/Tab1");
        assert_eq!(t.table_arn(), Some(arn.as_str()));
        assert!(t.latest_stream_arn().unwrap().starts_with(&format!("{arn}/stream/")));
        let key = t.sse_description().unwrap().kms_master_key_arn().unwrap();
        assert!(
            key.starts_with(&format!("arn:{partition}:kms:{region}:000000000000:key/")),
            "{key}"
        );
        let tag = Tag::builder().key("team").value("a").build().unwrap();
        c.tag_resource()
            .resource_arn(&arn)
            .tags(tag.clone())
            .send()
            .await
            .unwrap();
        let other = match partition {
            "aws" => format!("arn:aws-cn:dynamodb:{region}:000000000000:table/Tab1"),
            _ => format!("arn:aws:dynamodb:{region}:000000000000:table/Tab1"),
        };
        let e = c
            .tag_resource()
            .resource_arn(&other)
            .tags(tag)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error(e),
            (
                "ValidationException".into(),
                format!("Invalid TableArn: Invalid ResourceArn provided as input {other}")
            )
        );
    }
}

#[tokio::test]
async fn mapped_credentials_select_their_account() {
    let emu = Emulator::builder()
        .credentials("AKONE:s1,AKTWO:s2:111122223333".parse().unwrap())
        .start()
        .await
        .unwrap();
    let base = emu.client();
    let one = client(&base, "eu-west-1", "AKONE", "s1");
    let two = client(&base, "eu-west-1", "AKTWO", "s2");
    create_table(&two, "Tab1", None).await;
    assert_eq!(
        arn(&two, "Tab1").await,
        Ok("arn:aws:dynamodb:eu-west-1:111122223333:table/Tab1".into())
    );
    assert_eq!(arn(&one, "Tab1").await, not_found());
    // A tag request naming the other account's table is refused as on AWS (DDB-TABLE-071).
    let tagged = one
        .tag_resource()
        .resource_arn("arn:aws:dynamodb:eu-west-1:111122223333:table/Tab1")
        .tags(Tag::builder().key("k").value("v").build().unwrap())
        .send()
        .await
        .map_err(error);
    assert_eq!(
        tagged.map(|_| ()),
        Err(("AccessDeniedException".into(), "Access is denied".into()))
    );
}

#[tokio::test]
async fn streams_and_tags_stay_in_their_region_and_a_snapshot_covers_all() {
    let emu = Emulator::start().await.unwrap();
    let base = emu.client();
    let west = client(&base, "us-west-2", "k", "s");
    let east = client(&base, "us-east-1", "k", "s");
    stream_table(&west)
        .tags(Tag::builder().key("team").value("a").build().unwrap())
        .send()
        .await
        .unwrap();
    create_table(&east, "East", None).await;
    let streams = |region: &str| {
        let conf = emu
            .streams_client()
            .config()
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_dynamodbstreams::Client::from_conf(conf)
    };
    let listed = |c: aws_sdk_dynamodbstreams::Client| async move {
        let out = c.list_streams().send().await.unwrap();
        out.streams()
            .iter()
            .map(|s| s.stream_arn().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let west_streams = listed(streams("us-west-2")).await;
    assert_eq!(west_streams.len(), 1);
    assert!(west_streams[0].starts_with("arn:aws:dynamodb:us-west-2:000000000000:table/Tab1/stream/"));
    assert_eq!(listed(streams("us-east-1")).await, Vec::<String>::new());
    let tags = west
        .list_tags_of_resource()
        .resource_arn("arn:aws:dynamodb:us-west-2:000000000000:table/Tab1")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 1);

    let snapshot = emu.snapshot();
    emu.reset();
    assert_eq!((names(&west).await, names(&east).await), (vec![], vec![]));
    emu.restore(&snapshot);
    assert_eq!(
        (names(&west).await, names(&east).await),
        (vec!["Tab1".to_string()], vec!["East".to_string()])
    );
}

#[tokio::test]
async fn shared_db_puts_every_region_and_key_in_one_namespace() {
    let emu = Emulator::builder().shared_db(true).start().await.unwrap();
    let base = emu.client();
    create_table(&client(&base, "us-east-2", "a", "b"), "Tab1", None).await;
    let east1 = client(&base, "us-east-1", "c", "d");
    assert_eq!(names(&east1).await, ["Tab1"]);
    assert_eq!(
        arn(&east1, "Tab1").await,
        Ok("arn:aws:dynamodb:us-east-1:000000000000:table/Tab1".into())
    );
}

#[tokio::test]
async fn a_client_request_token_belongs_to_its_region() {
    use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
    let emu = Emulator::start().await.unwrap();
    let base = emu.client();
    let (east1, east2) = (
        client(&base, "us-east-1", "k", "s"),
        client(&base, "us-east-2", "k", "s"),
    );
    let write = |c: &Client, pk: &str| {
        let put = Put::builder()
            .table_name("Tab1")
            .item("pk", crate::support::s(pk))
            .build()
            .unwrap();
        c.transact_write_items()
            .client_request_token("token-1")
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
    };
    let count = |c: Client| async move { c.scan().table_name("Tab1").send().await.unwrap().count };
    for c in [&east1, &east2] {
        create_table(c, "Tab1", None).await;
    }
    write(&east1, "a").await.unwrap();
    // Other parameters under the same token elsewhere are no mismatch, and run there.
    assert_eq!(write(&east2, "b").await.map(|_| ()).map_err(error), Ok(()));
    assert_eq!((count(east1.clone()).await, count(east2.clone()).await), (1, 1));
    // Within a region the token still guards its parameters.
    assert_eq!(
        write(&east1, "c").await.map(|_| ()).map_err(error),
        Err((
            "IdempotentParameterMismatchException".into(),
            "Request token 'client_request_token' has already been used with different request parameters.".into()
        ))
    );
}
