//! GetResourcePolicy: the policy attached to a table or stream, with its revision.

use serde_json::{json, Value};

use super::put_resource_policy::Resource;
use super::tag_resource::RESOURCE_ARN;
use super::Cx;
use crate::error::Result;
use crate::protocol::shape::{required, validate, Field};
use crate::protocol::Body;

const SHAPE: &[Field] = &[required("ResourceArn", RESOURCE_ARN)];

pub fn run(&Cx { engine, .. }: &Cx, body: Body) -> Result<Value> {
    validate(body.0, SHAPE)?;
    let resource = Resource::of(engine, body, "GetResourcePolicy")?;
    let policy = engine.store.with_policy(&resource.arn, |slot| slot.clone());
    let policy = policy.ok_or_else(|| resource.no_policy())?;
    Ok(json!({ "Policy": policy.document, "RevisionId": policy.revision }))
}
