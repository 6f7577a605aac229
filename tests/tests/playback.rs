//! The audio engine playing for real into a private PulseAudio server whose pipe sink is
//! captured and analysed: duration, level, frequency, gapless joins without a gap or click,
//! bad files skipped, pause/seek/volume/ReplayGain, no device, and a device that disappears.
//!
//! Each test starts its own server and runs the engine in a child process (this same test
//! binary, running `engine_child`) whose environment points at that server and nowhere else;
//! the child drives the engine and checks its events, the parent checks what was heard.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.
#![allow(clippy::print_stdout)] // Events and measurements are printed for the record.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use shrimp_playback::{Engine, EngineSettings, PlaybackError, PlaybackEvent, PlaybackState};
use shrimp_tests::pulse::{Capture, Pulse, RATE};

// ---------------------------------------------------------------------------------------------
// Test audio

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A stereo sine at 44.1 kHz, peak 0.5, written by sox (format from the extension).
fn tone(dir: &Path, name: &str, frequency: u32, seconds: f64) -> PathBuf {
    let path = dir.join(name);
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
            path_str(&path),
            "synth",
            &seconds.to_string(),
            "sine",
            &frequency.to_string(),
            "vol",
            "0.5",
        ],
    );
    path
}

/// Encodes `source` with ffmpeg into `name` next to it.
fn ffmpeg(source: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = source.with_file_name(name);
    let mut all = vec![
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        path_str(source),
    ];
    all.extend_from_slice(args);
    all.push(path_str(&out));
    run("ffmpeg", &all);
    out
}

/// Cuts `source` at frame `at` into two files `{stem}-a.{ext}` and `{stem}-b.{ext}`.
fn cut(source: &Path, at: u64, stem: &str, ext: &str) -> [PathBuf; 2] {
    let a = source.with_file_name(format!("{stem}-a.{ext}"));
    let b = source.with_file_name(format!("{stem}-b.{ext}"));
    run(
        "sox",
        &[
            path_str(source),
            path_str(&a),
            "trim",
            "0",
            &format!("{at}s"),
        ],
    );
    run(
        "sox",
        &[path_str(source), path_str(&b), "trim", &format!("{at}s")],
    );
    [a, b]
}

// ---------------------------------------------------------------------------------------------
// Running the engine in a child process

const CHILD: &str = "engine_child";

fn child_command(case: &str, files: &[PathBuf], env: Vec<(&'static str, OsString)>) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            CHILD,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SHRIMP_PLAYBACK_CASE", case)
        .env(
            "SHRIMP_PLAYBACK_FILES",
            std::env::join_paths(files).unwrap(),
        )
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn check_child(case: &str, output: &Output, pulse: Option<&Pulse>) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("child {case}:\n{stdout}");
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child {case} failed ({}):\n{stdout}\n{stderr}\nPulseAudio log:\n{}",
        output.status,
        pulse.map(Pulse::log).unwrap_or_default()
    );
}

/// Runs `case` in a child pointed at `pulse`, waits for it and returns what was captured.
fn play(pulse: &Pulse, case: &str, files: &[PathBuf]) -> Capture {
    let output = child_command(case, files, pulse.env()).output().unwrap();
    check_child(case, &output, Some(pulse));
    pulse.capture()
}

fn spawn(pulse: &Pulse, case: &str, files: &[PathBuf]) -> Child {
    child_command(case, files, pulse.env()).spawn().unwrap()
}

/// The engine's events, with the time each arrived.
struct Events {
    receiver: Receiver<PlaybackEvent>,
    seen: Vec<(Instant, PlaybackEvent)>,
}

impl Events {
    fn new(receiver: Receiver<PlaybackEvent>) -> Self {
        Self {
            receiver,
            seen: Vec::new(),
        }
    }

    /// Waits for the first event matching `wanted`, failing after `timeout`.
    fn wait(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&PlaybackEvent) -> bool,
    ) -> PlaybackEvent {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok(event) => {
                    println!("event: {event:?}");
                    self.seen.push((Instant::now(), event.clone()));
                    if wanted(&event) {
                        return event;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("timed out; events so far: {:#?}", self.seen)
                }
            }
        }
    }

    fn wait_state(&mut self, state: PlaybackState) {
        self.wait(Duration::from_secs(15), |e| {
            *e == PlaybackEvent::PlaybackStateChanged { state }
        });
    }

    /// Collects whatever arrives during `period`.
    fn during(&mut self, period: Duration) -> Vec<PlaybackEvent> {
        let deadline = Instant::now() + period;
        let mut got = Vec::new();
        while let Ok(event) = self
            .receiver
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            println!("event: {event:?}");
            self.seen.push((Instant::now(), event.clone()));
            got.push(event);
        }
        got
    }

    fn tracks_changed(&self) -> Vec<usize> {
        self.seen
            .iter()
            .filter_map(|(_, e)| match e {
                PlaybackEvent::TrackChanged { index, .. } => Some(*index),
                _ => None,
            })
            .collect()
    }

    fn failures(&self) -> Vec<(Option<PathBuf>, PlaybackError)> {
        self.seen
            .iter()
            .filter_map(|(_, e)| match e {
                PlaybackEvent::PlaybackFailed { path, error } => {
                    Some((path.clone(), error.clone()))
                }
                _ => None,
            })
            .collect()
    }
}

/// Lets the device play out its buffer before the engine (and with it the device) is dropped.
fn play_out() {
    thread::sleep(Duration::from_millis(400));
}

/// The child: drives the engine for the case its parent named. A no-op when run on its own.
#[test]
#[ignore = "run by the other tests as a child process pointed at their own PulseAudio server"]
fn engine_child() {
    let Ok(case) = std::env::var("SHRIMP_PLAYBACK_CASE") else {
        return;
    };
    let files: Vec<PathBuf> =
        std::env::split_paths(&std::env::var_os("SHRIMP_PLAYBACK_FILES").unwrap()).collect();
    let settings = EngineSettings {
        // Normalising untagged files by their measured loudness is the app's choice; the
        // other cases check levels exactly as the files have them.
        measure_loudness: case == "loudness",
        ..EngineSettings::default()
    };
    let (engine, receiver) = Engine::start(settings).unwrap();
    let mut events = Events::new(receiver);
    match case.as_str() {
        "queue" | "loudness" => child_queue(&engine, &mut events, &files),
        "skips_bad_files" => child_skips_bad_files(&engine, &mut events, &files),
        "controls" => child_controls(&engine, &mut events, &files),
        "pause_resume" => child_pause_resume(&engine, &mut events, &files),
        "gain" => child_gain(&engine, &mut events, &files),
        "no_device" => child_no_device(&engine, &mut events, &files),
        "device_lost" => child_device_lost(&engine, &mut events, &files),
        "devices" => child_devices(&engine, &mut events, &files),
        "play_at" => child_play_at(&engine, &mut events, &files),
        "late" => child_late(&engine, &mut events, &files),
        other => panic!("unknown case {other}"),
    }
    drop(engine);
}

const LONG: Duration = Duration::from_secs(15);

fn child_queue(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait_state(PlaybackState::Stopped);
    play_out();
    assert_eq!(
        events.tracks_changed(),
        (0..files.len()).collect::<Vec<_>>()
    );
    assert_eq!(events.failures(), vec![]);
    check_positions(&events.seen);
}

/// A file whose bytes stop coming for a while: the track plays to its end, nothing fails.
fn child_late(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(Duration::from_mins(1), |e| {
        *e == PlaybackEvent::PlaybackStateChanged {
            state: PlaybackState::Stopped,
        }
    });
    play_out();
    assert_eq!(events.tracks_changed(), vec![0]);
    assert_eq!(events.failures(), vec![]);
    assert!(
        !events.seen.iter().any(|(_, e)| e
            == &PlaybackEvent::PlaybackStateChanged {
                state: PlaybackState::Paused
            }),
        "the engine paused while the file was late"
    );
}

fn child_skips_bad_files(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait_state(PlaybackState::Stopped);
    play_out();
    let last = files.len() - 1;
    assert_eq!(events.tracks_changed(), vec![0, last]);
    let failed: Vec<PathBuf> = events
        .failures()
        .into_iter()
        .map(|(p, e)| {
            assert_eq!(e.code(), "undecodable_audio", "{e}");
            p.unwrap()
        })
        .collect();
    assert_eq!(failed, files[1..last].to_vec());
}

fn child_pause_resume(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 0, .. })
    });
    // Reading events all along, so they are timed as they come.
    events.during(Duration::from_millis(800));
    engine.pause().unwrap();
    events.wait_state(PlaybackState::Paused);
    events.during(Duration::from_millis(600));
    engine.resume().unwrap();
    events.wait_state(PlaybackState::Stopped);
    play_out();
    assert_eq!(events.failures(), vec![]);
    check_positions(&events.seen);
}

fn child_controls(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 0, .. })
    });
    thread::sleep(Duration::from_millis(500));
    engine.pause().unwrap();
    events.wait_state(PlaybackState::Paused);
    let while_paused = events.during(Duration::from_millis(600));
    assert!(
        !while_paused
            .iter()
            .any(|e| matches!(e, PlaybackEvent::PositionChanged { .. })),
        "position moved while paused: {while_paused:?}"
    );
    engine.resume().unwrap();
    events.wait_state(PlaybackState::Playing);
    thread::sleep(Duration::from_millis(300));
    engine.seek(Duration::from_secs(3)).unwrap();
    events.wait(Duration::from_secs(1), |e| {
        matches!(e, PlaybackEvent::PositionChanged { position, .. } if *position == Duration::from_secs(3))
    });
    let after = events.during(Duration::from_millis(500));
    let positions: Vec<Duration> = after
        .iter()
        .filter_map(|e| match e {
            PlaybackEvent::PositionChanged { position, .. } => Some(*position),
            _ => None,
        })
        .collect();
    assert!(
        !positions.is_empty(),
        "no position after the seek: {after:?}"
    );
    assert!(
        positions
            .iter()
            .all(|p| *p > Duration::from_secs(3) && *p < Duration::from_millis(3600)),
        "positions after seek: {positions:?}"
    );
    assert!(
        !after
            .iter()
            .any(|e| matches!(e, PlaybackEvent::TrackChanged { .. })),
        "a seek is no track change"
    );
    events.wait_state(PlaybackState::Stopped);
    play_out();
    // Next and previous move through the queue; stop ends it.
    let queue = vec![files[0].clone(), files[0].clone(), files[0].clone()];
    engine.play(queue, 1).unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 1, .. })
    });
    engine.next().unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 2, .. })
    });
    engine.previous().unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 1, .. })
    });
    engine.stop().unwrap();
    events.wait_state(PlaybackState::Stopped);
}

/// A queue picked up where it was left: the second entry, 2 s in.
fn child_play_at(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine
        .play_at(files.to_vec(), 1, Duration::from_secs(2))
        .unwrap();
    events.wait_state(PlaybackState::Stopped);
    play_out();
    assert_eq!(
        events.tracks_changed(),
        vec![1],
        "the start is announced, once"
    );
    let positions: Vec<Duration> = events
        .seen
        .iter()
        .filter_map(|(_, e)| match e {
            PlaybackEvent::PositionChanged { index: 1, position } => Some(*position),
            _ => None,
        })
        .collect();
    assert!(
        !positions.is_empty()
            && positions
                .iter()
                .all(|p| *p >= Duration::from_secs(2) && *p <= Duration::from_secs(4)),
        "positions: {positions:?}"
    );
    assert_eq!(events.failures(), vec![]);
}

fn child_gain(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.set_volume(0.5).unwrap();
    engine.play(files.to_vec(), 0).unwrap();
    events.wait_state(PlaybackState::Stopped);
    play_out();
}

fn child_no_device(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    let failed = events.wait(LONG, |e| matches!(e, PlaybackEvent::PlaybackFailed { .. }));
    assert_eq!(
        failed,
        PlaybackEvent::PlaybackFailed {
            path: None,
            error: PlaybackError::NoDevice
        }
    );
    // The engine is still there and answers.
    engine.set_volume(0.3).unwrap();
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(LONG, |e| {
        matches!(
            e,
            PlaybackEvent::PlaybackFailed {
                error: PlaybackError::NoDevice,
                ..
            }
        )
    });
    assert!(!events.seen.iter().any(|(_, e)| e
        == &PlaybackEvent::PlaybackStateChanged {
            state: PlaybackState::Playing
        }));
}

fn child_device_lost(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(LONG, |e| matches!(e, PlaybackEvent::TrackChanged { .. }));
    println!("PLAYING");
    let lost = events.wait(LONG, |e| matches!(e, PlaybackEvent::PlaybackFailed { .. }));
    assert!(
        matches!(
            lost,
            PlaybackEvent::PlaybackFailed {
                error: PlaybackError::DeviceLost(_),
                path: None
            }
        ),
        "{lost:?}"
    );
    events.wait_state(PlaybackState::Paused);
    // Still answering: resuming without a device reports it, stopping stops.
    engine.resume().unwrap();
    events.wait(LONG, |e| {
        matches!(
            e,
            PlaybackEvent::PlaybackFailed {
                error: PlaybackError::NoDevice,
                ..
            }
        )
    });
    engine.stop().unwrap();
    events.during(Duration::from_millis(300));
}

fn child_devices(engine: &Engine, events: &mut Events, files: &[PathBuf]) {
    let devices = shrimp_playback::list_devices().unwrap();
    println!("devices: {devices:?}");
    let sink = devices
        .iter()
        .find(|d| d.id == "pulseaudio:capture")
        .unwrap_or_else(|| panic!("the capture sink is not listed: {devices:?}"));
    assert!(sink.is_default);
    engine.play(files.to_vec(), 0).unwrap();
    events.wait(LONG, |e| matches!(e, PlaybackEvent::TrackChanged { .. }));
    thread::sleep(Duration::from_millis(300));
    // Moving to a named device continues the track there.
    engine.select_device(Some(sink.id.clone())).unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::OutputOpened { device, .. } if device == "pulseaudio:capture")
    });
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 0, .. })
    });
    thread::sleep(Duration::from_millis(300));
    // A device that does not exist: reported, playback pauses, the engine carries on.
    engine
        .select_device(Some("pulseaudio:nowhere".into()))
        .unwrap();
    let failed = events.wait(LONG, |e| matches!(e, PlaybackEvent::PlaybackFailed { .. }));
    assert_eq!(
        failed,
        PlaybackEvent::PlaybackFailed {
            path: None,
            error: PlaybackError::DeviceNotFound("pulseaudio:nowhere".into())
        }
    );
    events.wait_state(PlaybackState::Paused);
    engine.select_device(None).unwrap();
    events.wait(LONG, |e| matches!(e, PlaybackEvent::OutputOpened { .. }));
    engine.resume().unwrap();
    events.wait(LONG, |e| {
        matches!(e, PlaybackEvent::TrackChanged { index: 0, .. })
    });
    events.wait_state(PlaybackState::Stopped);
    play_out();
    assert!(events.failures().len() == 1, "{:?}", events.failures());
}

/// Position events come at most every 200 ms (with some scheduling slack), moving forward.
fn check_positions(seen: &[(Instant, PlaybackEvent)]) {
    let positions: Vec<(Instant, usize, Duration)> = seen
        .iter()
        .filter_map(|(at, e)| match e {
            PlaybackEvent::PositionChanged { index, position } => Some((*at, *index, *position)),
            _ => None,
        })
        .collect();
    assert!(
        positions.len() >= 3,
        "too few position events: {positions:?}"
    );
    for pair in positions.windows(2) {
        let (t0, i0, p0) = pair[0];
        let (t1, i1, p1) = pair[1];
        assert!(
            t1.duration_since(t0) >= Duration::from_millis(150),
            "more than ~5 Hz: {:?} apart, {pair:?}",
            t1.duration_since(t0)
        );
        assert!(i1 > i0 || p1 > p0, "position went back: {pair:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

fn frames(seconds: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let frames = (seconds * f64::from(RATE)).round() as usize;
    frames
}

/// The capture's sound, with its length checked against `seconds` (± 5 ms).
fn sound_of(capture: &Capture, seconds: f64) -> std::ops::Range<usize> {
    let sound = capture.sound(1e-3).expect("nothing was heard");
    let heard = Capture::seconds(sound.len());
    assert!(
        (heard - seconds).abs() < 0.005,
        "heard {heard:.4} s, expected {seconds} s"
    );
    sound
}

#[test]
fn a_tone_plays_with_the_right_duration_level_and_frequency() {
    let pulse = Pulse::start().unwrap();
    let file = tone(pulse.dir(), "tone.flac", 1000, 1.5);
    let capture = play(&pulse, "queue", &[file]);
    let sound = sound_of(&capture, 1.5);
    let middle = sound.start + frames(0.1)..sound.end - frames(0.1);
    for channel in 0..2 {
        let rms = capture.rms(channel, middle.clone());
        assert!((rms - 0.5 / 2f64.sqrt()).abs() < 0.005, "rms {rms}");
        let frequency = capture.frequency(channel, middle.clone());
        assert!((frequency - 1000.0).abs() < 0.5, "frequency {frequency}");
    }
    assert_eq!(capture.gaps(sound.clone(), 1e-3, 3), vec![]);
    // 44.1 kHz resampled to 48 kHz: a clean sine, no clicks anywhere.
    let residual = capture.sine_residual(0, middle, 1000.0);
    assert!(
        residual < 0.002,
        "largest deviation from a pure sine: {residual}"
    );
}

/// One continuous sine cut at a sample that is no packet boundary, played as two tracks:
/// the capture must be one unbroken sine of the full length.
///
/// Checked two ways: the sine's phase and level run on across the join exactly (a gap, a slip
/// of even one sample, or untrimmed priming/padding would shift the phase), and, for lossless
/// files (`max_residual`), no sample deviates from a pure sine (no click). Lossy codecs smear
/// quantisation noise around a hard cut in the source itself (ffmpeg's own decode shows the
/// same), so for them only phase and level are held exact.
fn check_gapless(ext: &str, encode: impl Fn(&Path) -> PathBuf, max_residual: Option<f32>) {
    let pulse = Pulse::start().unwrap();
    // 441.5 Hz: the cut falls mid-cycle, so a gap, slip or restart would show.
    let source = pulse.dir().join("whole.wav");
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
            path_str(&source),
            "synth",
            "3",
            "sine",
            "441.5",
            "vol",
            "0.5",
        ],
    );
    let cut_at = 70_001;
    let [a, b] = cut(&source, cut_at, "half", "wav");
    let files = [encode(&a), encode(&b)];
    assert!(files.iter().all(|f| f.extension().unwrap() == ext));
    let capture = play(&pulse, "queue", &files);
    let sound = sound_of(&capture, 3.0);
    assert_eq!(
        capture.gaps(sound.clone(), 1e-3, 3),
        vec![],
        "silence inside the sound"
    );
    #[allow(clippy::cast_precision_loss)]
    let join = sound.start + frames(cut_at as f64 / 44_100.0);
    for channel in 0..2 {
        let around_join = join - frames(0.05)..join + frames(0.05);
        let at_join = capture.sine_residual(channel, around_join.clone(), 441.5);
        let elsewhere = capture.sine_residual(
            channel,
            sound.start + frames(0.2)..join - frames(0.2),
            441.5,
        );
        println!("{ext}: residual at the join {at_join:e}, elsewhere {elsewhere:e}");
        if let Some(max_residual) = max_residual {
            assert!(
                at_join < max_residual,
                "{ext}: a click at the join ({at_join})"
            );
        }
        // 40 whole cycles just before and just after the join (clear of its ±5 ms).
        let window = frames(40.0 / 441.5);
        let before = join - frames(0.005) - window;
        let after = join + frames(0.005);
        let (level_before, phase_before) =
            capture.sine_fit(channel, before..before + window, 441.5);
        let (level_after, phase_after) = capture.sine_fit(channel, after..after + window, 441.5);
        #[allow(clippy::cast_precision_loss)]
        let advance = std::f64::consts::TAU * 441.5 * (after - before) as f64 / f64::from(RATE);
        let slip = (phase_after - phase_before - advance).rem_euclid(std::f64::consts::TAU);
        let slip = slip.min(std::f64::consts::TAU - slip);
        // One sample at 44.1 kHz is 0.063 rad of this sine.
        println!("{ext}: phase slip {slip:.5} rad, level {level_before:.4} → {level_after:.4}");
        assert!(
            slip < 0.01,
            "{ext}: the sine slips by {slip} rad across the join"
        );
        assert!((level_before - 0.5).abs() < 0.01 && (level_after - 0.5).abs() < 0.01);
        let rms = capture.rms(channel, around_join);
        assert!(
            (rms - 0.5 / 2f64.sqrt()).abs() < 0.01,
            "{ext}: level at the join {rms}"
        );
    }
}

#[test]
fn gapless_flac_join_is_seamless() {
    check_gapless(
        "flac",
        |wav| {
            let flac = wav.with_extension("flac");
            run("sox", &[path_str(wav), path_str(&flac)]);
            flac
        },
        Some(0.002),
    );
}

#[test]
fn gapless_wav_join_is_seamless() {
    check_gapless("wav", Path::to_path_buf, Some(0.002));
}

#[test]
fn gapless_mp3_with_lame_header_join_is_seamless() {
    check_gapless(
        "mp3",
        |wav| {
            let name = wav.with_extension("mp3");
            ffmpeg(
                wav,
                name.file_name().unwrap().to_str().unwrap(),
                &["-c:a", "libmp3lame", "-b:a", "256k"],
            )
        },
        None,
    );
}

#[test]
fn bad_files_are_reported_and_skipped() {
    let pulse = Pulse::start().unwrap();
    let dir = pulse.dir();
    let first = tone(dir, "first.flac", 440, 0.6);
    let last = tone(dir, "last.flac", 880, 0.6);
    let random = dir.join("random.flac");
    std::fs::write(
        &random,
        (0..50_000u32)
            .map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[1])
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let empty = dir.join("empty.mp3");
    std::fs::write(&empty, []).unwrap();
    let text = dir.join("notes.flac");
    std::fs::write(&text, "not audio at all\n".repeat(100)).unwrap();
    let missing = dir.join("missing.ogg");
    let capture = play(
        &pulse,
        "skips_bad_files",
        &[first, random, empty, text, missing, last],
    );
    let sound = sound_of(&capture, 1.2);
    let half = sound.start + frames(0.6);
    let f1 = capture.frequency(0, sound.start + frames(0.05)..half - frames(0.05));
    let f2 = capture.frequency(0, half + frames(0.05)..sound.end - frames(0.05));
    assert!(
        (f1 - 440.0).abs() < 1.0 && (f2 - 880.0).abs() < 1.0,
        "{f1} Hz then {f2} Hz"
    );
}

/// Playing a queue from a saved entry and position: only the rest of that entry is heard.
#[test]
fn a_queue_plays_from_a_saved_entry_and_position() {
    let pulse = Pulse::start().unwrap();
    let first = tone(pulse.dir(), "first.flac", 440, 3.0);
    let second = tone(pulse.dir(), "second.flac", 880, 3.5);
    let capture = play(&pulse, "play_at", &[first, second]);
    let sound = sound_of(&capture, 1.5);
    let frequency = capture.frequency(0, sound.start + frames(0.05)..sound.end - frames(0.05));
    assert!((frequency - 880.0).abs() < 1.0, "heard {frequency} Hz");
}

#[test]
fn pause_seek_next_and_previous_work_while_playing() {
    let pulse = Pulse::start().unwrap();
    let file = tone(pulse.dir(), "long.flac", 660, 4.0);
    let capture = play(&pulse, "controls", &[file]);
    // 0.5 s played, ~0.6 s paused (silence), then ~0.3 s, a seek to 3 s and 1 s to the end.
    let sound = capture.sound(1e-3).unwrap();
    let gaps = capture.gaps(sound, 1e-3, frames(0.2));
    assert!(!gaps.is_empty(), "the pause left no silence");
    let pause = Capture::seconds(gaps[0].len());
    assert!((0.5..1.2).contains(&pause), "pause lasted {pause} s");
}

/// Pause holds the device's queue (where the host allows) and resume continues from the
/// very next sample: one silence in the capture, the whole file around it, and the sine's
/// phase running on across the silence as if it were not there.
#[test]
fn pause_and_resume_lose_no_sample() {
    let pulse = Pulse::start().unwrap();
    let file = tone(pulse.dir(), "long.wav", 441, 3.0);
    let capture = play(&pulse, "pause_resume", &[file]);
    let sound = capture.sound(1e-3).expect("nothing was heard");
    let gaps = capture.gaps(sound.clone(), 1e-3, frames(0.1));
    assert_eq!(gaps.len(), 1, "one pause, one silence: {gaps:?}");
    let gap = gaps[0].clone();
    let pause = Capture::seconds(gap.len());
    assert!((0.5..1.0).contains(&pause), "paused for {pause} s");
    let heard = Capture::seconds(sound.len() - gap.len());
    assert!(
        (heard - 3.0).abs() < 0.005,
        "heard {heard:.4} s of a 3 s file around the pause"
    );
    let window = frames(40.0 / 441.0);
    let before = gap.start - frames(0.005) - window;
    let after = gap.end + frames(0.005);
    for channel in 0..2 {
        let (level_before, phase_before) =
            capture.sine_fit(channel, before..before + window, 441.0);
        let (level_after, phase_after) = capture.sine_fit(channel, after..after + window, 441.0);
        #[allow(clippy::cast_precision_loss)]
        let advance =
            std::f64::consts::TAU * 441.0 * (after - before - gap.len()) as f64 / f64::from(RATE);
        let slip = (phase_after - phase_before - advance).rem_euclid(std::f64::consts::TAU);
        let slip = slip.min(std::f64::consts::TAU - slip);
        // One sample at 48 kHz is 0.058 rad of this sine; the silence's edges are found to
        // within a sample.
        assert!(slip < 0.15, "the sine slips by {slip} rad across the pause");
        assert!((level_before - 0.5).abs() < 0.01 && (level_after - 0.5).abs() < 0.01);
    }
}

#[test]
fn replay_gain_and_volume_scale_the_level() {
    let pulse = Pulse::start().unwrap();
    let plain = tone(pulse.dir(), "plain.wav", 1000, 1.0);
    let tagged = ffmpeg(
        &plain,
        "tagged.flac",
        &["-metadata", "REPLAYGAIN_TRACK_GAIN=-6.0206 dB"],
    );
    let capture = play(&pulse, "gain", &[tagged]);
    let sound = sound_of(&capture, 1.0);
    let rms = capture.rms(0, sound.start + frames(0.1)..sound.end - frames(0.1));
    // Peak 0.5, ReplayGain −6 dB (×0.5), volume 0.5: peak 0.125.
    assert!((rms - 0.125 / 2f64.sqrt()).abs() < 0.002, "rms {rms}");
}

#[test]
fn devices_are_listed_and_playback_moves_between_them() {
    let pulse = Pulse::start().unwrap();
    let file = tone(pulse.dir(), "tone.flac", 523, 2.0);
    let capture = play(&pulse, "devices", &[file]);
    let sound = capture.sound(1e-3).expect("nothing was heard");
    let heard = Capture::seconds(sound.len());
    // 2 s of tone, minus at most the buffers dropped at each switch, plus the pause.
    assert!(heard > 1.8, "heard {heard} s");
    let f = capture.frequency(0, sound.start + frames(0.05)..sound.start + frames(0.25));
    assert!((f - 523.0).abs() < 1.0, "{f} Hz");
}

#[test]
fn without_a_device_playback_reports_no_device() {
    let dir = tempfile::tempdir().unwrap();
    let file = tone(dir.path(), "t.flac", 440, 0.5);
    let nowhere = dir.path().join("no-server");
    let mut server = OsString::from("unix:");
    server.push(&nowhere);
    let env = vec![
        ("PULSE_SERVER", server),
        ("PULSE_RUNTIME_PATH", nowhere.clone().into_os_string()),
        ("XDG_RUNTIME_DIR", nowhere.into_os_string()),
    ];
    let output = child_command("no_device", &[file], env).output().unwrap();
    check_child("no_device", &output, None);
}

#[test]
fn a_disappearing_device_is_reported_and_the_engine_survives() {
    let mut pulse = Pulse::start().unwrap();
    let file = tone(pulse.dir(), "long.flac", 440, 20.0);
    let mut child = spawn(&pulse, "device_lost", &[file]);
    // Wait until sound is coming out, then take the server away.
    let deadline = Instant::now() + Duration::from_secs(15);
    while pulse
        .capture()
        .sound(1e-3)
        .is_none_or(|s| s.len() < frames(0.3))
    {
        assert!(Instant::now() < deadline, "nothing played");
        thread::sleep(Duration::from_millis(50));
    }
    pulse.kill();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
        }
        thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    check_child("device_lost", &output, None);
}

/// A file whose bytes arrive late (a network share, a disk spinning up, a starved machine):
/// the output waits for the decoder, which is heard as a pause in the sound, and the track
/// plays on to its end. A device is taken for lost only when it stops asking for audio, not
/// while it waits for audio the decoder owes it.
#[test]
fn a_late_decoder_is_waited_for_not_taken_for_a_lost_device() {
    let pulse = Pulse::start().unwrap();
    let whole = std::fs::read(tone(pulse.dir(), "whole.wav", 440, 3.0)).unwrap();
    let data = whole.windows(4).position(|w| w == b"data").unwrap() + 8;
    let first_second = data + 44_100 * 4;
    let fifo = pulse.dir().join("late.wav");
    run("mkfifo", &[path_str(&fifo)]);
    let stall = Duration::from_secs(7);
    let writer = {
        let fifo = fifo.clone();
        thread::spawn(move || {
            use std::io::Write as _;
            // Opening blocks until the engine opens the file to play it.
            let mut file = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            file.write_all(&whole[..first_second]).unwrap();
            thread::sleep(stall);
            file.write_all(&whole[first_second..]).unwrap();
        })
    };
    let capture = play(&pulse, "late", &[fifo]);
    writer.join().unwrap();

    // All three seconds are heard, in two stretches with the stall between them.
    let sound = capture.sound(1e-3).expect("nothing was heard");
    let gaps = capture.gaps(sound.clone(), 1e-3, frames(0.5));
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    let waited = Capture::seconds(gaps[0].len());
    assert!(waited > 5.0, "the sound paused for {waited:.2} s");
    let heard = Capture::seconds(sound.len() - gaps[0].len());
    assert!((heard - 3.0).abs() < 0.01, "heard {heard:.4} s of 3 s");
}

/// Two untagged files 18 dB apart, one loud pink-ish noise and one quiet tone, play back at
/// the same measured loudness (EBU R128, normalised to −18 LUFS).
#[test]
fn untagged_files_at_different_levels_play_at_matching_loudness() {
    let pulse = Pulse::start().unwrap();
    let loud = tone(pulse.dir(), "loud.flac", 1000, 1.5);
    let quiet = pulse.dir().join("quiet.wav");
    run(
        "sox",
        &[
            "-n",
            "-r",
            "48000",
            "-c",
            "2",
            "-b",
            "24",
            path_str(&quiet),
            "synth",
            "1.5",
            "sine",
            "1000",
            "vol",
            "0.0625",
        ],
    );
    let capture = play(&pulse, "loudness", &[loud, quiet]);
    let sound = sound_of(&capture, 3.0);
    let first = sound.start + frames(0.2)..sound.start + frames(1.3);
    let second = sound.start + frames(1.7)..sound.end - frames(0.2);
    let (a, b) = (capture.rms(0, first), capture.rms(0, second));
    let difference_db = 20.0 * (a / b).log10();
    println!("rms {a:.5} then {b:.5}: {difference_db:.2} dB apart (18 dB in the files)");
    assert!(difference_db.abs() < 0.5, "{difference_db} dB apart");
    // Both at −18 LUFS: a stereo 1 kHz sine of that loudness has a peak of about 0.126.
    let expected = 10f64.powf(-18.0 / 20.0) / 2f64.sqrt();
    assert!((20.0 * (a / expected).log10()).abs() < 0.5, "rms {a}");
}

/// A 5.1 file plays downmixed to the stereo device: front left only on the left, the centre
/// on both sides 3 dB down, a right surround on the right, the LFE left out.
#[test]
fn surround_files_are_downmixed_to_the_device() {
    let pulse = Pulse::start().unwrap();
    let file = pulse.dir().join("surround.wav");
    // Channels in WAV order: FL 440 Hz, FR silent, FC 1000 Hz, LFE 60 Hz, SL silent,
    // SR 660 Hz; each at peak 0.4 (the first channel set by sox's synth per channel).
    run(
        "sox",
        &[
            "-n",
            "-r",
            "48000",
            "-c",
            "6",
            "-b",
            "16",
            path_str(&file),
            "synth",
            "1.5",
            "sine",
            "440",
            "sine",
            "0",
            "sine",
            "1000",
            "sine",
            "60",
            "sine",
            "0",
            "sine",
            "660",
            "remix",
            "1v0.4",
            "0",
            "3v0.4",
            "4v0.4",
            "0",
            "6v0.4",
        ],
    );
    let capture = play(&pulse, "queue", &[file]);
    let sound = sound_of(&capture, 1.5);
    // Whole seconds of whole cycles for every tone: one second from the middle.
    let range = sound.start + frames(0.2)..sound.start + frames(1.2);
    let amplitude = |channel, f| capture.sine_fit(channel, range.clone(), f).0;
    let front = amplitude(0, 440.0);
    println!(
        "left: 440 {front:.4} 1000 {:.4} 660 {:.4} 60 {:.4}; right: 440 {:.4} 1000 {:.4} 660 {:.4}",
        amplitude(0, 1000.0),
        amplitude(0, 660.0),
        amplitude(0, 60.0),
        amplitude(1, 440.0),
        amplitude(1, 1000.0),
        amplitude(1, 660.0)
    );
    assert!(front > 0.1, "front left missing: {front}");
    assert!(amplitude(1, 440.0) < 0.002, "front left leaked right");
    assert!(amplitude(0, 660.0) < 0.002, "right surround leaked left");
    assert!(
        amplitude(0, 60.0) < 0.002 && amplitude(1, 60.0) < 0.002,
        "LFE heard"
    );
    let centre = std::f64::consts::FRAC_1_SQRT_2;
    for (channel, f, gain) in [(0, 1000.0, centre), (1, 1000.0, centre), (1, 660.0, centre)] {
        let ratio = amplitude(channel, f) / front;
        assert!(
            (ratio - gain).abs() < 0.02,
            "channel {channel} {f} Hz: {ratio}"
        );
    }
    // Normalised so nothing clips: the loudest possible sum stays within full scale.
    assert!(front < 0.4, "{front}");
}
