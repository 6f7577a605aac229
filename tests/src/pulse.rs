//! A private PulseAudio server per test, whose only sink is a pipe: everything played into it
//! is drained from a FIFO into memory in real time, so a test can check what was heard
//! (duration, level, frequency, gaps and clicks). The server runs with its own runtime folder
//! and socket and is stopped by PID when the handle is dropped.
//!
//! Programs reach it through the environment from [`Pulse::env`] (`PULSE_SERVER` and
//! friends), given to the child process that plays.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::process::Running;

/// The sink's format: what every capture holds.
pub const RATE: u32 = 48_000;
pub const CHANNELS: usize = 2;

/// A running PulseAudio server with a capturing pipe sink.
#[derive(Debug)]
pub struct Pulse {
    dir: tempfile::TempDir,
    server: Option<Running>,
    captured: Arc<Mutex<Vec<u8>>>,
}

impl Pulse {
    /// Starts the server and waits until it accepts clients.
    pub fn start() -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new().prefix("shrimp-pulse").tempdir()?;
        let runtime = dir.path().join("run");
        std::fs::create_dir(&runtime)?;
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;
        let fifo = dir.path().join("sink.fifo");
        let status = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .context("running mkfifo")?;
        if !status.success() {
            bail!("mkfifo {} failed", fifo.display());
        }
        let captured = Arc::new(Mutex::new(Vec::new()));
        drain(&fifo, Arc::clone(&captured))?;

        let socket = runtime.join("native");
        let mut command = Command::new("pulseaudio");
        command
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--system=false",
                "--disallow-exit",
                "--log-target=stderr",
            ])
            .arg(format!(
                "--load=module-native-protocol-unix socket={} auth-anonymous=1",
                socket.display()
            ))
            .arg(format!(
                "--load=module-pipe-sink file={} sink_name=capture format=float32le rate={RATE} \
                 channels={CHANNELS} use_system_clock_for_timing=yes",
                fifo.display()
            ))
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("PULSE_RUNTIME_PATH", &runtime)
            .env("PULSE_STATE_PATH", dir.path().join("state"));
        let mut server = Running::spawn("pulseaudio", command, &dir.path().join("pulse.log"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            server.check_alive().with_context(|| log_of(dir.path()))?;
            if Instant::now() > deadline {
                bail!("PulseAudio did not start: {}", log_of(dir.path()));
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(Self {
            dir,
            server: Some(server),
            captured,
        })
    }

    /// The environment that points a client at this server and nowhere else.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        let runtime = self.dir.path().join("run");
        let mut server = OsString::from("unix:");
        server.push(runtime.join("native"));
        vec![
            ("PULSE_SERVER", server),
            ("PULSE_RUNTIME_PATH", runtime.clone().into_os_string()),
            ("XDG_RUNTIME_DIR", runtime.into_os_string()),
        ]
    }

    /// A scratch folder that lives as long as the server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's log so far, for failure messages.
    pub fn log(&self) -> String {
        log_of(self.dir.path())
    }

    /// Stops the server now (the sound device "disappears").
    pub fn kill(&mut self) {
        self.server = None;
    }

    /// Everything captured so far.
    pub fn capture(&self) -> Capture {
        self.capture_from(0)
    }

    /// How many frames have been captured so far (cheap: nothing is copied).
    pub fn frames(&self) -> usize {
        self.captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
            / (4 * CHANNELS)
    }

    /// What was captured from frame `first` on (its frame 0 is `first`): a test that listens
    /// for minutes need not copy everything it heard before.
    pub fn capture_from(&self, first: usize) -> Capture {
        let bytes = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        let start = (first * 4 * CHANNELS).min(bytes.len());
        let samples = bytes[start..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Capture { samples }
    }
}

impl Pulse {
    /// Waits until `seconds` of sound have come out since frame `since`, counted from the first
    /// left-channel sample louder than `threshold`; returns the frame where the sound starts.
    pub fn wait_for_sound(
        &self,
        since: usize,
        seconds: f64,
        threshold: f32,
        within: Duration,
    ) -> anyhow::Result<usize> {
        let deadline = Instant::now() + within;
        loop {
            let left = self.capture_from(since).channel(0);
            if let Some(start) = left.iter().position(|s| s.abs() > threshold) {
                #[allow(clippy::cast_precision_loss)]
                let heard = (left.len() - start) as f64 / f64::from(RATE);
                if heard >= seconds {
                    return Ok(since + start);
                }
            }
            if Instant::now() > deadline {
                bail!(
                    "no {seconds} s of sound within {within:?} after frame {since}: {}",
                    self.log()
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
    }
}

fn log_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("pulse.log")).unwrap_or_default()
}

/// Reads the FIFO into `captured` on a thread of its own. The FIFO is opened read-write,
/// which on Linux never blocks and never sees end-of-file, so the thread simply waits for
/// data and ends with the test process.
fn drain(fifo: &Path, captured: Arc<Mutex<Vec<u8>>>) -> anyhow::Result<()> {
    let mut file: File = OpenOptions::new()
        .read(true)
        .write(true)
        .open(fifo)
        .with_context(|| format!("opening {}", fifo.display()))?;
    thread::Builder::new()
        .name("pulse-capture".into())
        .spawn(move || {
            let mut buffer = vec![0u8; 64 * 1024];
            while let Ok(n) = file.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                captured
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&buffer[..n]);
            }
        })?;
    Ok(())
}

/// Captured audio: interleaved stereo `f32` at [`RATE`].
#[derive(Debug, Clone)]
pub struct Capture {
    samples: Vec<f32>,
}

impl Capture {
    pub fn frames(&self) -> usize {
        self.samples.len() / CHANNELS
    }

    /// One channel's samples.
    pub fn channel(&self, channel: usize) -> Vec<f32> {
        self.samples
            .iter()
            .skip(channel)
            .step_by(CHANNELS)
            .copied()
            .collect()
    }

    /// From the first to the last frame louder than `threshold` in any channel.
    pub fn sound(&self, threshold: f32) -> Option<Range<usize>> {
        let loud = |frame: &[f32]| frame.iter().any(|s| s.abs() > threshold);
        let frames: Vec<&[f32]> = self.samples.chunks_exact(CHANNELS).collect();
        let first = frames.iter().position(|f| loud(f))?;
        let last = frames.iter().rposition(|f| loud(f))?;
        Some(first..last + 1)
    }

    pub fn seconds(frames: usize) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let frames = frames as f64;
        frames / f64::from(RATE)
    }

    /// Root mean square of `channel` over `range`.
    pub fn rms(&self, channel: usize, range: Range<usize>) -> f64 {
        let samples = &self.channel(channel)[range];
        let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        #[allow(clippy::cast_precision_loss)]
        let n = samples.len().max(1) as f64;
        (sum / n).sqrt()
    }

    /// The dominant frequency of `channel` over `range`, from its rising zero crossings
    /// (interpolated between samples).
    pub fn frequency(&self, channel: usize, range: Range<usize>) -> f64 {
        let samples = &self.channel(channel)[range];
        let mut crossings = Vec::new();
        for (i, pair) in samples.windows(2).enumerate() {
            let (a, b) = (f64::from(pair[0]), f64::from(pair[1]));
            if a <= 0.0 && b > 0.0 {
                #[allow(clippy::cast_precision_loss)]
                crossings.push(i as f64 + a / (a - b));
            }
        }
        match (crossings.first(), crossings.last()) {
            (Some(first), Some(last)) if crossings.len() > 1 => {
                #[allow(clippy::cast_precision_loss)]
                let cycles = (crossings.len() - 1) as f64;
                cycles * f64::from(RATE) / (last - first)
            }
            _ => 0.0,
        }
    }

    /// The largest deviation of `channel` over `range` from a pure sine of `frequency`: each
    /// sample of a sine is `2·cos(ω)·x[n-1] − x[n-2]`, so any gap, repeated or dropped
    /// sample, or click shows up as a large residual.
    pub fn sine_residual(&self, channel: usize, range: Range<usize>, frequency: f64) -> f32 {
        let samples = &self.channel(channel)[range];
        #[allow(clippy::cast_possible_truncation)]
        let k = (2.0 * (std::f64::consts::TAU * frequency / f64::from(RATE)).cos()) as f32;
        samples
            .windows(3)
            .map(|w| (w[2] - k * w[1] + w[0]).abs())
            .fold(0.0, f32::max)
    }

    /// Amplitude and phase (radians, at the first frame of `range`) of the `frequency`
    /// component of `channel`, by correlation. Use ranges of whole cycles.
    pub fn sine_fit(&self, channel: usize, range: Range<usize>, frequency: f64) -> (f64, f64) {
        let samples = &self.channel(channel)[range];
        let omega = std::f64::consts::TAU * frequency / f64::from(RATE);
        let (mut sin_sum, mut cos_sum) = (0.0, 0.0);
        for (n, &s) in samples.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let angle = omega * n as f64;
            sin_sum += f64::from(s) * angle.sin();
            cos_sum += f64::from(s) * angle.cos();
        }
        #[allow(clippy::cast_precision_loss)]
        let scale = 2.0 / samples.len().max(1) as f64;
        let (a, b) = (sin_sum * scale, cos_sum * scale);
        (a.hypot(b), b.atan2(a))
    }

    /// Runs of at least `min_frames` frames quieter than `threshold` inside `range`.
    pub fn gaps(
        &self,
        range: Range<usize>,
        threshold: f32,
        min_frames: usize,
    ) -> Vec<Range<usize>> {
        let mut gaps = Vec::new();
        let mut start = None;
        for frame in range.clone() {
            let quiet = self.samples[frame * CHANNELS..(frame + 1) * CHANNELS]
                .iter()
                .all(|s| s.abs() <= threshold);
            match (quiet, start) {
                (true, None) => start = Some(frame),
                (false, Some(s)) => {
                    if frame - s >= min_frames {
                        gaps.push(s..frame);
                    }
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start.filter(|s| range.end - s >= min_frames) {
            gaps.push(s..range.end);
        }
        gaps
    }
}
