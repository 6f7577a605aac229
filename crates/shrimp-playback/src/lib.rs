//! Shrimp's audio engine. It owns everything between a file on disk and the sound card:
//! decoding with symphonia (FLAC, MP3, Ogg Vorbis, WAV, AIFF, ALAC, AAC/M4A) with gapless
//! trimming, high-quality resampling with rubato to the device rate, downmixing to the device's
//! channels, ReplayGain or measured EBU R128 loudness normalisation, and output
//! through rodio/cpal. One engine thread owns the output and the play queue; callers send it
//! commands over a channel and receive past-tense events ([`PlaybackEvent`]) over another.
//! A decoding thread runs ahead of the output so the next track is appended sample-contiguous
//! (gapless); its results carry a generation number and stale ones are dropped.
//!
//! This crate must not know about the library database, the store, HTTP, the desktop shell or
//! the UI: it is given file paths and settings and reports what it played. It depends on
//! symphonia, rubato, rodio/cpal, `thiserror` and `tracing` only.

pub mod decode;
pub mod downmix;
mod edit_list;
pub mod engine;
pub mod error;
pub mod event;
pub mod loudness;
pub mod measure;
pub mod output;
mod pipeline;
#[cfg(target_os = "linux")]
mod pulse_output;
pub mod queue;
pub mod resample;

pub use decode::{Decoded, Decoder, ReplayGain, TrackInfo, decode_f32, decode_i32};
pub use error::{DecodeError, PlaybackError};
pub use loudness::{Loudness, LoudnessCache};

pub use engine::{Engine, EngineSettings, POSITION_INTERVAL};
pub use event::{Command, PlaybackEvent, PlaybackState};
pub use output::{OutputDevice, list_devices};
pub use queue::{Queue, Repeat};
