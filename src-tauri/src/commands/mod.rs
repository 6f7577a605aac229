//! The IPC commands. Each pulls state, calls one `shrimp-core` function and maps the error.

// Tauri hands managed state to commands by value.
#![allow(clippy::needless_pass_by_value)]

pub mod backend;
pub mod dashboard;
pub mod downloads;
pub mod library;
pub mod player;
pub mod preferences;
pub mod shell;
pub mod shop;
pub mod store;
pub mod subscription;

use shrimp_api::ApiError;
use shrimp_core::{AppStatus, Core, CoreError};
use tauri::State;

/// The core, or why it could not start (shown by the UI with a way out instead of a crash).
#[derive(Debug)]
pub struct CoreState(Result<Core, ApiError>);

impl CoreState {
    pub fn new(core: Result<Core, CoreError>) -> Self {
        Self(core.map_err(|error| ApiError::from(&error)))
    }

    pub fn get(&self) -> Result<&Core, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// The core's health for the status line: version, data folder, uptime.
#[tauri::command]
#[specta::specta]
pub fn app_status(state: State<'_, CoreState>) -> Result<AppStatus, ApiError> {
    Ok(state.get()?.status())
}

/// Maps a core error to the `{code, message}` the UI shows.
pub fn api_error(error: &CoreError) -> ApiError {
    ApiError::from(error)
}
