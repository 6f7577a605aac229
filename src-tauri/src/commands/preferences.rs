//! The preferences Rust acts on: sale notifications, and the language they and the tray menu
//! are worded in.

use shrimp_api::ApiError;
use shrimp_core::Preferences;
use tauri::State;

use super::shell::ShellHandle;
use super::{CoreState, api_error};

#[tauri::command]
#[specta::specta]
pub fn preferences(state: State<'_, CoreState>) -> Result<Preferences, ApiError> {
    Ok(state.get()?.preferences())
}

/// Saves the preferences; they apply from the next sale on, and the tray menu is relabelled.
#[tauri::command]
#[specta::specta]
pub fn set_preferences(
    state: State<'_, CoreState>,
    shell: State<'_, ShellHandle>,
    preferences: Preferences,
) -> Result<Preferences, ApiError> {
    let saved = state
        .get()?
        .set_preferences(preferences)
        .map_err(|error| api_error(&error))?;
    shell.relabel_tray(saved.language);
    Ok(saved)
}
