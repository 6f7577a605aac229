//! The one error type of the library crate.

use std::path::PathBuf;

/// Everything the library can fail at. Per-file problems during a scan are not errors: the file
/// is listed as unreadable with a reason and the scan goes on.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The database could not be opened, migrated or queried.
    #[error("library database: {0}")]
    Database(#[from] sqlx::Error),
    /// The embedded migrations could not be applied.
    #[error("library database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Reading or writing a file or folder failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done, such as `reading` or `creating folder`.
        action: &'static str,
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No track, playlist or entry has the given id or position.
    #[error("{kind} {id} not found")]
    NotFound {
        /// `track`, `playlist` or `playlist entry`.
        kind: &'static str,
        /// The id or position that was looked up.
        id: String,
    },
    /// An argument was refused, such as an empty playlist name.
    #[error("{0}")]
    Invalid(String),
    /// A folder watch could not be started.
    #[error("watching {}: {source}", path.display())]
    Watch {
        /// The folder that could not be watched.
        path: PathBuf,
        /// The underlying error.
        source: notify::Error,
    },
    /// A purchase download failed; see [`DownloadError`](crate::download::DownloadError).
    #[error(transparent)]
    Download(#[from] crate::download::DownloadError),
    /// A background task died (it panicked or was cancelled).
    #[error("background task failed: {0}")]
    Task(String),
}

impl LibraryError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = LibraryError> = std::result::Result<T, E>;
