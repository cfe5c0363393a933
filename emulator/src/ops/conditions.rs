//! The bridge between operations and the expression module: parses a request's condition and
//! projection parameters (expression or legacy form) once, and applies them.

use crate::error::{Error, Result};
use crate::model::Item;
use crate::protocol::Body;

/// A write's condition (ConditionExpression or Expected).
pub struct WriteConditions {
    present: bool,
}

impl WriteConditions {
    pub fn parse(body: Body) -> Result<WriteConditions> {
        let present = body.has("ConditionExpression") || body.has("Expected");
        if present {
            return Err(Error::validation("Conditions are not supported yet"));
        }
        Ok(WriteConditions { present })
    }

    /// Whether the condition holds for the current item (`None` when there is no item).
    pub fn hold(&self, _old: Option<&Item>) -> bool {
        !self.present
    }
}

/// A read's projection (ProjectionExpression or AttributesToGet).
pub struct ReadProjection;

impl ReadProjection {
    pub fn parse(body: Body) -> Result<ReadProjection> {
        if body.has("ProjectionExpression") || body.has("AttributesToGet") {
            return Err(Error::validation("Projections are not supported yet"));
        }
        Ok(ReadProjection)
    }

    pub fn apply(&self, item: &Item) -> Item {
        item.clone()
    }
}
