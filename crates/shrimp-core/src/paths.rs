use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::CoreError;

/// The environment variable that moves all of Shrimp's data (tests, scripts, profiles).
pub const DATA_DIR_ENV: &str = "SHRIMP_DATA_DIR";

/// Where the app keeps its data: the library database, caches, settings, the demo backend.
///
/// Built once at start-up and passed in, so tests point everything at a temporary folder and
/// never touch a person's real data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    data_dir: PathBuf,
}

impl AppPaths {
    /// Picks the data folder: an explicit `--data-dir` first, then `SHRIMP_DATA_DIR`, then the
    /// operating system's per-user data folder.
    pub fn resolve(
        explicit: Option<PathBuf>,
        from_env: Option<OsString>,
        os_data_dir: Option<PathBuf>,
    ) -> Result<Self, CoreError> {
        let data_dir = explicit
            .or_else(|| {
                from_env
                    .filter(|value| !value.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| os_data_dir.map(|dir| dir.join("shrimp")))
            .ok_or(CoreError::NoDataDir)?;
        Ok(Self { data_dir })
    }

    /// [`AppPaths::resolve`] with this process's environment and OS folders.
    pub fn from_environment(explicit: Option<PathBuf>) -> Result<Self, CoreError> {
        Self::resolve(explicit, std::env::var_os(DATA_DIR_ENV), dirs::data_dir())
    }

    /// Creates the data folder if needed.
    pub fn ensure(&self) -> Result<(), CoreError> {
        fs::create_dir_all(&self.data_dir).map_err(|source| CoreError::DataDir {
            path: self.data_dir.clone(),
            source,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The embedded demo backend's database and file store.
    pub fn demo_dir(&self) -> PathBuf {
        self.data_dir().join("demo")
    }

    /// Caches that can be thrown away (covers, previews).
    pub fn cache_dir(&self) -> PathBuf {
        self.data_dir().join("cache")
    }

    /// The webview's own storage (UI preferences, caches), kept with the rest of the data so
    /// that profiles and tests never share it.
    pub fn webview_dir(&self) -> PathBuf {
        self.data_dir.join("webview")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_folder_wins_over_environment_and_os() {
        let paths = AppPaths::resolve(
            Some("/explicit".into()),
            Some("/from-env".into()),
            Some("/os".into()),
        )
        .unwrap();
        assert_eq!(paths.data_dir(), Path::new("/explicit"));
    }

    #[test]
    fn environment_wins_over_os_and_empty_is_ignored() {
        let paths = AppPaths::resolve(None, Some("/from-env".into()), Some("/os".into())).unwrap();
        assert_eq!(paths.data_dir(), Path::new("/from-env"));
        let paths = AppPaths::resolve(None, Some(OsString::new()), Some("/os".into())).unwrap();
        assert_eq!(paths.data_dir(), Path::new("/os/shrimp"));
    }

    #[test]
    fn no_folder_at_all_is_a_clear_error() {
        let error = AppPaths::resolve(None, None, None).unwrap_err();
        assert!(matches!(error, CoreError::NoDataDir));
        assert!(error.to_string().contains(DATA_DIR_ENV));
    }

    #[test]
    fn ensure_creates_nested_folders_and_reports_failures() {
        let temp = tempfile::tempdir().unwrap();
        let paths = AppPaths::resolve(Some(temp.path().join("a/b")), None, None).unwrap();
        paths.ensure().unwrap();
        assert!(temp.path().join("a/b").is_dir());

        let blocker = temp.path().join("file");
        fs::write(&blocker, b"not a folder").unwrap();
        let paths = AppPaths::resolve(Some(blocker.join("inside")), None, None).unwrap();
        let error = paths.ensure().unwrap_err();
        assert!(matches!(error, CoreError::DataDir { .. }), "{error}");
    }
}
