use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::ops::get_records::{Input, Output, Record};
use crate::protocol::attr::encode_map;
use crate::protocol::shape::{field, int, required, string, validate, Field};
use crate::protocol::Body;
use crate::store::EventName;

pub(crate) const SHAPE: &[Field] = &[required("ShardIterator", string(1, 2048)), field("Limit", int(Some(1), Some(1000)))];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    Ok(Input {
        iterator: body.str("ShardIterator").unwrap_or_default().to_string(),
        limit: body.int("Limit").unwrap_or(1000) as usize,
    })
}

pub fn encode(out: Output) -> Value {
    let records: Vec<Value> = out.records.iter().map(|r| record(&out, r)).collect();
    let mut v = json!({ "Records": records });
    if let Some(next) = out.next_iterator {
        v["NextShardIterator"] = json!(next);
    }
    v
}

fn record(out: &Output, Record { record: r, sequence, event_id }: &Record) -> Value {
    let mut d = Map::new();
    d.insert("ApproximateCreationDateTime".into(), json!(r.created_millis.div_euclid(1000)));
    d.insert("Keys".into(), encode_map(&r.keys));
    if let Some(new) = &r.new {
        d.insert("NewImage".into(), encode_map(new));
    }
    if let Some(old) = &r.old {
        d.insert("OldImage".into(), encode_map(old));
    }
    d.insert("SequenceNumber".into(), json!(sequence));
    d.insert("SizeBytes".into(), json!(r.size_bytes));
    d.insert("StreamViewType".into(), json!(out.view_type));
    let event = match r.event {
        EventName::Insert => "INSERT",
        EventName::Modify => "MODIFY",
        EventName::Remove => "REMOVE",
    };
    let mut record = json!({
        "awsRegion": out.region,
        "dynamodb": Value::Object(d),
        "eventID": event_id,
        "eventName": event,
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.1",
    });
    // Lower-case on the wire, as DynamoDB sends it (the SDK models say `PrincipalId`/`Type`, so
    // model-driven SDKs see an identity with empty members).
    if r.by_ttl {
        record["userIdentity"] = json!({"principalId": "dynamodb.amazonaws.com", "type": "Service"});
    }
    record
}
