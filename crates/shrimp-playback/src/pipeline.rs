//! The decoding thread: file → PCM → ReplayGain → resampling → device channels → blocks for
//! the output, running ahead of the device by the output channel's capacity.
//!
//! It decodes one queue entry at a time as the engine asks. When an entry ends it tells the
//! engine, which answers with the entry to append (or "finish"); the next entry's samples
//! follow the previous ones in the same stream, through the same resampler when the rates
//! match, so the join is sample-contiguous. Every job carries the engine's generation; a job
//! from a new generation discards everything in flight.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::time::Duration;

use crate::decode::{Decoder, TrackInfo};
use crate::downmix::Downmix;
use crate::error::{DecodeError, PlaybackError};
use crate::loudness::LoudnessCache;
use crate::output::{Block, OutputFormat, Wakeup};
use crate::resample::Resampler;

/// How long the thread waits for room in the output channel before checking for jobs again.
const BACKOFF: Duration = Duration::from_millis(5);

/// Work for the decoding thread.
#[derive(Debug)]
pub(crate) enum Job {
    /// From now on, send blocks in `format` to `blocks` (a newly opened device).
    Connect {
        blocks: SyncSender<Block>,
        format: OutputFormat,
        /// Woken whenever blocks are handed over: the device may be waiting for them.
        wakeup: Arc<Wakeup>,
    },
    /// Decode `path` from `start` as entry `seq`, after whatever this generation has sent.
    Decode {
        generation: u64,
        seq: u64,
        path: PathBuf,
        start: Duration,
        replay_gain: bool,
    },
    /// Nothing follows: flush and mark the end of the queue.
    Finish { generation: u64 },
    /// Drop everything in flight.
    Stop,
}

/// What the decoding thread reports to the engine.
#[derive(Debug)]
pub(crate) enum PipelineEvent {
    Opened {
        generation: u64,
        seq: u64,
        info: TrackInfo,
    },
    /// The entry was decoded to its end; the engine may append the next one.
    Decoded { generation: u64, seq: u64 },
    /// The entry could not be (fully) decoded; what was decoded still plays.
    Failed {
        generation: u64,
        seq: u64,
        error: PlaybackError,
    },
}

struct Entry {
    seq: u64,
    decoder: Decoder,
    gain: f32,
}

pub(crate) struct Pipeline {
    jobs: Receiver<Job>,
    report: Box<dyn Fn(PipelineEvent) + Send>,
    blocks: Option<SyncSender<Block>>,
    wakeup: Arc<Wakeup>,
    format: OutputFormat,
    generation: u64,
    entry: Option<Entry>,
    resampler: Option<Resampler>,
    /// Output frames of this generation at which the resampler started.
    resampler_base: u64,
    /// Output frames sent in this generation.
    emitted: u64,
    /// Entry starts not yet reached in the output: (output frame, seq).
    starts: VecDeque<(u64, u64)>,
    /// An entry start reached, to mark on the next block.
    start_due: Option<u64>,
    /// Blocks ready but not yet accepted by the output channel.
    pending: VecDeque<Block>,
    decoded: Vec<f32>,
    resampled: Vec<f32>,
    /// The channel matrix last used, rebuilt when the source or device layout changes.
    downmix: Downmix,
    /// Measured loudness for files without ReplayGain tags; `None`: tags only.
    loudness: Option<LoudnessCache>,
}

impl Pipeline {
    pub fn new(
        jobs: Receiver<Job>,
        loudness: Option<LoudnessCache>,
        report: impl Fn(PipelineEvent) + Send + 'static,
    ) -> Self {
        Self {
            jobs,
            report: Box::new(report),
            blocks: None,
            wakeup: Arc::default(),
            format: OutputFormat {
                sample_rate: 48_000,
                channels: 2,
            },
            generation: 0,
            entry: None,
            resampler: None,
            resampler_base: 0,
            emitted: 0,
            starts: VecDeque::new(),
            start_due: None,
            pending: VecDeque::new(),
            decoded: Vec::new(),
            resampled: Vec::new(),
            downmix: Downmix::new(2, 2),
            loudness,
        }
    }

    /// Runs until the engine hangs up.
    pub fn run(mut self) {
        let mut blocked = false;
        loop {
            let job = if self.pending.is_empty() && self.entry.is_none() {
                match self.jobs.recv() {
                    Ok(job) => Some(job),
                    Err(_) => return,
                }
            } else if blocked {
                match self.jobs.recv_timeout(BACKOFF) {
                    Ok(job) => Some(job),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match self.jobs.try_recv() {
                    Ok(job) => Some(job),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            };
            if let Some(job) = job {
                self.handle(job);
            }
            blocked = !self.send_pending();
            if !blocked && self.entry.is_some() {
                self.step();
            }
        }
    }

    fn handle(&mut self, job: Job) {
        match job {
            Job::Connect {
                blocks,
                format,
                wakeup,
            } => {
                self.reset(self.generation);
                self.blocks = Some(blocks);
                self.format = format;
                self.wakeup = wakeup;
            }
            Job::Decode {
                generation,
                seq,
                path,
                start,
                replay_gain,
            } => {
                if generation != self.generation {
                    self.reset(generation);
                }
                if let Err(error) = self.begin(seq, &path, start, replay_gain) {
                    (self.report)(PipelineEvent::Failed {
                        generation,
                        seq,
                        error: PlaybackError::Decode {
                            path,
                            source: error,
                        },
                    });
                }
            }
            Job::Finish { generation } => {
                if generation == self.generation {
                    self.finish_resampler();
                    self.pending.push_back(Block {
                        generation,
                        entry_start: self.start_due.take(),
                        samples: Vec::new(),
                        end_of_queue: true,
                    });
                }
            }
            Job::Stop => self.reset(self.generation),
        }
    }

    /// Forgets everything in flight and starts generation `generation`.
    fn reset(&mut self, generation: u64) {
        self.generation = generation;
        self.entry = None;
        self.resampler = None;
        self.resampler_base = 0;
        self.emitted = 0;
        self.starts.clear();
        self.start_due = None;
        self.pending.clear();
    }

    /// Opens entry `seq` and lines it up after what was sent so far.
    fn begin(
        &mut self,
        seq: u64,
        path: &Path,
        start: Duration,
        replay_gain: bool,
    ) -> Result<(), DecodeError> {
        let mut decoder = Decoder::open(path)?;
        if !start.is_zero() {
            decoder.seek(start)?;
        }
        let info = decoder.info().clone();
        let reuse = self.resampler.as_ref().is_some_and(|r| {
            r.rates() == (info.sample_rate, self.format.sample_rate)
                && r.channels() == info.channels
        });
        if !reuse {
            self.finish_resampler();
            if info.sample_rate != self.format.sample_rate {
                match Resampler::new(info.sample_rate, self.format.sample_rate, info.channels) {
                    Ok(resampler) => {
                        self.resampler = Some(resampler);
                        self.resampler_base = self.emitted;
                    }
                    Err(e) => return Err(DecodeError::Unsupported(e.to_string())),
                }
            }
        }
        let at = match &self.resampler {
            Some(r) => self.resampler_base + r.output_frame_for(r.input_frames()),
            None => self.emitted,
        };
        self.starts.push_back((at, seq));
        let gain = match (&mut self.loudness, info.replay_gain.track_gain_db) {
            (_, _) if !replay_gain => 1.0,
            (Some(cache), None) => match cache.loudness(path) {
                Ok(measured) => measured.replay_gain().track_factor(),
                Err(error) => {
                    tracing::warn!(%error, path = %path.display(), "loudness not measured");
                    1.0
                }
            },
            _ => info.replay_gain.track_factor(),
        };
        (self.report)(PipelineEvent::Opened {
            generation: self.generation,
            seq,
            info,
        });
        self.entry = Some(Entry { seq, decoder, gain });
        Ok(())
    }

    /// Decodes one packet of the current entry and queues its blocks.
    fn step(&mut self) {
        let Some(entry) = self.entry.as_mut() else {
            return;
        };
        self.decoded.clear();
        let result = entry.decoder.read_f32(&mut self.decoded);
        let seq = entry.seq;
        match result {
            Ok(0) => {
                self.entry = None;
                (self.report)(PipelineEvent::Decoded {
                    generation: self.generation,
                    seq,
                });
            }
            Ok(_) => {
                let gain = entry.gain;
                let channels = entry.decoder.info().channels;
                if (gain - 1.0).abs() > f32::EPSILON {
                    self.decoded.iter_mut().for_each(|s| *s *= gain);
                }
                self.resampled.clear();
                let decoded = std::mem::take(&mut self.decoded);
                let result = if let Some(r) = self.resampler.as_mut() {
                    r.process(&decoded, &mut self.resampled)
                } else {
                    self.resampled.extend_from_slice(&decoded);
                    Ok(())
                };
                self.decoded = decoded;
                match result {
                    Ok(()) => {
                        let samples = std::mem::take(&mut self.resampled);
                        self.emit(&samples, channels);
                        self.resampled = samples;
                    }
                    Err(error) => self.fail(seq, error),
                }
            }
            Err(error) => {
                let path = entry.decoder.path().to_owned();
                self.fail(
                    seq,
                    PlaybackError::Decode {
                        path,
                        source: error,
                    },
                );
            }
        }
    }

    fn fail(&mut self, seq: u64, error: PlaybackError) {
        self.entry = None;
        (self.report)(PipelineEvent::Failed {
            generation: self.generation,
            seq,
            error,
        });
    }

    /// Flushes the resampler's tail into the output and retires it.
    fn finish_resampler(&mut self) {
        if let Some(mut resampler) = self.resampler.take() {
            let channels = resampler.channels();
            self.resampled.clear();
            let mut tail = std::mem::take(&mut self.resampled);
            if let Err(e) = resampler.finish(&mut tail) {
                tracing::warn!(error = %e, "resampler flush failed");
            }
            self.emit(&tail, channels);
            self.resampled = tail;
        }
    }

    /// Maps `samples` (interleaved, `channels` per frame, device rate) to the device's
    /// channels and queues them as blocks, split where entries start.
    fn emit(&mut self, samples: &[f32], channels: usize) {
        let out_channels = self.format.channels;
        if !self.downmix.maps(channels, out_channels) {
            self.downmix = Downmix::new(channels, out_channels);
        }
        let frames = samples.len() / channels.max(1);
        let mut done = 0usize;
        while done < frames {
            while let Some(&(at, seq)) = self.starts.front() {
                if at > self.emitted {
                    break;
                }
                self.starts.pop_front();
                self.start_due = Some(seq);
            }
            let until_start = self.starts.front().map_or(usize::MAX, |&(at, _)| {
                usize::try_from(at - self.emitted).unwrap_or(usize::MAX)
            });
            let take = (frames - done).min(until_start);
            let mut block = Vec::with_capacity(take * out_channels);
            for frame in samples[done * channels..(done + take) * channels].chunks_exact(channels) {
                self.downmix.apply(frame, &mut block);
            }
            self.pending.push_back(Block {
                generation: self.generation,
                entry_start: self.start_due.take(),
                samples: block,
                end_of_queue: false,
            });
            done += take;
            self.emitted += take as u64;
        }
    }

    /// Hands pending blocks to the output. False when the output is full (try again later).
    fn send_pending(&mut self) -> bool {
        let Some(blocks) = &self.blocks else {
            self.pending.clear();
            return true;
        };
        let mut sent = false;
        while let Some(block) = self.pending.pop_front() {
            match blocks.try_send(block) {
                Ok(()) => sent = true,
                Err(TrySendError::Full(block)) => {
                    self.pending.push_front(block);
                    if sent {
                        self.wakeup.wake();
                    }
                    return false;
                }
                Err(TrySendError::Disconnected(_)) => {
                    // The device was closed; the engine will connect a new one.
                    self.blocks = None;
                    self.reset(self.generation);
                    return true;
                }
            }
        }
        if sent {
            self.wakeup.wake();
        }
        true
    }
}
