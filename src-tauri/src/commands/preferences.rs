//! The preferences Rust acts on: sale notifications and the language they are worded in.

use shrimp_api::ApiError;
use shrimp_core::Preferences;
use tauri::State;

use super::{CoreState, api_error};

#[tauri::command]
#[specta::specta]
pub fn preferences(state: State<'_, CoreState>) -> Result<Preferences, ApiError> {
    Ok(state.get()?.preferences())
}

/// Saves the preferences; they apply from the next sale on.
#[tauri::command]
#[specta::specta]
pub fn set_preferences(
    state: State<'_, CoreState>,
    preferences: Preferences,
) -> Result<Preferences, ApiError> {
    state
        .get()?
        .set_preferences(preferences)
        .map_err(|error| api_error(&error))
}
