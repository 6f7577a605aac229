//! The local library: a window of the track list, albums, artists, folders with scan
//! progress, unreadable files, playlists and lyrics.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use shrimp_api::ApiError;
use shrimp_core::library::{
    AlbumView, ArtistView, LibraryTrackView, PlaylistView, ScanSummary, TrackListPage,
    TrackListQuery, UnreadableView,
};
use shrimp_core::{Core, CoreError};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event as _;

use super::{CoreState, api_error};
use crate::events::LibraryScanProgressed;

type Emit = Arc<dyn Fn(LibraryScanProgressed) + Send + Sync>;

/// Sends scan progress to the window once the app exists.
#[derive(Default)]
pub struct ScanProgress {
    emit: OnceLock<Emit>,
}

impl std::fmt::Debug for ScanProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanProgress").finish_non_exhaustive()
    }
}

impl ScanProgress {
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let app = app.clone();
        let _ = self.emit.set(Arc::new(move |event| {
            if let Err(error) = event.emit(&app) {
                tracing::warn!(%error, "cannot send scan progress to the window");
            }
        }));
    }

    fn send(&self, event: LibraryScanProgressed) {
        if let Some(emit) = self.emit.get() {
            emit(event);
        }
    }
}

fn map(error: CoreError) -> ApiError {
    api_error(&error)
}

async fn library(state: &CoreState) -> Result<&shrimp_core::Library, ApiError> {
    let core: &Core = state.get()?;
    core.library().await.map_err(map)
}

fn lib_error(error: &shrimp_core::library::LibraryError) -> ApiError {
    shrimp_core::library::library_api_error(error)
}

/// Rows `offset..offset + limit` of the track list, sorted, filtered and searched.
#[tauri::command]
#[specta::specta]
pub async fn library_tracks(
    state: State<'_, CoreState>,
    query: TrackListQuery,
) -> Result<TrackListPage, ApiError> {
    library(&state)
        .await?
        .list_tracks(&query)
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn library_albums(state: State<'_, CoreState>) -> Result<Vec<AlbumView>, ApiError> {
    library(&state)
        .await?
        .album_views()
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn library_artists(state: State<'_, CoreState>) -> Result<Vec<ArtistView>, ApiError> {
    library(&state)
        .await?
        .artist_views()
        .await
        .map_err(|e| lib_error(&e))
}

/// Files the library holds but cannot play, with the reason for each.
#[tauri::command]
#[specta::specta]
pub async fn library_unreadable(
    state: State<'_, CoreState>,
) -> Result<Vec<UnreadableView>, ApiError> {
    library(&state)
        .await?
        .unreadable_views()
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub fn library_folders(state: State<'_, CoreState>) -> Result<Vec<String>, ApiError> {
    Ok(state.get()?.library_folders())
}

/// Adds a music folder: scanned now (with `LibraryScanProgressed` events), watched from then.
#[tauri::command]
#[specta::specta]
pub async fn library_add_folder(
    state: State<'_, CoreState>,
    progress: State<'_, ScanProgress>,
    path: String,
) -> Result<ScanSummary, ApiError> {
    let folder = PathBuf::from(&path);
    state
        .get()?
        .add_library_folder(&folder, |read| {
            progress.send(LibraryScanProgressed {
                folder: path.clone(),
                done: u32::try_from(read.done).unwrap_or(u32::MAX),
                total: u32::try_from(read.total).unwrap_or(u32::MAX),
                current: read.current.display().to_string(),
            });
        })
        .await
        .map_err(map)
}

/// The lyrics beside a track's file (LRC or plain), if any.
#[tauri::command]
#[specta::specta]
pub async fn library_lyrics(
    state: State<'_, CoreState>,
    track_id: String,
) -> Result<Option<String>, ApiError> {
    let id = track_id
        .parse()
        .unwrap_or_else(|never: std::convert::Infallible| match never {});
    library(&state)
        .await?
        .lyrics(&id)
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn playlists(state: State<'_, CoreState>) -> Result<Vec<PlaylistView>, ApiError> {
    library(&state)
        .await?
        .playlist_views()
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_tracks(
    state: State<'_, CoreState>,
    playlist_id: String,
) -> Result<Vec<LibraryTrackView>, ApiError> {
    let id = parse_playlist(&playlist_id);
    library(&state)
        .await?
        .playlist_track_views(&id)
        .await
        .map_err(|e| lib_error(&e))
}

fn parse_playlist(id: &str) -> shrimp_core::library::PlaylistId {
    id.parse()
        .unwrap_or_else(|never: std::convert::Infallible| match never {})
}

fn track_ids(ids: &[String]) -> Vec<shrimp_core::library::LibraryTrackId> {
    ids.iter()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|never: std::convert::Infallible| match never {})
        })
        .collect()
}

/// Creates a playlist, with tracks when given; returns its id.
#[tauri::command]
#[specta::specta]
pub async fn playlist_create(
    state: State<'_, CoreState>,
    name: String,
    track_ids: Vec<String>,
) -> Result<String, ApiError> {
    let library = library(&state).await?;
    let id = library
        .inner()
        .create_playlist(&name)
        .await
        .map_err(|e| lib_error(&e))?;
    if !track_ids.is_empty() {
        library
            .inner()
            .add_to_playlist(&id, &self::track_ids(&track_ids))
            .await
            .map_err(|e| lib_error(&e))?;
    }
    Ok(id.to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_rename(
    state: State<'_, CoreState>,
    playlist_id: String,
    name: String,
) -> Result<(), ApiError> {
    library(&state)
        .await?
        .inner()
        .rename_playlist(&parse_playlist(&playlist_id), &name)
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_delete(
    state: State<'_, CoreState>,
    playlist_id: String,
) -> Result<(), ApiError> {
    library(&state)
        .await?
        .inner()
        .delete_playlist(&parse_playlist(&playlist_id))
        .await
        .map_err(|e| lib_error(&e))
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_add(
    state: State<'_, CoreState>,
    playlist_id: String,
    track_ids: Vec<String>,
) -> Result<(), ApiError> {
    library(&state)
        .await?
        .inner()
        .add_to_playlist(&parse_playlist(&playlist_id), &self::track_ids(&track_ids))
        .await
        .map_err(|e| lib_error(&e))
}

/// Moves the entry at `from` to `to` (0-based).
#[tauri::command]
#[specta::specta]
pub async fn playlist_move(
    state: State<'_, CoreState>,
    playlist_id: String,
    from: u32,
    to: u32,
) -> Result<(), ApiError> {
    library(&state)
        .await?
        .inner()
        .move_in_playlist(&parse_playlist(&playlist_id), from as usize, to as usize)
        .await
        .map_err(|e| lib_error(&e))
}

/// What an M3U import did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct M3uImportView {
    pub playlist_id: String,
    pub added: u32,
    pub unresolved: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_import_m3u(
    state: State<'_, CoreState>,
    path: String,
    name: String,
) -> Result<M3uImportView, ApiError> {
    let imported = library(&state)
        .await?
        .inner()
        .import_m3u(&PathBuf::from(path), &name)
        .await
        .map_err(|e| lib_error(&e))?;
    Ok(M3uImportView {
        playlist_id: imported.playlist.to_string(),
        added: imported.added,
        unresolved: imported.unresolved,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_export_m3u(
    state: State<'_, CoreState>,
    playlist_id: String,
    path: String,
) -> Result<(), ApiError> {
    library(&state)
        .await?
        .inner()
        .export_m3u(&parse_playlist(&playlist_id), &PathBuf::from(path))
        .await
        .map_err(|e| lib_error(&e))
}
