use std::fs;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use serde::Serialize;

use crate::folders::Folders;
use crate::queue::{SavedQueue, SharedQueue};
use crate::{AppPaths, CoreError, Library, Market, Player, PlayerSettings};

/// The running application: what the shell holds and calls into.
#[derive(Debug)]
pub struct Core {
    paths: AppPaths,
    started: Instant,
    market: Arc<Market>,
    player: Mutex<Option<Arc<Player>>>,
    pub(crate) library: tokio::sync::OnceCell<Library>,
    pub(crate) queue: SharedQueue,
    pub(crate) folders: Mutex<Folders>,
    pub(crate) watches: Mutex<Vec<shrimp_library::FolderWatch>>,
    pub(crate) preferences: Arc<Mutex<crate::Preferences>>,
}

/// A snapshot of the core's health, shown in the app's status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// The app's version.
    pub version: String,
    /// Operating system and processor, e.g. `linux x86_64`.
    pub platform: String,
    /// Where the app keeps its data.
    pub data_dir: String,
    /// Whether a file could just now be written in the data folder.
    pub data_dir_writable: bool,
    /// Whole seconds since the core started.
    pub uptime_seconds: u32,
}

impl Core {
    /// Opens the core on its data folder, creating the folder if needed.
    pub fn open(paths: AppPaths) -> Result<Self, CoreError> {
        paths.ensure()?;
        tracing::info!(data_dir = %paths.data_dir().display(), "core opened");
        Ok(Self {
            market: Market::new(&paths),
            queue: Arc::new(Mutex::new(SavedQueue::load(paths.data_dir()))),
            folders: Mutex::new(Folders::load(paths.data_dir())),
            preferences: Arc::new(Mutex::new(crate::Preferences::load(paths.data_dir()))),
            paths,
            started: Instant::now(),
            player: Mutex::default(),
            library: tokio::sync::OnceCell::new(),
            watches: Mutex::default(),
        })
    }

    /// The audio player, started on first use and kept for the core's life: a shell that
    /// forwards its events subscribes once, whoever happened to start it.
    pub fn player(&self) -> Result<Arc<Player>, CoreError> {
        let mut slot = self.player.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(player) = slot.as_ref() {
            return Ok(player.clone());
        }
        let player = Arc::new(
            Player::start(&self.paths, &PlayerSettings::default()).map_err(|error| {
                CoreError::Backend {
                    code: crate::player::playback_error_code(&error),
                    message: error.to_string(),
                }
            })?,
        );
        *slot = Some(player.clone());
        crate::queue::follow(
            player.subscribe(),
            Arc::clone(&self.queue),
            self.paths.data_dir().to_owned(),
        );
        Ok(player)
    }

    /// The marketplace: the backend in use and who is signed in.
    pub fn market(&self) -> &Arc<Market> {
        &self.market
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    /// Reports the core's health; probes the data folder with a real write.
    pub fn status(&self) -> AppStatus {
        AppStatus {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            data_dir: self.paths.data_dir().display().to_string(),
            data_dir_writable: self.probe_data_dir(),
            uptime_seconds: u32::try_from(self.started.elapsed().as_secs()).unwrap_or(u32::MAX),
        }
    }

    fn probe_data_dir(&self) -> bool {
        let probe = self.paths.data_dir().join(".write-probe");
        let written = fs::write(&probe, b"shrimp").is_ok();
        // Best effort: a leftover probe file is harmless and rewritten next time.
        let _ = fs::remove_file(&probe);
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reports_the_data_folder_and_that_it_is_writable() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("data");
        let core = Core::open(AppPaths::resolve(Some(dir.clone()), None, None).unwrap()).unwrap();
        let status = core.status();
        assert_eq!(status.data_dir, dir.display().to_string());
        assert!(status.data_dir_writable);
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
        assert!(!dir.join(".write-probe").exists());
    }

    #[test]
    fn status_notices_a_data_folder_that_went_away() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("data");
        let core = Core::open(AppPaths::resolve(Some(dir.clone()), None, None).unwrap()).unwrap();
        fs::remove_dir(&dir).unwrap();
        assert!(!core.status().data_dir_writable);
    }

    #[test]
    fn status_serializes_in_camel_case() {
        let temp = tempfile::tempdir().unwrap();
        let core =
            Core::open(AppPaths::resolve(Some(temp.path().into()), None, None).unwrap()).unwrap();
        let json = serde_json::to_value(core.status()).unwrap();
        assert!(json.get("dataDirWritable").is_some(), "{json}");
        assert!(json.get("uptimeSeconds").is_some(), "{json}");
    }
}
