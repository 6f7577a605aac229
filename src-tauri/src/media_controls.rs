//! The operating system's media controls (MPRIS on Linux, SMTC on Windows, Now Playing on
//! macOS) through souvlaki: what plays is published with its title, artist, album and length,
//! and the system's play, pause, next and previous keys reach the player.

use std::sync::{Arc, Mutex};

use shrimp_core::{PlayerEvent, PlayerState};
use souvlaki::{
    MediaControlEvent, MediaControls, MediaMetadata, MediaPlayback, MediaPosition, PlatformConfig,
};
use tauri::{AppHandle, Manager, Runtime};

use crate::commands::CoreState;
use crate::commands::player::PlayerBridge;

/// The bus name: `org.mpris.MediaPlayer2.shrimp` on Linux.
pub const DBUS_NAME: &str = "shrimp";

/// How long the library may take to name a track before the OS keeps the file's name.
const TAGS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// The controls, once attached (none on a system without a session bus).
#[derive(Default)]
pub struct OsMediaControls(Arc<Mutex<Option<Attached>>>);

struct Attached {
    controls: MediaControls,
    /// The file whose tags were published last: a slow look-up for an earlier track must not
    /// overwrite a later one's.
    path: Option<String>,
}

impl std::fmt::Debug for OsMediaControls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsMediaControls").finish_non_exhaustive()
    }
}

impl OsMediaControls {
    /// Registers with the system and sends its key presses to the player. A system without
    /// media controls (no session bus) is logged and the app carries on without them.
    pub fn attach<R: Runtime>(&self, app: &AppHandle<R>, hwnd: Option<*mut std::ffi::c_void>) {
        let config = PlatformConfig {
            dbus_name: DBUS_NAME,
            display_name: "Shrimp",
            hwnd,
        };
        let mut controls = match MediaControls::new(config) {
            Ok(controls) => controls,
            Err(error) => {
                tracing::warn!(?error, "no OS media controls");
                return;
            }
        };
        let handle = app.clone();
        if let Err(error) = controls.attach(move |event| apply(&handle, &event)) {
            tracing::warn!(?error, "cannot attach the OS media controls");
            return;
        }
        *lock(&self.0) = Some(Attached {
            controls,
            path: None,
        });
    }

    /// Publishes one player event: the track when it changes, and playing or paused. Never
    /// waits: a new track's title, artist and album are looked up in the library on the async
    /// runtime, not on the thread forwarding the player's events, and published from there.
    pub fn publish<R: Runtime>(&self, app: &AppHandle<R>, event: &PlayerEvent) {
        let mut slot = lock(&self.0);
        let Some(attached) = slot.as_mut() else {
            return;
        };
        let result = match event {
            PlayerEvent::TrackChanged {
                path, duration_ms, ..
            } => {
                attached.path = Some(path.clone());
                let duration =
                    duration_ms.map(|ms| std::time::Duration::from_millis(u64::from(ms)));
                self.publish_track(app, path.clone(), duration);
                Ok(())
            }
            PlayerEvent::StateChanged { state } => attached.controls.set_playback(match state {
                PlayerState::Playing => MediaPlayback::Playing { progress: None },
                PlayerState::Paused => MediaPlayback::Paused { progress: None },
                PlayerState::Stopped => MediaPlayback::Stopped,
            }),
            _ => Ok(()),
        };
        if let Err(error) = result {
            tracing::debug!(?error, "cannot update the OS media controls");
        }
    }

    /// Looks `path` up in the library and publishes its tags (the file's name when the
    /// library does not know it, or takes too long), if it is still what plays by then.
    fn publish_track<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        path: String,
        duration: Option<std::time::Duration>,
    ) {
        let slot = Arc::clone(&self.0);
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let state = app.state::<CoreState>();
            let lookup = async {
                match state.get() {
                    Ok(core) => core.track_at(std::path::Path::new(&path)).await,
                    Err(_) => None,
                }
            };
            let track = tokio::time::timeout(TAGS_PATIENCE, lookup)
                .await
                .unwrap_or_else(|_| {
                    tracing::warn!(%path, "the library took too long to name the track playing");
                    None
                });
            let title = track.as_ref().map_or_else(
                || {
                    std::path::Path::new(&path)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                },
                |t| t.title.clone(),
            );
            let mut slot = lock(&slot);
            let Some(attached) = slot.as_mut() else {
                return;
            };
            if attached.path.as_deref() != Some(path.as_str()) {
                return;
            }
            let result = attached.controls.set_metadata(MediaMetadata {
                title: Some(&title),
                artist: track.as_ref().and_then(|t| t.artist.as_deref()),
                album: track.as_ref().and_then(|t| t.album.as_deref()),
                cover_url: None,
                duration,
            });
            if let Err(error) = result {
                tracing::debug!(?error, "cannot update the OS media controls");
            }
        });
    }
}

fn lock(slot: &Mutex<Option<Attached>>) -> std::sync::MutexGuard<'_, Option<Attached>> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Applies a media key, or the same action from the tray menu, to the player. The player is
/// reached through the bridge, so a player that this starts still reports to the windows.
pub fn apply<R: Runtime>(app: &AppHandle<R>, event: &MediaControlEvent) {
    if matches!(event, MediaControlEvent::Raise) {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.show();
            let _ = window.unminimize();
            let _ = window.set_focus();
        }
        return;
    }
    let state = app.state::<CoreState>();
    let Ok(core) = state.get() else {
        return;
    };
    let player = match app.state::<PlayerBridge>().player(core) {
        Ok(player) => player,
        Err(error) => {
            tracing::warn!(?error, ?event, "the player is not available");
            return;
        }
    };
    let result: Result<(), shrimp_core::CoreError> = match event {
        // Play when playing already changes nothing; otherwise it is the toggle (which also
        // starts a queue saved before a restart).
        MediaControlEvent::Play if player.status().state == PlayerState::Playing => Ok(()),
        MediaControlEvent::Toggle | MediaControlEvent::Play => core.toggle_playback(),
        MediaControlEvent::Pause => player.pause().map_err(Into::into),
        MediaControlEvent::Next => player.next().map_err(Into::into),
        MediaControlEvent::Previous => player.previous().map_err(Into::into),
        MediaControlEvent::Stop => player.stop().map_err(Into::into),
        MediaControlEvent::SetPosition(MediaPosition(to)) => player.seek(*to).map_err(Into::into),
        _ => Ok(()),
    };
    if let Err(error) = result {
        tracing::warn!(%error, ?event, "a media key could not be applied");
    }
}
