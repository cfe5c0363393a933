//! The wire form of what CreateTable and UpdateTable share (`ops::table_spec`): the shapes of key
//! schemas, projections, throughput, GSI definitions and stream specifications, and their decoders;
//! and the restores' overrides of the same settings.

use serde_json::Value;

use crate::model::{BillingMode, Distance, KeyAttr, ProjectionType, ScalarType, SearchElement, SearchRole, Throughput};
use crate::ops::backups::Overrides;
use crate::ops::table_spec::{
    IndexSpec, KeyElement, OnDemandRequest, ProjectionSpec, SseRequest, StreamRequest, VectorIndexSpec, WarmRequest,
};
use crate::protocol::shape::{field, int, long, one_of, required, string, Field, Shape, INDEX_NAME};
use crate::protocol::Body;

const KEY_SCHEMA_ELEMENT: Shape = Shape::Struct {
    java: "KeySchemaElement",
    fields: &[
        required("AttributeName", string(1, 255)),
        required("KeyType", one_of(&["HASH", "RANGE"])),
    ],
};

/// Its members in the order DynamoDB reports their faults (type first; AWS, October 2026, an
/// empty `{}` definition), which is not the order it prints them in.
const ATTRIBUTE_DEFINITION: Shape = Shape::Struct {
    java: "AttributeDefinition",
    fields: &[
        required("AttributeType", one_of(&["B", "N", "S"])),
        required("AttributeName", string(1, 255)),
    ],
};

/// AttributeDefinitions, CreateTable's and UpdateTable's alike: a name over 255 bytes fails the
/// shape whether or not a key uses it.
pub const ATTRIBUTE_DEFINITIONS: Shape = Shape::List {
    member: &ATTRIBUTE_DEFINITION,
    min: 0,
    max: usize::MAX,
};

/// A table's (or LSI's) KeySchema: one or two elements.
pub const KEY_SCHEMA: Shape = Shape::List {
    member: &KEY_SCHEMA_ELEMENT,
    min: 1,
    max: 2,
};

/// A GSI's KeySchema has no length limit in the API model (multi-attribute keys); its element
/// counts are checked with the key (`ops::table_spec::global_indexes`).
const GSI_KEY_SCHEMA: Shape = Shape::List {
    member: &KEY_SCHEMA_ELEMENT,
    min: 1,
    max: usize::MAX,
};

pub const PROJECTION: Shape = Shape::Struct {
    java: "Projection",
    fields: &[
        field("ProjectionType", one_of(&["ALL", "INCLUDE", "KEYS_ONLY"])),
        field(
            "NonKeyAttributes",
            Shape::List {
                member: &string(1, 255),
                min: 1,
                max: 20,
            },
        ),
    ],
};

const CAPACITY_UNITS: Shape = long(Some(1), None);

pub const THROUGHPUT: Shape = Shape::Struct {
    java: "ProvisionedThroughput",
    fields: &[
        required("WriteCapacityUnits", CAPACITY_UNITS),
        required("ReadCapacityUnits", CAPACITY_UNITS),
    ],
};

/// A GSI definition: CreateTable's GlobalSecondaryIndexes, UpdateTable's Create action.
pub const GSI: Shape = Shape::Struct {
    java: "GlobalSecondaryIndex",
    fields: &[
        required("KeySchema", GSI_KEY_SCHEMA),
        required("Projection", PROJECTION),
        required("IndexName", INDEX_NAME),
        field("ProvisionedThroughput", THROUGHPUT),
        field("OnDemandThroughput", ON_DEMAND_THROUGHPUT),
        field("WarmThroughput", WARM_THROUGHPUT),
    ],
};

pub const LSI: Shape = Shape::Struct {
    java: "LocalSecondaryIndex",
    fields: &[
        required("IndexName", INDEX_NAME),
        required("KeySchema", KEY_SCHEMA),
        required("Projection", PROJECTION),
    ],
};

/// The overrides of RestoreTableFromBackup and RestoreTableToPointInTime.
pub const RESTORE_OVERRIDES: [Field; 6] = [
    field("BillingModeOverride", BILLING_MODE),
    field(
        "GlobalSecondaryIndexOverride",
        Shape::List {
            member: &GSI,
            min: 0,
            max: usize::MAX,
        },
    ),
    field(
        "LocalSecondaryIndexOverride",
        Shape::List {
            member: &LSI,
            min: 0,
            max: usize::MAX,
        },
    ),
    field("ProvisionedThroughputOverride", THROUGHPUT),
    field("OnDemandThroughputOverride", Shape::Any),
    field("SSESpecificationOverride", SSE_SPECIFICATION),
];

/// The restore overrides a request gives.
pub fn restore_overrides(body: Body) -> Overrides {
    Overrides {
        billing_mode: billing_mode(body, "BillingModeOverride"),
        throughput: body.child("ProvisionedThroughputOverride").map(throughput),
        global_indexes: indexes(body, "GlobalSecondaryIndexOverride"),
        local_indexes: indexes(body, "LocalSecondaryIndexOverride"),
        sse: sse(body, "SSESpecificationOverride"),
    }
}

pub const ON_DEMAND_THROUGHPUT: Shape = Shape::Struct {
    java: "OnDemandThroughput",
    fields: &[
        field("MaxReadRequestUnits", long(None, None)),
        field("MaxWriteRequestUnits", long(None, None)),
    ],
};

/// `OnDemandThroughput`, when given (of a table, an index or an index update).
pub fn on_demand(body: Body) -> Option<OnDemandRequest> {
    body.child("OnDemandThroughput").map(|o| OnDemandRequest {
        read: o.int("MaxReadRequestUnits"),
        write: o.int("MaxWriteRequestUnits"),
    })
}

pub const WARM_THROUGHPUT: Shape = Shape::Struct {
    java: "WarmThroughput",
    fields: &[
        field("ReadUnitsPerSecond", long(None, None)),
        field("WriteUnitsPerSecond", long(None, None)),
    ],
};

pub const BILLING_MODE: Shape = one_of(&["PROVISIONED", "PAY_PER_REQUEST"]);

pub const STREAM_SPECIFICATION: Shape = Shape::Struct {
    java: "StreamSpecification",
    fields: &[
        required("StreamEnabled", Shape::Bool),
        field(
            "StreamViewType",
            one_of(&["OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE"]),
        ),
    ],
};

/// SSESpecification; its rules across members are the operation's (`SseRequest::wants_kms`).
pub const SSE_SPECIFICATION: Shape = Shape::Struct {
    java: "SSESpecification",
    fields: &[
        field("Enabled", Shape::Bool),
        field("SSEType", one_of(&["AES256", "KMS"])),
        field("KMSMasterKeyId", string(1, usize::MAX)),
    ],
};

/// TableClass: any string here; DynamoDB refuses an unknown class in words of its own
/// (`ops::table_spec::check_table_class`), not with the enum text of a shape.
pub const TABLE_CLASS: Shape = string(0, usize::MAX);

/// `SSESpecification`, when given.
pub fn sse(body: Body, member: &str) -> Option<SseRequest> {
    body.child(member).map(|s| SseRequest {
        enabled: s.bool("Enabled"),
        sse_type: s.str("SSEType").map(str::to_owned),
        kms_master_key_id: s.str("KMSMasterKeyId").map(str::to_owned),
    })
}

/// `BillingMode`, when given.
pub fn billing_mode(body: Body, member: &str) -> Option<BillingMode> {
    body.str(member).map(|m| match m {
        "PAY_PER_REQUEST" => BillingMode::PayPerRequest,
        _ => BillingMode::Provisioned,
    })
}

/// A ProvisionedThroughput (both members are required by its shape).
pub fn throughput(t: Body) -> Throughput {
    Throughput {
        read: t.int("ReadCapacityUnits").unwrap_or(1),
        write: t.int("WriteCapacityUnits").unwrap_or(1),
    }
}

/// `AttributeDefinitions`, shape-checked by [`ATTRIBUTE_DEFINITIONS`].
pub fn attribute_definitions(body: Body) -> Vec<KeyAttr> {
    body.list("AttributeDefinitions")
        .iter()
        .filter_map(|d| {
            let ty = ScalarType::parse(d.get("AttributeType")?.as_str()?)?;
            Some(KeyAttr {
                name: d.get("AttributeName")?.as_str()?.to_string(),
                ty,
            })
        })
        .collect()
}

/// A KeySchema list.
pub fn key_elements(list: &[Value]) -> Vec<KeyElement> {
    list.iter()
        .map(|e| KeyElement {
            name: e
                .get("AttributeName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            hash: e.get("KeyType").and_then(Value::as_str) == Some("HASH"),
        })
        .collect()
}

/// One index definition.
pub fn index(b: Body) -> IndexSpec {
    IndexSpec {
        name: b.str("IndexName").unwrap_or_default().to_string(),
        key: key_elements(b.list("KeySchema")),
        projection: projection(b),
        throughput: b.child("ProvisionedThroughput").map(throughput),
        warm: b.child("WarmThroughput").map(warm),
        on_demand: on_demand(b),
    }
}

/// The Projection of an index definition `b`.
fn projection(b: Body) -> ProjectionSpec {
    let p = b.child("Projection");
    ProjectionSpec {
        kind: p.and_then(|p| p.str("ProjectionType")).and_then(|k| match k {
            "ALL" => Some(ProjectionType::All),
            "KEYS_ONLY" => Some(ProjectionType::KeysOnly),
            "INCLUDE" => Some(ProjectionType::Include),
            _ => None,
        }),
        non_key_attributes: p.and_then(|p| p.strings("NonKeyAttributes")),
    }
}

/// A vector index definition: CreateTable's VectorIndexes, UpdateTable's Create action. Its
/// service-level limits (4,096 dimensions, five per table) are the operation's, in other words.
pub const VECTOR_INDEX: Shape = Shape::Struct {
    java: "VectorIndex",
    fields: &[
        required("IndexName", INDEX_NAME),
        required(
            "VectorAttribute",
            Shape::Struct {
                java: "VectorAttributeDefinition",
                fields: &[required("AttributeName", string(1, 255))],
            },
        ),
        field(
            "SearchSchema",
            Shape::List {
                member: &Shape::Struct {
                    java: "SearchSchemaElement",
                    fields: &[
                        required("AttributeName", string(1, 255)),
                        required("SearchSchemaElementType", one_of(&["HASH", "INLINE_FILTER"])),
                    ],
                },
                min: 0,
                max: usize::MAX,
            },
        ),
        required("Projection", PROJECTION),
        required("Dimensions", int(Some(1), None)),
        required("DistanceFunction", one_of(&["COSINE", "DOT_PRODUCT", "EUCLIDEAN"])),
    ],
};

/// One vector index definition, shape-checked by [`VECTOR_INDEX`].
pub fn vector_index(b: Body) -> VectorIndexSpec {
    VectorIndexSpec {
        name: b.str("IndexName").unwrap_or_default().to_string(),
        attribute: b
            .child("VectorAttribute")
            .and_then(|a| a.str("AttributeName"))
            .unwrap_or_default()
            .to_string(),
        dimensions: b.int("Dimensions").unwrap_or(1),
        distance: b
            .str("DistanceFunction")
            .and_then(Distance::parse)
            .unwrap_or(Distance::Cosine),
        projection: projection(b),
        search_schema: b
            .list("SearchSchema")
            .iter()
            .filter_map(|e| {
                let e = Body(e);
                Some(SearchElement {
                    name: e.str("AttributeName")?.to_string(),
                    role: SearchRole::parse(e.str("SearchSchemaElementType")?)?,
                })
            })
            .collect(),
    }
}

/// A WarmThroughput.
pub fn warm(w: Body) -> WarmRequest {
    WarmRequest {
        read: w.int("ReadUnitsPerSecond"),
        write: w.int("WriteUnitsPerSecond"),
    }
}

/// A list of index definitions, when the member is present.
pub fn indexes(body: Body, member: &str) -> Option<Vec<IndexSpec>> {
    body.get(member)
        .map(|_| body.list(member).iter().map(|v| index(Body(v))).collect())
}

/// `StreamSpecification`, when given.
pub fn stream(body: Body) -> Option<StreamRequest> {
    body.child("StreamSpecification").map(|s| StreamRequest {
        enabled: s.bool("StreamEnabled").unwrap_or(false),
        view_type: s.str("StreamViewType").map(str::to_owned),
    })
}
