//! The `shrimp` command line, black box: the built binary run with a temporary `--data-dir`
//! on generated audio — scanning a folder of good and broken files, searching, the benchmark
//! output, playing into a private PulseAudio server whose capture is analysed, Ctrl-C, and bad
//! arguments giving a non-zero exit with a message.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use shrimp_tests::pulse::{Capture, Pulse};
use shrimp_tests::workspace;

fn shrimp() -> Command {
    let binary = workspace::binary("shrimp", "SHRIMP_CLI").unwrap();
    let mut command = Command::new(binary);
    // Never the person's own data or sound server.
    command
        .env_remove("SHRIMP_DATA_DIR")
        .env("PULSE_SERVER", "unix:/nonexistent/pulse")
        .env("RUST_LOG", "error");
    command
}

fn run_ok(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn sox(args: &[&str]) {
    let status = Command::new("sox").args(args).status().unwrap();
    assert!(status.success(), "sox {args:?}");
}

/// A stereo FLAC tone with a title tag.
fn tagged_flac(path: &Path, title: &str, seconds: &str, volume: &str) {
    sox(&[
        "-n",
        "--comment",
        &format!("TITLE={title}"),
        "-r",
        "44100",
        "-c",
        "2",
        "-b",
        "16",
        path.to_str().unwrap(),
        "synth",
        seconds,
        "sine",
        "1000",
        "vol",
        volume,
    ]);
}

/// A music folder with good files and broken ones; returns the folder and the broken files.
fn music(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let music = dir.join("music");
    std::fs::create_dir_all(music.join("album")).unwrap();
    tagged_flac(&music.join("album/01.flac"), "Sunny Morning", "1", "0.5");
    tagged_flac(&music.join("album/02.flac"), "晴天 Rain", "1", "0.5");
    sox(&[
        "-n",
        "-r",
        "44100",
        "-c",
        "2",
        music.join("tone.wav").to_str().unwrap(),
        "synth",
        "1",
        "sine",
        "440",
    ]);
    // Broken: truncated, not audio at all, random bytes with an audio name.
    let good = std::fs::read(music.join("album/01.flac")).unwrap();
    let truncated = music.join("truncated.flac");
    std::fs::write(&truncated, &good[..good.len() / 3]).unwrap();
    let text = music.join("notes.mp3");
    std::fs::write(&text, "this is not an mp3 at all\n".repeat(50)).unwrap();
    let noise = music.join("noise.ogg");
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| u8::try_from(i.wrapping_mul(2_654_435_761) >> 24).unwrap())
        .collect();
    std::fs::write(&noise, bytes).unwrap();
    (music, vec![truncated, text, noise])
}

#[test]
fn scan_search_and_unreadable_files_as_json() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let (music, broken) = music(temp.path());

    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "library", "scan"])
            .arg(&music),
    );
    let report = json(&output);
    // Every file is recorded, the broken ones as unreadable with their reason.
    assert_eq!(report["added"], 6, "{report}");
    let unreadable = report["unreadable"].as_array().unwrap();
    let mut listed: Vec<PathBuf> = unreadable
        .iter()
        .map(|u| PathBuf::from(u["path"].as_str().unwrap()))
        .collect();
    listed.sort();
    let mut expected: Vec<PathBuf> = broken
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    expected.sort();
    assert_eq!(listed, expected, "{report}");
    for u in unreadable {
        assert!(!u["reason"].as_str().unwrap().is_empty(), "{u}");
    }
    assert!(data.join("library.sqlite3").is_file());

    // The environment variable works like --data-dir.
    let output = run_ok(
        shrimp()
            .env("SHRIMP_DATA_DIR", &data)
            .args(["--json", "library", "search", "Sunny"]),
    );
    let found = json(&output);
    let titles: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Sunny Morning"]);
    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "library", "search", "晴天"]),
    );
    assert_eq!(json(&output)[0]["title"], "晴天 Rain");

    let output =
        run_ok(
            shrimp()
                .arg("--data-dir")
                .arg(&data)
                .args(["--json", "library", "unreadable"]),
        );
    assert_eq!(json(&output).as_array().unwrap().len(), 3);

    // A second scan reads nothing again (unchanged files are skipped); people get a summary.
    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["library", "scan"])
            .arg(&music),
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 added"), "{text}");
    assert!(text.contains("6 unchanged"), "{text}");
}

#[test]
fn bench_decode_and_scan_report_medians() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let (music, _) = music(temp.path());
    let file = music.join("album/01.flac");
    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "bench", "decode", "--runs", "3"])
            .arg(&file),
    );
    let bench = json(&output);
    assert_eq!(bench["codec"], "flac");
    assert_eq!(bench["sampleRate"], 44_100);
    assert_eq!(bench["channels"], 2);
    assert_eq!(bench["runs"], 3);
    assert!(
        (bench["seconds"].as_f64().unwrap() - 1.0).abs() < 0.01,
        "{bench}"
    );
    assert!(bench["medianMs"].as_f64().unwrap() > 0.0);
    assert!(bench["realtimeFactor"].as_f64().unwrap() > 1.0, "{bench}");
    assert!(bench["resampledMedianMs"].as_f64().unwrap() > 0.0);

    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "bench", "scan", "--runs", "2"])
            .arg(&music),
    );
    let bench = json(&output);
    assert_eq!(bench["files"], 6, "{bench}");
    assert_eq!(bench["unreadable"], 3, "{bench}");
    assert!(bench["filesPerSecond"].as_f64().unwrap() > 0.0);
    // The throwaway libraries are gone.
    assert_eq!(std::fs::read_dir(data.join("bench")).unwrap().count(), 0);
}

fn assert_fails(command: &mut Command, code: i32, needle: &str) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "{command:?}: {stderr}");
    assert!(stderr.contains(needle), "{command:?}: {stderr}");
    stderr
}

#[test]
fn bad_arguments_exit_non_zero_with_a_message() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let with_data = || {
        let mut c = shrimp();
        c.arg("--data-dir").arg(&data);
        c
    };
    assert_fails(shrimp().arg("frobnicate"), 2, "unrecognized subcommand");
    assert_fails(with_data().args(["library", "scan"]), 2, "required");
    assert_fails(
        with_data().args(["library", "scan", "/no/such/folder"]),
        2,
        "does not exist",
    );
    assert_fails(
        with_data().args(["bench", "decode", "/no/such/file.flac"]),
        2,
        "is not a file",
    );
    assert_fails(
        with_data().args(["play", "--volume", "3", "x.flac"]),
        2,
        "volume",
    );
    assert_fails(with_data().args(["library", "search", " "]), 2, "empty");
    // Machine output: the error as {"code","message"}.
    let stderr = assert_fails(
        with_data().args(["--json", "play", "nothing matches this"]),
        2,
        "not_found",
    );
    let error: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["code"], "not_found");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nothing matches this")
    );
    // No data folder anywhere (no --data-dir, no env, no HOME): a clear message.
    let output = shrimp()
        .env_remove("HOME")
        .env_remove("XDG_DATA_HOME")
        .args(["library", "search", "x"])
        .output()
        .unwrap();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("SHRIMP_DATA_DIR"), "{stderr}");
    }
}

fn frames(seconds: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let frames = (seconds * f64::from(shrimp_tests::pulse::RATE)) as usize;
    frames
}

#[test]
fn play_through_the_engine_is_heard_normalised_and_exits_at_the_end() {
    let pulse = Pulse::start().unwrap();
    let data = pulse.dir().join("data");
    let file = pulse.dir().join("tone.flac");
    tagged_flac(&file, "Tone", "1.5", "0.5");
    let output = run_ok(
        shrimp()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "play"])
            .arg(&file)
            .envs(pulse.env()),
    );
    let events: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"trackChanged"), "{kinds:?}");
    assert_eq!(events.last().unwrap()["state"], "stopped", "{events:?}");
    std::thread::sleep(Duration::from_millis(300));

    let capture = pulse.capture();
    let sound = capture.sound(1e-3).expect("nothing was heard");
    let heard = Capture::seconds(sound.len());
    assert!((heard - 1.5).abs() < 0.01, "heard {heard} s");
    let middle = sound.start + frames(0.1)..sound.end - frames(0.1);
    assert!((capture.frequency(0, middle.clone()) - 1000.0).abs() < 1.0);
    // Untagged, so measured: a stereo 1 kHz sine at peak 0.5 is about −6 LUFS and is brought
    // to −18 LUFS, a peak of about 0.126.
    let rms = capture.rms(0, middle);
    let expected = 0.5 * 10f64.powf(-12.0 / 20.0) / 2f64.sqrt();
    assert!(
        (20.0 * (rms / expected).log10()).abs() < 0.5,
        "rms {rms}, expected {expected}"
    );
    // A file that is not audio: reported, non-zero.
    let junk = pulse.dir().join("junk.flac");
    std::fs::write(&junk, b"junk").unwrap();
    let output = shrimp()
        .arg("--data-dir")
        .arg(&data)
        .arg("play")
        .arg(&junk)
        .envs(pulse.env())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could be played"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("skipped"));
    // The measurement is cached in the data folder.
    let cache = std::fs::read_to_string(data.join("cache/loudness.tsv")).unwrap();
    assert!(cache.contains("tone.flac"), "{cache}");
}

#[test]
fn ctrl_c_stops_playback_cleanly() {
    let pulse = Pulse::start().unwrap();
    let data = pulse.dir().join("data");
    let file = pulse.dir().join("long.flac");
    tagged_flac(&file, "Long", "20", "0.5");
    let mut child = shrimp()
        .arg("--data-dir")
        .arg(&data)
        .args(["--json", "play", "--no-normalise"])
        .arg(&file)
        .envs(pulse.env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = lines.next().expect("the player ended early").unwrap();
        if line.contains("positionChanged") {
            break;
        }
        assert!(Instant::now() < deadline, "no position event");
    }
    let interrupted_at = Instant::now();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(interrupted_at.elapsed() < Duration::from_secs(3));
    assert!(rest.iter().any(|l| l.contains("\"stopped\"")), "{rest:?}");
    std::thread::sleep(Duration::from_millis(300));
    let heard = Capture::seconds(pulse.capture().sound(1e-3).map_or(0, |s| s.len()));
    assert!(heard < 5.0, "kept playing after Ctrl-C: {heard} s");
}
