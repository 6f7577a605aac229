//! The engine: one state machine on its own thread that owns the output device and the queue.
//! Its single inbox takes commands from callers, reports from the decoding thread and
//! notifications from the device callback; everything carries a generation, and anything
//! from an older generation (before a seek, skip or stop) is dropped unread.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use crate::decode::frames_to_duration;
use crate::error::PlaybackError;
use crate::event::{Command, PlaybackEvent, PlaybackState};
use crate::loudness::LoudnessCache;
use crate::output::{self, Controls, Output, OutputEvent};
use crate::pipeline::{Job, Pipeline, PipelineEvent};
use crate::queue::{Queue, Repeat};

/// The most often position events are sent.
pub const POSITION_INTERVAL: Duration = Duration::from_millis(200);
/// Blocks (about one packet each) buffered between the decoding thread and the device: the
/// decode-ahead window, one to several seconds.
const BLOCK_QUEUE: usize = 64;
/// A device that has pulled no audio for this long counts as lost (some hosts go quiet
/// instead of reporting an error when the device or sound server disappears). Generous:
/// some sinks take seconds of audio at once (PulseAudio's null sink prefills two seconds).
/// A host waiting for audio the decoder has not produced yet is not stalled: that is a late
/// decoder (a slow disk, a starved machine), heard as a gap, and playback carries on.
const STALL_LIMIT: Duration = Duration::from_secs(5);
/// "Previous" restarts the current track when it has played longer than this.
const RESTART_THRESHOLD: Duration = Duration::from_secs(3);

/// How the engine starts.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Output device id (see [`crate::list_devices`]); the default device when `None`.
    pub device: Option<String>,
    /// Linear volume, `0.0..=1.0`.
    pub volume: f32,
    /// Normalise loudness: ReplayGain track gain from tags.
    pub replay_gain: bool,
    /// With `replay_gain`, files without ReplayGain tags are measured (EBU R128) and
    /// normalised to the same reference. Off by default: the engine then plays untagged files
    /// at their own level.
    pub measure_loudness: bool,
    /// Where measured loudness is remembered between runs (a file the engine appends to); in
    /// memory only when `None`.
    pub loudness_cache: Option<PathBuf>,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            device: None,
            volume: 1.0,
            replay_gain: true,
            measure_loudness: false,
            loudness_cache: None,
        }
    }
}

/// Everything the engine thread receives.
#[derive(Debug)]
enum Inbox {
    Command(Command),
    Pipeline(PipelineEvent),
    /// From the device callback of output number `.0`.
    Output(u64, OutputEvent),
    Shutdown,
}

/// The handle callers hold. Dropping it stops the engine and closes the device.
#[derive(Debug)]
pub struct Engine {
    inbox: Sender<Inbox>,
    threads: Vec<JoinHandle<()>>,
}

impl Engine {
    /// Starts the engine threads and tries to open the output device (a missing device is
    /// reported when playback is asked for, as [`PlaybackError::NoDevice`]).
    pub fn start(
        settings: EngineSettings,
    ) -> Result<(Self, Receiver<PlaybackEvent>), PlaybackError> {
        let (inbox, mailbox) = mpsc::channel();
        let (events, event_stream) = mpsc::channel();
        let (jobs, job_queue) = mpsc::channel();
        let report = inbox.clone();
        let loudness = settings.measure_loudness.then(|| {
            settings
                .loudness_cache
                .clone()
                .map_or_else(LoudnessCache::in_memory, LoudnessCache::load)
        });
        let pipeline = Pipeline::new(job_queue, loudness, move |e| {
            let _ = report.send(Inbox::Pipeline(e));
        });
        let decoding = thread::Builder::new()
            .name("shrimp-decode".into())
            .spawn(move || pipeline.run())
            .map_err(|_| PlaybackError::EngineStopped)?;
        let player = Player::new(settings, inbox.clone(), events, jobs);
        let engine = thread::Builder::new()
            .name("shrimp-playback".into())
            .spawn(move || player.run(&mailbox))
            .map_err(|_| PlaybackError::EngineStopped)?;
        Ok((
            Self {
                inbox,
                threads: vec![engine, decoding],
            },
            event_stream,
        ))
    }

    pub fn send(&self, command: Command) -> Result<(), PlaybackError> {
        self.inbox
            .send(Inbox::Command(command))
            .map_err(|_| PlaybackError::EngineStopped)
    }

    pub fn play(&self, tracks: Vec<PathBuf>, start: usize) -> Result<(), PlaybackError> {
        self.play_at(tracks, start, Duration::ZERO)
    }

    /// [`Self::play`] from `at` into `tracks[start]`: one command, so the start is announced
    /// as a track change (a play followed by a seek would announce nothing, the seek's
    /// restart being the same track).
    pub fn play_at(
        &self,
        tracks: Vec<PathBuf>,
        start: usize,
        at: Duration,
    ) -> Result<(), PlaybackError> {
        self.send(Command::Play { tracks, start, at })
    }

    pub fn pause(&self) -> Result<(), PlaybackError> {
        self.send(Command::Pause)
    }

    pub fn resume(&self) -> Result<(), PlaybackError> {
        self.send(Command::Resume)
    }

    pub fn next(&self) -> Result<(), PlaybackError> {
        self.send(Command::Next)
    }

    pub fn previous(&self) -> Result<(), PlaybackError> {
        self.send(Command::Previous)
    }

    pub fn seek(&self, to: Duration) -> Result<(), PlaybackError> {
        self.send(Command::Seek(to))
    }

    pub fn set_volume(&self, volume: f32) -> Result<(), PlaybackError> {
        self.send(Command::SetVolume(volume))
    }

    pub fn set_shuffle(&self, on: bool) -> Result<(), PlaybackError> {
        self.send(Command::SetShuffle(on))
    }

    pub fn set_repeat(&self, repeat: Repeat) -> Result<(), PlaybackError> {
        self.send(Command::SetRepeat(repeat))
    }

    pub fn set_replay_gain(&self, on: bool) -> Result<(), PlaybackError> {
        self.send(Command::SetReplayGain(on))
    }

    pub fn select_device(&self, device: Option<String>) -> Result<(), PlaybackError> {
        self.send(Command::SelectDevice(device))
    }

    pub fn stop(&self) -> Result<(), PlaybackError> {
        self.send(Command::Stop)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.inbox.send(Inbox::Shutdown);
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a playback thread panicked");
            }
        }
    }
}

/// A queue entry handed to the decoding thread in the current generation.
#[derive(Debug, Clone, Copy)]
struct Entry {
    seq: u64,
    track: usize,
    /// Where in the track it starts (after a seek).
    offset: Duration,
    duration: Option<Duration>,
}

/// The state machine, owned by the engine thread.
struct Player {
    inbox: Sender<Inbox>,
    events: Sender<PlaybackEvent>,
    jobs: Sender<Job>,
    controls: Arc<Controls>,
    output: Option<Output>,
    output_number: u64,
    device: Option<String>,
    queue: Queue,
    state: PlaybackState,
    generation: u64,
    next_seq: u64,
    /// Entries sent for decoding in this generation, oldest first.
    entries: VecDeque<Entry>,
    /// The track the listener is on (requested or heard).
    current: Option<usize>,
    /// The entry being heard.
    heard: Option<u64>,
    replay_gain: bool,
    /// Consecutive entries that failed to decode.
    failures: usize,
    /// Where to continue after the device was lost.
    resume_at: Option<Duration>,
    seed: u64,
    requested_at: Option<Instant>,
    /// An entry whose start is not announced as a track change (it restarts after a seek).
    quiet_start: Option<u64>,
    /// The device heartbeat last seen, and when it last moved.
    pulled: (u64, Instant),
}

impl Player {
    fn new(
        settings: EngineSettings,
        inbox: Sender<Inbox>,
        events: Sender<PlaybackEvent>,
        jobs: Sender<Job>,
    ) -> Self {
        let controls = Arc::new(Controls::new());
        controls
            .volume
            .store(settings.volume.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| u64::from(d.subsec_nanos()) ^ d.as_secs());
        Self {
            inbox,
            events,
            jobs,
            controls,
            output: None,
            output_number: 0,
            device: settings.device,
            queue: Queue::default(),
            state: PlaybackState::Stopped,
            generation: 0,
            next_seq: 0,
            entries: VecDeque::new(),
            current: None,
            heard: None,
            replay_gain: settings.replay_gain,
            failures: 0,
            resume_at: None,
            seed,
            requested_at: None,
            quiet_start: None,
            pulled: (0, Instant::now()),
        }
    }

    fn run(mut self, mailbox: &Receiver<Inbox>) {
        if let Err(error) = self.open_output() {
            tracing::info!(%error, "no audio output at start; will retry on play");
        }
        let mut next_tick = Instant::now() + POSITION_INTERVAL;
        loop {
            let wait = next_tick.saturating_duration_since(Instant::now());
            match mailbox.recv_timeout(wait) {
                Ok(Inbox::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Inbox::Command(command)) => self.obey(command),
                Ok(Inbox::Pipeline(event)) => self.on_pipeline(event),
                Ok(Inbox::Output(number, event)) => self.on_output(number, event),
                Err(RecvTimeoutError::Timeout) => {}
            }
            let now = Instant::now();
            if now >= next_tick {
                next_tick = now + POSITION_INTERVAL;
                self.report_position();
                self.check_heartbeat(now);
            }
        }
        let _ = self.jobs.send(Job::Stop);
    }

    fn emit(&self, event: PlaybackEvent) {
        let _ = self.events.send(event);
    }

    fn set_state(&mut self, state: PlaybackState) {
        if self.state != state {
            self.state = state;
            self.emit(PlaybackEvent::PlaybackStateChanged { state });
        }
    }

    fn fail(&self, path: Option<PathBuf>, error: PlaybackError) {
        tracing::warn!(%error, path = ?path, "playback failed");
        self.emit(PlaybackEvent::PlaybackFailed { path, error });
    }

    fn obey(&mut self, command: Command) {
        match command {
            Command::Play { tracks, start, at } => {
                let repeat = self.queue.repeat();
                let shuffled = self.queue.is_shuffled();
                self.queue = Queue::new(tracks);
                self.queue.set_repeat(repeat);
                if shuffled {
                    let seed = self.next_seed();
                    self.queue.set_shuffle(true, seed, Some(start));
                }
                if start >= self.queue.len() {
                    self.stop();
                    return;
                }
                self.failures = 0;
                self.requested_at = Some(Instant::now());
                self.quiet_start = None;
                self.play_track(start, at, false);
            }
            Command::Pause => {
                if self.state == PlaybackState::Playing {
                    if let Some(output) = &self.output {
                        output.set_held(true);
                    }
                    self.controls.paused.store(true, Ordering::Relaxed);
                    self.set_state(PlaybackState::Paused);
                }
            }
            Command::Resume => match (self.state, self.current) {
                (PlaybackState::Paused, Some(track)) if self.output.is_none() => {
                    let at = self.resume_at.take().unwrap_or_default();
                    self.play_track(track, at, false);
                }
                (PlaybackState::Paused, _) => {
                    self.controls.paused.store(false, Ordering::Relaxed);
                    if let Some(output) = &self.output {
                        output.set_held(false);
                    }
                    self.controls.wakeup.wake();
                    self.set_state(PlaybackState::Playing);
                }
                (PlaybackState::Stopped, Some(track)) => {
                    self.play_track(track, Duration::ZERO, false);
                }
                _ => {}
            },
            Command::Next => {
                if let Some(track) = self.current.and_then(|c| self.queue.after(c)) {
                    self.play_track(track, Duration::ZERO, false);
                } else {
                    self.stop();
                }
            }
            Command::Previous => {
                if let Some(current) = self.current {
                    let track = if self.position() > RESTART_THRESHOLD {
                        current
                    } else {
                        self.queue.before(current).unwrap_or(current)
                    };
                    self.play_track(track, Duration::ZERO, false);
                }
            }
            Command::Seek(to) => self.seek(to),
            Command::SetVolume(volume) => {
                let volume = if volume.is_finite() {
                    volume.clamp(0.0, 1.0)
                } else {
                    1.0
                };
                self.controls
                    .volume
                    .store(volume.to_bits(), Ordering::Relaxed);
            }
            Command::SetShuffle(on) => {
                let seed = self.next_seed();
                self.queue.set_shuffle(on, seed, self.current);
            }
            Command::SetRepeat(repeat) => self.queue.set_repeat(repeat),
            Command::SetReplayGain(on) => self.replay_gain = on,
            Command::SelectDevice(device) => self.select_device(device),
            Command::Stop => self.stop(),
        }
    }

    fn seek(&mut self, to: Duration) {
        let Some(track) = self.current else {
            return;
        };
        if self.state == PlaybackState::Stopped {
            return;
        }
        let paused = self.state == PlaybackState::Paused;
        if paused && self.output.is_none() {
            self.resume_at = Some(to);
        } else {
            self.play_track(track, to, paused);
            // Same track: its restart is not a track change.
            self.quiet_start = self.entries.back().map(|e| e.seq);
        }
        self.emit(PlaybackEvent::PositionChanged {
            index: track,
            position: to,
        });
    }

    /// Moves playback to another device, continuing where it was.
    fn select_device(&mut self, device: Option<String>) {
        let at = self.position();
        self.close_output();
        self.device = device;
        match self.open_output() {
            Ok(()) => {
                if let (Some(track), true) = (self.current, self.state != PlaybackState::Stopped) {
                    let paused = self.state == PlaybackState::Paused;
                    self.play_track(track, at, paused);
                }
            }
            Err(error) => {
                self.fail(None, error);
                self.resume_at = Some(at);
                if self.state == PlaybackState::Playing {
                    self.set_state(PlaybackState::Paused);
                }
            }
        }
    }

    fn next_seed(&mut self) -> u64 {
        self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.seed
    }

    /// Starts a new generation playing `track` from `offset`.
    fn play_track(&mut self, track: usize, offset: Duration, paused: bool) {
        if let Err(error) = self.open_output() {
            self.fail(None, error);
            self.new_generation();
            self.set_state(PlaybackState::Stopped);
            return;
        }
        self.new_generation();
        self.current = Some(track);
        self.controls.paused.store(paused, Ordering::Relaxed);
        self.controls.due.store(self.generation, Ordering::Release);
        if let Some(output) = &self.output {
            // What the device has queued is stale: the new sound is heard as soon as it is
            // decoded, not behind it.
            output.flush();
            output.set_held(paused);
        }
        self.request(track, offset);
        self.set_state(if paused {
            PlaybackState::Paused
        } else {
            PlaybackState::Playing
        });
    }

    /// Makes everything in flight stale.
    fn new_generation(&mut self) {
        self.generation += 1;
        self.controls
            .generation
            .store(self.generation, Ordering::Release);
        self.entries.clear();
        self.heard = None;
        self.controls.wakeup.wake();
    }

    /// Asks the decoding thread to append `track` from `offset` to this generation.
    fn request(&mut self, track: usize, offset: Duration) {
        let Some(path) = self.queue.path(track) else {
            return;
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push_back(Entry {
            seq,
            track,
            offset,
            duration: None,
        });
        let _ = self.jobs.send(Job::Decode {
            generation: self.generation,
            seq,
            path: path.to_owned(),
            start: offset,
            replay_gain: self.replay_gain,
        });
    }

    fn stop(&mut self) {
        self.new_generation();
        let _ = self.jobs.send(Job::Stop);
        self.resume_at = None;
        self.set_state(PlaybackState::Stopped);
    }

    fn entry(&self, seq: u64) -> Option<&Entry> {
        self.entries.iter().find(|e| e.seq == seq)
    }

    fn on_pipeline(&mut self, event: PipelineEvent) {
        match event {
            PipelineEvent::Opened {
                generation,
                seq,
                info,
            } if generation == self.generation => {
                if let Some(entry) = self.entries.iter_mut().find(|e| e.seq == seq) {
                    entry.duration = info.duration();
                }
            }
            PipelineEvent::Decoded { generation, seq } if generation == self.generation => {
                let following = self.entry(seq).and_then(|e| self.queue.following(e.track));
                self.append(following);
            }
            PipelineEvent::Failed {
                generation,
                seq,
                error,
            } if generation == self.generation => {
                let track = self.entry(seq).map(|e| e.track);
                self.fail(
                    track
                        .and_then(|t| self.queue.path(t))
                        .map(ToOwned::to_owned),
                    error,
                );
                self.failures += 1;
                let next = if self.failures >= self.queue.len() {
                    None
                } else {
                    track.and_then(|t| self.queue.after(t))
                };
                self.append(next);
            }
            stale => tracing::trace!(?stale, "dropped a stale decoder report"),
        }
    }

    /// Appends `track` to the stream, or marks the end of the queue.
    fn append(&mut self, track: Option<usize>) {
        match track {
            Some(track) => self.request(track, Duration::ZERO),
            None => {
                let _ = self.jobs.send(Job::Finish {
                    generation: self.generation,
                });
            }
        }
    }

    fn on_output(&mut self, number: u64, event: OutputEvent) {
        if number != self.output_number || self.output.is_none() {
            return;
        }
        match event {
            OutputEvent::EntryStarted {
                generation,
                seq,
                at,
            } if generation == self.generation => {
                let Some(entry) = self.entry(seq).copied() else {
                    return;
                };
                while self.entries.front().is_some_and(|e| e.seq != seq) {
                    self.entries.pop_front();
                }
                if let Some(requested) = self.requested_at.take() {
                    tracing::debug!(latency = ?at.duration_since(requested), "first sample out");
                }
                self.heard = Some(seq);
                self.current = Some(entry.track);
                self.failures = 0;
                if self.quiet_start.take() == Some(seq) {
                    return;
                }
                self.emit(PlaybackEvent::TrackChanged {
                    index: entry.track,
                    path: self
                        .queue
                        .path(entry.track)
                        .map(ToOwned::to_owned)
                        .unwrap_or_default(),
                    duration: entry.duration,
                });
            }
            OutputEvent::Drained { generation } if generation == self.generation => {
                self.heard = None;
                self.set_state(PlaybackState::Stopped);
            }
            OutputEvent::Failed(message) => {
                let at = self.position();
                self.close_output();
                self.resume_at = Some(at);
                self.fail(None, PlaybackError::DeviceLost(message));
                if self.state == PlaybackState::Playing {
                    self.set_state(PlaybackState::Paused);
                }
            }
            _ => {}
        }
    }

    /// Where the listener is in the current track.
    fn position(&self) -> Duration {
        let Some(output) = &self.output else {
            return self.resume_at.unwrap_or_default();
        };
        match self.heard.and_then(|seq| self.entry(seq)) {
            Some(entry) if self.controls.entry.load(Ordering::Acquire) == entry.seq => {
                // Pulled frames run ahead of the speaker by the device's queue.
                let rate = output.format.sample_rate;
                let queued =
                    u64::try_from(u128::from(rate) * output.latency.as_micros() / 1_000_000)
                        .unwrap_or(0);
                let frames = self.controls.entry_frames.load(Ordering::Relaxed);
                entry.offset + frames_to_duration(frames.saturating_sub(queued), rate)
            }
            _ => self.entries.front().map(|e| e.offset).unwrap_or_default(),
        }
    }

    fn report_position(&self) {
        if self.state != PlaybackState::Playing || self.heard.is_none() {
            return;
        }
        if let Some(index) = self.current {
            self.emit(PlaybackEvent::PositionChanged {
                index,
                position: self.position(),
            });
        }
    }

    /// Treats a device that stopped pulling audio as lost.
    fn check_heartbeat(&mut self, now: Instant) {
        if self.output.is_none()
            || self.state != PlaybackState::Playing
            || self.controls.waiting.load(Ordering::Relaxed)
        {
            // A held (paused) or idle device may rightly pull nothing; one waiting for audio
            // asked for it.
            self.pulled = (self.controls.pulled.load(Ordering::Relaxed), now);
            return;
        }
        let pulled = self.controls.pulled.load(Ordering::Relaxed);
        if pulled != self.pulled.0 {
            self.pulled = (pulled, now);
        } else if now.duration_since(self.pulled.1) > STALL_LIMIT {
            self.on_output(
                self.output_number,
                OutputEvent::Failed("the output device stopped taking audio".into()),
            );
        }
    }

    fn open_output(&mut self) -> Result<(), PlaybackError> {
        if self.output.is_some() {
            return Ok(());
        }
        let (blocks, receiver) = mpsc::sync_channel(BLOCK_QUEUE);
        let number = self.output_number + 1;
        let inbox = self.inbox.clone();
        let output = output::open(
            self.device.as_deref(),
            receiver,
            Arc::clone(&self.controls),
            move |event| {
                let _ = inbox.send(Inbox::Output(number, event));
            },
        )?;
        self.output_number = number;
        let _ = self.jobs.send(Job::Connect {
            blocks,
            format: output.format,
            wakeup: Arc::clone(&self.controls.wakeup),
        });
        self.emit(PlaybackEvent::OutputOpened {
            device: output.device.clone(),
            sample_rate: output.format.sample_rate,
            channels: output.format.channels,
        });
        self.output = Some(output);
        self.pulled = (self.controls.pulled.load(Ordering::Relaxed), Instant::now());
        Ok(())
    }

    fn close_output(&mut self) {
        if self.output.take().is_some() {
            self.new_generation();
            let _ = self.jobs.send(Job::Stop);
        }
    }
}
