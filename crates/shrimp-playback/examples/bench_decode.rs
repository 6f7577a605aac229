//! Benchmarks the engine's decoding against ffmpeg on the same files in the same run, and the
//! time from a play command to the first sample at the output.
//!
//! ```text
//! cargo run --release -p shrimp-playback --example bench_decode            # generated files
//! cargo run --release -p shrimp-playback --example bench_decode -- FILE…   # your files
//! ```
//!
//! Without files it generates a 5-minute FLAC and MP3 (pink noise and a tone: dense like
//! music) with sox and ffmpeg. Each figure is the median of several runs. Decoding goes
//! through the engine's path (file → symphonia → gapless trim → interleaved `f32`), once as is
//! and once with resampling to 48 kHz, without real-time output; ffmpeg runs as
//! `ffmpeg -threads 1 -i FILE -f null -`. The latency part starts a private PulseAudio server
//! (its own socket; stopped by PID at the end) and measures play command → first sample
//! handed to the device, then the process's peak memory while playing.

#![allow(clippy::print_stdout)] // A benchmark: printing is its output.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use shrimp_playback::measure::decode_through_pipeline;
use shrimp_playback::output::{PULSE_BUFFER, PULSE_REQUEST};
use shrimp_playback::resample::Resampler;
use shrimp_playback::{Decoder, Engine, EngineSettings, PlaybackEvent};

const RUNS: usize = 7;
const LATENCY_RUNS: usize = 15;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--latency-child") {
        return measure_latency(Path::new(&args[1]));
    }
    let scratch = tempfile::tempdir()?;
    let files: Vec<PathBuf> = if args.is_empty() {
        generate(scratch.path())?
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    println!("decode throughput, median of {RUNS} runs (one core):");
    for file in &files {
        bench_decode(file)?;
    }
    println!();
    first_samples(&files[0])?;
    match latency(&files[0], scratch.path()) {
        Ok(()) => {}
        Err(error) => println!("play → first sample: not measured ({error:#})"),
    }
    Ok(())
}

fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running {program}"))?;
    ensure!(status.success(), "{program} {args:?} failed");
    Ok(())
}

fn generate(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let wav = dir.join("bench.wav");
    let wav_str = wav.to_str().context("path")?;
    run(
        "sox",
        &[
            "-n",
            "-r",
            "44100",
            "-c",
            "2",
            "-b",
            "16",
            wav_str,
            "synth",
            "300",
            "pinknoise",
            "sine",
            "440",
            "vol",
            "0.4",
        ],
    )?;
    let flac = dir.join("bench.flac");
    let mp3 = dir.join("bench.mp3");
    run("sox", &[wav_str, flac.to_str().context("path")?])?;
    run(
        "ffmpeg",
        &[
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            wav_str,
            "-c:a",
            "libmp3lame",
            "-b:a",
            "320k",
            mp3.to_str().context("path")?,
        ],
    )?;
    Ok(vec![flac, mp3])
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn bench_decode(file: &Path) -> anyhow::Result<()> {
    let info = Decoder::open(file)?.info().clone();
    let mut ours = Vec::new();
    let mut ours_resampled = Vec::new();
    let mut theirs = Vec::new();
    let mut frames = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        frames = decode_through_pipeline(file, None)?;
        ours.push(started.elapsed());
        let started = Instant::now();
        decode_through_pipeline(file, Some(48_000))?;
        ours_resampled.push(started.elapsed());
        let started = Instant::now();
        run(
            "ffmpeg",
            &[
                "-threads",
                "1",
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-i",
                file.to_str().context("path")?,
                "-f",
                "null",
                "-",
            ],
        )?;
        theirs.push(started.elapsed());
    }
    let (ours, ours_resampled, theirs) = (median(ours), median(ours_resampled), median(theirs));
    #[allow(clippy::cast_precision_loss)]
    let seconds = frames as f64 / f64::from(info.sample_rate);
    let realtime = |d: Duration| seconds / d.as_secs_f64();
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let target = match info.codec.as_str() {
        "flac" => " (target ≥ 1.2×)",
        "mp3" => " (target ≥ 1.0×)",
        _ => "",
    };
    println!(
        "  {name} ({}, {seconds:.0} s): shrimp {:.1} ms ({:.0}× real time), ffmpeg {:.1} ms ({:.0}×): \
         {:.2}× ffmpeg's speed{target}",
        info.codec,
        ours.as_secs_f64() * 1e3,
        realtime(ours),
        theirs.as_secs_f64() * 1e3,
        realtime(theirs),
        theirs.as_secs_f64() / ours.as_secs_f64(),
    );
    if info.sample_rate != 48_000 {
        println!(
            "  {name} decoded and resampled {} → 48000 Hz: {:.1} ms ({:.0}× real time)",
            info.sample_rate,
            ours_resampled.as_secs_f64() * 1e3,
            realtime(ours_resampled),
        );
    }
    Ok(())
}

/// The engine's own share of the start latency: opening the file and producing the first
/// samples at the device rate, as the decoding thread does after a play command.
fn first_samples(file: &Path) -> anyhow::Result<()> {
    let mut times = Vec::new();
    for _ in 0..LATENCY_RUNS {
        let started = Instant::now();
        let mut decoder = Decoder::open(file)?;
        let info = decoder.info().clone();
        let mut resampler = Resampler::new(info.sample_rate, 48_000, info.channels)?;
        let (mut pcm, mut out) = (Vec::new(), Vec::new());
        while out.is_empty() {
            pcm.clear();
            ensure!(
                decoder.read_f32(&mut pcm)? > 0,
                "the file ended before any output"
            );
            resampler.process(&pcm, &mut out)?;
        }
        times.push(started.elapsed());
    }
    println!(
        "open → first samples at 48 kHz ready for the device (the engine's share of starting): \
         median {:.2} ms",
        median(times).as_secs_f64() * 1e3
    );
    Ok(())
}

/// Starts a private PulseAudio server whose sink writes to a FIFO read (and discarded) here,
/// paced by the system clock like a sound card, and runs the latency measurement in a child
/// process pointed at it. (The null sink would do, but it asks for two seconds of audio up
/// front, which measures its buffer rather than the engine.)
fn latency(file: &Path, dir: &Path) -> anyhow::Result<()> {
    let runtime = dir.join("pulse");
    std::fs::create_dir_all(&runtime)?;
    let socket = runtime.join("native");
    let fifo = dir.join("sink.fifo");
    ensure!(
        Command::new("mkfifo").arg(&fifo).status()?.success(),
        "mkfifo failed"
    );
    // Read-write: opening never blocks and the reader never sees end-of-file.
    let mut sink = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)?;
    std::thread::spawn(move || {
        let mut buffer = vec![0u8; 1 << 16];
        while std::io::Read::read(&mut sink, &mut buffer).is_ok_and(|n| n > 0) {}
    });
    let server = Command::new("pulseaudio")
        .args([
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
        ])
        .arg(format!(
            "--load=module-native-protocol-unix socket={} auth-anonymous=1",
            socket.display()
        ))
        .arg(format!(
            "--load=module-pipe-sink file={} sink_name=bench format=float32le rate=48000 \
             channels=2 use_system_clock_for_timing=yes",
            fifo.display()
        ))
        .env("HOME", dir)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("PULSE_RUNTIME_PATH", &runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting pulseaudio")?;
    let mut server = Stopped(server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        if server.0.try_wait()?.is_some() || Instant::now() > deadline {
            bail!("PulseAudio did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new(std::env::current_exe()?)
        .arg("--latency-child")
        .arg(file)
        .env("PULSE_SERVER", format!("unix:{}", socket.display()))
        .env("PULSE_RUNTIME_PATH", &runtime)
        .env("XDG_RUNTIME_DIR", &runtime)
        .status()?;
    ensure!(status.success(), "the latency run failed");
    Ok(())
}

/// A child process killed by PID when dropped.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn measure_latency(file: &Path) -> anyhow::Result<()> {
    let (engine, events) = Engine::start(EngineSettings::default())?;
    let wait = |wanted: &dyn Fn(&PlaybackEvent) -> bool| -> anyhow::Result<PlaybackEvent> {
        loop {
            let event = events.recv_timeout(Duration::from_secs(10))?;
            if let PlaybackEvent::PlaybackFailed { error, .. } = &event {
                bail!("{error}");
            }
            if wanted(&event) {
                return Ok(event);
            }
        }
    };
    let mut cold = None;
    let mut latencies = Vec::new();
    for run in 0..=LATENCY_RUNS {
        let started = Instant::now();
        engine.play(vec![file.to_owned()], 0)?;
        wait(&|e| matches!(e, PlaybackEvent::TrackChanged { .. }))?;
        let latency = started.elapsed();
        if run == 0 {
            cold = Some(latency);
        } else {
            latencies.push(latency);
        }
        // A varying pause, so the commands land at every phase of the device's period.
        let jitter = u64::try_from(run * 7919 % 50).unwrap_or(0);
        std::thread::sleep(Duration::from_millis(200 + jitter));
    }
    std::thread::sleep(Duration::from_secs(2));
    let peak = peak_memory();
    engine.stop()?;
    let all = latencies.clone();
    println!(
        "play → first sample at the output (PulseAudio, {} ms buffer, {} ms requests, {} runs): \
         median {:.1} ms, worst {:.1} ms, first after start {:.1} ms (target < 30 ms)",
        PULSE_BUFFER.as_millis(),
        PULSE_REQUEST.as_millis(),
        LATENCY_RUNS,
        median(latencies).as_secs_f64() * 1e3,
        all.iter().max().copied().unwrap_or_default().as_secs_f64() * 1e3,
        cold.unwrap_or_default().as_secs_f64() * 1e3,
    );
    println!("peak memory (VmHWM) of this process while playing: {peak}");
    Ok(())
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
