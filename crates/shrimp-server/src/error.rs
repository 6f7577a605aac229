//! Every failure a request can meet, and how it reaches the caller: `{code, message}` with the
//! matching HTTP status. Internal failures are logged with context and answered generically.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shrimp_api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Invalid(String),
    #[error("sign in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in a minute")]
    RateLimited,
    #[error("the request body is too large")]
    TooLarge,
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

/// A month that does not parse is the caller's mistake.
impl From<shrimp_domain::MonthError> for ServerError {
    fn from(error: shrimp_domain::MonthError) -> Self {
        Self::Invalid(error.to_string())
    }
}

impl ServerError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidInput),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            Self::RateLimited => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::InvalidInput),
            Self::UnsupportedMedia(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::InvalidInput)
            }
            Self::Database(_) | Self::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        }
    }
}

impl From<shrimp_domain::DomainError> for ServerError {
    fn from(error: shrimp_domain::DomainError) -> Self {
        Self::Invalid(error.to_string())
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = if code == ErrorCode::Internal {
            tracing::error!(error = %self, "request failed");
            ApiError::internal()
        } else {
            ApiError::new(code, self.to_string())
        };
        (status, Json(body)).into_response()
    }
}

/// Turns axum's own rejections (bad JSON, wrong content type, oversized bodies) into our shape.
pub fn from_rejection(rejection: &axum::extract::rejection::JsonRejection) -> ServerError {
    use axum::extract::rejection::JsonRejection;
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ServerError::UnsupportedMedia("send JSON with Content-Type: application/json".into())
        }
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ServerError::TooLarge
        }
        other => ServerError::invalid(other.body_text()),
    }
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;
