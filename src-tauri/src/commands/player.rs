//! Playback through the engine (never the webview): store previews and the library's queue.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use shrimp_api::{ApiError, ErrorCode};
use shrimp_core::{Core, Player, PlayerEvent, PlayerStatus, QueueView, RepeatMode};
use tauri::{AppHandle, Manager as _, Runtime, State};
use tauri_specta::Event as _;

use super::{CoreState, api_error};
use crate::events::PlayerEventReceived;

type Emit = Arc<dyn Fn(PlayerEvent) + Send + Sync>;

/// The one way to the core's player: it hands the player out and makes sure its events are
/// forwarded to the window and the OS's media controls. The core starts its one player on
/// first use, whoever asks; the first call through the bridge subscribes to it.
#[derive(Default)]
pub struct PlayerBridge {
    emit: OnceLock<Emit>,
    /// Whether the player's events are being forwarded.
    forwarding: Mutex<bool>,
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
            // The window first: nothing the OS's controls do may hold up the page.
            if let Err(error) = PlayerEventReceived(event.clone()).emit(&app) {
                tracing::warn!(%error, "cannot send a player event to the window");
            }
            app.state::<crate::media_controls::OsMediaControls>()
                .publish(&app, &event);
        }));
    }

    /// The core's player, with its events forwarded from the moment it is first seen here.
    pub(crate) fn player(&self, core: &Core) -> Result<Arc<Player>, ApiError> {
        let player = core.player().map_err(|error| api_error(&error))?;
        // Held while subscribing, so two first callers subscribe once.
        let mut forwarding = self
            .forwarding
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *forwarding {
            return Ok(player);
        }
        let emit = self
            .emit
            .get()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "the window is not ready"))?;
        let events = player.subscribe();
        std::thread::Builder::new()
            .name("shrimp-player-bridge".into())
            .spawn(move || {
                for event in events {
                    tracing::trace!(?event, "forwarding a player event");
                    emit(event);
                }
                tracing::debug!("the player stopped: no more events to forward");
            })
            .map_err(|error| ApiError::new(ErrorCode::Internal, error.to_string()))?;
        tracing::debug!("forwarding the player's events to the window and the OS");
        *forwarding = true;
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

/// Pauses or resumes; after a restart, starts the saved queue where it was left.
#[tauri::command]
#[specta::specta]
pub fn player_toggle(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<(), ApiError> {
    let core = state.get()?;
    bridge.player(core)?;
    core.toggle_playback().map_err(|error| api_error(&error))
}

/// Replaces the queue with library tracks and plays from `track_ids[start]`.
#[tauri::command]
#[specta::specta]
pub async fn player_play_tracks(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    track_ids: Vec<String>,
    start: u32,
) -> Result<(), ApiError> {
    let core = state.get()?;
    bridge.player(core)?;
    core.play_tracks(&track_ids, start)
        .await
        .map_err(|error| api_error(&error))
}

/// The play queue, its current entry and position (restored after a restart).
#[tauri::command]
#[specta::specta]
pub async fn player_queue(state: State<'_, CoreState>) -> Result<QueueView, ApiError> {
    state
        .get()?
        .queue_view()
        .await
        .map_err(|error| api_error(&error))
}

/// Moves queue entry `from` to `to`; what is playing carries on.
#[tauri::command]
#[specta::specta]
pub fn player_move_in_queue(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    from: u32,
    to: u32,
) -> Result<(), ApiError> {
    let core = state.get()?;
    bridge.player(core)?;
    core.move_in_queue(from, to)
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub fn player_next(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<(), ApiError> {
    bridge
        .player(state.get()?)?
        .next()
        .map_err(|error| playback(&error))
}

/// Back to the start of the track, or to the previous one near its start.
#[tauri::command]
#[specta::specta]
pub fn player_previous(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
) -> Result<(), ApiError> {
    bridge
        .player(state.get()?)?
        .previous()
        .map_err(|error| playback(&error))
}

#[tauri::command]
#[specta::specta]
pub fn player_seek(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    position_ms: u32,
) -> Result<(), ApiError> {
    bridge
        .player(state.get()?)?
        .seek(std::time::Duration::from_millis(u64::from(position_ms)))
        .map_err(|error| playback(&error))
}

/// Linear volume, `0.0..=1.0`.
#[tauri::command]
#[specta::specta]
pub fn player_set_volume(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    volume: f32,
) -> Result<(), ApiError> {
    if !(0.0..=1.0).contains(&volume) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "the volume goes from 0 to 1",
        ));
    }
    bridge
        .player(state.get()?)?
        .set_volume(volume)
        .map_err(|error| playback(&error))
}

#[tauri::command]
#[specta::specta]
pub fn player_set_shuffle(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    on: bool,
) -> Result<(), ApiError> {
    bridge
        .player(state.get()?)?
        .set_shuffle(on)
        .map_err(|error| playback(&error))
}

#[tauri::command]
#[specta::specta]
pub fn player_set_repeat(
    state: State<'_, CoreState>,
    bridge: State<'_, PlayerBridge>,
    mode: RepeatMode,
) -> Result<(), ApiError> {
    bridge
        .player(state.get()?)?
        .set_repeat(mode)
        .map_err(|error| playback(&error))
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
