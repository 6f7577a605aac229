//! PulseAudio output, talking to the server directly (through the same pure-Rust client cpal
//! uses) so the buffer can be shaped: cpal asks for a buffer of exactly two callback periods,
//! which ties start latency to the buffer size (50 ms periods made a play command wait 79 ms
//! for its first sample to be taken). Here the server keeps [`TARGET_BUFFER`] of audio queued
//! — protection against a loaded machine, where a sound server kept from running for longer
//! than its queue inserts silence — but asks for more every [`REQUEST`]. A new play or seek
//! flushes the queue ([`PulseOutput::flush`]), so the new sound is taken within about one
//! request and heard at once instead of behind the old queue; pausing corks the stream, so
//! pause is immediate and resume continues from the exact sample.

use std::ffi::CString;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_executor::block_on;
use pulseaudio::protocol::{self, ChannelPosition};
use pulseaudio::{Client, PlaybackSource};

use crate::error::PlaybackError;
use crate::output::Wakeup;

/// Audio the server keeps queued for this stream. 80 ms proved too thin on a loaded two-core
/// machine (a 7 ms dropout in CI); flushing on play keeps a deep queue from costing latency.
pub const TARGET_BUFFER: Duration = Duration::from_millis(300);
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

/// Feeds the server from `fill` (samples written, or `None` for "nothing yet"), waiting on
/// `wakeup` rather than queueing silence when nothing is ready.
struct Feed<F> {
    fill: F,
    wakeup: Arc<Wakeup>,
    samples: Vec<f32>,
}

impl<F> Feed<F>
where
    F: FnMut(&mut [f32]) -> Option<usize>,
{
    fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.samples.resize(buf.len() / 4, 0.0);
        let written = (self.fill)(&mut self.samples)?;
        for (bytes, sample) in buf.chunks_exact_mut(4).zip(&self.samples[..written]) {
            bytes.copy_from_slice(&sample.to_le_bytes());
        }
        Some(written * 4)
    }
}

impl<F> PlaybackSource for Feed<F>
where
    F: FnMut(&mut [f32]) -> Option<usize> + Send + Unpin + 'static,
{
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<usize> {
        let feed = self.get_mut();
        if let Some(bytes) = feed.read(buf) {
            return Poll::Ready(bytes);
        }
        // Register, then look again: audio that arrived in between would find no waker.
        feed.wakeup.register(cx.waker());
        feed.read(buf).map_or(Poll::Pending, Poll::Ready)
    }
}

/// Opens a stream on sink `sink` at `rate` and `channels`, fed by `fill` (see [`Feed`]).
/// `failed` is called once if the connection breaks while the stream is open.
pub(crate) fn open(
    sink: &str,
    rate: u32,
    channels: u8,
    fill: impl FnMut(&mut [f32]) -> Option<usize> + Send + Unpin + 'static,
    wakeup: Arc<Wakeup>,
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
    let feed = Feed {
        fill,
        wakeup,
        samples: Vec::new(),
    };
    let stream =
        block_on(client.create_playback_stream(params, feed)).map_err(|e| map_error(&e))?;
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

impl PulseOutput {
    /// Drops the audio queued on the server, which then asks for a fresh buffer at once.
    pub(crate) fn flush(&self) {
        if let Some(stream) = self.stream.clone() {
            bounded(move || {
                let _ = block_on(stream.flush());
            });
        }
    }

    /// Stops (`true`) or restarts the server playing this stream, keeping what is queued.
    pub(crate) fn set_corked(&self, corked: bool) {
        if let Some(stream) = self.stream.clone() {
            bounded(move || {
                let _ = if corked {
                    block_on(stream.cork())
                } else {
                    block_on(stream.uncork())
                };
            });
        }
    }
}

/// Runs a server round trip on its own thread, waiting at most half a second: a hung server
/// must not hang the engine thread.
fn bounded(work: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("shrimp-pulse-call".into())
        .spawn(move || {
            work();
            let _ = done.send(());
        });
    if spawned.is_ok() {
        let _ = finished.recv_timeout(Duration::from_millis(500));
    }
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
            bounded(move || {
                let _ = block_on(stream.delete());
            });
        }
        let _ = &self.client;
    }
}
