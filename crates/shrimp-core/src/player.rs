//! The player as the app and the command line use it: one audio engine (its own threads own
//! the output device and the queue), driven by plain methods, with its events fanned out to
//! any number of subscribers in one serialisable shape.
//!
//! Loudness is normalised: ReplayGain from the tags when a file has it, otherwise the file is
//! measured (EBU R128) once and the result cached in the data folder. Playing a store
//! preview, a purchased track or a library queue is the same call: [`Player::play`] with
//! file paths.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shrimp_api::{ApiError, ErrorCode};
use shrimp_playback::{Engine, EngineSettings, PlaybackEvent, Repeat};
pub use shrimp_playback::{OutputDevice, PlaybackError, PlaybackState};

use crate::AppPaths;

/// The loudness cache, inside the data folder.
const LOUDNESS_CACHE: &str = "cache/loudness.tsv";

/// The wire code for a playback failure.
pub fn playback_error_code(error: &PlaybackError) -> ErrorCode {
    match error {
        PlaybackError::NoDevice
        | PlaybackError::DeviceNotFound(_)
        | PlaybackError::DeviceLost(_)
        | PlaybackError::Output(_) => ErrorCode::Unavailable,
        PlaybackError::Decode { .. } => ErrorCode::InvalidInput,
        PlaybackError::Resample(_) | PlaybackError::EngineStopped => ErrorCode::Internal,
    }
}

/// A playback failure in the one wire shape.
pub fn playback_api_error(error: &PlaybackError) -> ApiError {
    ApiError::new(playback_error_code(error), error.to_string())
}

/// Repeat mode, as it crosses the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RepeatMode {
    #[default]
    Off,
    One,
    All,
}

impl From<RepeatMode> for Repeat {
    fn from(mode: RepeatMode) -> Self {
        match mode {
            RepeatMode::Off => Self::Off,
            RepeatMode::One => Self::One,
            RepeatMode::All => Self::All,
        }
    }
}

/// Whether sound is coming out, as it crosses the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PlayerState {
    #[default]
    Stopped,
    Playing,
    Paused,
}

impl From<PlaybackState> for PlayerState {
    fn from(state: PlaybackState) -> Self {
        match state {
            PlaybackState::Stopped => Self::Stopped,
            PlaybackState::Playing => Self::Playing,
            PlaybackState::Paused => Self::Paused,
        }
    }
}

/// What the player reports, past tense; positions come at most 5 times a second.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PlayerEvent {
    StateChanged {
        state: PlayerState,
    },
    /// The first sample of queue entry `index` reached the output.
    TrackChanged {
        index: u32,
        path: String,
        duration_ms: Option<u32>,
    },
    PositionChanged {
        index: u32,
        position_ms: u32,
    },
    /// An output device was opened.
    OutputOpened {
        device: String,
        sample_rate: u32,
        channels: u32,
    },
    /// Something failed: a file (skipped) or the device (playback pauses or stops).
    /// `reason` is the engine's finer code (`no_audio_device`, `undecodable_audio`…).
    Failed {
        path: Option<String>,
        code: ErrorCode,
        reason: String,
        message: String,
    },
}

fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl From<PlaybackEvent> for PlayerEvent {
    fn from(event: PlaybackEvent) -> Self {
        match event {
            PlaybackEvent::PlaybackStateChanged { state } => Self::StateChanged {
                state: state.into(),
            },
            PlaybackEvent::TrackChanged {
                index: i,
                path,
                duration,
            } => Self::TrackChanged {
                index: index(i),
                path: path.display().to_string(),
                duration_ms: duration.map(millis),
            },
            PlaybackEvent::PositionChanged { index: i, position } => Self::PositionChanged {
                index: index(i),
                position_ms: millis(position),
            },
            PlaybackEvent::OutputOpened {
                device,
                sample_rate,
                channels,
            } => Self::OutputOpened {
                device,
                sample_rate,
                channels: index(channels),
            },
            PlaybackEvent::PlaybackFailed { path, error } => Self::Failed {
                path: path.map(|p| p.display().to_string()),
                code: playback_error_code(&error),
                reason: error.code().to_owned(),
                message: error.to_string(),
            },
        }
    }
}

/// The player's state as last reported, for a view that subscribes late.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlayerStatus {
    pub state: PlayerState,
    /// The queue entry being heard.
    pub index: Option<u32>,
    pub path: Option<String>,
    pub duration_ms: Option<u32>,
    pub position_ms: u32,
    /// The open output device.
    pub device: Option<String>,
}

impl PlayerStatus {
    fn apply(&mut self, event: &PlayerEvent) {
        match event {
            PlayerEvent::StateChanged { state } => {
                self.state = *state;
                if *state == PlayerState::Stopped {
                    self.position_ms = 0;
                }
            }
            PlayerEvent::TrackChanged {
                index,
                path,
                duration_ms,
            } => {
                self.index = Some(*index);
                self.path = Some(path.clone());
                self.duration_ms = *duration_ms;
                self.position_ms = 0;
            }
            PlayerEvent::PositionChanged { position_ms, .. } => self.position_ms = *position_ms,
            PlayerEvent::OutputOpened { device, .. } => self.device = Some(device.clone()),
            PlayerEvent::Failed { .. } => {}
        }
    }
}

/// How the player starts.
#[derive(Debug, Clone)]
pub struct PlayerSettings {
    /// Output device id (see [`Player::devices`]); the default device when `None`.
    pub device: Option<String>,
    /// Linear volume, `0.0..=1.0`.
    pub volume: f32,
    /// Normalise loudness (ReplayGain tags, else measured and cached).
    pub normalise: bool,
}

impl Default for PlayerSettings {
    fn default() -> Self {
        Self {
            device: None,
            volume: 1.0,
            normalise: true,
        }
    }
}

#[derive(Debug, Default)]
struct Shared {
    subscribers: Vec<Sender<PlayerEvent>>,
    status: PlayerStatus,
}

/// The audio player. Dropping it stops playback and closes the device. `Send + Sync`: share
/// it behind an `Arc` (a desktop command and a media key may both call it).
#[derive(Debug)]
pub struct Player {
    engine: Engine,
    shared: Arc<Mutex<Shared>>,
}

impl Player {
    /// Starts the engine; the loudness cache lives in the data folder. A missing audio device
    /// is not an error here: playing reports it as a `Failed` event (`no_audio_device`).
    pub fn start(paths: &AppPaths, settings: &PlayerSettings) -> Result<Self, PlaybackError> {
        let (engine, events) = Engine::start(EngineSettings {
            device: settings.device.clone(),
            volume: settings.volume,
            replay_gain: settings.normalise,
            measure_loudness: true,
            loudness_cache: Some(paths.data_dir().join(LOUDNESS_CACHE)),
        })?;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let fan_out = Arc::clone(&shared);
        thread::Builder::new()
            .name("shrimp-player-events".into())
            .spawn(move || {
                // Ends when the engine is dropped and its event channel closes.
                for event in events {
                    let event = PlayerEvent::from(event);
                    let mut shared = fan_out.lock().unwrap_or_else(PoisonError::into_inner);
                    shared.status.apply(&event);
                    shared
                        .subscribers
                        .retain(|subscriber| subscriber.send(event.clone()).is_ok());
                }
            })
            .map_err(|_| PlaybackError::EngineStopped)?;
        Ok(Self { engine, shared })
    }

    /// A new stream of the player's events from now on (dropping the receiver unsubscribes).
    pub fn subscribe(&self) -> Receiver<PlayerEvent> {
        let (sender, receiver) = mpsc::channel();
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .subscribers
            .push(sender);
        receiver
    }

    /// The state as last reported.
    pub fn status(&self) -> PlayerStatus {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .status
            .clone()
    }

    /// Replaces the queue with `files` and plays from `files[start]`. One file is a preview or
    /// a single track; a list is an album or a playlist, played gaplessly.
    pub fn play(&self, files: Vec<PathBuf>, start: usize) -> Result<(), PlaybackError> {
        self.engine.play(files, start)
    }

    /// [`Self::play`] from `at` into `files[start]` (a queue picked up where it was left),
    /// announced as a track change like any start.
    pub fn play_at(
        &self,
        files: Vec<PathBuf>,
        start: usize,
        at: Duration,
    ) -> Result<(), PlaybackError> {
        self.engine.play_at(files, start, at)
    }

    pub fn pause(&self) -> Result<(), PlaybackError> {
        self.engine.pause()
    }

    pub fn resume(&self) -> Result<(), PlaybackError> {
        self.engine.resume()
    }

    /// Pauses when playing, resumes otherwise (a media key).
    pub fn toggle(&self) -> Result<(), PlaybackError> {
        if self.status().state == PlayerState::Playing {
            self.pause()
        } else {
            self.resume()
        }
    }

    pub fn next(&self) -> Result<(), PlaybackError> {
        self.engine.next()
    }

    /// Back to the start of the track, or to the previous one when near its start.
    pub fn previous(&self) -> Result<(), PlaybackError> {
        self.engine.previous()
    }

    pub fn seek(&self, to: Duration) -> Result<(), PlaybackError> {
        self.engine.seek(to)
    }

    /// Linear volume, clamped to `0.0..=1.0`.
    pub fn set_volume(&self, volume: f32) -> Result<(), PlaybackError> {
        self.engine.set_volume(volume)
    }

    pub fn set_shuffle(&self, on: bool) -> Result<(), PlaybackError> {
        self.engine.set_shuffle(on)
    }

    pub fn set_repeat(&self, mode: RepeatMode) -> Result<(), PlaybackError> {
        self.engine.set_repeat(mode.into())
    }

    /// Turns loudness normalisation on or off (from the next track).
    pub fn set_normalise(&self, on: bool) -> Result<(), PlaybackError> {
        self.engine.set_replay_gain(on)
    }

    /// Moves playback to another output device (`None`: the default), continuing in place.
    pub fn select_device(&self, device: Option<String>) -> Result<(), PlaybackError> {
        self.engine.select_device(device)
    }

    pub fn stop(&self) -> Result<(), PlaybackError> {
        self.engine.stop()
    }

    /// The output devices there are now.
    pub fn devices() -> Result<Vec<OutputDevice>, PlaybackError> {
        shrimp_playback::list_devices()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_the_wire_in_camel_case_with_a_type_tag() {
        let event = PlayerEvent::from(PlaybackEvent::TrackChanged {
            index: 2,
            path: "/m/a.flac".into(),
            duration: Some(Duration::from_millis(1500)),
        });
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "trackChanged", "index": 2, "path": "/m/a.flac", "durationMs": 1500})
        );
        let failed = PlayerEvent::from(PlaybackEvent::PlaybackFailed {
            path: None,
            error: PlaybackError::NoDevice,
        });
        let json = serde_json::to_value(&failed).unwrap();
        assert_eq!(json["code"], "unavailable");
        assert_eq!(json["reason"], "no_audio_device");
    }

    #[test]
    fn status_follows_the_events() {
        let mut status = PlayerStatus::default();
        for event in [
            PlayerEvent::StateChanged {
                state: PlayerState::Playing,
            },
            PlayerEvent::TrackChanged {
                index: 1,
                path: "b.flac".into(),
                duration_ms: Some(3000),
            },
            PlayerEvent::PositionChanged {
                index: 1,
                position_ms: 1200,
            },
        ] {
            status.apply(&event);
        }
        assert_eq!(status.state, PlayerState::Playing);
        assert_eq!(status.index, Some(1));
        assert_eq!(status.position_ms, 1200);
        status.apply(&PlayerEvent::StateChanged {
            state: PlayerState::Stopped,
        });
        assert_eq!(status.position_ms, 0);
    }

    #[test]
    fn a_player_without_a_sound_server_reports_no_device_not_a_crash() {
        // Whatever the machine has, starting must not fail and a bad file must be reported.
        let temp = tempfile::tempdir().unwrap();
        let paths = AppPaths::resolve(Some(temp.path().into()), None, None).unwrap();
        let player = Player::start(&paths, &PlayerSettings::default()).unwrap();
        let events = player.subscribe();
        let bad = temp.path().join("bad.flac");
        std::fs::write(&bad, b"not audio").unwrap();
        player.play(vec![bad], 0).unwrap();
        let failed = events
            .iter()
            .find(|e| matches!(e, PlayerEvent::Failed { .. }))
            .unwrap();
        let PlayerEvent::Failed { code, .. } = failed else {
            unreachable!()
        };
        assert!(matches!(
            code,
            ErrorCode::InvalidInput | ErrorCode::Unavailable
        ));
        drop(player);
    }
}
