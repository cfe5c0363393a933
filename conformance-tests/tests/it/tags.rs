//! TagResource, UntagResource, ListTagsOfResource, DescribeLimits and DescribeEndpoints through
//! the SDK, with DynamoDB's messages.

use aws_sdk_dynamodb::types::{BillingMode, KeyType, ScalarAttributeType as T, Tag};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, create_table, emulator, error, key, validation};

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
    let s3 = "arn:aws:s3:::bucket/key";
    let e = c.list_tags_of_resource().resource_arn(s3).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation(&format!(
            "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: {s3}"
        ))
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
            format!("Requested resource not found: ResourcArn: {missing} not found")
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
            format!("Requested resource not found: ResourcArn: {missing} not found")
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
