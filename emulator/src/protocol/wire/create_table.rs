use serde_json::{json, Value};

use super::table_spec::{
    attribute_definitions, billing_mode, indexes, key_elements, on_demand, sse, stream, throughput, vector_index, warm,
    ATTRIBUTE_DEFINITIONS, BILLING_MODE, GSI, KEY_SCHEMA, LSI, ON_DEMAND_THROUGHPUT, SSE_SPECIFICATION, STREAM_SPECIFICATION, TABLE_CLASS,
    THROUGHPUT, VECTOR_INDEX, WARM_THROUGHPUT,
};
use super::policy_document::{canonical, Target};
use super::{answer, tags};
use crate::error::{Error, Result};
use crate::model::BillingMode;
use crate::ops::create_table::{Input, Output};
use crate::protocol::shape::{field, required, validate, Field, Shape, TABLE_NAME};
use crate::protocol::Body;

/// The table name is checked on its own first: its faults are reported alone.
const NAME: &[Field] = &[field("TableName", TABLE_NAME)];

pub(crate) const SHAPE: &[Field] = &[
    field("BillingMode", BILLING_MODE),
    field("ProvisionedThroughput", THROUGHPUT),
    required("KeySchema", KEY_SCHEMA),
    required("AttributeDefinitions", ATTRIBUTE_DEFINITIONS),
    // A global index's violations come before a local one's, whatever the request's order
    // (the conformance suite's AWS captures, October 2026).
    field("GlobalSecondaryIndexes", Shape::List { member: &GSI, min: 0, max: usize::MAX }),
    field("LocalSecondaryIndexes", Shape::List { member: &LSI, min: 0, max: usize::MAX }),
    field("StreamSpecification", STREAM_SPECIFICATION),
    field("TableClass", TABLE_CLASS),
    field("DeletionProtectionEnabled", Shape::Bool),
    field("Tags", Shape::Any),
    field("SSESpecification", SSE_SPECIFICATION),
    field("OnDemandThroughput", ON_DEMAND_THROUGHPUT),
    field("WarmThroughput", WARM_THROUGHPUT),
    field("ResourcePolicy", Shape::Any),
    field("VectorIndexes", Shape::List { member: &VECTOR_INDEX, min: 0, max: usize::MAX }),
];

pub fn decode(body: Body) -> Result<Input> {
    if !body.has("TableName") {
        return Err(Error::validation("The parameter 'TableName' is required but was not present in the request"));
    }
    validate(body.0, NAME)?;
    validate(body.0, SHAPE)?;
    let resource_policy = body.str("ResourcePolicy").map(|p| canonical(p, Target::Table)).transpose()?;
    Ok(Input {
        table: body.str("TableName").unwrap_or_default().to_string(),
        billing_mode: billing_mode(body, "BillingMode").unwrap_or(BillingMode::Provisioned),
        throughput: body.child("ProvisionedThroughput").map(throughput),
        attribute_definitions: attribute_definitions(body),
        key: key_elements(body.list("KeySchema")),
        local_indexes: indexes(body, "LocalSecondaryIndexes"),
        global_indexes: indexes(body, "GlobalSecondaryIndexes"),
        vector_indexes: body
            .get("VectorIndexes")
            .map(|_| body.list("VectorIndexes").iter().map(|v| vector_index(Body(v))).collect()),
        stream: stream(body),
        table_class: body.str("TableClass").map(str::to_owned),
        sse: sse(body, "SSESpecification"),
        warm: body.child("WarmThroughput").map(warm),
        on_demand: on_demand(body),
        deletion_protection: body.bool("DeletionProtectionEnabled").unwrap_or(false),
        tags: tags(body),
        resource_policy,
    })
}

pub fn encode(out: Output) -> Value {
    json!({ "TableDescription": answer::table_description(&out.table) })
}
