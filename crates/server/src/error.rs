//! The API's errors: one JSON shape, `{"error": {"code": …, "message": …}}`, with the HTTP status
//! the code implies. Internal causes are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not logged in, or a bad token.
    #[error("authentication required")]
    Unauthenticated,
    /// Logged in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request without the session's CSRF token.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Nothing there (only said to roles that may know).
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed or names something invalid.
    #[error("{0}")]
    BadRequest(String),
    /// Something with that name exists.
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than allowed.
    #[error("the request body is too large")]
    TooLarge,
    /// Too many failed logins.
    #[error("too many failed logins; try again in {0} minutes")]
    Throttled(i64),
    /// A server-side failure (database…); details are in the log.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Csrf => "csrf",
            ApiError::NotFound(_) => "not_found",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge => "too_large",
            ApiError::Throttled(_) => "throttled",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message shown to users.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(e.body_text())
        }
    }
}

impl From<kechuang_store::Error> for ApiError {
    fn from(e: kechuang_store::Error) -> Self {
        match e {
            kechuang_store::Error::Exists(what) => {
                ApiError::Conflict(format!("{what} exists already"))
            }
            e @ kechuang_store::Error::NotOwner { .. } => ApiError::Forbidden(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<kechuang_app::Error> for ApiError {
    fn from(e: kechuang_app::Error) -> Self {
        use kechuang_app::Error;
        match e {
            Error::NotFound(m) => ApiError::NotFound(m),
            Error::Forbidden(m) => ApiError::Forbidden(m),
            Error::Invalid(m) => ApiError::BadRequest(m),
            Error::Conflict(m) => ApiError::Conflict(m),
            Error::Store(e) => e.into(),
            Error::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl From<kechuang_app::accounts::AccountError> for ApiError {
    fn from(e: kechuang_app::accounts::AccountError) -> Self {
        use kechuang_app::accounts::AccountError;
        match e {
            AccountError::Invalid(m) => ApiError::BadRequest(m),
            AccountError::Hash(m) => ApiError::Internal(format!("hashing a password: {m}")),
            AccountError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let body = serde_json::json!({"error": {"code": self.code(), "message": self.message()}});
        (self.status(), axum::Json(body)).into_response()
    }
}

/// The handlers' result type.
pub type ApiResult<T> = Result<T, ApiError>;
