//! Events the shell sends to the webview.

use serde::Serialize;
use shrimp_api::IncomeEvent;
use shrimp_core::back_office::UploadProgress;
use shrimp_core::{BackendStatus, PlayerEvent};

/// The backend's status changed: seed progress, ready, failed, another persona.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct BackendStatusChanged(pub BackendStatus);

/// A money event for the signed-in owner's shop (a sale, a subscription share…).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct IncomeEventReceived(pub IncomeEvent);

/// What the audio engine did: state, track, position (≤ 5 Hz), failures.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct PlayerEventReceived(pub PlayerEvent);

/// How far one file of a track upload has got.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct TrackUploadProgressed(pub UploadProgress);

/// A library scan read another file.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct LibraryScanProgressed {
    pub folder: String,
    pub done: u32,
    pub total: u32,
    pub current: String,
}
