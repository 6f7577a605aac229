use std::path::PathBuf;

use shrimp_api::{ApiError, ErrorCode};

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("no data folder: set {} or pass --data-dir", crate::DATA_DIR_ENV)]
    NoDataDir,
    #[error("the data folder {path} is not usable: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The backend is still starting (or failed to); the status says which.
    #[error("the store is not ready yet")]
    NotReady,
    #[error("{0}")]
    Invalid(String),
    /// The backend answered with an error, or could not be reached.
    #[error("{message}")]
    Backend { code: ErrorCode, message: String },
}

impl From<shrimp_client::ClientError> for CoreError {
    fn from(error: shrimp_client::ClientError) -> Self {
        Self::Backend {
            code: error.code(),
            message: match &error {
                shrimp_client::ClientError::Api { error, .. } => error.message.clone(),
                other => other.to_string(),
            },
        }
    }
}

impl From<shrimp_library::LibraryError> for CoreError {
    fn from(error: shrimp_library::LibraryError) -> Self {
        let api = crate::library::library_api_error(&error);
        Self::Backend {
            code: api.code,
            message: api.message,
        }
    }
}

impl From<shrimp_playback::PlaybackError> for CoreError {
    fn from(error: shrimp_playback::PlaybackError) -> Self {
        let api = crate::player::playback_api_error(&error);
        Self::Backend {
            code: api.code,
            message: api.message,
        }
    }
}

impl CoreError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    pub const fn code(&self) -> ErrorCode {
        match self {
            Self::NoDataDir | Self::DataDir { .. } => ErrorCode::Storage,
            Self::NotReady => ErrorCode::Unavailable,
            Self::Invalid(_) => ErrorCode::InvalidInput,
            Self::Backend { code, .. } => *code,
        }
    }
}

impl From<&CoreError> for ApiError {
    fn from(error: &CoreError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}
