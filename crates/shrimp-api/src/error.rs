use std::fmt;

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable machine-readable code.
///
/// The UI branches on the code and maps it to a human message in the reader's language; the
/// text in [`ApiError::message`] is for logs and developers. Codes are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request was malformed or a field is out of range.
    InvalidInput,
    /// Nobody is signed in, or the session expired.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// The thing asked for does not exist (or is not visible to the caller).
    NotFound,
    /// The request conflicts with the current state (a replayed key with another body, say).
    Conflict,
    /// Too many attempts; try again later.
    RateLimited,
    /// The backend could not be reached.
    Unavailable,
    /// A file or folder could not be read or written.
    Storage,
    /// Something unexpected; details are in the log, not in the message.
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order (for exhaustive tests and translations).
    pub const ALL: [Self; 9] = [
        Self::InvalidInput,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::RateLimited,
        Self::Unavailable,
        Self::Storage,
        Self::Internal,
    ];

    /// The code as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Storage => "storage",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one error shape at every boundary: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An unexpected failure: the caller sees a generic message, the details stay in the log.
    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "something went wrong on our side")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_serializes_as_code_and_message() {
        let json =
            serde_json::to_value(ApiError::new(ErrorCode::NotFound, "no such track")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "no such track"})
        );
    }

    #[test]
    fn wire_names_match_serde_for_every_code() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            let back: ErrorCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn unknown_code_is_rejected() {
        let parsed = serde_json::from_str::<ErrorCode>("\"teapot\"");
        assert!(parsed.is_err());
    }
}
