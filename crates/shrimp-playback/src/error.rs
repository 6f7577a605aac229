//! The errors of the audio engine: one enum for reading a file, one for the engine and output.

use std::path::PathBuf;

/// Why a file could not be decoded. Every malformed, truncated or hostile file ends here:
/// decoding never panics or hangs, and never allocates without a bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {message}")]
    Io { path: PathBuf, message: String },
    /// No supported container or audio codec was recognised.
    #[error("unsupported audio: {0}")]
    Unsupported(String),
    /// The stream is damaged or not what it claims to be.
    #[error("malformed audio: {0}")]
    Malformed(String),
    /// The stream asks for more than the engine allows (channels, rate, packet or total size).
    #[error("audio exceeds a limit: {0}")]
    LimitExceeded(String),
    /// A seek could not be carried out.
    #[error("cannot seek: {0}")]
    Seek(String),
    /// The decoder panicked on this input; the panic was contained.
    #[error("the decoder failed on malformed input: {0}")]
    DecoderPanicked(String),
}

/// Why the engine or the audio output could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybackError {
    /// There is no audio output device to play on.
    #[error("no audio output device is available")]
    NoDevice,
    /// The named output device does not exist (any more).
    #[error("audio output device {0:?} was not found")]
    DeviceNotFound(String),
    /// The output device failed or disappeared while in use.
    #[error("the audio output device failed: {0}")]
    DeviceLost(String),
    /// The output device could not be opened.
    #[error("cannot open the audio output: {0}")]
    Output(String),
    /// A file in the queue could not be decoded; the engine skips it.
    #[error("{path}: {source}")]
    Decode {
        path: PathBuf,
        #[source]
        source: DecodeError,
    },
    /// The resampler could not be built or failed.
    #[error("resampling failed: {0}")]
    Resample(String),
    /// The engine thread is gone (it was shut down or could not start).
    #[error("the playback engine is not running")]
    EngineStopped,
}

impl PlaybackError {
    /// A stable, machine-readable code for the wire and the UI (which branches on it).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoDevice => "no_audio_device",
            Self::DeviceNotFound(_) => "audio_device_not_found",
            Self::DeviceLost(_) => "audio_device_lost",
            Self::Output(_) => "audio_output",
            Self::Decode { .. } => "undecodable_audio",
            Self::Resample(_) => "resampling",
            Self::EngineStopped => "engine_stopped",
        }
    }
}
