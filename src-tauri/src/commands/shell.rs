//! The shell's own windows and tray: the mini player, and the tray menu's language.

use shrimp_api::{ApiError, ErrorCode};
use tauri::{AppHandle, Runtime};

use crate::{mini_player, tray};

fn shell_error(error: &tauri::Error) -> ApiError {
    tracing::warn!(%error, "a window could not be opened or changed");
    ApiError::new(ErrorCode::Internal, "the window could not be opened")
}

/// Opens the mini player window (or brings it forward).
#[tauri::command]
#[specta::specta]
pub fn open_mini_player<R: Runtime>(app: AppHandle<R>) -> Result<(), ApiError> {
    mini_player::open(&app).map_err(|error| shell_error(&error))
}

/// The UI's language (`en`, `zh-CN`), so the tray menu speaks it too.
#[tauri::command]
#[specta::specta]
pub fn set_ui_language<R: Runtime>(app: AppHandle<R>, language: String) -> Result<(), ApiError> {
    tray::relabel(&app, tray::Language::from_tag(&language)).map_err(|error| shell_error(&error))
}
