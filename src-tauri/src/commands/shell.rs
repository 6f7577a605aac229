//! The shell's own windows: the mini player; and the tray menu, which follows the language.

use std::sync::OnceLock;

use shrimp_api::{ApiError, ErrorCode};
use shrimp_core::Language;
use tauri::{AppHandle, State, Wry};

use crate::{mini_player, tray};

/// The running app, for the commands that open windows or relabel the tray (set at setup;
/// the commands stay free of the runtime type, as the bindings generator needs).
#[derive(Debug, Default)]
pub struct ShellHandle(OnceLock<AppHandle<Wry>>);

impl ShellHandle {
    pub fn connect(&self, app: &AppHandle<Wry>) {
        let _ = self.0.set(app.clone());
    }

    /// Relabels the tray menu after the language changed (nothing to do before setup).
    pub fn relabel_tray(&self, language: Language) {
        if let Some(app) = self.0.get()
            && let Err(error) = tray::relabel(app, language)
        {
            tracing::warn!(%error, "cannot relabel the tray menu");
        }
    }

    fn app(&self) -> Result<&AppHandle<Wry>, ApiError> {
        self.0
            .get()
            .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "the window is not ready"))
    }
}

fn shell_error(error: &tauri::Error) -> ApiError {
    tracing::warn!(%error, "a window could not be opened or changed");
    ApiError::new(ErrorCode::Internal, "the window could not be opened")
}

/// Opens the mini player window (or brings it forward).
#[tauri::command]
#[specta::specta]
pub fn open_mini_player(shell: State<'_, ShellHandle>) -> Result<(), ApiError> {
    mini_player::open(shell.app()?).map_err(|error| shell_error(&error))
}
