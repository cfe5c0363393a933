//! DeleteResourcePolicy: detaches a table's or stream's policy, optionally only at an expected
//! revision; answers the revision it removed. Without a policy (and no expected revision) it
//! answers nothing, as AWS does: the delete is idempotent (an ACK controller's measurements of
//! AWS, October 2026).

use super::policies::Resource;
use super::Cx;
use crate::error::Result;

pub struct Input {
    pub resource_arn: String,
    pub expected_revision: Option<String>,
}

pub struct Output {
    /// The revision removed, if there was a policy.
    pub revision: Option<String>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let resource = Resource::of(cx, &input.resource_arn)?;
    cx.ns.store.with_policy(&resource.arn, |slot| {
        if let Some(expected) = &input.expected_revision {
            resource.check_revision(expected, slot.as_ref())?;
        }
        Ok(Output { revision: slot.take().map(|removed| removed.revision) })
    })
}
