//! Opening a shop: the signed-in person's application, its sample, submitting it; and the
//! reviewer listening to a sample through the engine; the shop's back office (its tracks).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use shrimp_api::{ApiError, ApplicationDraft, ApplicationView, ErrorCode, TrackView};
use shrimp_core::back_office::{TrackEdit, TrackUpload, UploadProgress};
use shrimp_core::shop::SampleUpload;
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event as _;

use super::player::PlayerBridge;
use super::{CoreState, api_error};
use crate::events::TrackUploadProgressed;

/// The signed-in person's latest application, or none if they never applied.
#[tauri::command]
#[specta::specta]
pub async fn my_application(
    state: State<'_, CoreState>,
) -> Result<Option<ApplicationView>, ApiError> {
    state
        .get()?
        .market()
        .current_application()
        .await
        .map_err(|error| api_error(&error))
}

/// Creates the application (no `id`) or saves changes to a draft or rejected one.
#[tauri::command]
#[specta::specta]
pub async fn save_application(
    state: State<'_, CoreState>,
    id: Option<String>,
    draft: ApplicationDraft,
) -> Result<ApplicationView, ApiError> {
    state
        .get()?
        .market()
        .save_application(id.as_deref(), &draft)
        .await
        .map_err(|error| api_error(&error))
}

/// Streams the local file at `path` to the server as the application's sample.
#[tauri::command]
#[specta::specta]
pub async fn upload_application_sample(
    state: State<'_, CoreState>,
    id: String,
    path: PathBuf,
) -> Result<SampleUpload, ApiError> {
    state
        .get()?
        .market()
        .upload_sample(&id, &path)
        .await
        .map_err(|error| api_error(&error))
}

/// Sends the application to the reviewers.
#[tauri::command]
#[specta::specta]
pub async fn submit_application(
    state: State<'_, CoreState>,
    id: String,
) -> Result<ApplicationView, ApiError> {
    state
        .get()?
        .market()
        .submit_application(&id)
        .await
        .map_err(|error| api_error(&error))
}

/// Plays an application's sample for the reviewer, through the audio engine.
#[tauri::command]
#[specta::specta]
pub async fn play_review_sample(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    id: String,
) -> Result<(), ApiError> {
    let core = state.get()?;
    let file = core
        .market()
        .review_sample_file(&id)
        .await
        .map_err(|error| api_error(&error))?;
    let player = bridge.player(core)?;
    player
        .play(vec![file], 0)
        .map_err(|error| shrimp_core::player::playback_api_error(&error))
}

// ---- The back office: tracks ----------------------------------------------------------

type EmitProgress = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// Sends upload progress to the window (set once the app exists).
#[derive(Default)]
pub struct UploadBridge {
    emit: OnceLock<EmitProgress>,
}

impl std::fmt::Debug for UploadBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadBridge").finish_non_exhaustive()
    }
}

impl UploadBridge {
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let app = app.clone();
        let _ = self.emit.set(Arc::new(move |progress| {
            if let Err(error) = TrackUploadProgressed(progress).emit(&app) {
                tracing::warn!(%error, "cannot send upload progress to the window");
            }
        }));
    }
}

/// Every track of the signed-in owner's shop, drafts and unpublished ones too.
#[tauri::command]
#[specta::specta]
pub async fn my_tracks(state: State<'_, CoreState>) -> Result<Vec<TrackView>, ApiError> {
    state
        .get()?
        .market()
        .my_tracks()
        .await
        .map_err(|error| api_error(&error))
}

/// Uploads each local file as a new track; progress arrives as `TrackUploadProgressed`.
#[tauri::command]
#[specta::specta]
pub async fn upload_tracks(
    state: State<'_, CoreState>,
    bridge: State<'_, UploadBridge>,
    files: Vec<String>,
) -> Result<Vec<TrackUpload>, ApiError> {
    let emit = bridge
        .emit
        .get()
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "the window is not ready"))?;
    state
        .get()?
        .market()
        .upload_tracks(&files, move |progress| emit(progress))
        .await
        .map_err(|error| api_error(&error))
}

/// Changes a track's metadata, lyrics, price or whether it is on sale.
#[tauri::command]
#[specta::specta]
pub async fn edit_track(
    state: State<'_, CoreState>,
    id: String,
    edit: TrackEdit,
) -> Result<TrackView, ApiError> {
    state
        .get()?
        .market()
        .edit_track(&id, edit)
        .await
        .map_err(|error| api_error(&error))
}

/// Sets a track's cover art from a local PNG or JPEG file.
#[tauri::command]
#[specta::specta]
pub async fn set_track_cover(
    state: State<'_, CoreState>,
    id: String,
    path: PathBuf,
) -> Result<TrackView, ApiError> {
    state
        .get()?
        .market()
        .set_track_cover(&id, &path)
        .await
        .map_err(|error| api_error(&error))
}
