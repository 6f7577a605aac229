//! The local library as the app and the command line use it: opened under the data folder,
//! scanned with progress, searched, and asked which files it could not read. A thin layer over
//! `shrimp-library` that knows where the app keeps its data and how to turn what a person
//! typed (a file or a search) into something to play.

use std::path::{Path, PathBuf};

use shrimp_api::{ApiError, ErrorCode};
pub use shrimp_library::{
    Album, ArtistSummary, LibraryError, LibraryTrackId, ListedTrack, PlaylistId, ReplayGain,
    ScanOptions, ScanProgressed, ScanReport, Track, TrackFilter, TrackSort, TrackStatus,
    UnreadableFile,
};

pub use crate::library_view::{
    AlbumKey, AlbumView, ArtistView, LibraryTrackView, PlaylistView, ScanSummary, TrackListPage,
    TrackListQuery, UnreadableView,
};

use crate::AppPaths;

/// How many results a search returns unless asked otherwise.
pub const DEFAULT_SEARCH_LIMIT: u32 = 50;

/// The wire code for a library failure (the UI branches on it, never on the text).
pub fn library_error_code(error: &LibraryError) -> ErrorCode {
    match error {
        LibraryError::NotFound { .. } => ErrorCode::NotFound,
        LibraryError::Invalid(_) => ErrorCode::InvalidInput,
        LibraryError::Io { .. } | LibraryError::Database(_) | LibraryError::Migration(_) => {
            ErrorCode::Storage
        }
        LibraryError::Download(_) => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    }
}

/// A library failure in the one wire shape.
pub fn library_api_error(error: &LibraryError) -> ApiError {
    let code = library_error_code(error);
    if code == ErrorCode::Internal {
        tracing::error!(%error, "library failure");
        ApiError::new(code, "internal error")
    } else {
        ApiError::new(code, error.to_string())
    }
}

/// Counts of the library's tracks by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LibraryCounts {
    pub playable: u32,
    pub missing: u32,
    pub unreadable: u32,
}

/// The library of this app's data folder. Cheap to clone (clones share the database pool).
#[derive(Debug, Clone)]
pub struct Library {
    inner: shrimp_library::Library,
}

impl Library {
    /// The library database file inside the data folder.
    pub fn database_path(paths: &AppPaths) -> PathBuf {
        shrimp_library::LibraryPaths::in_dir(paths.data_dir()).database
    }

    /// Opens (creating when needed) the library in the data folder.
    pub async fn open(paths: &AppPaths) -> Result<Self, LibraryError> {
        let inner =
            shrimp_library::Library::open(&shrimp_library::LibraryPaths::in_dir(paths.data_dir()))
                .await?;
        Ok(Self { inner })
    }

    /// Scans folders or files into the library, reporting progress after each file read.
    /// Files that are not readable audio are listed in the report, never an error.
    pub async fn scan(
        &self,
        roots: &[PathBuf],
        on_progress: impl FnMut(&ScanProgressed) + Send,
    ) -> Result<ScanReport, LibraryError> {
        self.scan_with(roots, &ScanOptions::default(), on_progress)
            .await
    }

    /// [`Library::scan`] with explicit options (workers, cover art, per-file timeout).
    pub async fn scan_with(
        &self,
        roots: &[PathBuf],
        options: &ScanOptions,
        on_progress: impl FnMut(&ScanProgressed) + Send,
    ) -> Result<ScanReport, LibraryError> {
        let roots: Vec<PathBuf> = roots.iter().map(|r| absolute(r)).collect();
        self.inner.scan_folders(&roots, options, on_progress).await
    }

    /// Full-text search over titles, artists and albums (Chinese and Latin).
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<Track>, LibraryError> {
        if query.trim().is_empty() {
            return Err(LibraryError::Invalid("the search is empty".into()));
        }
        self.inner.search(query, limit).await
    }

    /// The files the library holds but cannot play, with the reason for each.
    pub async fn unreadable(&self) -> Result<Vec<Track>, LibraryError> {
        self.inner.tracks(TrackStatus::Unreadable).await
    }

    /// Tracks by status (playable, missing or unreadable).
    pub async fn tracks(&self, status: TrackStatus) -> Result<Vec<Track>, LibraryError> {
        self.inner.tracks(status).await
    }

    pub async fn track(&self, id: &LibraryTrackId) -> Result<Track, LibraryError> {
        self.inner.track(id).await
    }

    pub async fn albums(&self) -> Result<Vec<Album>, LibraryError> {
        self.inner.albums().await
    }

    pub async fn counts(&self) -> Result<LibraryCounts, LibraryError> {
        let (playable, missing, unreadable) = self.inner.counts().await?;
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(LibraryCounts {
            playable: clamp(playable),
            missing: clamp(missing),
            unreadable: clamp(unreadable),
        })
    }

    /// Records that a track was played (for history), at `played_at_ms` since the epoch.
    pub async fn record_play(
        &self,
        track: &LibraryTrackId,
        played_at_ms: i64,
    ) -> Result<(), LibraryError> {
        self.inner.record_play(track, played_at_ms).await
    }

    /// The thumbnail file of a track's cover reference.
    pub fn thumbnail(&self, cover: &str) -> PathBuf {
        self.inner.thumbnail(cover)
    }

    /// Turns what a person asked to play into files: each item is a file (played as is, in
    /// the library or not) or else a search whose playable matches are queued in order.
    pub async fn resolve_playable(&self, items: &[String]) -> Result<Vec<PathBuf>, LibraryError> {
        let mut files = Vec::new();
        for item in items {
            let path = Path::new(item);
            if path.is_file() {
                files.push(absolute(path));
                continue;
            }
            let found: Vec<PathBuf> = self
                .search(item, DEFAULT_SEARCH_LIMIT)
                .await?
                .into_iter()
                .filter(|t| t.status == TrackStatus::Ok)
                .map(|t| t.path)
                .collect();
            if found.is_empty() {
                return Err(LibraryError::NotFound {
                    kind: "file or library track matching",
                    id: format!("{item:?}"),
                });
            }
            files.extend(found);
        }
        Ok(files)
    }

    /// The library crate's own handle, for what this layer does not wrap yet (playlists,
    /// downloads, watching).
    pub fn inner(&self) -> &shrimp_library::Library {
        &self.inner
    }

    /// Closes the database, waiting for queries in flight.
    pub async fn close(&self) {
        self.inner.close().await;
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_in_the_data_folder_and_refuses_empty_searches() {
        let temp = tempfile::tempdir().unwrap();
        let paths = AppPaths::resolve(Some(temp.path().join("data")), None, None).unwrap();
        let library = Library::open(&paths).await.unwrap();
        assert!(Library::database_path(&paths).is_file());
        let error = library.search("  ", 10).await.unwrap_err();
        assert_eq!(library_error_code(&error), ErrorCode::InvalidInput);
        assert_eq!(
            library.counts().await.unwrap(),
            LibraryCounts {
                playable: 0,
                missing: 0,
                unreadable: 0
            }
        );
        let error = library
            .resolve_playable(&["no such thing".into()])
            .await
            .unwrap_err();
        assert_eq!(library_api_error(&error).code, ErrorCode::NotFound);
        let file = temp.path().join("x.flac");
        std::fs::write(&file, b"x").unwrap();
        let files = library
            .resolve_playable(&[file.display().to_string()])
            .await
            .unwrap();
        assert_eq!(files, vec![file]);
        library.close().await;
    }
}
