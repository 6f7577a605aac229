//! Playback through the engine (never the webview): store previews now, the library next.

use std::sync::{Arc, OnceLock};

use shrimp_api::{ApiError, ErrorCode};
use shrimp_core::{Core, Player, PlayerEvent, PlayerStatus};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event as _;

use super::{CoreState, api_error};
use crate::events::PlayerEventReceived;

type Emit = Arc<dyn Fn(PlayerEvent) + Send + Sync>;

/// Sends the player's events to the window once the player exists.
#[derive(Default)]
pub struct PlayerBridge {
    emit: OnceLock<Emit>,
}

impl std::fmt::Debug for PlayerBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerBridge").finish_non_exhaustive()
    }
}

impl PlayerBridge {
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let app = app.clone();
        let _ = self.emit.set(Arc::new(move |event| {
            if let Err(error) = PlayerEventReceived(event).emit(&app) {
                tracing::warn!(%error, "cannot send a player event to the window");
            }
        }));
    }

    /// The player, forwarding its events from the moment it starts.
    pub(crate) fn player(&self, core: &Core) -> Result<Arc<Player>, ApiError> {
        let (player, fresh) = core.player().map_err(|error| api_error(&error))?;
        if fresh {
            let emit =
                self.emit.get().cloned().ok_or_else(|| {
                    ApiError::new(ErrorCode::Unavailable, "the window is not ready")
                })?;
            let events = player.subscribe();
            std::thread::Builder::new()
                .name("shrimp-player-bridge".into())
                .spawn(move || {
                    for event in events {
                        emit(event);
                    }
                })
                .map_err(|error| ApiError::new(ErrorCode::Internal, error.to_string()))?;
        }
        Ok(player)
    }
}

fn playback(error: &shrimp_core::player::PlaybackError) -> ApiError {
    shrimp_core::player::playback_api_error(error)
}

/// Plays a store track's ≤ 30 s preview.
#[tauri::command]
#[specta::specta]
pub async fn play_preview(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    track_id: String,
) -> Result<(), ApiError> {
    let core = state.get()?;
    let file = core
        .market()
        .preview_file(&track_id)
        .await
        .map_err(|error| api_error(&error))?;
    let player = bridge.player(core)?;
    player.play(vec![file], 0).map_err(|error| playback(&error))
}

/// Pauses or resumes.
#[tauri::command]
#[specta::specta]
pub fn player_toggle(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<(), ApiError> {
    let player = bridge.player(state.get()?)?;
    player.toggle().map_err(|error| playback(&error))
}

#[tauri::command]
#[specta::specta]
pub fn player_stop(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<(), ApiError> {
    let player = bridge.player(state.get()?)?;
    player.stop().map_err(|error| playback(&error))
}

/// What is playing, for a view that opens late.
#[tauri::command]
#[specta::specta]
pub fn player_status(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<PlayerStatus, ApiError> {
    Ok(bridge.player(state.get()?)?.status())
}
