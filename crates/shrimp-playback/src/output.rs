//! The audio output: device listing, opening a device through rodio/cpal (PulseAudio when a
//! server is reachable, ALSA otherwise) with an explicit buffer, and the `Stream` source the
//! device pulls from.
//!
//! The device callback only reads: it takes ready `Block`s from a bounded channel, drops
//! the ones from a stale generation, applies the volume and counts frames. It never decodes
//! or blocks. Through rodio an empty channel plays silence; PulseAudio can wait instead, so
//! there the callback hands over only real audio while audio is due (see [`Stream::fill`]).
//!
//! Frames are counted as they are pulled, which runs ahead of hearing by the device's queue
//! (`latency`); a track change is announced and positions are reported once that queue has
//! been played through, so both follow what is heard.

use std::num::NonZero;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::task::Waker;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait};
use rodio::{DeviceSinkBuilder, DeviceSinkError, MixerDeviceSink, Source};

use crate::error::PlaybackError;

/// The device period asked for through rodio/cpal (hosts other than PulseAudio): the callback
/// fills this much at a time and two periods stay queued, so 50–100 ms of audio sit between
/// the engine and the speaker. Smaller periods start sounds sooner but underrun on a loaded
/// machine (25 ms periods dropped out in the capture tests here). Through PulseAudio the
/// buffer and the request size are set apart instead: see [`PULSE_BUFFER`].
pub const BUFFER_DURATION: Duration = Duration::from_millis(50);

/// Through PulseAudio (Linux), the audio kept queued in the server and the size of its requests.
#[cfg(target_os = "linux")]
pub use crate::pulse_output::{REQUEST as PULSE_REQUEST, TARGET_BUFFER as PULSE_BUFFER};

/// An output device as listed to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDevice {
    /// Stable identifier to select the device with (`host:device`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    pub is_default: bool,
}

/// The rate and channel count the device plays at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFormat {
    pub sample_rate: u32,
    pub channels: usize,
}

/// Lists the output devices of the preferred host.
pub fn list_devices() -> Result<Vec<OutputDevice>, PlaybackError> {
    let host = host();
    let default_id = host.default_output_device().and_then(|d| d.id().ok());
    let devices = host
        .output_devices()
        .map_err(|e| PlaybackError::Output(e.to_string()))?;
    Ok(devices
        .filter_map(|device| {
            let id = device.id().ok()?;
            let name = device
                .description()
                .map_or_else(|_| id.to_string(), |d| d.name().to_owned());
            Some(OutputDevice {
                is_default: default_id.as_ref() == Some(&id),
                id: id.to_string(),
                name,
            })
        })
        .collect())
}

/// A chunk of samples at the device's rate and channel count, on its way to the device.
#[derive(Debug)]
pub(crate) struct Block {
    pub generation: u64,
    /// Set on the block whose first frame is the first frame of a queue entry.
    pub entry_start: Option<u64>,
    /// Interleaved samples, whole frames.
    pub samples: Vec<f32>,
    /// The last block of the queue: nothing follows.
    pub end_of_queue: bool,
}

/// What the device callback tells the engine.
#[derive(Debug)]
pub(crate) enum OutputEvent {
    /// The first frame of entry `seq` was handed to the device.
    EntryStarted {
        generation: u64,
        seq: u64,
        at: Instant,
    },
    /// The last block of the queue was played.
    Drained { generation: u64 },
    /// The device reported an error (typically: it disappeared).
    Failed(String),
}

/// State the engine shares with the device callback: only atomics, written by one side each.
#[derive(Debug)]
pub(crate) struct Controls {
    /// Blocks from any other generation are stale and dropped (engine writes).
    pub generation: AtomicU64,
    pub paused: AtomicBool,
    /// Volume as `f32` bits (engine writes).
    pub volume: AtomicU32,
    /// The entry being heard and how many frames of it were played (callback writes).
    pub entry: AtomicU64,
    pub entry_frames: AtomicU64,
    /// Frames the device has pulled, sound or silence: a heartbeat (callback writes).
    pub pulled: AtomicU64,
    /// The host asked for audio that is due but not decoded yet, and waits for it (callback
    /// writes): the device is alive, the decoder is late.
    pub waiting: AtomicBool,
    /// The generation whose audio is due: played as it arrives, never padded with silence
    /// where the host can wait (engine writes).
    pub due: AtomicU64,
    /// Wakes a host waiting for audio (PulseAudio) when blocks arrive or the engine resumes.
    pub wakeup: Arc<Wakeup>,
}

/// A waker left by a host that is waiting for audio.
#[derive(Debug, Default)]
pub(crate) struct Wakeup(Mutex<Option<Waker>>);

impl Wakeup {
    pub fn register(&self, waker: &Waker) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(waker.clone());
        }
    }

    pub fn wake(&self) {
        let waker = self.0.lock().ok().and_then(|mut slot| slot.take());
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Controls {
    pub fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            paused: AtomicBool::new(false),
            volume: AtomicU32::new(1.0f32.to_bits()),
            entry: AtomicU64::new(u64::MAX),
            entry_frames: AtomicU64::new(0),
            pulled: AtomicU64::new(0),
            waiting: AtomicBool::new(false),
            due: AtomicU64::new(u64::MAX),
            wakeup: Arc::default(),
        }
    }
}

type Notify = Box<dyn Fn(OutputEvent) + Send>;

/// The device connection: rodio/cpal, or PulseAudio directly (see `pulse_output`).
enum Sink {
    Rodio(#[allow(dead_code)] MixerDeviceSink),
    #[cfg(target_os = "linux")]
    Pulse(#[allow(dead_code)] crate::pulse_output::PulseOutput),
}

/// An open device. Dropping it closes the device.
pub(crate) struct Output {
    sink: Sink,
    pub format: OutputFormat,
    pub device: String,
    /// Audio queued between the source and the speaker: how far pulling runs ahead of hearing.
    pub latency: Duration,
    held: std::cell::Cell<bool>,
}

impl Output {
    /// Drops audio queued for the device, where the host allows it, so a new sound is heard
    /// at once (the stale blocks behind it are already dropped by generation).
    pub fn flush(&self) {
        match &self.sink {
            Sink::Rodio(_) => {}
            #[cfg(target_os = "linux")]
            Sink::Pulse(pulse) => pulse.flush(),
        }
    }

    /// Holds (`true`) or releases the device's queue, where the host allows it, so pause is
    /// immediate and resume continues from the exact sample. Elsewhere the source plays
    /// silence while paused.
    pub fn set_held(&self, held: bool) {
        if self.held.replace(held) == held {
            return;
        }
        match &self.sink {
            Sink::Rodio(_) => {}
            #[cfg(target_os = "linux")]
            Sink::Pulse(pulse) => pulse.set_corked(held),
        }
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("format", &self.format)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

/// Opens `device` (by id, or the default), and starts it pulling from `blocks`.
pub(crate) fn open(
    device: Option<&str>,
    blocks: Receiver<Block>,
    controls: Arc<Controls>,
    notify: impl Fn(OutputEvent) + Send + Clone + 'static,
) -> Result<Output, PlaybackError> {
    let host = host();
    let device = match device {
        None => host
            .default_output_device()
            .ok_or(PlaybackError::NoDevice)?,
        Some(wanted) => host
            .output_devices()
            .map_err(|e| map_cpal_error(&e))?
            .find(|d| d.id().is_ok_and(|id| id.to_string() == wanted))
            .ok_or_else(|| PlaybackError::DeviceNotFound(wanted.to_owned()))?,
    };
    let name = device
        .id()
        .map_or_else(|_| "unknown".to_owned(), |id| id.to_string());
    let rate = device
        .default_output_config()
        .map_err(|e| map_cpal_error(&e))?
        .sample_rate();
    #[cfg(target_os = "linux")]
    if host.id() == cpal::HostId::PulseAudio {
        let config = device
            .default_output_config()
            .map_err(|e| map_cpal_error(&e))?;
        let channels =
            crate::pulse_output::playable_channels(u8::try_from(config.channels()).unwrap_or(2));
        let sink = device.id().map_err(|e| map_cpal_error(&e))?;
        let format = OutputFormat {
            sample_rate: rate,
            channels: usize::from(channels),
        };
        let failed = notify.clone();
        let mut stream = Stream::new(
            blocks,
            controls,
            Box::new(notify),
            format,
            crate::pulse_output::TARGET_BUFFER,
        );
        let wakeup = Arc::clone(&stream.controls.wakeup);
        let pulse = crate::pulse_output::open(
            sink.id(),
            rate,
            channels,
            move |out: &mut [f32]| stream.fill(out),
            wakeup,
            move |message| failed(OutputEvent::Failed(message)),
        )?;
        tracing::info!(device = %name, ?format, "audio output opened (PulseAudio)");
        return Ok(Output {
            sink: Sink::Pulse(pulse),
            format,
            device: name,
            latency: crate::pulse_output::TARGET_BUFFER,
            held: std::cell::Cell::new(false),
        });
    }
    let builder = DeviceSinkBuilder::from_device(device).map_err(|e| map_sink_error(&e))?;
    let period_frames =
        u32::try_from(u128::from(rate) * BUFFER_DURATION.as_millis() / 1000).unwrap_or(2048);
    let failed = notify.clone();
    let mut sink = builder
        .with_buffer_size(cpal::BufferSize::Fixed(period_frames))
        .with_error_callback(move |e| failed(OutputEvent::Failed(e.to_string())))
        .open_stream()
        .map_err(|e| map_sink_error(&e))?;
    sink.log_on_drop(false);
    let config = sink.config();
    let format = OutputFormat {
        sample_rate: config.sample_rate().get(),
        channels: usize::from(config.channel_count().get()),
    };
    let stream = Stream::new(
        blocks,
        controls,
        Box::new(notify),
        format,
        2 * BUFFER_DURATION,
    );
    sink.mixer().add(stream);
    tracing::info!(device = %name, ?format, "audio output opened");
    Ok(Output {
        sink: Sink::Rodio(sink),
        format,
        device: name,
        latency: 2 * BUFFER_DURATION,
        held: std::cell::Cell::new(false),
    })
}

/// The audio host: PulseAudio when a server is configured (cpal's default host check gives up
/// on a slow first handshake, so it is retried here), the platform default otherwise.
fn host() -> cpal::Host {
    #[cfg(target_os = "linux")]
    if cpal::available_hosts().contains(&cpal::HostId::PulseAudio) {
        for _ in 0..2 {
            if let Ok(host) = cpal::host_from_id(cpal::HostId::PulseAudio) {
                return host;
            }
        }
    }
    cpal::default_host()
}

fn map_sink_error(error: &DeviceSinkError) -> PlaybackError {
    match error {
        DeviceSinkError::NoDevice => PlaybackError::NoDevice,
        DeviceSinkError::PlayError(e)
        | DeviceSinkError::DefaultSinkConfigError(e)
        | DeviceSinkError::BuildError(e)
        | DeviceSinkError::SupportedConfigsError(e) => map_cpal_error(e),
        other @ DeviceSinkError::UnsupportedSampleFormat => {
            PlaybackError::Output(other.to_string())
        }
    }
}

fn map_cpal_error(error: &cpal::Error) -> PlaybackError {
    use cpal::ErrorKind;
    match error.kind() {
        ErrorKind::DeviceNotAvailable | ErrorKind::HostUnavailable => PlaybackError::NoDevice,
        _ => PlaybackError::Output(error.to_string()),
    }
}

/// The source the device pulls samples from, one at a time.
struct Stream {
    blocks: Receiver<Block>,
    controls: Arc<Controls>,
    notify: Notify,
    format: OutputFormat,
    block: Option<Block>,
    offset: usize,
    /// Index of the next sample within its frame; decisions are taken at frame starts only.
    phase: usize,
    frame_is_silent: bool,
    /// The volume in effect, ramped towards the target to avoid zipper noise.
    volume: f32,
    /// Frames queued between this source and the speaker.
    latency: u64,
    /// The generation that has had an entry start (later starts in it are gapless joins).
    started: Option<u64>,
    /// The generation whose last block was taken.
    ended: Option<u64>,
    /// A gapless join pulled but not yet heard: its generation, the entry, and frames to
    /// pull until it is.
    join: Option<(u64, u64, u64)>,
    /// After the end of the queue: frames to pull before reporting it drained.
    drain_countdown: Option<(u64, u64)>,
}

impl Stream {
    fn new(
        blocks: Receiver<Block>,
        controls: Arc<Controls>,
        notify: Notify,
        format: OutputFormat,
        latency: Duration,
    ) -> Self {
        let latency =
            u64::try_from(u128::from(format.sample_rate) * latency.as_micros() / 1_000_000)
                .unwrap_or(0);
        Self {
            blocks,
            controls,
            notify,
            format,
            block: None,
            offset: 0,
            phase: 0,
            frame_is_silent: true,
            volume: 1.0,
            latency,
            started: None,
            ended: None,
            join: None,
            drain_countdown: None,
        }
    }

    /// At a frame start: makes sure a block with a frame to play is current, or returns false.
    fn ready_frame(&mut self) -> bool {
        let generation = self.controls.generation.load(Ordering::Acquire);
        loop {
            if let Some(block) = &self.block {
                if block.generation == generation && self.offset < block.samples.len() {
                    return !self.controls.paused.load(Ordering::Relaxed);
                }
                self.block = None;
            }
            let block = match self.blocks.try_recv() {
                Ok(block) => block,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return false,
            };
            if block.generation != generation {
                continue;
            }
            if let Some(seq) = block.entry_start {
                self.entry_started(generation, seq);
            }
            if block.end_of_queue {
                // Announce the end once the device has pulled its queue's worth more, so the
                // last real samples have been played out, not just handed over.
                self.ended = Some(generation);
                self.drain_countdown = Some((generation, self.latency));
            }
            self.offset = 0;
            self.block = Some(block);
        }
    }

    /// The first entry of a generation is heard as soon as it is pulled (the device's queue
    /// was flushed or holds only what came before the command); a gapless join only once the
    /// device has played through its queue.
    fn entry_started(&mut self, generation: u64, seq: u64) {
        if self.started == Some(generation) {
            // A track shorter than the queue: the join before it is heard now, early.
            if let Some((_, earlier, _)) = self.join {
                self.announce(generation, earlier, self.latency);
            }
            self.join = Some((generation, seq, self.latency));
            return;
        }
        self.started = Some(generation);
        self.join = None;
        self.announce(generation, seq, 0);
    }

    /// Entry `seq` is heard, with `frames` of it already pulled.
    fn announce(&mut self, generation: u64, seq: u64, frames: u64) {
        self.controls.entry_frames.store(frames, Ordering::Relaxed);
        self.controls.entry.store(seq, Ordering::Release);
        (self.notify)(OutputEvent::EntryStarted {
            generation,
            seq,
            at: Instant::now(),
        });
    }

    /// Counts one pulled frame towards a pending join, announcing it once heard. The old
    /// entry's frame count runs on until then, so positions stay those of what is heard.
    fn advance_join(&mut self, generation: u64) {
        match self.join {
            Some((of, seq, left)) if of == generation => {
                if left > 0 {
                    self.join = Some((of, seq, left - 1));
                } else {
                    self.join = None;
                    self.announce(generation, seq, self.latency);
                }
            }
            Some(_) => self.join = None,
            None => {}
        }
    }

    /// Fills `out` for a host that can wait for audio (PulseAudio): real frames while the due
    /// generation's audio is ready, silence only when nothing is due (stopped, or after the
    /// end of the queue). `None` when paused or when audio is due but not decoded yet: the
    /// host then waits for [`Controls::wakeup`] rather than queueing silence ahead of it.
    fn fill(&mut self, out: &mut [f32]) -> Option<usize> {
        if self.controls.paused.load(Ordering::Relaxed) {
            return None;
        }
        let generation = self.controls.generation.load(Ordering::Acquire);
        let due = self.controls.due.load(Ordering::Acquire) == generation
            && self.ended != Some(generation);
        let whole = out.len() - out.len() % self.format.channels;
        let mut written = 0;
        while written < whole {
            if self.phase == 0 && due && !self.ready_frame() && self.ended != Some(generation) {
                break;
            }
            out[written] = self.next().unwrap_or(0.0);
            written += 1;
        }
        self.controls.waiting.store(written == 0, Ordering::Relaxed);
        (written > 0).then_some(written)
    }
}

impl Iterator for Stream {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.phase == 0 {
            self.controls.pulled.fetch_add(1, Ordering::Relaxed);
            let generation = self.controls.generation.load(Ordering::Acquire);
            if let Some((generation, frames)) = self.drain_countdown {
                self.drain_countdown = frames.checked_sub(1).map(|left| (generation, left));
                if self.drain_countdown.is_none() {
                    (self.notify)(OutputEvent::Drained { generation });
                }
            }
            self.advance_join(generation);
            self.frame_is_silent = !self.ready_frame();
            if self.frame_is_silent && self.drain_countdown.is_some() {
                // The queue's last frames are still on their way to the speaker.
                self.controls.entry_frames.fetch_add(1, Ordering::Relaxed);
            }
            if !self.frame_is_silent {
                self.controls.entry_frames.fetch_add(1, Ordering::Relaxed);
                let target = f32::from_bits(self.controls.volume.load(Ordering::Relaxed));
                self.volume += (target - self.volume) * 0.002;
                if (target - self.volume).abs() < 1e-4 {
                    self.volume = target;
                }
            }
        }
        self.phase = (self.phase + 1) % self.format.channels;
        if self.frame_is_silent {
            return Some(0.0);
        }
        let block = self.block.as_ref()?;
        let sample = block.samples.get(self.offset).copied().unwrap_or(0.0);
        self.offset += 1;
        Some(sample * self.volume)
    }
}

impl Source for Stream {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> rodio::ChannelCount {
        NonZero::new(u16::try_from(self.format.channels).unwrap_or(2))
            .unwrap_or(NonZero::<u16>::MIN)
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        NonZero::new(self.format.sample_rate).unwrap_or(NonZero::<u32>::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}
