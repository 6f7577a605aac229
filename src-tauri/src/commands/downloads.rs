//! Purchases brought into the library with a progress bar ("Play now" then plays them as
//! library tracks, through the player's queue).

use std::sync::OnceLock;

use shrimp_api::ApiError;
use shrimp_core::Core;
use shrimp_core::downloads::{DownloadProgress, DownloadedTrack, Downloads};
use tauri::State;
use tauri::ipc::Channel;

use super::{CoreState, api_error};

/// The music folder and library that downloads land in, opened on first use.
#[derive(Debug, Default)]
pub struct DownloadsState(OnceLock<Downloads>);

impl DownloadsState {
    fn get(&self, core: &Core) -> &Downloads {
        self.0.get_or_init(|| Downloads::new(core.paths()))
    }
}

/// Downloads a bought (or subscription) track into the library; progress goes to `progress`.
/// Calling it again after a failure resumes; nothing is fetched twice.
#[tauri::command]
#[specta::specta]
pub async fn download_track(
    state: State<'_, CoreState>,
    downloads: State<'_, DownloadsState>,
    track_id: String,
    progress: Channel<DownloadProgress>,
) -> Result<DownloadedTrack, ApiError> {
    let core = state.get()?;
    downloads
        .get(core)
        .download(core.market(), &track_id, move |update| {
            // A closed window only means nobody is watching the bar.
            let _ = progress.send(update);
        })
        .await
        .map_err(|error| api_error(&error))
}

/// The purchases already in the library.
#[tauri::command]
#[specta::specta]
pub async fn downloaded_tracks(
    state: State<'_, CoreState>,
    downloads: State<'_, DownloadsState>,
) -> Result<Vec<DownloadedTrack>, ApiError> {
    let core = state.get()?;
    downloads
        .get(core)
        .downloaded()
        .await
        .map_err(|error| api_error(&error))
}
