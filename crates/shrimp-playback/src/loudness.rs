//! Loudness of a file by EBU R128 / ITU-R BS.1770-4 (K-weighting, 400 ms blocks with 75 %
//! overlap, absolute gate at −70 LUFS and relative gate at −10 LU), for normalising files whose
//! tags carry no ReplayGain, and a small cache of the results so a file is measured once.
//!
//! The cache is one text file (its path is given by the caller: this crate does not know where
//! the app keeps its data). Entries are keyed by the file's path, size and modification time,
//! so an edited or replaced file is measured again.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::decode::Decoder;
use crate::error::DecodeError;

/// The level normalised tracks are brought to: ReplayGain 2.0's reference, in LUFS.
pub const REFERENCE_LUFS: f64 = -18.0;
/// Files longer than this are not measured (they play without normalisation).
const MAX_MEASURED_SECONDS: u64 = 4 * 60 * 60;

/// A file's measured loudness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Integrated loudness in LUFS; `-inf` for silence.
    pub integrated_lufs: f64,
    /// The largest absolute sample value, linear.
    pub sample_peak: f32,
}

impl Loudness {
    /// The gain in dB that brings the file to [`REFERENCE_LUFS`] (0 for silence).
    pub fn gain_db(&self) -> f64 {
        if self.integrated_lufs.is_finite() {
            REFERENCE_LUFS - self.integrated_lufs
        } else {
            0.0
        }
    }

    /// As ReplayGain values, so both kinds of normalisation take one path.
    pub fn replay_gain(&self) -> crate::ReplayGain {
        #[allow(clippy::cast_possible_truncation)]
        crate::ReplayGain {
            track_gain_db: Some(self.gain_db() as f32),
            track_peak: Some(self.sample_peak),
        }
    }
}

/// One biquad section, transposed direct form II.
#[derive(Debug, Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
}

/// The two K-weighting stages for `rate` (BS.1770's filters, derived for any sample rate the
/// way libebur128 does).
fn k_weighting(rate: u32) -> [Biquad; 2] {
    let fs = f64::from(rate);
    // Stage 1: high shelf, +4 dB above ~1.7 kHz (head effects).
    let (f0, gain_db, q) = (
        1_681.974_450_955_533,
        3.999_843_853_973_347,
        0.707_175_236_955_419_6,
    );
    let k = (std::f64::consts::PI * f0 / fs).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.499_666_774_154_541_6);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    };
    // Stage 2: high pass at ~38 Hz (RLB weighting).
    let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
    let k = (std::f64::consts::PI * f0 / fs).tan();
    let a0 = 1.0 + k / q + k * k;
    let high_pass = Biquad {
        b: [1.0, -2.0, 1.0],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    };
    [shelf, high_pass]
}

/// Channel weights by position in the usual WAV/FLAC order (L R C LFE Ls Rs …): the LFE
/// channel is left out and the surrounds count 1.41 (+1.5 dB).
fn channel_weight(channels: usize, channel: usize) -> f64 {
    match (channels, channel) {
        (6 | 8, 3) => 0.0,
        (6, 4 | 5) | (8, 4..=7) | (5, 3 | 4) => 1.41,
        _ => 1.0,
    }
}

/// Measures loudness incrementally from interleaved samples.
#[derive(Debug, Clone)]
pub struct Meter {
    channels: usize,
    filters: [Biquad; 2],
    /// Filter state per channel: two stages of two delay elements.
    state: Vec<[[f64; 2]; 2]>,
    weights: Vec<f64>,
    /// Frames per 100 ms segment.
    segment_frames: usize,
    /// Sum of squares per channel in the current segment, and its frames so far.
    segment: Vec<f64>,
    segment_len: usize,
    /// Weighted mean square of each finished 100 ms segment.
    segments: Vec<f64>,
    peak: f32,
}

impl Meter {
    pub fn new(sample_rate: u32, channels: usize) -> Self {
        let channels = channels.max(1);
        Self {
            channels,
            filters: k_weighting(sample_rate.max(1)),
            state: vec![[[0.0; 2]; 2]; channels],
            weights: (0..channels).map(|c| channel_weight(channels, c)).collect(),
            segment_frames: usize::try_from(sample_rate / 10).unwrap_or(4410).max(1),
            segment: vec![0.0; channels],
            segment_len: 0,
            segments: Vec::new(),
            peak: 0.0,
        }
    }

    /// Adds interleaved samples (whole frames).
    pub fn add(&mut self, samples: &[f32]) {
        for frame in samples.chunks_exact(self.channels) {
            for (c, &sample) in frame.iter().enumerate() {
                self.peak = self.peak.max(sample.abs());
                let mut x = f64::from(sample);
                for (stage, filter) in self.filters.iter().enumerate() {
                    let z = &mut self.state[c][stage];
                    let y = filter.b[0] * x + z[0];
                    z[0] = filter.b[1] * x - filter.a[0] * y + z[1];
                    z[1] = filter.b[2] * x - filter.a[1] * y;
                    x = y;
                }
                self.segment[c] += x * x;
            }
            self.segment_len += 1;
            if self.segment_len == self.segment_frames {
                #[allow(clippy::cast_precision_loss)]
                let n = self.segment_frames as f64;
                let power = self
                    .segment
                    .iter()
                    .zip(&self.weights)
                    .map(|(sum, w)| w * sum / n)
                    .sum();
                self.segments.push(power);
                self.segment.iter_mut().for_each(|s| *s = 0.0);
                self.segment_len = 0;
            }
        }
    }

    /// The integrated loudness and sample peak of everything added.
    pub fn finish(&self) -> Loudness {
        // 400 ms gating blocks, a new one every 100 ms.
        let blocks: Vec<f64> = self
            .segments
            .windows(4)
            .map(|w| w.iter().sum::<f64>() / 4.0)
            .collect();
        let lufs = |power: f64| -0.691 + 10.0 * power.log10();
        let mean_above = |threshold: f64| {
            let gated: Vec<f64> = blocks
                .iter()
                .copied()
                .filter(|&p| lufs(p) > threshold)
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let n = gated.len() as f64;
            (!gated.is_empty()).then(|| gated.iter().sum::<f64>() / n)
        };
        let integrated_lufs = mean_above(-70.0)
            .map(|mean| lufs(mean) - 10.0)
            .and_then(mean_above)
            .map_or(f64::NEG_INFINITY, lufs);
        Loudness {
            integrated_lufs,
            sample_peak: self.peak,
        }
    }
}

/// Decodes `path` and measures its loudness.
pub fn measure(path: &Path) -> Result<Loudness, DecodeError> {
    let mut decoder = Decoder::open(path)?;
    let info = decoder.info().clone();
    let mut meter = Meter::new(info.sample_rate, info.channels);
    let limit = MAX_MEASURED_SECONDS * u64::from(info.sample_rate);
    let mut frames = 0u64;
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let n = decoder.read_f32(&mut buffer)?;
        if n == 0 {
            break;
        }
        frames += n as u64;
        if frames > limit {
            return Err(DecodeError::LimitExceeded(
                "too long to measure its loudness".into(),
            ));
        }
        meter.add(&buffer);
    }
    Ok(meter.finish())
}

/// Measured loudness by file, kept in a text file so each file is measured once.
#[derive(Debug, Default)]
pub struct LoudnessCache {
    file: Option<PathBuf>,
    entries: HashMap<(PathBuf, u64, i128), Loudness>,
}

impl LoudnessCache {
    /// A cache in memory only.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Loads the cache file at `file` (a missing or damaged file is an empty cache).
    pub fn load(file: PathBuf) -> Self {
        let mut entries = HashMap::new();
        if let Ok(text) = fs::read_to_string(&file) {
            for line in text.lines() {
                let mut fields = line.splitn(5, '\t');
                let parsed = (|| {
                    let size = fields.next()?.parse().ok()?;
                    let mtime = fields.next()?.parse().ok()?;
                    let lufs: f64 = fields.next()?.parse().ok()?;
                    let peak: f32 = fields.next()?.parse().ok()?;
                    let path = PathBuf::from(fields.next()?);
                    Some((
                        (path, size, mtime),
                        Loudness {
                            integrated_lufs: lufs,
                            sample_peak: peak,
                        },
                    ))
                })();
                if let Some((key, value)) = parsed {
                    entries.insert(key, value);
                }
            }
        }
        Self {
            file: Some(file),
            entries,
        }
    }

    fn key(path: &Path) -> Option<(PathBuf, u64, i128)> {
        let meta = fs::metadata(path).ok()?;
        let mtime = meta.modified().ok()?;
        let ns = match mtime.duration_since(UNIX_EPOCH) {
            Ok(d) => i128::try_from(d.as_nanos()).ok()?,
            Err(e) => -i128::try_from(e.duration().as_nanos()).ok()?,
        };
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Some((path, meta.len(), ns))
    }

    /// The loudness of `path`, from the cache or measured now (and remembered).
    pub fn loudness(&mut self, path: &Path) -> Result<Loudness, DecodeError> {
        let key = Self::key(path);
        if let Some(found) = key.as_ref().and_then(|k| self.entries.get(k)) {
            return Ok(*found);
        }
        let measured = measure(path)?;
        if let Some(key) = key {
            self.remember(&key, measured);
            self.entries.insert(key, measured);
        }
        Ok(measured)
    }

    fn remember(&self, key: &(PathBuf, u64, i128), loudness: Loudness) {
        let Some(file) = &self.file else { return };
        let Some(path) = key.0.to_str().filter(|p| !p.contains(['\n', '\t'])) else {
            return;
        };
        let line = format!(
            "{}\t{}\t{}\t{}\t{path}\n",
            key.1, key.2, loudness.integrated_lufs, loudness.sample_peak
        );
        if let Some(dir) = file.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(error) = written {
            tracing::warn!(%error, cache = %file.display(), "cannot write the loudness cache");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, channels: usize, amplitude: f32, frequency: f32, seconds: f32) -> Vec<f32> {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let frames = (rate as f32 * seconds) as usize;
        let mut out = Vec::with_capacity(frames * channels);
        for n in 0..frames {
            #[allow(clippy::cast_precision_loss)]
            let t = n as f32 / rate as f32;
            let s = amplitude * (std::f32::consts::TAU * frequency * t).sin();
            out.extend(std::iter::repeat_n(s, channels));
        }
        out
    }

    #[test]
    fn a_full_scale_stereo_1k_sine_reads_as_about_zero_lufs() {
        // BS.1770: a 0 dBFS 1 kHz sine in one channel reads −3.01 LUFS; in two, 0.
        for rate in [44_100, 48_000, 96_000] {
            let mut meter = Meter::new(rate, 2);
            meter.add(&sine(rate, 2, 1.0, 1000.0, 3.0));
            let l = meter.finish();
            assert!(l.integrated_lufs.abs() < 0.1, "{rate}: {l:?}");
            assert!((l.sample_peak - 1.0).abs() < 1e-3);
        }
        let mut meter = Meter::new(48_000, 1);
        meter.add(&sine(48_000, 1, 1.0, 1000.0, 3.0));
        assert!((meter.finish().integrated_lufs + 3.01).abs() < 0.1);
    }

    #[test]
    fn level_changes_move_loudness_by_the_same_decibels() {
        let mut loud = Meter::new(48_000, 2);
        loud.add(&sine(48_000, 2, 0.5, 440.0, 2.0));
        let mut quiet = Meter::new(48_000, 2);
        quiet.add(&sine(48_000, 2, 0.05, 440.0, 2.0));
        let diff = loud.finish().integrated_lufs - quiet.finish().integrated_lufs;
        assert!((diff - 20.0).abs() < 0.01, "{diff}");
    }

    #[test]
    fn gating_ignores_silence_and_silence_alone_has_no_gain() {
        let mut with_silence = Meter::new(48_000, 2);
        with_silence.add(&sine(48_000, 2, 0.5, 1000.0, 2.0));
        with_silence.add(&vec![0.0; 48_000 * 2 * 5]);
        let mut without = Meter::new(48_000, 2);
        without.add(&sine(48_000, 2, 0.5, 1000.0, 2.0));
        let a = with_silence.finish().integrated_lufs;
        let b = without.finish().integrated_lufs;
        // Only the blocks straddling the end of the tone count partly.
        assert!((a - b).abs() < 0.5, "{a} vs {b}");

        let mut silent = Meter::new(48_000, 2);
        silent.add(&vec![0.0; 48_000 * 2]);
        let l = silent.finish();
        assert!(l.integrated_lufs.is_infinite());
        assert!(l.gain_db().abs() < f64::EPSILON);
    }

    #[test]
    fn the_lfe_channel_does_not_count() {
        let mut meter = Meter::new(48_000, 6);
        let mut samples = Vec::new();
        for frame in sine(48_000, 1, 0.5, 1000.0, 2.0) {
            samples.extend_from_slice(&[0.0, 0.0, 0.0, frame, 0.0, 0.0]);
        }
        meter.add(&samples);
        assert!(meter.finish().integrated_lufs.is_infinite());
    }

    #[test]
    fn the_cache_file_survives_a_reload_and_ignores_damage() {
        let dir = tempfile::tempdir().unwrap();
        let audio = dir.path().join("a.wav");
        let spec = sine(44_100, 2, 0.25, 1000.0, 1.0);
        write_wav(&audio, 44_100, 2, &spec);
        let cache_file = dir.path().join("cache/loudness.tsv");
        let mut cache = LoudnessCache::load(cache_file.clone());
        let first = cache.loudness(&audio).unwrap();
        assert!((first.integrated_lufs - (-12.04)).abs() < 0.2, "{first:?}");
        let mut text = fs::read_to_string(&cache_file).unwrap();
        text.push_str("garbage line\n");
        fs::write(&cache_file, text).unwrap();
        let mut reloaded = LoudnessCache::load(cache_file);
        assert_eq!(reloaded.entries.len(), 1);
        assert_eq!(reloaded.loudness(&audio).unwrap(), first);
        assert!(cache.loudness(&dir.path().join("missing.wav")).is_err());
    }

    fn write_wav(path: &Path, rate: u32, channels: u16, samples: &[f32]) {
        let data_len = u32::try_from(samples.len() * 2).unwrap();
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&channels.to_le_bytes());
        bytes.extend_from_slice(&rate.to_le_bytes());
        bytes.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
        bytes.extend_from_slice(&(channels * 2).to_le_bytes());
        bytes.extend_from_slice(&16u16.to_le_bytes());
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&data_len.to_le_bytes());
        for &s in samples {
            #[allow(clippy::cast_possible_truncation)]
            let v = (s * 32767.0) as i16;
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        fs::write(path, bytes).unwrap();
    }
}
