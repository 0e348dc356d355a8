//! What a use case can answer instead of its result. The server maps each kind to a status, the
//! command line to an exit code; neither needs to read the message to know what happened.

/// A use case's refusal or failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist (or the caller may not know that it does).
    #[error("{0}")]
    NotFound(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The input is not acceptable; the message says what to change.
    #[error("{0}")]
    Invalid(String),
    /// The request conflicts with the stored state (changed meanwhile, or already done).
    #[error("{0}")]
    Conflict(String),
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] kechuang_store::Error),
    /// Anything else: a defect or an environment failure.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// A short code for the audit log's outcome column.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::Forbidden(_) => "forbidden",
            Error::Invalid(_) => "bad_request",
            Error::Conflict(_) => "conflict",
            Error::Store(kechuang_store::Error::Exists(_)) => "conflict",
            Error::Store(kechuang_store::Error::NotOwner { .. }) => "forbidden",
            Error::Store(_) | Error::Internal(_) => "internal",
        }
    }
}

/// A use case's result.
pub type Result<T> = std::result::Result<T, Error>;
