//! The one error type of the emulator, and its mapping to DynamoDB's wire form (`__type`, status).
//!
//! Raisers choose the exact AWS message; `protocol` renders it. Nothing else knows `__type` names.

use crate::model::{Item, Reading};

/// An API error as DynamoDB reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    /// `None` renders a bare `{"__type": ...}`, as DynamoDB answers malformed requests.
    pub message: Option<String>,
    pub detail: Detail,
    /// Which check raised it; decides its wording per operation (`protocol::wire_message`).
    pub check: Check,
}

/// The class of check behind a ValidationException. DynamoDB words the same check differently
/// depending on which of its request validators runs it for an operation.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Check {
    /// Checks against the table: keys, indexes, sizes, conditions. Worded as raised everywhere.
    #[default]
    Table,
    /// Checks of the request alone: expressions, their names and values, attribute values.
    Request,
    /// A bad value in ExpressionAttributeValues, under this placeholder.
    ExpressionValue(String),
    /// ExpressionAttributeValues without an expression to use them; the older wording goes on to
    /// name the missing expressions (`ConditionExpression is null`), the counted one does not.
    ValuesWithoutExpression(String),
    /// Select's agreement with IndexName, ProjectionExpression and AttributesToGet.
    Select,
}

/// Extra payload some errors carry.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Detail {
    #[default]
    None,
    /// The old item, for ReturnValuesOnConditionCheckFailure = ALL_OLD.
    Item(Item),
    /// TransactionCanceledException's reasons, in request order.
    Cancellation(Vec<CancellationReason>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CancellationReason {
    /// "None", "ConditionalCheckFailed", "ValidationError", "TransactionConflict", ...
    pub code: &'static str,
    pub message: Option<String>,
    pub item: Option<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    Validation,
    Serialization,
    UnknownOperation,
    MissingAuthenticationToken,
    IncompleteSignature,
    /// SigV4 verification: an access key the emulator was not given.
    UnrecognizedClient,
    /// SigV4 verification: a wrong signature, scope or time.
    InvalidSignature,
    AccessDenied,
    ResourceNotFound,
    /// The backup operations' not-found error for a table.
    TableNotFound,
    /// Backups and restores: no backup by that ARN; one feeding a restore in progress; a restore's
    /// target name taken, or being restored into; no point-in-time recovery on the source, or a
    /// time outside its window.
    BackupNotFound,
    BackupInUse,
    TableAlreadyExists,
    TableInUse,
    PointInTimeRecoveryUnavailable,
    InvalidRestoreTime,
    ResourceInUse,
    ConditionalCheckFailed,
    TransactionCanceled,
    TransactionConflict,
    TransactionInProgress,
    IdempotentParameterMismatch,
    LimitExceeded,
    ItemCollectionSizeLimitExceeded,
    /// DynamoDB Streams: a shard iterator older than 15 minutes.
    ExpiredIterator,
    /// DynamoDB Streams: a read before the oldest retained record.
    TrimmedDataAccess,
    InternalServer,
    /// Chaos (`crate::chaos`): the retryable throttling answers.
    ProvisionedThroughputExceeded,
    Throttling,
    RequestLimitExceeded,
    /// A PartiQL INSERT of a key that exists.
    DuplicateItem,
    /// No resource-based policy, or not the revision a request expected.
    PolicyNotFound,
    /// Not DynamoDB's: a request running on the server's async worker met a busy table or more
    /// rows than it may read there (`ops::Cx::inline`). The server runs it again on the engine
    /// threads, so it is never sent; if it were, it would read as an internal error.
    Yielded,
}

impl ErrorKind {
    /// The `__type` DynamoDB sends, with the namespace AWS uses for that exception.
    pub fn wire_type(self) -> &'static str {
        match self {
            ErrorKind::Validation => "com.amazon.coral.validate#ValidationException",
            ErrorKind::Serialization => "com.amazon.coral.service#SerializationException",
            ErrorKind::UnknownOperation => "com.amazon.coral.service#UnknownOperationException",
            ErrorKind::MissingAuthenticationToken => "com.amazon.coral.service#MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "com.amazon.coral.service#IncompleteSignatureException",
            ErrorKind::UnrecognizedClient => "com.amazon.coral.service#UnrecognizedClientException",
            ErrorKind::InvalidSignature => "com.amazon.coral.service#InvalidSignatureException",
            ErrorKind::AccessDenied => "com.amazon.coral.service#AccessDeniedException",
            ErrorKind::ResourceNotFound => "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
            ErrorKind::TableNotFound => "com.amazonaws.dynamodb.v20120810#TableNotFoundException",
            ErrorKind::BackupNotFound => "com.amazonaws.dynamodb.v20120810#BackupNotFoundException",
            ErrorKind::BackupInUse => "com.amazonaws.dynamodb.v20120810#BackupInUseException",
            ErrorKind::TableAlreadyExists => "com.amazonaws.dynamodb.v20120810#TableAlreadyExistsException",
            ErrorKind::TableInUse => "com.amazonaws.dynamodb.v20120810#TableInUseException",
            ErrorKind::PointInTimeRecoveryUnavailable => {
                "com.amazonaws.dynamodb.v20120810#PointInTimeRecoveryUnavailableException"
            }
            ErrorKind::InvalidRestoreTime => "com.amazonaws.dynamodb.v20120810#InvalidRestoreTimeException",
            ErrorKind::ResourceInUse => "com.amazonaws.dynamodb.v20120810#ResourceInUseException",
            ErrorKind::ConditionalCheckFailed => "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
            ErrorKind::TransactionCanceled => "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            ErrorKind::TransactionConflict => "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
            ErrorKind::TransactionInProgress => "com.amazonaws.dynamodb.v20120810#TransactionInProgressException",
            ErrorKind::IdempotentParameterMismatch => {
                "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"
            }
            ErrorKind::LimitExceeded => "com.amazonaws.dynamodb.v20120810#LimitExceededException",
            ErrorKind::ItemCollectionSizeLimitExceeded => {
                "com.amazonaws.dynamodb.v20120810#ItemCollectionSizeLimitExceededException"
            }
            // The Streams service answers in DynamoDB's namespace too (not the SDK model's
            // `com.amazonaws.dynamodb.streams.v20120810`).
            ErrorKind::ExpiredIterator => "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException",
            ErrorKind::TrimmedDataAccess => "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException",
            ErrorKind::InternalServer | ErrorKind::Yielded => "com.amazonaws.dynamodb.v20120810#InternalServerError",
            ErrorKind::ProvisionedThroughputExceeded => {
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
            }
            ErrorKind::Throttling => "com.amazon.coral.availability#ThrottlingException",
            ErrorKind::RequestLimitExceeded => "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded",
            ErrorKind::DuplicateItem => "com.amazonaws.dynamodb.v20120810#DuplicateItemException",
            ErrorKind::PolicyNotFound => "com.amazonaws.dynamodb.v20120810#PolicyNotFoundException",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InternalServer | ErrorKind::Yielded => 500,
            _ => 400,
        }
    }

    /// DynamoDB spells the message key `Message` for these two, `message` for the rest.
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorKind::Serialization | ErrorKind::TransactionCanceled => "Message",
            _ => "message",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: Some(message.into()),
            detail: Detail::None,
            check: Check::Table,
        }
    }

    /// [`ErrorKind::Yielded`]: run this request again off the async worker.
    pub fn yielded() -> Error {
        Error::bare(ErrorKind::Yielded)
    }

    /// An error with no message at all, e.g. SerializationException for a body that is not JSON.
    pub fn bare(kind: ErrorKind) -> Error {
        Error {
            kind,
            message: None,
            detail: Detail::None,
            check: Check::Table,
        }
    }

    pub fn validation(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Validation, message)
    }

    /// "One or more parameter values were invalid: …", DynamoDB's prefix for bad item contents.
    pub fn invalid_parameter(detail: impl std::fmt::Display) -> Error {
        Error::validation(format!("One or more parameter values were invalid: {detail}"))
    }

    /// A set with a repeated member refused as `reading`'s validator words it (item values on the
    /// wire, PartiQL's set literals): the newer quotes its members in `order` (strings separated
    /// by `", "`, binaries by `","`), the older lists them as sent; `order` is
    /// [`crate::model::first_repeat`]'s, `raw` the members' text as sent.
    pub fn duplicates(ty: &str, raw: &[String], order: &[usize], reading: Reading) -> Error {
        let quoted = |separator: &str| {
            let members: Vec<String> = order.iter().map(|&i| format!("\"{}\"", raw[i])).collect();
            members.join(separator)
        };
        match (ty, reading) {
            ("NS", Reading::Exact) => Error::invalid_parameter("Input collection contains duplicates."),
            ("NS", Reading::BigDecimal) => Error::validation("Input collection contains duplicates"),
            ("BS", Reading::Exact) => Error::invalid_parameter(format!(
                "Input collection [{}]of type BS contains duplicates.",
                quoted(",")
            )),
            ("BS", Reading::BigDecimal) => Error::invalid_parameter(format!(
                "Input collection [{}]of type BS contains duplicates.",
                raw.join(", ")
            )),
            (_, Reading::Exact) => {
                Error::invalid_parameter(format!("Input collection [{}] contains duplicates.", quoted(", ")))
            }
            (_, Reading::BigDecimal) => {
                Error::invalid_parameter(format!("Input collection [{}] contains duplicates.", raw.join(", ")))
            }
        }
    }

    pub fn serialization(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Serialization, message)
    }

    pub fn resource_not_found(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ResourceNotFound, message)
    }

    /// The data-plane message for a missing table.
    pub fn table_not_found() -> Error {
        Error::resource_not_found("Requested resource not found")
    }

    pub fn resource_in_use(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ResourceInUse, message)
    }

    pub fn conditional_check_failed(old_item: Option<Item>) -> Error {
        Error {
            kind: ErrorKind::ConditionalCheckFailed,
            message: Some("The conditional request failed".into()),
            detail: old_item.map_or(Detail::None, Detail::Item),
            check: Check::Table,
        }
    }

    /// A value nested deeper than [`crate::model::MAX_NESTING`] levels, in an item or an
    /// expression value.
    pub fn nesting_exceeded() -> Error {
        Error::validation(
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
        )
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InternalServer, message)
    }

    /// This error, raised by `check`.
    pub fn by(self, check: Check) -> Error {
        Error { check, ..self }
    }

    /// This error, raised by `check` unless a more particular check already claimed it.
    pub fn within(self, check: Check) -> Error {
        match self.check {
            Check::Table => self.by(check),
            _ => self,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.kind.wire_type(),
            self.message.as_deref().unwrap_or("")
        )
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_identity() {
        assert_eq!(
            ErrorKind::Validation.wire_type(),
            "com.amazon.coral.validate#ValidationException"
        );
        assert_eq!(ErrorKind::Serialization.message_key(), "Message");
        assert_eq!(ErrorKind::ResourceNotFound.message_key(), "message");
        assert_eq!(ErrorKind::InternalServer.status(), 500);
        assert_eq!(ErrorKind::ConditionalCheckFailed.status(), 400);
        let e = Error::conditional_check_failed(None);
        assert_eq!(e.message.as_deref(), Some("The conditional request failed"));
    }
}
