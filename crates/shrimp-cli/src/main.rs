//! `shrimp`, the command line: the local library (scan, search, unreadable files), the player
//! and benchmarks, headless. It only adapts: every command is one call into `shrimp-core`,
//! the same core the desktop app uses; this file parses arguments and prints results, for
//! people or (`--json`) for scripts.
//!
//! Exit codes: 0 success, 1 a failure (storage, audio device, a file that could not be
//! played), 2 bad usage or input (clap's code for bad arguments too), 130 interrupted.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;
use shrimp_api::{ApiError, ErrorCode};
use shrimp_core::library::{ScanProgressed, library_api_error};
use shrimp_core::player::playback_api_error;
use shrimp_core::{
    AppPaths, DATA_DIR_ENV, Library, Player, PlayerEvent, PlayerSettings, PlayerState, bench,
};

#[derive(Debug, Parser)]
#[command(
    name = "shrimp",
    version,
    about = "Shrimp's music library, player and benchmarks, headless."
)]
struct Cli {
    /// Where the library database, caches and settings live.
    #[arg(long, global = true, env = DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Machine-readable output: JSON on stdout (errors as {"code","message"} on stderr).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The local music library.
    #[command(subcommand)]
    Library(LibraryCommand),
    /// Plays files, or the library tracks a search finds, through the audio engine; exits at
    /// the end of the queue (Ctrl-C stops).
    Play {
        /// Audio files, or searches of the library.
        #[arg(required = true, value_name = "FILE|QUERY")]
        items: Vec<String>,
        /// Linear volume from 0 to 1.
        #[arg(long, default_value_t = 1.0, value_parser = volume)]
        volume: f32,
        /// Play at each file's own level (no ReplayGain or measured loudness).
        #[arg(long)]
        no_normalise: bool,
        /// Output device id (see `shrimp devices`).
        #[arg(long)]
        device: Option<String>,
    },
    /// Lists the audio output devices.
    Devices,
    /// Measures decoding and scanning speed on your files.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
enum LibraryCommand {
    /// Scans folders (or files) into the library and reports the files it cannot read.
    Scan {
        #[arg(required = true, value_name = "DIR")]
        folders: Vec<PathBuf>,
    },
    /// Searches titles, artists and albums.
    Search {
        #[arg(value_name = "QUERY")]
        query: String,
        /// The most results to show.
        #[arg(long, default_value_t = shrimp_core::library::DEFAULT_SEARCH_LIMIT)]
        limit: u32,
    },
    /// Lists the files in the library that cannot be played, with the reason.
    Unreadable,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Decodes a file through the engine's path and reports the median time.
    Decode {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        runs: u32,
    },
    /// Scans a folder into a throwaway library and reports the median time.
    Scan {
        #[arg(value_name = "DIR")]
        folder: PathBuf,
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
        runs: u32,
    },
}

fn volume(text: &str) -> Result<f32, String> {
    let value: f32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err("the volume goes from 0 to 1".into())
    }
}

/// A failure with its wire code; the exit code follows from the code.
#[derive(Debug)]
struct Failure(ApiError);

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(ApiError::new(code, message))
    }

    fn exit_code(&self) -> u8 {
        match self.0.code {
            ErrorCode::InvalidInput | ErrorCode::NotFound => 2,
            _ => 1,
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::new(ErrorCode::Internal, format!("{error:#}"))
    }
}

type Outcome = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .init();
    let json = cli.json;
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            let _ = if json {
                writeln!(
                    stderr,
                    "{}",
                    serde_json::to_string(&failure.0).unwrap_or_default()
                )
            } else {
                writeln!(stderr, "shrimp: {}", failure.0.message)
            };
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(cli: Cli) -> Outcome {
    let paths = AppPaths::from_environment(cli.data_dir.clone())
        .and_then(|p| p.ensure().map(|()| p))
        .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let out = Output { json: cli.json };
    match cli.command {
        Command::Library(command) => runtime.block_on(library(&paths, &out, command)),
        Command::Play {
            items,
            volume,
            no_normalise,
            device,
        } => {
            let settings = PlayerSettings {
                device,
                volume,
                normalise: !no_normalise,
            };
            play(&runtime, &paths, &out, &items, &settings)
        }
        Command::Devices => {
            let devices = Player::devices().map_err(|e| Failure(playback_api_error(&e)))?;
            out.emit(
                &devices.iter().map(DeviceView::from).collect::<Vec<_>>(),
                |w| {
                    for d in &devices {
                        let mark = if d.is_default { "*" } else { " " };
                        writeln!(w, "{mark} {}  ({})", d.name, d.id)?;
                    }
                    Ok(())
                },
            )
        }
        Command::Bench(BenchCommand::Decode { file, runs }) => {
            if !file.is_file() {
                return Err(Failure::new(
                    ErrorCode::InvalidInput,
                    format!("{} is not a file", file.display()),
                ));
            }
            let result = bench::decode(&file, runs).map_err(|e| bench_failure(&e))?;
            out.emit(&result, |w| {
                writeln!(
                    w,
                    "{} ({}, {} Hz, {} ch, {:.1} s): median {:.1} ms over {} runs, {:.0}× real time",
                    result.file,
                    result.codec,
                    result.sample_rate,
                    result.channels,
                    result.seconds,
                    result.median_ms,
                    result.runs,
                    result.realtime_factor
                )?;
                if let Some(resampled) = result.resampled_median_ms {
                    writeln!(w, "  with resampling to 48000 Hz: median {resampled:.1} ms")?;
                }
                Ok(())
            })
        }
        Command::Bench(BenchCommand::Scan { folder, runs }) => {
            let result = runtime
                .block_on(bench::scan(&paths, &folder, runs))
                .map_err(|e| bench_failure(&e))?;
            out.emit(&result, |w| {
                writeln!(
                    w,
                    "{}: {} files ({} unreadable), median {:.1} ms over {} runs, {:.0} files/s",
                    result.folder,
                    result.files,
                    result.unreadable,
                    result.median_ms,
                    result.runs,
                    result.files_per_second
                )
            })
        }
    }
}

fn bench_failure(error: &bench::BenchError) -> Failure {
    match error {
        bench::BenchError::Library(e) => Failure(library_api_error(e)),
        bench::BenchError::Playback(e) => Failure(playback_api_error(e)),
        bench::BenchError::Decode(_) | bench::BenchError::Invalid(_) => {
            Failure::new(ErrorCode::InvalidInput, error.to_string())
        }
    }
}

/// Where results go: text for people or JSON for scripts, on stdout.
struct Output {
    json: bool,
}

impl Output {
    fn emit<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Outcome {
        let mut stdout = std::io::stdout().lock();
        let written = if self.json {
            serde_json::to_writer(&mut stdout, value)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(stdout))
        } else {
            human(&mut stdout)
        };
        // A closed pipe (`shrimp … | head`) is not a failure of the command.
        match written {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(anyhow::Error::from(e).context("writing the output").into())
            }
            _ => Ok(ExitCode::SUCCESS),
        }
    }

    /// One JSON object per line, for event streams.
    fn line<T: Serialize>(&self, value: &T, human: impl FnOnce() -> Option<String>) {
        let mut stdout = std::io::stdout().lock();
        let _ = if self.json {
            writeln!(
                stdout,
                "{}",
                serde_json::to_string(value).unwrap_or_default()
            )
        } else if let Some(text) = human() {
            writeln!(stdout, "{text}")
        } else {
            Ok(())
        };
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceView {
    id: String,
    name: String,
    is_default: bool,
}

impl From<&shrimp_core::player::OutputDevice> for DeviceView {
    fn from(d: &shrimp_core::player::OutputDevice) -> Self {
        Self {
            id: d.id.clone(),
            name: d.name.clone(),
            is_default: d.is_default,
        }
    }
}

async fn open_library(paths: &AppPaths) -> Result<Library, Failure> {
    Library::open(paths)
        .await
        .map_err(|e| Failure(library_api_error(&e)))
}

async fn library(paths: &AppPaths, out: &Output, command: LibraryCommand) -> Outcome {
    let library = open_library(paths).await?;
    let outcome = match command {
        LibraryCommand::Scan { folders } => {
            for folder in &folders {
                if !folder.exists() {
                    return Err(Failure::new(
                        ErrorCode::InvalidInput,
                        format!("{} does not exist", folder.display()),
                    ));
                }
            }
            let progress = std::io::stderr().is_terminal();
            let report = library
                .scan(&folders, |p: &ScanProgressed| {
                    if progress {
                        let name = p.current.file_name().unwrap_or_default().to_string_lossy();
                        let mut stderr = std::io::stderr().lock();
                        let _ = write!(stderr, "\r\x1b[2K[{}/{}] {name}", p.done, p.total);
                        let _ = stderr.flush();
                    }
                })
                .await
                .map_err(|e| Failure(library_api_error(&e)))?;
            if progress {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
            out.emit(&report, |w| {
                writeln!(
                    w,
                    "{} added, {} updated, {} moved, {} unchanged, {} missing, {} unreadable",
                    report.added,
                    report.updated,
                    report.moved,
                    report.unchanged,
                    report.missing,
                    report.unreadable.len()
                )?;
                for bad in &report.unreadable {
                    writeln!(w, "  unreadable: {}: {}", bad.path.display(), bad.reason)?;
                }
                Ok(())
            })
        }
        LibraryCommand::Search { query, limit } => {
            let tracks = library
                .search(&query, limit)
                .await
                .map_err(|e| Failure(library_api_error(&e)))?;
            out.emit(&tracks, |w| {
                if tracks.is_empty() {
                    writeln!(w, "no tracks match {query:?}")?;
                }
                for t in &tracks {
                    let artist = t.artist.as_deref().unwrap_or("unknown artist");
                    let album = t.album.as_deref().unwrap_or("");
                    writeln!(w, "{} — {artist} — {album}  {}", t.title, t.path.display())?;
                }
                Ok(())
            })
        }
        LibraryCommand::Unreadable => {
            let tracks = library
                .unreadable()
                .await
                .map_err(|e| Failure(library_api_error(&e)))?;
            out.emit(&tracks, |w| {
                for t in &tracks {
                    let reason = t.reason.as_deref().unwrap_or("unreadable");
                    writeln!(w, "{}: {reason}", t.path.display())?;
                }
                Ok(())
            })
        }
    };
    library.close().await;
    outcome
}

fn play(
    runtime: &tokio::runtime::Runtime,
    paths: &AppPaths,
    out: &Output,
    items: &[String],
    settings: &PlayerSettings,
) -> Outcome {
    let files: Vec<PathBuf> = if items.iter().all(|i| std::path::Path::new(i).is_file()) {
        items.iter().map(PathBuf::from).collect()
    } else {
        runtime.block_on(async {
            let library = open_library(paths).await?;
            let found = library.resolve_playable(items).await;
            library.close().await;
            found.map_err(|e| Failure(library_api_error(&e)))
        })?
    };
    let player =
        Arc::new(Player::start(paths, settings).map_err(|e| Failure(playback_api_error(&e)))?);
    let events = player.subscribe();
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let player = Arc::clone(&player);
        let interrupted = Arc::clone(&interrupted);
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::SeqCst);
                if let Err(error) = player.stop() {
                    tracing::error!(%error, "stopping on Ctrl-C");
                }
            }
        });
    }
    player
        .play(files, 0)
        .map_err(|e| Failure(playback_api_error(&e)))?;
    let mut started = false;
    let mut tracks_heard = 0usize;
    let mut skipped = 0usize;
    loop {
        let Ok(event) = events.recv_timeout(Duration::from_secs(30)) else {
            return Err(Failure::new(
                ErrorCode::Internal,
                "the player stopped answering",
            ));
        };
        out.line(&event, || match &event {
            PlayerEvent::TrackChanged { path, .. } => Some(format!("playing {path}")),
            PlayerEvent::Failed {
                path: Some(path),
                message,
                ..
            } => Some(format!("skipped {path}: {message}")),
            _ => None,
        });
        match event {
            PlayerEvent::TrackChanged { .. } => tracks_heard += 1,
            PlayerEvent::StateChanged {
                state: PlayerState::Playing,
            } => started = true,
            PlayerEvent::StateChanged {
                state: PlayerState::Stopped,
            } if started || interrupted.load(Ordering::SeqCst) => break,
            PlayerEvent::Failed {
                path: None,
                code,
                message,
                ..
            } => return Err(Failure::new(code, message)),
            PlayerEvent::Failed { path: Some(_), .. } => skipped += 1,
            _ => {}
        }
    }
    drop(player);
    if interrupted.load(Ordering::SeqCst) {
        return Ok(ExitCode::from(130));
    }
    if tracks_heard == 0 && skipped > 0 {
        return Err(Failure::new(
            ErrorCode::InvalidInput,
            "none of the files could be played",
        ));
    }
    Ok(ExitCode::SUCCESS)
}
