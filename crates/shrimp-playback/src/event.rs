//! What callers send the engine and what it reports back.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::PlaybackError;
use crate::queue::Repeat;

/// A request to the engine. Commands are handled in order on the engine thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Replace the queue with `tracks` and play from `tracks[start]`, `at` into it (a queue
    /// picked up where it was left). The start is announced as a track change either way.
    Play {
        tracks: Vec<PathBuf>,
        start: usize,
        at: Duration,
    },
    Pause,
    Resume,
    /// Skip to the next track in the queue.
    Next,
    /// Back to the start of the track, or to the previous one when near its start.
    Previous,
    /// Jump within the current track.
    Seek(Duration),
    /// Output volume, linear, clamped to `0.0..=1.0`.
    SetVolume(f32),
    SetShuffle(bool),
    SetRepeat(Repeat),
    /// Apply each file's ReplayGain track gain.
    SetReplayGain(bool),
    /// Use the output device with this id (see [`crate::list_devices`]), or the default.
    SelectDevice(Option<String>),
    Stop,
}

/// Whether sound is coming out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackState {
    Stopped,
    Playing,
    Paused,
}

/// Something that happened in the engine. Position events come at most every
/// [`crate::POSITION_INTERVAL`].
#[derive(Debug, Clone, PartialEq)]
pub enum PlaybackEvent {
    PlaybackStateChanged {
        state: PlaybackState,
    },
    /// The first sample of queue entry `index` reached the output.
    TrackChanged {
        index: usize,
        path: PathBuf,
        duration: Option<Duration>,
    },
    PositionChanged {
        index: usize,
        position: Duration,
    },
    /// A device was opened (at start, after a selection, or after one was lost).
    OutputOpened {
        device: String,
        sample_rate: u32,
        channels: usize,
    },
    /// Something failed. A bad file is skipped; a lost device pauses playback.
    PlaybackFailed {
        path: Option<PathBuf>,
        error: PlaybackError,
    },
}
