use serde_json::{json, Value};

use super::answer;
use super::table_spec::{
    attribute_definitions, billing_mode, index, on_demand, sse, stream, throughput, vector_index, warm,
    ATTRIBUTE_DEFINITIONS, BILLING_MODE, GSI, ON_DEMAND_THROUGHPUT, SSE_SPECIFICATION, STREAM_SPECIFICATION, TABLE_CLASS, THROUGHPUT, VECTOR_INDEX, WARM_THROUGHPUT,
};
use crate::error::{Error, Result};
use crate::ops::update_table::{IndexUpdate, Input, Output, VectorUpdate};
use crate::protocol::shape::{field, required, validate, Field, Shape, INDEX_NAME};
use crate::protocol::Body;

const GSI_UPDATE: Shape = Shape::Struct {
    java: "GlobalSecondaryIndexUpdate",
    fields: &[
        field(
            "Update",
            Shape::Struct {
                java: "UpdateGlobalSecondaryIndexAction",
                fields: &[
                    required("IndexName", INDEX_NAME),
                    field("ProvisionedThroughput", THROUGHPUT),
                    field("OnDemandThroughput", ON_DEMAND_THROUGHPUT),
                    field("WarmThroughput", WARM_THROUGHPUT),
                ],
            },
        ),
        field("Create", GSI),
        field(
            "Delete",
            Shape::Struct { java: "DeleteGlobalSecondaryIndexAction", fields: &[required("IndexName", INDEX_NAME)] },
        ),
    ],
};

const VECTOR_INDEX_UPDATE: Shape = Shape::Struct {
    java: "VectorIndexUpdate",
    fields: &[
        field("Create", VECTOR_INDEX),
        field(
            "Delete",
            Shape::Struct { java: "DeleteVectorIndexAction", fields: &[required("IndexName", INDEX_NAME)] },
        ),
    ],
};

pub(crate) const SHAPE: &[Field] = &[
    required("TableName", Shape::TableNameOrArn),
    field("AttributeDefinitions", ATTRIBUTE_DEFINITIONS),
    field("BillingMode", BILLING_MODE),
    field("ProvisionedThroughput", THROUGHPUT),
    field("GlobalSecondaryIndexUpdates", Shape::List { member: &GSI_UPDATE, min: 0, max: usize::MAX }),
    field("StreamSpecification", STREAM_SPECIFICATION),
    field("DeletionProtectionEnabled", Shape::Bool),
    field("TableClass", TABLE_CLASS),
    field("SSESpecification", SSE_SPECIFICATION),
    // Accepted and ignored (global tables are not emulated), but not empty.
    field("ReplicaUpdates", Shape::List { member: &Shape::Any, min: 1, max: usize::MAX }),
    field("OnDemandThroughput", ON_DEMAND_THROUGHPUT),
    field("WarmThroughput", WARM_THROUGHPUT),
    field("VectorIndexUpdates", Shape::List { member: &VECTOR_INDEX_UPDATE, min: 0, max: usize::MAX }),
];

/// The members that change something; a request needs one.
const CHANGES: &[&str] = &[
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "DeletionProtectionEnabled",
    "TableClass",
    "OnDemandThroughput",
    "WarmThroughput",
    "VectorIndexUpdates",
];

/// What DynamoDB lists when a request changes nothing: each member by the name its message uses
/// (StreamSpecification is "UpdateStreamEnabled"; two members are not in the public API). Members
/// the request carries are left out of the list (MultiRegionConsistency alone changes nothing).
const LISTED: &[(&str, &str)] = &[
    ("ProvisionedThroughput", "ProvisionedThroughput"),
    ("BillingMode", "BillingMode"),
    ("StreamSpecification", "UpdateStreamEnabled"),
    ("GlobalSecondaryIndexUpdates", "GlobalSecondaryIndexUpdates"),
    ("SSESpecification", "SSESpecification"),
    ("ReplicaUpdates", "ReplicaUpdates"),
    ("MultiAccountReplicaReady", "MultiAccountReplicaReady"),
    ("ReplicaTransitRoleArn", "ReplicaTransitRoleArn"),
    ("MultiRegionConsistency", "MultiRegionConsistency"),
    ("DeletionProtectionEnabled", "DeletionProtectionEnabled"),
    ("OnDemandThroughput", "OnDemandThroughput"),
    ("WarmThroughput", "WarmThroughput"),
    ("TableClass", "TableClass"),
];

pub fn decode(body: Body) -> Result<Input> {
    validate(body.0, SHAPE)?;
    // An empty list (`GlobalSecondaryIndexUpdates: []`) asks for nothing, like an absent one, and
    // is listed as missing (AWS, October 2026: DDB-TABLE-015, -359).
    let asked = |c: &&str| body.get(c).is_some_and(|v| v.as_array().is_none_or(|l| !l.is_empty()));
    if !CHANGES.iter().any(asked) {
        let names: Vec<&str> = LISTED.iter().filter(|(m, _)| !asked(m)).map(|(_, name)| *name).collect();
        let (last, rest) = names.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
        return Err(Error::validation(format!("At least one of {} or {last} is required", rest.join(", "))));
    }
    // Beside a change it is refused, and nothing is applied.
    if body.list("GlobalSecondaryIndexUpdates").is_empty() && body.has("GlobalSecondaryIndexUpdates") {
        return Err(Error::invalid_parameter("List of GlobalSecondaryIndexUpdates is empty"));
    }
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        attribute_definitions: body.has("AttributeDefinitions").then(|| attribute_definitions(body)),
        billing_mode: billing_mode(body, "BillingMode"),
        throughput: body.child("ProvisionedThroughput").map(throughput),
        index_updates: body.list("GlobalSecondaryIndexUpdates").iter().map(Body).map(index_update).collect::<Result<_>>()?,
        stream: stream(body),
        deletion_protection: body.bool("DeletionProtectionEnabled"),
        table_class: body.str("TableClass").map(str::to_owned),
        sse: sse(body, "SSESpecification"),
        on_demand: on_demand(body),
        warm_throughput: body.child("WarmThroughput").map(warm),
        vector_updates: body.list("VectorIndexUpdates").iter().map(Body).map(vector_update).collect::<Result<_>>()?,
    })
}

/// One VectorIndexUpdates action: Create or Delete, exactly one (our reading of the GSI rule's
/// wording for the vector shapes).
fn vector_update(update: Body) -> Result<VectorUpdate> {
    match (update.child("Create"), update.child("Delete")) {
        (Some(create), None) => Ok(VectorUpdate::Create(vector_index(create))),
        (None, Some(delete)) => {
            Ok(VectorUpdate::Delete { name: delete.str("IndexName").unwrap_or_default().to_string() })
        }
        (None, None) => Err(Error::invalid_parameter(
            "One of VectorIndexUpdate.Create, VectorIndexUpdate.Delete must not be null",
        )),
        _ => Err(Error::invalid_parameter("Only one vector index action is allowed per VectorIndexUpdate object")),
    }
}

/// One action: each element names exactly one of Create, Update or Delete.
fn index_update(update: Body) -> Result<IndexUpdate> {
    let name = |b: Body| b.str("IndexName").unwrap_or_default().to_string();
    match (update.child("Create"), update.child("Update"), update.child("Delete")) {
        (Some(create), None, None) => Ok(IndexUpdate::Create(index(create))),
        (None, Some(change), None) => Ok(IndexUpdate::Update {
            name: name(change),
            throughput: change.child("ProvisionedThroughput").map(throughput),
            on_demand: on_demand(change),
            warm: change.child("WarmThroughput").map(warm),
        }),
        (None, None, Some(delete)) => Ok(IndexUpdate::Delete { name: name(delete) }),
        (None, None, None) => Err(Error::invalid_parameter(
            "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null",
        )),
        _ => Err(Error::invalid_parameter(
            "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
        )),
    }
}

pub fn encode(out: Output) -> Value {
    json!({ "TableDescription": answer::table_description(&out.table) })
}
