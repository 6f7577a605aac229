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
}

impl CoreError {
    pub const fn code(&self) -> ErrorCode {
        match self {
            Self::NoDataDir | Self::DataDir { .. } => ErrorCode::Storage,
        }
    }
}

impl From<&CoreError> for ApiError {
    fn from(error: &CoreError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}
