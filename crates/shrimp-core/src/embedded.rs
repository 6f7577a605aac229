//! Demo mode's backend: the real `shrimp-server`, in this process, on 127.0.0.1 at a random
//! port with a per-launch signing secret, on SQLite and a file store under the app's data
//! folder. It seeds the demo marketplace on first launch and runs the market simulator. The
//! app talks to it through `shrimp-client` exactly as it would to a remote backend.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use shrimp_server::demo::{self, SeedProgress, SeedStep, Simulator, SimulatorSettings};
use shrimp_server::{AppState, Clock, DemoProvider, SigningKey};
use tokio::sync::oneshot;

/// Why the embedded backend could not start, with what the person can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmbeddedError {
    /// The demo folder cannot be created or written (permissions, full disk).
    #[error("cannot use the demo folder {path}: {message}")]
    Folder { path: String, message: String },
    /// The demo database is unreadable (damaged): resetting the demo data fixes it.
    #[error("the demo database cannot be opened: {message}")]
    Database { message: String },
    /// No local port could be opened.
    #[error("cannot open a local port for the demo store: {message}")]
    Network { message: String },
    /// Generating the demo catalogue failed.
    #[error("the demo catalogue could not be created: {message}")]
    Seed { message: String },
}

/// How far the first-launch seed is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SeedStatus {
    pub step: SeedStepView,
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SeedStepView {
    Music,
    Accounts,
    Shops,
    History,
    Done,
}

impl From<SeedProgress> for SeedStatus {
    fn from(progress: SeedProgress) -> Self {
        Self {
            step: match progress.step {
                SeedStep::Music => SeedStepView::Music,
                SeedStep::Accounts => SeedStepView::Accounts,
                SeedStep::Shops => SeedStepView::Shops,
                SeedStep::History => SeedStepView::History,
                SeedStep::Done => SeedStepView::Done,
            },
            done: progress.done,
            total: progress.total,
        }
    }
}

/// The running embedded backend. Dropping it stops the server and the simulator.
#[derive(Debug)]
pub struct EmbeddedServer {
    url: String,
    state: AppState,
    simulator: Simulator,
    shutdown: Option<oneshot::Sender<()>>,
}

impl EmbeddedServer {
    /// Opens (creating and seeding on first launch) the demo under `folder` and serves it.
    /// Must run inside a Tokio runtime, which then also runs the server.
    pub async fn start(
        folder: &Path,
        simulator: SimulatorSettings,
        on_progress: impl Fn(SeedStatus) + Send + Sync + 'static,
    ) -> Result<Self, EmbeddedError> {
        std::fs::create_dir_all(folder).map_err(|error| EmbeddedError::Folder {
            path: folder.display().to_string(),
            message: error.to_string(),
        })?;
        let database = format!("sqlite://{}", database_path(folder).display());
        let state = shrimp_server::open_state(
            &database,
            folder,
            Clock::System,
            SigningKey::random(),
            Arc::new(DemoProvider),
        )
        .await
        .map_err(|error| match error {
            shrimp_server::OpenError::Files(source) => EmbeddedError::Folder {
                path: folder.display().to_string(),
                message: source.to_string(),
            },
            other @ shrimp_server::OpenError::Storage(_) => EmbeddedError::Database {
                message: other.to_string(),
            },
        })?;
        let progress: demo::ProgressFn = Arc::new(move |step| on_progress(step.into()));
        let report = demo::seed(&state, progress)
            .await
            .map_err(|error| EmbeddedError::Seed {
                message: error.to_string(),
            })?;
        if !report.already_seeded {
            tracing::info!(
                shops = report.shops,
                tracks = report.tracks,
                sales = report.sales,
                "demo marketplace seeded"
            );
        }
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|error| EmbeddedError::Network {
                message: error.to_string(),
            })?;
        let address = listener
            .local_addr()
            .map_err(|error| EmbeddedError::Network {
                message: error.to_string(),
            })?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let router = shrimp_server::app(state.clone());
        tokio::spawn(async move {
            let served = shrimp_server::serve_until(listener, router, async {
                let _ = stopped.await;
            })
            .await;
            if let Err(error) = served {
                tracing::error!(%error, "the embedded server stopped");
            }
        });
        let sweeper = state.clone();
        tokio::spawn(async move {
            let mut every_minute = tokio::time::interval(std::time::Duration::from_mins(1));
            loop {
                every_minute.tick().await;
                if let Err(error) = shrimp_server::expire_unpaid(&sweeper).await {
                    tracing::warn!(%error, "expiring unpaid demo orders failed");
                }
                // Subscriptions renew and months close in the demo as on a real server.
                shrimp_server::run_money_jobs(&sweeper).await;
            }
        });
        tracing::info!(%address, "embedded demo server listening");
        let url = format!("http://{address}");
        // Where the demo answers, for tools and tests that act as other clients of it.
        if let Err(error) = std::fs::write(folder.join(SERVER_URL_FILE), &url) {
            tracing::warn!(%error, "cannot note the demo server's address");
        }
        Ok(Self {
            url,
            simulator: Simulator::start(state.clone(), simulator),
            state,
            shutdown: Some(shutdown),
        })
    }

    /// The base URL to give `shrimp-client`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn simulator(&self) -> &Simulator {
        &self.simulator
    }

    /// The server's state, for tests that check the ledger behind the demo.
    pub fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The file in the demo folder holding the running demo server's base URL.
pub const SERVER_URL_FILE: &str = "server.url";

pub fn database_path(folder: &Path) -> PathBuf {
    folder.join("market.db")
}

/// Deletes the demo's database and files so the next start seeds afresh. The local library
/// lives elsewhere and is kept.
pub fn reset(folder: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(folder) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The market simulator's settings as the UI edits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SimulatorView {
    pub paused: bool,
    /// The average time between two simulated sales.
    pub mean_interval_ms: u32,
}

impl From<SimulatorSettings> for SimulatorView {
    fn from(settings: SimulatorSettings) -> Self {
        Self {
            paused: settings.paused,
            mean_interval_ms: u32::try_from(settings.mean_interval_ms).unwrap_or(u32::MAX),
        }
    }
}

impl From<SimulatorView> for SimulatorSettings {
    fn from(view: SimulatorView) -> Self {
        Self {
            paused: view.paused,
            mean_interval_ms: u64::from(view.mean_interval_ms),
        }
    }
}
