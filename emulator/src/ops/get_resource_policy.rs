//! GetResourcePolicy: the policy attached to a table or stream, with its revision.

use super::policies::Resource;
use super::Cx;
use crate::error::Result;

pub struct Input {
    pub resource_arn: String,
}

pub struct Output {
    pub policy: String,
    pub revision: String,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let resource = Resource::of(cx, &input.resource_arn)?;
    let policy = cx.ns.store.with_policy(&resource.arn, |slot| slot.clone());
    let policy = policy.ok_or_else(|| resource.no_policy())?;
    Ok(Output { policy: policy.document, revision: policy.revision })
}
