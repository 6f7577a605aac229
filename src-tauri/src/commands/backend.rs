//! The backend: demo or connected, starting up, who is signed in, the market simulator.

use shrimp_api::ApiError;
use shrimp_core::embedded::SimulatorView;
use shrimp_core::{BackendStatus, ConnectionView, SignedIn};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event as _;

use super::{CoreState, api_error};
use crate::events::BackendStatusChanged;

/// Starts the embedded demo backend in the background and forwards every status change
/// (seed progress, ready, failed, persona) to the webview as an event.
pub fn start<R: Runtime>(app: &AppHandle<R>, state: &CoreState) {
    let Ok(core) = state.get() else { return };
    let market = core.market().clone();
    let mut changes = market.watch_status();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let status = changes.borrow_and_update().clone();
            if let Err(error) = BackendStatusChanged(status).emit(&handle) {
                tracing::warn!(%error, "cannot send the backend status to the window");
            }
        }
    });
    tauri::async_runtime::spawn(async move {
        market.start().await;
    });
}

/// Where the backend is and who is signed in.
#[tauri::command]
#[specta::specta]
pub fn backend_status(state: State<'_, CoreState>) -> Result<BackendStatus, ApiError> {
    Ok(state.get()?.market().status())
}

/// Tries again after a failure as at launch: the remote backend the person is signed in to
/// (reached again, or still offline), else the demo.
#[tauri::command]
#[specta::specta]
pub async fn retry_backend(state: State<'_, CoreState>) -> Result<BackendStatus, ApiError> {
    Ok(state.get()?.market().start().await)
}

/// Throws the demo marketplace away and seeds a fresh one; the local library stays.
#[tauri::command]
#[specta::specta]
pub async fn reset_demo(state: State<'_, CoreState>) -> Result<BackendStatus, ApiError> {
    state
        .get()?
        .market()
        .reset_demo()
        .await
        .map_err(|error| api_error(&error))
}

/// Acts as another demo persona (listener, musician, label, reviewer…).
#[tauri::command]
#[specta::specta]
pub async fn switch_persona(
    state: State<'_, CoreState>,
    key: String,
) -> Result<BackendStatus, ApiError> {
    state
        .get()?
        .market()
        .switch_persona(&key)
        .await
        .map_err(|error| api_error(&error))
}

/// How busy the simulated market is.
#[tauri::command]
#[specta::specta]
pub async fn simulator_settings(state: State<'_, CoreState>) -> Result<SimulatorView, ApiError> {
    state
        .get()?
        .market()
        .simulator()
        .await
        .map(Into::into)
        .map_err(|error| api_error(&error))
}

/// Pauses, resumes or paces the simulated market.
#[tauri::command]
#[specta::specta]
pub async fn set_simulator(
    state: State<'_, CoreState>,
    settings: SimulatorView,
) -> Result<(), ApiError> {
    state
        .get()?
        .market()
        .set_simulator(settings.into())
        .await
        .map_err(|error| api_error(&error))
}

/// The remembered backend and account, and whether the OS keyring keeps sign-ins.
#[tauri::command]
#[specta::specta]
pub fn connection(state: State<'_, CoreState>) -> Result<ConnectionView, ApiError> {
    Ok(state.get()?.market().connection())
}

/// Signs in to a remote backend; the session token goes to the OS keyring, never here.
#[tauri::command]
#[specta::specta]
pub async fn connect(
    state: State<'_, CoreState>,
    url: String,
    email: String,
    password: String,
) -> Result<SignedIn, ApiError> {
    state
        .get()?
        .market()
        .connect(&url, &email, &password)
        .await
        .map_err(|error| api_error(&error))
}

/// Creates an account on a remote backend and signs in.
#[tauri::command]
#[specta::specta]
pub async fn register_account(
    state: State<'_, CoreState>,
    url: String,
    email: String,
    password: String,
    display_name: String,
) -> Result<SignedIn, ApiError> {
    state
        .get()?
        .market()
        .register(&url, &email, &password, &display_name)
        .await
        .map_err(|error| api_error(&error))
}

/// Signs out of the remote backend (deleting the keyring entry) and opens the demo again.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, CoreState>) -> Result<BackendStatus, ApiError> {
    state
        .get()?
        .market()
        .sign_out()
        .await
        .map_err(|error| api_error(&error))
}
