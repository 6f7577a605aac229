//! PulseAudio output, talking to the server directly (through the same pure-Rust client cpal
//! uses) so the buffer can be shaped: cpal asks for a buffer of exactly two callback periods,
//! which ties start latency to the buffer size (50 ms periods made a play command wait 79 ms
//! for its first sample to be taken). Here the server keeps [`TARGET_BUFFER`] of audio queued
//! — the explicit 50–100 ms of protection against a loaded machine — but asks for more every
//! [`REQUEST`], so a new sound is taken within about one request of being ready.

use std::ffi::CString;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_executor::block_on;
use pulseaudio::protocol::{self, ChannelPosition};
use pulseaudio::{AsPlaybackSource, Client};

use crate::error::PlaybackError;

/// Audio the server keeps queued for this stream.
pub const TARGET_BUFFER: Duration = Duration::from_millis(80);
/// How much the server asks for at a time (its request granularity).
pub const REQUEST: Duration = Duration::from_millis(10);

/// An open PulseAudio playback stream. Dropping it deletes the stream.
pub(crate) struct PulseOutput {
    client: Client,
    stream: Option<pulseaudio::PlaybackStream>,
    closing: Arc<AtomicBool>,
}

impl std::fmt::Debug for PulseOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PulseOutput").finish_non_exhaustive()
    }
}

fn bytes(d: Duration, rate: u32, channels: u8) -> u32 {
    let per_second = u128::from(rate) * u128::from(channels) * 4;
    u32::try_from(per_second * d.as_micros() / 1_000_000).unwrap_or(u32::MAX)
}

fn channel_map(channels: u8) -> protocol::ChannelMap {
    use ChannelPosition::{
        FrontCenter, FrontLeft, FrontRight, Lfe, Mono, RearLeft, RearRight, SideLeft, SideRight,
    };
    let positions: &[ChannelPosition] = match channels {
        1 => &[Mono],
        4 => &[FrontLeft, FrontRight, RearLeft, RearRight],
        6 => &[FrontLeft, FrontRight, FrontCenter, Lfe, RearLeft, RearRight],
        8 => &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            Lfe,
            RearLeft,
            RearRight,
            SideLeft,
            SideRight,
        ],
        // Stereo, and anything `playable_channels` turned into stereo.
        _ => &[FrontLeft, FrontRight],
    };
    protocol::ChannelMap::new(positions.iter().copied())
}

/// The channel count a stream is opened with for a device of `channels`: the layouts with a
/// standard channel map, else stereo (the server remixes).
pub(crate) fn playable_channels(channels: u8) -> u8 {
    if matches!(channels, 1 | 2 | 4 | 6 | 8) {
        channels
    } else {
        2
    }
}

/// Opens a stream on sink `sink` at `rate` and `channels`, pulling samples from `next`.
/// `failed` is called once if the connection breaks while the stream is open.
pub(crate) fn open(
    sink: &str,
    rate: u32,
    channels: u8,
    mut next: impl FnMut() -> f32 + Send + 'static,
    failed: impl Fn(String) + Send + 'static,
) -> Result<PulseOutput, PlaybackError> {
    let client = Client::from_env(c"shrimp").map_err(|e| map_error(&e))?;
    let channels = playable_channels(channels);
    let params = protocol::PlaybackStreamParams {
        sink_name: Some(CString::new(sink).map_err(|_| PlaybackError::NoDevice)?),
        sample_spec: protocol::SampleSpec {
            format: protocol::SampleFormat::Float32Le,
            channels,
            sample_rate: rate,
        },
        channel_map: channel_map(channels),
        buffer_attr: protocol::stream::BufferAttr {
            max_length: bytes(TARGET_BUFFER * 2, rate, channels),
            target_length: bytes(TARGET_BUFFER, rate, channels),
            minimum_request_length: bytes(REQUEST, rate, channels),
            // Start playing once the buffer is full, as usual.
            pre_buffering: u32::MAX,
            fragment_size: u32::MAX,
        },
        flags: protocol::stream::StreamFlags {
            adjust_latency: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let frame = 4 * usize::from(channels);
    let callback = move |buf: &mut [u8]| {
        let whole = buf.len() - buf.len() % frame;
        for sample in buf[..whole].chunks_exact_mut(4) {
            sample.copy_from_slice(&next().to_le_bytes());
        }
        whole
    };
    let stream = block_on(client.create_playback_stream(params, callback.as_playback_source()))
        .map_err(|e| map_error(&e))?;
    let closing = Arc::new(AtomicBool::new(false));
    let driver = stream.clone();
    let closed = Arc::clone(&closing);
    std::thread::Builder::new()
        .name("shrimp-pulse".into())
        .spawn(move || {
            // The source never ends, so this returns only when the connection does.
            let result = block_on(driver.play_all());
            if !closed.load(Ordering::SeqCst) {
                failed(match result {
                    Ok(()) => "the PulseAudio stream ended".into(),
                    Err(e) => format!("PulseAudio: {e}"),
                });
            }
        })
        .map_err(|e| PlaybackError::Output(e.to_string()))?;
    Ok(PulseOutput {
        client,
        stream: Some(stream),
        closing,
    })
}

fn map_error(error: &pulseaudio::ClientError) -> PlaybackError {
    match error {
        pulseaudio::ClientError::ServerUnavailable => PlaybackError::NoDevice,
        pulseaudio::ClientError::ServerError(protocol::PulseError::NoEntity) => {
            PlaybackError::NoDevice
        }
        other => PlaybackError::Output(other.to_string()),
    }
}

impl Drop for PulseOutput {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        if let Some(stream) = self.stream.take() {
            // Bounded: a hung server must not hang the engine thread.
            let deleting = std::thread::spawn(move || block_on(stream.delete()));
            let deadline = std::time::Instant::now() + Duration::from_millis(500);
            while !deleting.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let _ = &self.client;
    }
}
