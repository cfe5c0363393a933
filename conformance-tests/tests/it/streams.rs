//! DynamoDB Streams through `aws-sdk-dynamodbstreams`: records from every write path with the
//! images each view type keeps, TTL removals by the service, iterator types, ListStreams paging,
//! the stream lifecycle (disable, re-enable, delete table) and errors with AWS's messages. All on a
//! manual clock, so times are exact.

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{
    AttributeValue as V, BillingMode, Delete, Put, StreamSpecification, StreamViewType, TimeToLiveSpecification,
    TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodbstreams::types::{
    AttributeValue as SV, OperationType, Record, ShardFilter, ShardFilterType, ShardIteratorType, StreamStatus,
};
use aws_sdk_dynamodbstreams::Client as Streams;
use dynamodb_emulator::Emulator;

use crate::support::{attr_def, error, key, s, validation};

const T0: u64 = 1_700_000_000;

struct Fixture {
    emu: Emulator,
    db: Client,
    streams: Streams,
}

async fn fixture() -> Fixture {
    let emu = Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(T0))
        .start()
        .await
        .unwrap();
    let db = emu.client();
    let streams = emu.streams_client();
    Fixture { emu, db, streams }
}

fn spec(view: StreamViewType) -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(view)
        .build()
        .unwrap()
}

/// Creates table `name` (string `pk`) with a stream of `view`; returns the stream ARN.
async fn table(db: &Client, name: &str, view: Option<StreamViewType>) -> Option<String> {
    let mut req = db
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", aws_sdk_dynamodb::types::ScalarAttributeType::S))
        .key_schema(key("pk", aws_sdk_dynamodb::types::KeyType::Hash));
    if let Some(view) = view {
        req = req.stream_specification(spec(view));
    }
    req.send().await.unwrap().table_description?.latest_stream_arn
}

fn item(pk: &str, v: &str) -> HashMap<String, V> {
    HashMap::from([("pk".to_string(), s(pk)), ("v".to_string(), s(v))])
}

fn simage(pairs: &[(&str, &str)]) -> HashMap<String, SV> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SV::S(v.to_string())))
        .collect()
}

async fn put(db: &Client, table: &str, pk: &str, v: &str) {
    db.put_item()
        .table_name(table)
        .set_item(Some(item(pk, v)))
        .send()
        .await
        .unwrap();
}

async fn update(db: &Client, table: &str, pk: &str, v: &str) {
    db.update_item()
        .table_name(table)
        .key("pk", s(pk))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", s(v))
        .send()
        .await
        .unwrap();
}

async fn delete(db: &Client, table: &str, pk: &str) {
    db.delete_item()
        .table_name(table)
        .key("pk", s(pk))
        .send()
        .await
        .unwrap();
}

async fn shard_id(st: &Streams, arn: &str) -> String {
    let d = st.describe_stream().stream_arn(arn).send().await.unwrap();
    d.stream_description.unwrap().shards.unwrap()[0]
        .shard_id
        .clone()
        .unwrap()
}

pub(crate) async fn iterator(st: &Streams, arn: &str, kind: ShardIteratorType, seq: Option<&str>) -> String {
    st.get_shard_iterator()
        .stream_arn(arn)
        .shard_id(shard_id(st, arn).await)
        .shard_iterator_type(kind)
        .set_sequence_number(seq.map(str::to_string))
        .send()
        .await
        .unwrap()
        .shard_iterator
        .unwrap()
}

/// Every record from an iterator on, following NextShardIterator until a page is empty.
pub(crate) async fn read_from(st: &Streams, mut it: String) -> Vec<Record> {
    let mut all = Vec::new();
    loop {
        let out = st.get_records().shard_iterator(&it).send().await.unwrap();
        let records = out.records.unwrap_or_default();
        if records.is_empty() {
            return all;
        }
        all.extend(records);
        match out.next_shard_iterator {
            Some(next) => it = next,
            None => return all,
        }
    }
}

async fn read_all(st: &Streams, arn: &str) -> Vec<Record> {
    let it = iterator(st, arn, ShardIteratorType::TrimHorizon, None).await;
    read_from(st, it).await
}

/// (event, pk, old image, new image) of each record.
type Summary = (
    OperationType,
    String,
    Option<HashMap<String, SV>>,
    Option<HashMap<String, SV>>,
);

fn summary(records: &[Record]) -> Vec<Summary> {
    records
        .iter()
        .map(|r| {
            let d = r.dynamodb.clone().unwrap();
            let pk = match d.keys.unwrap().get("pk") {
                Some(SV::S(pk)) => pk.clone(),
                other => panic!("key {other:?}"),
            };
            (r.event_name.clone().unwrap(), pk, d.old_image, d.new_image)
        })
        .collect()
}

fn seq(r: &Record) -> String {
    r.dynamodb.as_ref().unwrap().sequence_number.clone().unwrap()
}

#[tokio::test]
async fn put_update_delete_with_new_and_old_images() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::NewAndOldImages))
        .await
        .unwrap();
    put(&f.db, "tbl", "a", "1").await;
    update(&f.db, "tbl", "a", "2").await;
    delete(&f.db, "tbl", "a").await;
    let records = read_all(&f.streams, &arn).await;
    assert_eq!(
        summary(&records),
        vec![
            (
                OperationType::Insert,
                "a".into(),
                None,
                Some(simage(&[("pk", "a"), ("v", "1")]))
            ),
            (
                OperationType::Modify,
                "a".into(),
                Some(simage(&[("pk", "a"), ("v", "1")])),
                Some(simage(&[("pk", "a"), ("v", "2")]))
            ),
            (
                OperationType::Remove,
                "a".into(),
                Some(simage(&[("pk", "a"), ("v", "2")])),
                None
            ),
        ]
    );
    let mut last = 0u128;
    let mut ids = std::collections::HashSet::new();
    for r in &records {
        assert_eq!(r.event_version.as_deref(), Some("1.1"));
        assert_eq!(r.event_source.as_deref(), Some("aws:dynamodb"));
        assert_eq!(r.aws_region.as_deref(), Some("us-east-1"));
        assert!(r.user_identity.is_none());
        let id = r.event_id.clone().unwrap();
        assert_eq!(id.len(), 32);
        assert!(ids.insert(id));
        let d = r.dynamodb.as_ref().unwrap();
        assert_eq!(d.approximate_creation_date_time.unwrap().secs(), T0 as i64);
        assert_eq!(
            d.stream_view_type,
            Some(aws_sdk_dynamodbstreams::types::StreamViewType::NewAndOldImages)
        );
        assert!(d.size_bytes.unwrap() > 0);
        let n = seq(r);
        assert!(n.len() >= 21, "{n}");
        let n: u128 = n.parse().unwrap();
        assert!(n > last);
        last = n;
    }
}

#[tokio::test]
async fn each_view_type_keeps_its_images() {
    let f = fixture().await;
    let a = simage(&[("pk", "k"), ("v", "1")]);
    let b = simage(&[("pk", "k"), ("v", "2")]);
    type Images = [(Option<HashMap<String, SV>>, Option<HashMap<String, SV>>); 3];
    let cases: [(StreamViewType, Images); 4] = [
        (StreamViewType::KeysOnly, [(None, None), (None, None), (None, None)]),
        (
            StreamViewType::NewImage,
            [(None, Some(a.clone())), (None, Some(b.clone())), (None, None)],
        ),
        (
            StreamViewType::OldImage,
            [(None, None), (Some(a.clone()), None), (Some(b.clone()), None)],
        ),
        (
            StreamViewType::NewAndOldImages,
            [
                (None, Some(a.clone())),
                (Some(a.clone()), Some(b.clone())),
                (Some(b.clone()), None),
            ],
        ),
    ];
    for (i, (view, images)) in cases.into_iter().enumerate() {
        let name = format!("view{i}");
        let arn = table(&f.db, &name, Some(view.clone())).await.unwrap();
        put(&f.db, &name, "k", "1").await;
        update(&f.db, &name, "k", "2").await;
        delete(&f.db, &name, "k").await;
        let got = summary(&read_all(&f.streams, &arn).await);
        let events = [OperationType::Insert, OperationType::Modify, OperationType::Remove];
        let want: Vec<Summary> = events
            .into_iter()
            .zip(images)
            .map(|(e, (old, new))| (e, "k".to_string(), old, new))
            .collect();
        assert_eq!(got, want, "{view:?}");
    }
}

#[tokio::test]
async fn writes_that_change_nothing_record_nothing() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::NewAndOldImages))
        .await
        .unwrap();
    put(&f.db, "tbl", "a", "1").await;
    put(&f.db, "tbl", "a", "1").await; // same item again
    update(&f.db, "tbl", "a", "1").await; // same value
    delete(&f.db, "tbl", "missing").await;
    let failed =
        f.db.put_item()
            .table_name("tbl")
            .set_item(Some(item("a", "9")))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
    assert!(failed.is_err());
    // Updates that only remove, on a missing item, create nothing; a later SET then inserts.
    for expression in ["REMOVE v", "REMOVE v.x, w[0]", "DELETE t :t"] {
        f.db.update_item()
            .table_name("tbl")
            .key("pk", s("m"))
            .update_expression(expression)
            .set_expression_attribute_values(
                expression
                    .contains(":t")
                    .then(|| HashMap::from([(":t".to_string(), V::Ss(vec!["x".into()]))])),
            )
            .send()
            .await
            .unwrap();
    }
    update(&f.db, "tbl", "m", "2").await;
    let got: Vec<_> = summary(&read_all(&f.streams, &arn).await)
        .into_iter()
        .map(|(event, pk, old, new)| (event, pk, old, new.map(|n| n.len())))
        .collect();
    assert_eq!(
        got,
        [
            (OperationType::Insert, "a".to_string(), None, Some(2)),
            (OperationType::Insert, "m".to_string(), None, Some(2)),
        ]
    );
}

#[tokio::test]
async fn batch_writes_and_transactions_are_recorded() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    put(&f.db, "tbl", "gone", "1").await;
    let put_req = |pk: &str| {
        WriteRequest::builder()
            .put_request(
                aws_sdk_dynamodb::types::PutRequest::builder()
                    .set_item(Some(item(pk, "1")))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let del_req = WriteRequest::builder()
        .delete_request(
            aws_sdk_dynamodb::types::DeleteRequest::builder()
                .key("pk", s("gone"))
                .build()
                .unwrap(),
        )
        .build();
    f.db.batch_write_item()
        .request_items("tbl", vec![put_req("b1"), put_req("b2"), del_req])
        .send()
        .await
        .unwrap();
    f.db.transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name("tbl")
                        .set_item(Some(item("x", "1")))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name("tbl")
                        .key("pk", s("b1"))
                        .update_expression("SET v = :v")
                        .expression_attribute_values(":v", s("2"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .delete(Delete::builder().table_name("tbl").key("pk", s("b2")).build().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut got: Vec<(OperationType, String)> = summary(&read_all(&f.streams, &arn).await)
        .into_iter()
        .map(|(e, pk, old, new)| {
            assert!(old.is_none() && new.is_none());
            (e, pk)
        })
        .collect();
    // The first record is the setup put; batch order within a request is not guaranteed.
    assert_eq!(got.remove(0), (OperationType::Insert, "gone".into()));
    let mut batch: Vec<_> = got.drain(..3).collect();
    batch.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        batch,
        vec![
            (OperationType::Insert, "b1".into()),
            (OperationType::Insert, "b2".into()),
            (OperationType::Remove, "gone".into()),
        ]
    );
    got.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        got,
        vec![
            (OperationType::Modify, "b1".into()),
            (OperationType::Remove, "b2".into()),
            (OperationType::Insert, "x".into()),
        ]
    );
}

#[tokio::test]
async fn ttl_deletes_are_removals_by_the_service() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::OldImage)).await.unwrap();
    f.db.update_time_to_live()
        .table_name("tbl")
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("exp")
                .enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    f.db.put_item()
        .table_name("tbl")
        .item("pk", s("old"))
        .item("exp", V::N((T0 + 10).to_string()))
        .send()
        .await
        .unwrap();
    f.db.put_item()
        .table_name("tbl")
        .item("pk", s("manual"))
        .send()
        .await
        .unwrap();
    assert!(f.emu.advance(Duration::from_secs(60)));
    assert_eq!(f.emu.sweep_expired(), 1);
    delete(&f.db, "tbl", "manual").await;
    let records = read_all(&f.streams, &arn).await;
    assert_eq!(records.len(), 4);
    let ttl = &records[2];
    assert_eq!(ttl.event_name, Some(OperationType::Remove));
    // The wire spells the identity's members in lower case, unlike the SDK model, so the SDK
    // sees only that there is one; the raw answer carries them.
    assert!(ttl.user_identity.is_some());
    let it = iterator(&f.streams, &arn, ShardIteratorType::AtSequenceNumber, Some(&seq(ttl))).await;
    let raw = raw(
        &f.emu,
        "DynamoDBStreams_20120810.GetRecords",
        serde_json::json!({"ShardIterator": it, "Limit": 1}),
    );
    assert_eq!(
        raw["Records"][0]["userIdentity"],
        serde_json::json!({"principalId": "dynamodb.amazonaws.com", "type": "Service"})
    );
    let d = ttl.dynamodb.clone().unwrap();
    assert_eq!(d.approximate_creation_date_time.unwrap().secs(), T0 as i64 + 60);
    assert_eq!(d.old_image.unwrap().get("exp"), Some(&SV::N((T0 + 10).to_string())));
    // A user's delete carries no identity.
    assert!(records[3].user_identity.is_none());
}

#[tokio::test]
async fn iterator_types_and_paging() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    for pk in ["a", "b", "c"] {
        put(&f.db, "tbl", pk, "1").await;
    }
    let all = read_all(&f.streams, &arn).await;
    let pks = |rs: &[Record]| -> Vec<String> { summary(rs).into_iter().map(|s| s.1).collect() };
    assert_eq!(pks(&all), ["a", "b", "c"]);
    let b = seq(&all[1]);

    let at = iterator(&f.streams, &arn, ShardIteratorType::AtSequenceNumber, Some(&b)).await;
    assert_eq!(pks(&read_from(&f.streams, at).await), ["b", "c"]);
    let after = iterator(&f.streams, &arn, ShardIteratorType::AfterSequenceNumber, Some(&b)).await;
    assert_eq!(pks(&read_from(&f.streams, after).await), ["c"]);

    let latest = iterator(&f.streams, &arn, ShardIteratorType::Latest, None).await;
    let out = f.streams.get_records().shard_iterator(&latest).send().await.unwrap();
    assert_eq!(out.records.unwrap_or_default().len(), 0);
    // An open shard always gives an iterator to continue with; it sees later writes.
    let next = out.next_shard_iterator.unwrap();
    put(&f.db, "tbl", "d", "1").await;
    assert_eq!(pks(&read_from(&f.streams, next).await), ["d"]);

    // Limit pages one record at a time.
    let mut it = iterator(&f.streams, &arn, ShardIteratorType::TrimHorizon, None).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let out = f
            .streams
            .get_records()
            .shard_iterator(&it)
            .limit(1)
            .send()
            .await
            .unwrap();
        let records = out.records.unwrap();
        assert_eq!(records.len(), 1);
        seen.extend(pks(&records));
        it = out.next_shard_iterator.unwrap();
    }
    assert_eq!(seen, ["a", "b", "c", "d"]);
}

/// One GetRecords returns at most 1 MB of records by their SizeBytes; the next iterator goes on
/// from the first record left out.
#[tokio::test]
async fn a_read_stops_at_one_megabyte() {
    let f = fixture().await;
    let arn = table(&f.db, "big", Some(StreamViewType::NewImage)).await.unwrap();
    let large = "x".repeat(390_000);
    for pk in ["a", "b", "c", "d"] {
        put(&f.db, "big", pk, &large).await;
    }
    let mut it = iterator(&f.streams, &arn, ShardIteratorType::TrimHorizon, None).await;
    let mut pages = Vec::new();
    for _ in 0..2 {
        let out = f.streams.get_records().shard_iterator(&it).send().await.unwrap();
        let records = out.records.unwrap();
        let sizes: i64 = records
            .iter()
            .map(|r| r.dynamodb().unwrap().size_bytes().unwrap())
            .sum();
        assert!(sizes <= 1024 * 1024, "{sizes}");
        pages.push(summary(&records).into_iter().map(|s| s.1).collect::<Vec<_>>());
        it = out.next_shard_iterator.unwrap();
    }
    assert_eq!(pages, [["a", "b"], ["c", "d"]]);
}

#[tokio::test]
async fn list_streams_filters_and_pages() {
    let f = fixture().await;
    let mut arns = Vec::new();
    for name in ["st1", "st2", "st3"] {
        arns.push(table(&f.db, name, Some(StreamViewType::NewImage)).await.unwrap());
    }
    assert_eq!(table(&f.db, "plain", None).await, None);

    let all = f.streams.list_streams().send().await.unwrap();
    let listed: Vec<String> = all
        .streams
        .unwrap()
        .into_iter()
        .map(|s| s.stream_arn.unwrap())
        .collect();
    assert_eq!(listed, arns);
    assert!(all.last_evaluated_stream_arn.is_none());

    let one = f.streams.list_streams().table_name("st2").send().await.unwrap();
    let one = one.streams.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].table_name.as_deref(), Some("st2"));
    assert_eq!(one[0].stream_arn.as_deref(), Some(arns[1].as_str()));
    assert_eq!(one[0].stream_label.as_deref(), Some("2023-11-14T22:13:20.000"));

    let none = f.streams.list_streams().table_name("plain").send().await.unwrap();
    assert!(none.streams.unwrap().is_empty());

    let page = f.streams.list_streams().limit(2).send().await.unwrap();
    assert_eq!(page.streams.unwrap().len(), 2);
    assert_eq!(page.last_evaluated_stream_arn.as_deref(), Some(arns[1].as_str()));
    let rest = f
        .streams
        .list_streams()
        .limit(2)
        .exclusive_start_stream_arn(&arns[1])
        .send()
        .await
        .unwrap();
    assert_eq!(rest.streams.unwrap()[0].stream_arn.as_deref(), Some(arns[2].as_str()));
    assert!(rest.last_evaluated_stream_arn.is_none());

    let e = f.streams.list_streams().limit(0).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
    );
}

#[tokio::test]
async fn describe_stream_reports_the_stream_and_its_shard() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::NewImage)).await.unwrap();
    assert_eq!(
        arn,
        "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/2023-11-14T22:13:20.000"
    );
    let d = f
        .streams
        .describe_stream()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap()
        .stream_description
        .unwrap();
    assert_eq!(d.stream_status, Some(StreamStatus::Enabled));
    assert_eq!(d.table_name.as_deref(), Some("tbl"));
    assert_eq!(d.stream_label.as_deref(), Some("2023-11-14T22:13:20.000"));
    assert_eq!(
        d.stream_view_type,
        Some(aws_sdk_dynamodbstreams::types::StreamViewType::NewImage)
    );
    assert_eq!(d.creation_request_date_time.unwrap().secs(), T0 as i64);
    let ks = d.key_schema.unwrap();
    assert_eq!(ks.len(), 1);
    assert_eq!(ks[0].attribute_name, "pk");
    let shards = d.shards.unwrap();
    assert_eq!(shards.len(), 1);
    let id = shards[0].shard_id.clone().unwrap();
    assert!(
        id.starts_with("shardId-0000000") && (28..=65).contains(&id.len()),
        "{id}"
    );
    let range = shards[0].sequence_number_range.clone().unwrap();
    assert!(range.starting_sequence_number.unwrap().len() >= 21);
    assert!(range.ending_sequence_number.is_none());
}

#[tokio::test]
async fn disable_reenable_and_delete_table() {
    let f = fixture().await;
    let first = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    put(&f.db, "tbl", "a", "1").await;

    let upd = |enabled: bool, view: Option<StreamViewType>| {
        f.db.update_table().table_name("tbl").stream_specification(
            StreamSpecification::builder()
                .stream_enabled(enabled)
                .set_stream_view_type(view)
                .build()
                .unwrap(),
        )
    };
    let e = upd(true, Some(StreamViewType::NewImage)).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation("Table already has an enabled stream: TableName: tbl")
    );
    let e = upd(false, Some(StreamViewType::NewImage)).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation("One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified")
    );

    upd(false, None).send().await.unwrap();
    put(&f.db, "tbl", "b", "1").await; // not recorded anywhere
    let t =
        f.db.describe_table()
            .table_name("tbl")
            .send()
            .await
            .unwrap()
            .table
            .unwrap();
    assert!(t.stream_specification.is_none());
    assert_eq!(t.latest_stream_arn.as_deref(), Some(first.as_str()));
    let d = f.streams.describe_stream().stream_arn(&first).send().await.unwrap();
    let d = d.stream_description.unwrap();
    assert_eq!(d.stream_status, Some(StreamStatus::Disabled));
    let range = d.shards.unwrap()[0].sequence_number_range.clone().unwrap();
    assert!(range.ending_sequence_number.is_some());
    // A closed shard reads to its end, then gives no further iterator.
    let it = iterator(&f.streams, &first, ShardIteratorType::TrimHorizon, None).await;
    let out = f.streams.get_records().shard_iterator(&it).send().await.unwrap();
    assert_eq!(out.records.unwrap().len(), 1);
    assert!(out.next_shard_iterator.is_none());

    let e = upd(false, None).send().await.unwrap_err();
    assert_eq!(error(e), validation("Table has no stream to disable: TableName: tbl"));
    let e = upd(true, None).send().await.unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required"
        )
    );

    // Re-enabling in the same millisecond still makes a new stream with its own label.
    let out = upd(true, Some(StreamViewType::NewImage)).send().await.unwrap();
    let second = out.table_description.unwrap().latest_stream_arn.unwrap();
    assert_ne!(second, first);
    put(&f.db, "tbl", "c", "1").await;
    assert_eq!(summary(&read_all(&f.streams, &second).await).len(), 1);
    let listed = f.streams.list_streams().table_name("tbl").send().await.unwrap();
    assert_eq!(listed.streams.unwrap().len(), 2);

    // Deleting the table disables its stream, which stays readable for 24 hours.
    f.db.delete_table().table_name("tbl").send().await.unwrap();
    let d = f.streams.describe_stream().stream_arn(&second).send().await.unwrap();
    assert_eq!(
        d.stream_description.unwrap().stream_status,
        Some(StreamStatus::Disabled)
    );
    assert_eq!(summary(&read_all(&f.streams, &second).await).len(), 1);
    f.emu.advance(Duration::from_secs(25 * 3600));
    let e = f
        .streams
        .describe_stream()
        .stream_arn(&second)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".to_string(),
            format!("Requested resource not found: Stream: {second} not found")
        )
    );
    assert!(f
        .streams
        .list_streams()
        .send()
        .await
        .unwrap()
        .streams
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn errors_carry_aws_messages() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    let missing = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/2000-01-01T00:00:00.000";
    let not_found = |what: String| ("ResourceNotFoundException".to_string(), what);

    let e = f
        .streams
        .describe_stream()
        .stream_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        not_found(format!("Requested resource not found: Stream: {missing} not found"))
    );
    let e = f
        .streams
        .get_shard_iterator()
        .stream_arn(&arn)
        .shard_id("shardId-00000000000000000000-00000000")
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        not_found("Requested resource not found: Shard does not exist".into())
    );
    let e = f
        .streams
        .get_records()
        .shard_iterator("not-an-iterator")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("Invalid ShardIterator"));
    let e = f
        .streams
        .get_records()
        .shard_iterator("x")
        .limit(1001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000")
    );

    // Iterators expire after 15 minutes.
    put(&f.db, "tbl", "a", "1").await;
    let it = iterator(&f.streams, &arn, ShardIteratorType::TrimHorizon, None).await;
    f.emu.advance(Duration::from_secs(16 * 60));
    let e = f.streams.get_records().shard_iterator(&it).send().await.unwrap_err();
    assert_eq!(
        error(e),
        (
            "ExpiredIteratorException".to_string(),
            "Shard iterator has expired".to_string()
        )
    );

    // Records older than 24 hours are trimmed; a fresh iterator at the old position fails.
    let all = read_all(&f.streams, &arn).await;
    let first = seq(&all[0]);
    f.emu.advance(Duration::from_secs(24 * 3600));
    let e = f
        .streams
        .get_shard_iterator()
        .stream_arn(&arn)
        .shard_id(shard_id(&f.streams, &arn).await)
        .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
        .sequence_number(&first)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "TrimmedDataAccessException".to_string(),
            "The data you are trying to access has been trimmed".to_string()
        )
    );
    assert!(read_all(&f.streams, &arn).await.is_empty());
}

#[tokio::test]
async fn malformed_stream_arns_are_invalid_and_unknown_ones_not_found() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    let shard = shard_id(&f.streams, &arn).await;
    let missing = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/2000-01-01T00:00:00.000";
    let not_found = (
        "ResourceNotFoundException".to_string(),
        format!("Requested resource not found: Stream: {missing} not found"),
    );
    let describe = |a: &str| f.streams.describe_stream().stream_arn(a).send();
    let list_after = |a: &str| f.streams.list_streams().exclusive_start_stream_arn(a).send();
    let iterator_of = |a: &str| {
        f.streams
            .get_shard_iterator()
            .stream_arn(a)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::Latest)
            .send()
    };
    for bad in [
        "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf",
        "arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
        "arn:aws:s3:us-east-1:000000000000:table/tbl/stream/2000-01-01T00:00:00.000",
        "arn:aws:dynamodb:us-east-1:000000000000:table/t!/stream/2000-01-01T00:00:00.000",
    ] {
        let invalid = validation("Invalid StreamArn");
        assert_eq!(error(describe(bad).await.unwrap_err()), invalid, "{bad}");
        assert_eq!(error(list_after(bad).await.unwrap_err()), invalid, "{bad}");
        assert_eq!(error(iterator_of(bad).await.unwrap_err()), invalid, "{bad}");
    }
    assert_eq!(error(describe(missing).await.unwrap_err()), not_found);
    assert_eq!(error(list_after(missing).await.unwrap_err()), not_found);
    assert_eq!(error(iterator_of(missing).await.unwrap_err()), not_found);
    // Paging from a stream that exists still works.
    let page = list_after(&arn).await.unwrap();
    assert_eq!(page.streams.unwrap_or_default().len(), 0);
}

#[tokio::test]
async fn shard_iterators_from_the_starting_number_of_an_empty_shard() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    let d = f.streams.describe_stream().stream_arn(&arn).send().await.unwrap();
    let start = d.stream_description.unwrap().shards.unwrap()[0]
        .sequence_number_range
        .clone()
        .unwrap()
        .starting_sequence_number
        .unwrap();
    let at = iterator(&f.streams, &arn, ShardIteratorType::AtSequenceNumber, Some(&start)).await;
    let after = iterator(&f.streams, &arn, ShardIteratorType::AfterSequenceNumber, Some(&start)).await;
    for pk in ["a", "b"] {
        put(&f.db, "tbl", pk, "1").await;
    }
    let pks = |rs: Vec<Record>| -> Vec<String> { summary(&rs).into_iter().map(|s| s.1).collect() };
    assert_eq!(pks(read_from(&f.streams, at).await), ["a", "b"]);
    // Nothing carried the starting number when the iterator was made, so nothing is skipped.
    assert_eq!(pks(read_from(&f.streams, after).await), ["a", "b"]);

    // With records, the starting number is still below the first record's, which no record
    // carries: AFTER it skips nothing (LocalStack's snapshots of AWS).
    let after = iterator(&f.streams, &arn, ShardIteratorType::AfterSequenceNumber, Some(&start)).await;
    let records = read_from(&f.streams, after).await;
    let number = |r: &Record| -> u128 {
        r.dynamodb
            .as_ref()
            .unwrap()
            .sequence_number
            .as_deref()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(number(&records[0]) > start.parse().unwrap());
    assert_eq!(pks(records), ["a", "b"]);

    let shard = shard_id(&f.streams, &arn).await;
    for kind in [ShardIteratorType::TrimHorizon, ShardIteratorType::Latest] {
        let e = f
            .streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(kind.clone())
            .sequence_number(&start)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error(e),
            validation(&format!(
                "SequenceNumber is not allowed for ShardIteratorType {}",
                kind.as_str()
            ))
        );
    }
}

#[tokio::test]
async fn describe_stream_shard_filter() {
    let f = fixture().await;
    let arn = table(&f.db, "tbl", Some(StreamViewType::KeysOnly)).await.unwrap();
    let shard = shard_id(&f.streams, &arn).await;
    let describe = |filter: ShardFilter| f.streams.describe_stream().stream_arn(&arn).shard_filter(filter).send();
    let filter = |kind: Option<&str>, id: Option<&str>| {
        ShardFilter::builder()
            .set_type(kind.map(ShardFilterType::from))
            .set_shard_id(id.map(str::to_string))
            .build()
    };

    // Our shards never split: a shard has no children.
    let d = describe(filter(Some("CHILD_SHARDS"), Some(&shard))).await.unwrap();
    let d = d.stream_description.unwrap();
    assert_eq!(d.shards, Some(vec![]));
    assert_eq!(d.stream_arn.as_deref(), Some(arn.as_str()));

    let at =
        |what: &str| format!("1 validation error detected: Value {what} failed to satisfy constraint: Member must");
    for (kind, id, message) in [
        (
            Some("PARENT_SHARDS"),
            Some(shard.as_str()),
            format!(
                "{} satisfy enum value set: [CHILD_SHARDS]",
                at("'PARENT_SHARDS' at 'shardFilter.type'")
            ),
        ),
        (
            None,
            Some(shard.as_str()),
            format!("{} not be null", at("null at 'shardFilter.type'")),
        ),
        (
            Some("CHILD_SHARDS"),
            Some("shardId-1"),
            format!(
                "{} have length greater than or equal to 28",
                at("'shardId-1' at 'shardFilter.shardId'")
            ),
        ),
        (
            Some("CHILD_SHARDS"),
            None,
            format!("{} not be null", at("null at 'shardFilter.shardId'")),
        ),
    ] {
        let e = describe(filter(kind, id)).await.unwrap_err();
        assert_eq!(error(e), validation(&message));
    }
}

#[tokio::test]
async fn streams_target_answers_only_streams_operations() {
    let f = fixture().await;
    let body = |target: &str| raw(&f.emu, target, serde_json::json!({}));
    assert_eq!(
        body("DynamoDBStreams_20120810.ListTables")["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );
    assert_eq!(
        body("DynamoDB_20120810.ListStreams")["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );
    assert_eq!(
        body("DynamoDBStreams_20120810.ListStreams"),
        serde_json::json!({"Streams": []})
    );
}

/// A signed-looking raw request straight into the engine; the JSON answer.
fn raw(emu: &Emulator, target: &str, body: serde_json::Value) -> serde_json::Value {
    let req = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=a/20231114/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x",
        )
        .header("x-amz-date", "20231114T221320Z")
        .body(bytes::Bytes::from(body.to_string()))
        .unwrap();
    let res = emu.engine().handle(&req);
    serde_json::from_slice(res.body()).unwrap()
}
