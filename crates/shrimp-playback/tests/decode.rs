//! Decoding real files made at test time with sox and ffmpeg: bit-exact for lossless formats,
//! close to ffmpeg's own decode for lossy ones, gapless lengths, exact seeking, ReplayGain tags,
//! and errors (never panics) for broken and hostile files.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.
#![allow(clippy::print_stdout)] // Measured differences are printed for the record.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use shrimp_playback::{DecodeError, Decoder, decode_f32, decode_i32};

const MAX_FRAMES: u64 = 10 * 60 * 192_000;

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn ffmpeg(args: &[&str]) {
    let mut all = vec!["-hide_banner", "-loglevel", "error", "-y"];
    all.extend_from_slice(args);
    run("ffmpeg", &all);
}

/// Raw little-endian output of `ffmpeg -i path -f format -`.
fn ffmpeg_decode(path: &Path, format: &str) -> Vec<u8> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-f", format, "-"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn reference_i32(path: &Path) -> Vec<i32> {
    ffmpeg_decode(path, "s32le")
        .chunks_exact(4)
        .map(|b| i32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

fn reference_f32(path: &Path) -> Vec<f32> {
    ffmpeg_decode(path, "f32le")
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

/// A 2-second stereo source with different content per channel.
fn source_wav(dir: &Path, bits: &str, rate: &str) -> PathBuf {
    let path = dir.join(format!("source-{bits}-{rate}.wav"));
    run(
        "sox",
        &[
            "-n",
            "-r",
            rate,
            "-c",
            "2",
            "-b",
            bits,
            path.to_str().unwrap(),
            "synth",
            "2",
            "sine",
            "440",
            "sine",
            "1000-3000",
            "vol",
            "0.7",
        ],
    );
    path
}

fn encode(source: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = source.with_file_name(name);
    let mut all = vec!["-i", source.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(out.to_str().unwrap());
    ffmpeg(&all);
    out
}

#[test]
fn lossless_formats_decode_bit_exact() {
    let dir = tempfile::tempdir().unwrap();
    for (bits, rate) in [("16", "44100"), ("24", "48000")] {
        let source = source_wav(dir.path(), bits, rate);
        let reference = reference_i32(&source);
        assert_eq!(reference.len(), 2 * 2 * rate.parse::<usize>().unwrap());
        let sox_flac = source.with_file_name(format!("sox-{bits}.flac"));
        run(
            "sox",
            &[source.to_str().unwrap(), sox_flac.to_str().unwrap()],
        );
        let aiff = source.with_file_name(format!("x-{bits}.aiff"));
        run("sox", &[source.to_str().unwrap(), aiff.to_str().unwrap()]);
        let files = [
            source.clone(),
            sox_flac,
            aiff,
            encode(&source, &format!("ff-{bits}.flac"), &["-c:a", "flac"]),
            encode(&source, &format!("alac-{bits}.m4a"), &["-c:a", "alac"]),
        ];
        for file in &files {
            let decoded =
                decode_i32(file, MAX_FRAMES).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(decoded.info.channels, 2, "{}", file.display());
            assert_eq!(decoded.info.sample_rate.to_string(), rate);
            assert_eq!(decoded.samples.len(), reference.len(), "{}", file.display());
            let first_difference = decoded
                .samples
                .iter()
                .zip(&reference)
                .position(|(a, b)| a != b);
            assert_eq!(
                first_difference,
                None,
                "{} is not bit-exact",
                file.display()
            );
        }
    }
}

/// Compares with ffmpeg's decode. `reference_padding`: how many more frames ffmpeg may give
/// (ffmpeg 5 trims AAC priming through the edit list but keeps the end padding).
fn compare_lossy(file: &Path, reference_padding: usize, max_abs: f32, max_rms: f32) {
    let decoded =
        decode_f32(file, MAX_FRAMES).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let reference = reference_f32(file);
    let frames = decoded.samples.len() / 2;
    let reference_frames = reference.len() / 2;
    assert!(
        frames <= reference_frames && reference_frames - frames <= reference_padding,
        "{}: {frames} frames, ffmpeg {reference_frames}",
        file.display()
    );
    let n = decoded.samples.len().min(reference.len());
    let mut worst = 0.0f32;
    let mut sum = 0.0f64;
    for (a, b) in decoded.samples[..n].iter().zip(&reference[..n]) {
        let d = (a - b).abs();
        worst = worst.max(d);
        sum += f64::from(d * d);
    }
    #[allow(clippy::cast_precision_loss)]
    let rms = (sum / n as f64).sqrt();
    println!("{}: max {worst:e}, rms {rms:e}", file.display());
    assert!(
        worst <= max_abs,
        "{}: max difference {worst}",
        file.display()
    );
    assert!(
        rms <= f64::from(max_rms),
        "{}: rms difference {rms}",
        file.display()
    );
}

#[test]
fn lossy_formats_decode_close_to_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    let source = source_wav(dir.path(), "16", "44100");
    let mp3 = encode(&source, "x.mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]);
    let ogg = encode(&source, "x.ogg", &["-c:a", "libvorbis", "-q:a", "5"]);
    let aac = encode(&source, "x.m4a", &["-c:a", "aac", "-b:a", "192k"]);
    compare_lossy(&mp3, 0, 1e-4, 1e-5);
    compare_lossy(&ogg, 0, 1e-4, 1e-5);
    compare_lossy(&aac, 1024, 1e-4, 1e-5);
}

#[test]
fn encoder_delay_and_padding_are_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let source = source_wav(dir.path(), "16", "44100");
    let files = [
        encode(&source, "lame.mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
        encode(&source, "x.ogg", &["-c:a", "libvorbis"]),
        encode(&source, "aac.m4a", &["-c:a", "aac"]),
    ];
    for file in &files {
        let decoded = decode_f32(file, MAX_FRAMES).unwrap();
        assert_eq!(decoded.samples.len() / 2, 88_200, "{}", file.display());
        assert_eq!(decoded.info.frames, Some(88_200), "{}", file.display());
        assert_eq!(decoded.info.duration(), Some(Duration::from_secs(2)));
    }
}

#[test]
fn mpeg_audio_without_a_length_tag_decodes_to_its_real_end() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("noise.wav");
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
            source.to_str().unwrap(),
            "synth",
            "3",
            "pinknoise",
            "vol",
            "0.3",
        ],
    );
    // VBR without a Xing header: the bitrate-based length estimate is wrong.
    let vbr = encode(
        &source,
        "vbr.mp3",
        &["-c:a", "libmp3lame", "-q:a", "4", "-write_xing", "0"],
    );
    let sox_mp3 = source.with_file_name("sox.mp3");
    run(
        "sox",
        &[source.to_str().unwrap(), sox_mp3.to_str().unwrap()],
    );
    for file in [&vbr, &sox_mp3] {
        let decoded = decode_f32(file, MAX_FRAMES).unwrap();
        assert_eq!(
            decoded.samples.len(),
            reference_f32(file).len(),
            "{} does not decode to its end",
            file.display()
        );
    }
}

/// Seeks to `to` and checks the next frames are exactly those at that frame in a full decode.
fn check_seek(file: &Path, full: &[i32], to: Duration) {
    let mut decoder = Decoder::open(file).unwrap();
    let rate = decoder.info().sample_rate;
    let landed = decoder.seek(to).unwrap();
    let expected = usize::try_from(to.as_nanos() * u128::from(rate) / 1_000_000_000).unwrap();
    let mut got = Vec::new();
    while got.len() < 2 * 256 {
        assert!(
            decoder.read_i32(&mut got).unwrap() > 0,
            "ended after seek to {to:?}"
        );
    }
    let window = &got[..2 * 256];
    // Where the decoded frames really are in the file, searching ±1 ms around the target.
    let tolerance = usize::try_from(rate / 1000).unwrap();
    let found = (expected.saturating_sub(tolerance)..=expected + tolerance)
        .find(|&frame| full.get(2 * frame..2 * frame + 2 * 256) == Some(window));
    assert_eq!(
        found,
        Some(expected),
        "{}: seek to {to:?} landed at frame {found:?}, wanted {expected}",
        file.display()
    );
    assert!(landed.abs_diff(to) < Duration::from_millis(1));
}

#[test]
fn seeking_lands_on_the_exact_frame_in_flac_and_wav() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("noise.wav");
    // Noise: every stretch of frames is unique, so a match pins the position down.
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
            wav.to_str().unwrap(),
            "synth",
            "5",
            "whitenoise",
            "vol",
            "0.5",
        ],
    );
    let flac = encode(&wav, "noise.flac", &["-c:a", "flac"]);
    for file in [&wav, &flac] {
        let full = decode_i32(file, MAX_FRAMES).unwrap().samples;
        for ms in [0u64, 1, 37, 1234, 2500, 4096, 4900] {
            check_seek(file, &full, Duration::from_millis(ms));
        }
        // Backwards after forwards, on the same decoder.
        let mut decoder = Decoder::open(file).unwrap();
        decoder.seek(Duration::from_secs(4)).unwrap();
        decoder.seek(Duration::from_millis(500)).unwrap();
        let mut got = Vec::new();
        decoder.read_i32(&mut got).unwrap();
        assert_eq!(&got[..64], &full[2 * 22_050..2 * 22_050 + 64]);
    }
}

#[test]
fn replay_gain_tags_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let source = source_wav(dir.path(), "16", "44100");
    let flac = encode(
        &source,
        "rg.flac",
        &[
            "-metadata",
            "REPLAYGAIN_TRACK_GAIN=-6.50 dB",
            "-metadata",
            "REPLAYGAIN_TRACK_PEAK=0.700012",
        ],
    );
    let mp3 = encode(
        &source,
        "rg.mp3",
        &[
            "-c:a",
            "libmp3lame",
            "-metadata",
            "REPLAYGAIN_TRACK_GAIN=+1.25 dB",
        ],
    );
    let gain = Decoder::open(&flac).unwrap().info().replay_gain;
    assert_eq!(gain.track_gain_db, Some(-6.5));
    assert_eq!(gain.track_peak, Some(0.700_012));
    let gain = Decoder::open(&mp3).unwrap().info().replay_gain;
    assert_eq!(gain.track_gain_db, Some(1.25));
    let plain = Decoder::open(&source).unwrap().info().replay_gain;
    assert_eq!(plain.track_gain_db, None);
}

fn assert_fails(path: &Path) -> DecodeError {
    let started = Instant::now();
    let result = decode_f32(path, MAX_FRAMES);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{} took too long",
        path.display()
    );
    match result {
        Ok(decoded) => panic!(
            "{} decoded to {} samples instead of failing",
            path.display(),
            decoded.samples.len()
        ),
        Err(error) => {
            println!("{}: {error}", path.display());
            error
        }
    }
}

#[test]
fn broken_files_give_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let source = source_wav(d, "16", "44100");
    let flac = encode(&source, "good.flac", &["-c:a", "flac"]);
    let mp3 = encode(&source, "good.mp3", &["-c:a", "libmp3lame"]);
    let m4a = encode(&source, "good.m4a", &["-c:a", "aac"]);

    std::fs::write(d.join("empty.flac"), []).unwrap();
    assert_fails(&d.join("empty.flac"));
    std::fs::write(
        d.join("text.flac"),
        "This is not music, just a text file.\n".repeat(40),
    )
    .unwrap();
    assert_fails(&d.join("text.flac"));
    let mut state = 0x1234_5678_9abc_def0u64;
    let random: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    for name in [
        "random.flac",
        "random.mp3",
        "random.wav",
        "random.m4a",
        "random.ogg",
        "random",
    ] {
        std::fs::write(d.join(name), &random).unwrap();
        assert_fails(&d.join(name));
    }
    for (good, name) in [
        (&flac, "cut.flac"),
        (&source, "cut.wav"),
        (&m4a, "cut.m4a"),
        (&mp3, "cut.mp3"),
    ] {
        let bytes = std::fs::read(good).unwrap();
        std::fs::write(d.join(name), &bytes[..bytes.len() / 2]).unwrap();
        assert_fails(&d.join(name));
    }
    assert!(matches!(
        Decoder::open(&d.join("missing.flac")),
        Err(DecodeError::Io { .. })
    ));
    // A WAV header that declares an absurd channel count.
    let mut wav = std::fs::read(&source).unwrap();
    wav[22..24].copy_from_slice(&1000u16.to_le_bytes());
    std::fs::write(d.join("channels.wav"), &wav).unwrap();
    assert_fails(&d.join("channels.wav"));
}

/// Flips bytes all over valid files: every variant must decode or fail, within bounds.
#[test]
fn corrupted_files_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let source = source_wav(d, "16", "44100");
    let files = [
        encode(&source, "c.flac", &["-c:a", "flac"]),
        encode(&source, "c.mp3", &["-c:a", "libmp3lame"]),
        encode(&source, "c.ogg", &["-c:a", "libvorbis"]),
        encode(&source, "c.m4a", &["-c:a", "aac"]),
        encode(&source, "alac.m4a", &["-c:a", "alac"]),
        source.clone(),
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut failed) = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for variant in 0..25 {
            let mut damaged = bytes.clone();
            // Damage concentrated in the headers for half the variants.
            let span = if variant % 2 == 0 {
                4096.min(damaged.len())
            } else {
                damaged.len()
            };
            for _ in 0..=(next() % 32) {
                let at = usize::try_from(next() % span as u64).unwrap();
                damaged[at] = u8::try_from(next() & 0xff).unwrap();
            }
            let path = d.join(format!(
                "damaged-{variant}-{}",
                file.file_name().unwrap().to_str().unwrap()
            ));
            std::fs::write(&path, &damaged).unwrap();
            let started = Instant::now();
            match decode_f32(&path, MAX_FRAMES) {
                Ok(decoded) => {
                    assert!(decoded.samples.len() <= 2 * 10 * 192_000);
                    ok += 1;
                }
                Err(_) => failed += 1,
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{} hung",
                path.display()
            );
        }
    }
    println!("{ok} damaged files decoded, {failed} rejected");
    assert_eq!(ok + failed, files.len() * 25);
}
