//! Measurements a person can run on their own files (`shrimp bench …`): decoding through the
//! engine's path, and scanning a folder into a throwaway library. Each reports medians over
//! several runs, since one run on a busy machine says little.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use shrimp_library::{LibraryError, LibraryPaths, ScanOptions};
use shrimp_playback::measure::decode_through_pipeline;
use shrimp_playback::{DecodeError, Decoder, PlaybackError};

use crate::AppPaths;

/// The device rate the resampling run converts to.
const DEVICE_RATE: u32 = 48_000;

/// What decoding one file measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DecodeBench {
    pub file: String,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    /// Playing time decoded, in seconds.
    pub seconds: f64,
    pub runs: u32,
    /// Median wall-clock time of a whole decode, in milliseconds.
    pub median_ms: f64,
    /// Seconds of audio decoded per second of work.
    pub realtime_factor: f64,
    /// The same with resampling to 48 kHz (`None` when the file is at 48 kHz already).
    pub resampled_median_ms: Option<f64>,
}

/// What scanning a folder measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScanBench {
    pub folder: String,
    pub runs: u32,
    /// Files read by the last run, unreadable ones included.
    pub files: u64,
    pub unreadable: u64,
    /// Median wall-clock time of a scan into an empty library, in milliseconds.
    pub median_ms: f64,
    pub files_per_second: f64,
}

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Playback(#[from] PlaybackError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{0}")]
    Invalid(String),
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Benchmarks decoding `file` through the engine's path.
pub fn decode(file: &Path, runs: u32) -> Result<DecodeBench, BenchError> {
    if runs == 0 {
        return Err(BenchError::Invalid("at least one run is needed".into()));
    }
    let info = Decoder::open(file)?.info().clone();
    let mut plain = Vec::new();
    let mut resampled = Vec::new();
    let mut frames = 0;
    for _ in 0..runs {
        let started = Instant::now();
        frames = decode_through_pipeline(file, None)?;
        plain.push(started.elapsed());
        if info.sample_rate != DEVICE_RATE {
            let started = Instant::now();
            decode_through_pipeline(file, Some(DEVICE_RATE))?;
            resampled.push(started.elapsed());
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let seconds = frames as f64 / f64::from(info.sample_rate);
    let median_plain = median(plain);
    Ok(DecodeBench {
        file: file.display().to_string(),
        codec: info.codec,
        sample_rate: info.sample_rate,
        channels: u32::try_from(info.channels).unwrap_or(u32::MAX),
        seconds,
        runs,
        median_ms: ms(median_plain),
        realtime_factor: seconds / median_plain.as_secs_f64().max(1e-9),
        resampled_median_ms: (!resampled.is_empty()).then(|| ms(median(resampled))),
    })
}

/// Benchmarks scanning `folder` into a fresh, throwaway library in the data folder (removed
/// afterwards), `runs` times, with cover art read as in a real scan.
pub async fn scan(paths: &AppPaths, folder: &Path, runs: u32) -> Result<ScanBench, BenchError> {
    if runs == 0 {
        return Err(BenchError::Invalid("at least one run is needed".into()));
    }
    if !folder.is_dir() {
        return Err(BenchError::Invalid(format!(
            "{} is not a folder",
            folder.display()
        )));
    }
    let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_owned());
    let mut times = Vec::new();
    let mut files = 0;
    let mut unreadable = 0;
    for run in 0..runs {
        let dir: PathBuf = paths
            .data_dir()
            .join("bench")
            .join(format!("scan-{}-{run}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let result = async {
            let library = shrimp_library::Library::open(&LibraryPaths::in_dir(&dir)).await?;
            let started = Instant::now();
            let report = library
                .scan_folders(
                    std::slice::from_ref(&folder),
                    &ScanOptions::default(),
                    |_| {},
                )
                .await?;
            let elapsed = started.elapsed();
            library.close().await;
            Ok::<_, LibraryError>((elapsed, report))
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        let (elapsed, report) = result?;
        times.push(elapsed);
        unreadable = report.unreadable.len() as u64;
        // Unreadable files are recorded too (as unreadable tracks), so they count as added.
        files = report.added + report.updated + report.moved;
    }
    let median_time = median(times);
    #[allow(clippy::cast_precision_loss)]
    let files_per_second = files as f64 / median_time.as_secs_f64().max(1e-9);
    Ok(ScanBench {
        folder: folder.display().to_string(),
        runs,
        files,
        unreadable,
        median_ms: ms(median_time),
        files_per_second,
    })
}
