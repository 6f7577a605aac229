//! The music folders a person added: scanned when added, remembered in the data folder, and
//! watched while the app runs so files added, changed or removed there reach the library.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The list of folders, inside the data folder.
pub const FOLDERS_FILE: &str = "library-folders.json";

/// How long a folder must be quiet before its changes are applied.
pub const WATCH_QUIET: std::time::Duration = std::time::Duration::from_millis(800);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folders {
    pub folders: Vec<PathBuf>,
}

impl Folders {
    /// The folders added so far; a damaged file is logged and read as none.
    pub fn load(data_dir: &Path) -> Self {
        let path = data_dir.join(FOLDERS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %path.display(), "ignoring a damaged folder list");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Adds a folder (once) and writes the list.
    pub fn add(&mut self, folder: &Path, data_dir: &Path) -> std::io::Result<bool> {
        if self.folders.iter().any(|f| f == folder) {
            return Ok(false);
        }
        self.folders.push(folder.to_owned());
        let temp = data_dir.join(format!("{FOLDERS_FILE}.tmp"));
        std::fs::write(
            &temp,
            serde_json::to_vec(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&temp, data_dir.join(FOLDERS_FILE))?;
        Ok(true)
    }
}

impl crate::Core {
    /// The local library, opened on first use; the folders added before are watched from then.
    pub async fn library(&self) -> Result<&crate::Library, crate::CoreError> {
        self.library
            .get_or_try_init(|| async {
                let library = crate::Library::open(self.paths()).await?;
                let folders = self
                    .folders
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .folders
                    .clone();
                self.watch(&library, &folders);
                Ok::<_, crate::CoreError>(library)
            })
            .await
    }

    /// The folders added to the library.
    pub fn library_folders(&self) -> Vec<String> {
        self.folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .folders
            .iter()
            .map(|f| f.display().to_string())
            .collect()
    }

    /// Adds a music folder: scans it (reporting progress), remembers it and watches it.
    pub async fn add_library_folder(
        &self,
        folder: &Path,
        on_progress: impl FnMut(&shrimp_library::ScanProgressed) + Send,
    ) -> Result<crate::library::ScanSummary, crate::CoreError> {
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_owned());
        let library = self.library().await?;
        let summary = library.scan_folder(&folder, on_progress).await?;
        let added = self
            .folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(&folder, self.paths().data_dir())
            .map_err(|source| crate::CoreError::DataDir {
                path: self.paths().data_dir().join(FOLDERS_FILE),
                source,
            })?;
        if added {
            self.watch(library, &[folder]);
        }
        Ok(summary)
    }

    fn watch(&self, library: &crate::Library, folders: &[PathBuf]) {
        let existing: Vec<PathBuf> = folders.iter().filter(|f| f.is_dir()).cloned().collect();
        if existing.is_empty() {
            return;
        }
        match library.inner().watch_folders(&existing, WATCH_QUIET, None) {
            Ok(watch) => self
                .watches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(watch),
            Err(error) => tracing::warn!(%error, "cannot watch the music folders"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_added_once_and_remembered() {
        let temp = tempfile::tempdir().unwrap();
        let mut folders = Folders::load(temp.path());
        assert!(folders.folders.is_empty());
        assert!(folders.add(Path::new("/music"), temp.path()).unwrap());
        assert!(!folders.add(Path::new("/music"), temp.path()).unwrap());
        assert_eq!(
            Folders::load(temp.path()).folders,
            [PathBuf::from("/music")]
        );
    }

    #[tokio::test]
    async fn a_path_that_is_not_a_folder_is_refused_and_not_remembered() {
        let temp = tempfile::tempdir().unwrap();
        let core = crate::Core::open(
            crate::AppPaths::resolve(Some(temp.path().join("data")), None, None).unwrap(),
        )
        .unwrap();
        let file = temp.path().join("song.flac");
        std::fs::write(&file, b"x").unwrap();
        for bad in [file, temp.path().join("nowhere")] {
            let error = core.add_library_folder(&bad, |_| {}).await.unwrap_err();
            assert_eq!(error.code(), shrimp_api::ErrorCode::InvalidInput, "{error}");
        }
        assert!(core.library_folders().is_empty());
        let music = temp.path().join("music");
        std::fs::create_dir(&music).unwrap();
        let summary = core.add_library_folder(&music, |_| {}).await.unwrap();
        assert_eq!(summary.added, 0);
        assert_eq!(core.library_folders(), [music.display().to_string()]);
    }
}
