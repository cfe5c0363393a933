use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

/// What a DynamoDB call failed with: the error's `__type` code (e.g.
/// `ConditionalCheckFailedException`) and message, or `code = "TransportError"` when no service
/// answer arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: String,
    pub message: String,
}

impl Error {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// A request the harness could not build (a required member left out): no service call was made.
impl From<aws_sdk_dynamodb::error::BuildError> for Error {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Error {
        Error::new("BuildError", e.to_string())
    }
}

impl<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug> From<SdkError<E, R>> for Error {
    fn from(e: SdkError<E, R>) -> Error {
        match e.code() {
            Some(code) => Error::new(code, e.message().unwrap_or_default()),
            None => Error::new("TransportError", format!("{e:?}")),
        }
    }
}
