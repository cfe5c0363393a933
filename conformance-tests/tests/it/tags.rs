//! TagResource, UntagResource, ListTagsOfResource, DescribeLimits and DescribeEndpoints through
//! the SDK, with DynamoDB's messages.

use aws_sdk_dynamodb::types::{
    BillingMode, KeyType, ScalarAttributeType as T, StreamSpecification, StreamViewType, Tag,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, create_table, emulator, error, key, validation, with_transient_delay};

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/tagged";

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

async fn tags_of(c: &Client, arn: &str) -> Vec<(String, String)> {
    c.list_tags_of_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn tags_are_added_overwritten_listed_and_removed() {
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("tagged")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .tags(tag("env", "test"))
        .send()
        .await
        .unwrap();
    let arn = c
        .describe_table()
        .table_name("tagged")
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .table_arn
        .unwrap();
    assert_eq!(arn, ARN);
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("env", "test")]));

    c.tag_resource()
        .resource_arn(ARN)
        .tags(tag("team", "platform"))
        .tags(tag("env", "production"))
        .tags(tag("empty", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(&c, ARN).await,
        pairs(&[("env", "production"), ("team", "platform"), ("empty", "")])
    );

    c.untag_resource()
        .resource_arn(ARN)
        .tag_keys("team")
        .tag_keys("never-set")
        .send()
        .await
        .unwrap();
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("env", "production"), ("empty", "")]));

    // A table created again under the same name starts without the old tags.
    c.delete_table().table_name("tagged").send().await.unwrap();
    create_table(&c, "tagged", None).await;
    assert_eq!(tags_of(&c, ARN).await, pairs(&[]));
}

#[tokio::test]
async fn tag_errors_match_dynamodb() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tagged", None).await;
    let tag_with = |tags: Vec<Tag>| c.tag_resource().resource_arn(ARN).set_tags(Some(tags)).send();

    let e = c
        .tag_resource()
        .resource_arn("not-a-valid-arn")
        .tags(tag("a", "b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("One or more parameter values were invalid: ARNs must start with 'arn:': not-a-valid-arn")
    );
    let index = format!("{ARN}/index/by_x");
    let e = c.list_tags_of_resource().resource_arn(&index).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!(
            "One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {index}"
        ))
    );
    let other_region = "arn:aws:dynamodb:eu-west-1:000000000000:table/tagged";
    let e = c
        .list_tags_of_resource()
        .resource_arn(other_region)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!(
            "Invalid TableArn: Invalid ResourceArn provided as input {other_region}"
        ))
    );

    let missing = "arn:aws:dynamodb:us-east-1:000000000000:table/missing";
    let e = c
        .tag_resource()
        .resource_arn(missing)
        .tags(tag("a", "b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            format!("Requested resource not found: ResourceArn: {missing} not found")
        )
    );
    let e = c
        .list_tags_of_resource()
        .resource_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "AccessDeniedException".into(),
            format!(
                "User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:ListTagsOfResource on resource: {missing}"
            )
        )
    );

    let e = tag_with(vec![]).await.unwrap_err();
    assert_eq!(error(e), validation("Atleast one Tag needs to be provided as Input."));
    let long_key = "k".repeat(129);
    let e = tag_with(vec![tag("ok", "1"), tag(&long_key, "v")]).await.unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!("The Tag Key provided is invalid, Key: {long_key}"))
    );
    let e = tag_with(vec![tag("a,b", "v")]).await.unwrap_err();
    assert_eq!(error(e), validation("The Tag Key provided is invalid, Key: a,b"));
    let long_value = "v".repeat(257);
    let e = tag_with(vec![tag("k", &long_value)]).await.unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!("The Tag Value provided is invalid, Value: {long_value}"))
    );
    let e = tag_with(vec![tag("aws:owner", "me")]).await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Tag Key cannot be prefixed with aws:, Key: aws:owner")
    );
    let e = tag_with(vec![tag("dup", "1"), tag("dup", "2")]).await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found dup")
    );
    // All or nothing: none of the rejected requests left a tag behind.
    assert_eq!(tags_of(&c, ARN).await, pairs(&[]));

    // At most 50 tags on a resource; letters of any script and + - = . _ : / @ are fine.
    let fifty: Vec<Tag> = (0..49).map(|i| tag(&format!("k{i}"), "v")).collect();
    tag_with(fifty).await.unwrap();
    tag_with(vec![tag("clé ключ", "a+b-c=d.e_f:g/h@i")]).await.unwrap();
    tag_with(vec![tag("k0", "overwrite is not a new tag")]).await.unwrap();
    let e = tag_with(vec![tag("one-too-many", "v")]).await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Number of Tags exceed the current limit for the provided ResourceArn")
    );
    assert_eq!(tags_of(&c, ARN).await.len(), 50);

    let e = c
        .untag_resource()
        .resource_arn(ARN)
        .set_tag_keys(Some(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Atleast one Tag Key needs to be provided as Input.")
    );
    let e = c
        .untag_resource()
        .resource_arn(ARN)
        .tag_keys("")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("The Tag Key provided is invalid, Key: "));
    let e = c
        .untag_resource()
        .resource_arn(missing)
        .tag_keys("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            format!("Requested resource not found: ResourceArn: {missing} not found")
        )
    );
}

#[tokio::test]
async fn describe_limits_and_endpoints() {
    let (emu, c) = emulator().await;
    let limits = c.describe_limits().send().await.unwrap();
    assert_eq!(
        (
            limits.account_max_read_capacity_units,
            limits.account_max_write_capacity_units,
            limits.table_max_read_capacity_units,
            limits.table_max_write_capacity_units
        ),
        (Some(80000), Some(80000), Some(40000), Some(40000))
    );
    let endpoints = emu.http_client().describe_endpoints().send().await.unwrap();
    let e = &endpoints.endpoints()[0];
    assert_eq!(endpoints.endpoints().len(), 1);
    assert_eq!(
        (e.address(), e.cache_period_in_minutes()),
        (emu.addr().to_string().as_str(), 1440)
    );
}

#[tokio::test]
async fn create_table_with_more_than_50_tags_creates_nothing() {
    let (_emu, c) = emulator().await;
    let create = |n: usize| {
        let tags: Vec<Tag> = (0..n).map(|i| tag(&format!("k{i}"), "v")).collect();
        c.create_table()
            .table_name("tagged")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk", T::S))
            .key_schema(key("pk", KeyType::Hash))
            .set_tags(Some(tags))
            .send()
    };
    let e = create(51).await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Number of Tags exceed the current limit for the provided ResourceArn")
    );
    assert_eq!(
        c.list_tables().send().await.unwrap().table_names(),
        Vec::<String>::new()
    );

    create(50).await.unwrap();
    assert_eq!(tags_of(&c, ARN).await.len(), 50);
}

/// CreateTable checks its Tags as TagResource does, before the table is made (DDB-TABLE-110,
/// DDB-TABLE-372, ACK catalogue, AWS October 2026); an empty list is fine there.
#[tokio::test]
async fn create_table_checks_each_tag_as_tag_resource_does() {
    let (_emu, c) = emulator().await;
    let create = |tags: Vec<Tag>| {
        c.create_table()
            .table_name("tagged")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk", T::S))
            .key_schema(key("pk", KeyType::Hash))
            .set_tags(Some(tags))
            .send()
    };
    let refused = [
        (vec![tag("a", "100%")], "The Tag Value provided is invalid, Value: 100%"),
        (vec![tag("a,b", "1")], "The Tag Key provided is invalid, Key: a,b"),
        (
            vec![tag("aws:x", "1")],
            "Tag Key cannot be prefixed with aws:, Key: aws:x",
        ),
        (
            vec![tag("AWS:x", "1")],
            "Tag Key cannot be prefixed with aws:, Key: AWS:x",
        ),
        (
            vec![tag("d", "1"), tag("d", "2")],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found d",
        ),
    ];
    for (tags, message) in refused {
        assert_eq!(error(create(tags).await.unwrap_err()), validation(message));
    }
    assert_eq!(
        c.list_tables().send().await.unwrap().table_names(),
        Vec::<String>::new()
    );
    create(vec![]).await.unwrap();
    assert_eq!(tags_of(&c, ARN).await, pairs(&[]));
}

/// `aws:` keys are AWS's own in any letter case, on TagResource and UntagResource alike
/// (DDB-TABLE-105); `myaws:` is an ordinary key.
#[tokio::test]
async fn the_aws_prefix_is_refused_in_any_case_on_tag_and_untag() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tagged", None).await;
    for key in ["aws:foo", "AWS:foo", "Aws:foo"] {
        let e = c
            .tag_resource()
            .resource_arn(ARN)
            .tags(tag(key, "x"))
            .send()
            .await
            .unwrap_err();
        let refusal = validation(&format!("Tag Key cannot be prefixed with aws:, Key: {key}"));
        assert_eq!(error(e), refusal);
        let e = c
            .untag_resource()
            .resource_arn(ARN)
            .tag_keys(key)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), refusal);
    }
    c.tag_resource()
        .resource_arn(ARN)
        .tags(tag("myaws:foo", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("myaws:foo", "x")]));
}

/// A backup is not a taggable resource, and another account's resource is denied in AWS's short
/// words, by each tag operation (DDB-BACKUP-013, DDB-TABLE-071). The account is checked before
/// anything else in the ARN: another service's ARN, which names no account of ours, and another
/// account's index in another region are denied too (ExtendDB's AWS-checked tagging tests).
#[tokio::test]
async fn backups_and_other_accounts_resources_are_refused() {
    let (_emu, c) = emulator().await;
    create_table(&c, "tagged", None).await;
    let backup = c
        .create_backup()
        .table_name("tagged")
        .backup_name("nightly")
        .send()
        .await
        .unwrap()
        .backup_details
        .unwrap()
        .backup_arn;
    let foreign = "arn:aws:dynamodb:us-east-1:111122223333:table/tagged";
    for (arn, refusal) in [
        (
            backup.as_str(),
            validation(&format!(
                "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: {backup}"
            )),
        ),
        (foreign, ("AccessDeniedException".into(), "Access is denied".into())),
        (
            "arn:aws:s3:::bucket/key",
            ("AccessDeniedException".into(), "Access is denied".into()),
        ),
        (
            "arn:aws:dynamodb:eu-west-1:111122223333:table/tagged/index/by_x",
            ("AccessDeniedException".into(), "Access is denied".into()),
        ),
    ] {
        let e = c
            .tag_resource()
            .resource_arn(arn)
            .tags(tag("k", "v"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), refusal, "TagResource {arn}");
        let e = c
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("k")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), refusal, "UntagResource {arn}");
        let e = c.list_tags_of_resource().resource_arn(arn).send().await.unwrap_err();
        assert_eq!(error(e), refusal, "ListTagsOfResource {arn}");
    }
}

/// An enabled stream carries tags of its own, apart from its table's (DDB-TABLE-373); they go
/// with the stream when it is disabled and with the table when it is deleted.
#[tokio::test]
async fn a_live_stream_has_tags_of_its_own() {
    let (_emu, c) = emulator().await;
    let enable = |on: bool| {
        let mut spec = StreamSpecification::builder().stream_enabled(on);
        if on {
            spec = spec.stream_view_type(StreamViewType::KeysOnly);
        }
        c.update_table()
            .table_name("tagged")
            .stream_specification(spec.build().unwrap())
            .send()
    };
    let latest = || async {
        let table = c
            .describe_table()
            .table_name("tagged")
            .send()
            .await
            .unwrap()
            .table
            .unwrap();
        table.latest_stream_arn.unwrap()
    };
    c.create_table()
        .table_name("tagged")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .tags(tag("of", "table"))
        .send()
        .await
        .unwrap();
    enable(true).await.unwrap();
    let stream = latest().await;
    assert_eq!(tags_of(&c, &stream).await, pairs(&[]));
    c.tag_resource()
        .resource_arn(&stream)
        .tags(tag("of", "stream"))
        .tags(tag("gone", "soon"))
        .send()
        .await
        .unwrap();
    c.untag_resource()
        .resource_arn(&stream)
        .tag_keys("gone")
        .send()
        .await
        .unwrap();
    assert_eq!(tags_of(&c, &stream).await, pairs(&[("of", "stream")]));
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("of", "table")]));

    // Disabled, the stream is no longer taggable; a new one starts without tags.
    enable(false).await.unwrap();
    let e = c
        .tag_resource()
        .resource_arn(&stream)
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".into(),
            format!("Requested resource not found: ResourceArn: {stream} not found")
        )
    );
    enable(true).await.unwrap();
    let second = latest().await;
    assert_ne!(second, stream);
    assert_eq!(tags_of(&c, &second).await, pairs(&[]));
    c.tag_resource()
        .resource_arn(&second)
        .tags(tag("of", "stream"))
        .send()
        .await
        .unwrap();

    // A table made again under the name has neither its old tags nor its old stream's.
    c.delete_table().table_name("tagged").send().await.unwrap();
    c.create_table()
        .table_name("tagged")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap();
    enable(true).await.unwrap();
    let third = latest().await;
    assert_eq!(tags_of(&c, ARN).await, pairs(&[]));
    assert_eq!(tags_of(&c, &third).await, pairs(&[]));
}

/// A table still CREATING is not found by TagResource and UntagResource (DDB-TABLE-446, live);
/// the tags CreateTable set are there once it is ACTIVE (DDB-TABLE-110).
#[tokio::test]
async fn a_creating_table_is_not_there_yet_for_tagging() {
    let delay = std::time::Duration::from_millis(500);
    let (emu, c) = with_transient_delay(delay).await;
    c.create_table()
        .table_name("tagged")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .tags(tag("env", "test"))
        .send()
        .await
        .unwrap();
    let not_found = (
        "ResourceNotFoundException".to_string(),
        format!("Requested resource not found: ResourceArn: {ARN} not found"),
    );
    let e = c
        .tag_resource()
        .resource_arn(ARN)
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), not_found);
    let e = c
        .untag_resource()
        .resource_arn(ARN)
        .tag_keys("env")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), not_found);

    emu.advance(delay);
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("env", "test")]));
    c.tag_resource()
        .resource_arn(ARN)
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap();
    assert_eq!(tags_of(&c, ARN).await, pairs(&[("env", "test"), ("k", "v")]));
}
