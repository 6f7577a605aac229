//! The operating system's media controls (MPRIS on Linux, SMTC on Windows, Now Playing on
//! macOS) through souvlaki: what plays is published with its title, artist, album and length,
//! and the system's play, pause, next and previous keys reach the player.

use std::sync::Mutex;

use shrimp_core::{PlayerEvent, PlayerState};
use souvlaki::{
    MediaControlEvent, MediaControls, MediaMetadata, MediaPlayback, MediaPosition, PlatformConfig,
};
use tauri::{AppHandle, Manager, Runtime};

use crate::commands::CoreState;
use crate::commands::player::PlayerBridge;

/// The bus name: `org.mpris.MediaPlayer2.shrimp` on Linux.
pub const DBUS_NAME: &str = "shrimp";

/// The controls, once attached (none on a system without a session bus).
#[derive(Default)]
pub struct OsMediaControls(Mutex<Option<MediaControls>>);

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
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(controls);
    }

    /// Publishes one player event: the track's tags when it changes, and playing or paused.
    pub fn publish<R: Runtime>(&self, app: &AppHandle<R>, event: &PlayerEvent) {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(controls) = slot.as_mut() else {
            return;
        };
        let result = match event {
            PlayerEvent::TrackChanged {
                path, duration_ms, ..
            } => {
                let track = app.state::<CoreState>().get().ok().and_then(|core| {
                    tauri::async_runtime::block_on(core.track_at(std::path::Path::new(path)))
                });
                let title = track.as_ref().map_or_else(
                    || {
                        std::path::Path::new(path)
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    },
                    |t| t.title.clone(),
                );
                controls.set_metadata(MediaMetadata {
                    title: Some(&title),
                    artist: track.as_ref().and_then(|t| t.artist.as_deref()),
                    album: track.as_ref().and_then(|t| t.album.as_deref()),
                    cover_url: None,
                    duration: duration_ms.map(|ms| std::time::Duration::from_millis(u64::from(ms))),
                })
            }
            PlayerEvent::StateChanged { state } => controls.set_playback(match state {
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
}

/// Applies a media key, or the same action from the tray menu, to the player. The player is
/// reached through the bridge, so a player that this starts still reports to the windows.
pub fn apply<R: Runtime>(app: &AppHandle<R>, event: &MediaControlEvent) {
    let state = app.state::<CoreState>();
    let Ok(core) = state.get() else {
        return;
    };
    if !matches!(event, MediaControlEvent::Raise)
        && let Err(error) = app.state::<PlayerBridge>().player(core)
    {
        tracing::warn!(?error, ?event, "the player is not available");
        return;
    }
    let result = match event {
        MediaControlEvent::Toggle => core.toggle_playback(),
        MediaControlEvent::Play => {
            let playing = core
                .player()
                .map(|(p, _)| p.status().state == PlayerState::Playing);
            if matches!(playing, Ok(true)) {
                Ok(())
            } else {
                core.toggle_playback()
            }
        }
        MediaControlEvent::Pause => core.player().and_then(|(p, _)| Ok(p.pause()?)),
        MediaControlEvent::Next => core.player().and_then(|(p, _)| Ok(p.next()?)),
        MediaControlEvent::Previous => core.player().and_then(|(p, _)| Ok(p.previous()?)),
        MediaControlEvent::Stop => core.player().and_then(|(p, _)| Ok(p.stop()?)),
        MediaControlEvent::SetPosition(MediaPosition(to)) => {
            core.player().and_then(|(p, _)| Ok(p.seek(*to)?))
        }
        MediaControlEvent::Raise => {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.show();
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
            Ok(())
        }
        _ => Ok(()),
    };
    if let Err(error) = result {
        tracing::warn!(%error, ?event, "a media key could not be applied");
    }
}
