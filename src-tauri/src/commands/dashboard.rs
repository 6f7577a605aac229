//! The seller's dashboard with its live income, and the reviewer's inbox.

use std::sync::{Arc, Mutex, OnceLock};

use shrimp_api::{ApiError, ApplicationView, ErrorCode, IncomeEvent};
use shrimp_core::dashboard::{Dashboard, ExportedStatement, ShopMoney};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event as _;

use super::{CoreState, api_error};
use crate::events::IncomeEventReceived;
use crate::notifications::DesktopNotifier;

type Emit = Arc<dyn Fn(IncomeEvent) + Send + Sync>;

/// Forwards the signed-in owner's income events to the window, and raises a desktop
/// notification for each sale when the owner chose to: the task doing it (replaced on each
/// watch) and how to emit (set once the app exists).
#[derive(Default)]
pub struct IncomeWatch {
    emit: OnceLock<Emit>,
    notifier: DesktopNotifier,
    task: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl std::fmt::Debug for IncomeWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomeWatch").finish_non_exhaustive()
    }
}

impl IncomeWatch {
    /// Sends income events to `app`'s windows from now on.
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let app = app.clone();
        let _ = self.emit.set(Arc::new(move |event| {
            if let Err(error) = IncomeEventReceived(event).emit(&app) {
                tracing::warn!(%error, "cannot send an income event to the window");
            }
        }));
    }
}

#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, CoreState>) -> Result<Dashboard, ApiError> {
    state
        .get()?
        .market()
        .dashboard()
        .await
        .map_err(|error| api_error(&error))
}

/// The subscription share (projected this month, settled before) and the payouts.
#[tauri::command]
#[specta::specta]
pub async fn shop_money(state: State<'_, CoreState>) -> Result<ShopMoney, ApiError> {
    state
        .get()?
        .market()
        .shop_money()
        .await
        .map_err(|error| api_error(&error))
}

/// Writes the shop's CSV statement to the file at `path`.
#[tauri::command]
#[specta::specta]
pub async fn export_statement(
    state: State<'_, CoreState>,
    path: std::path::PathBuf,
) -> Result<ExportedStatement, ApiError> {
    state
        .get()?
        .market()
        .export_statement(&path)
        .await
        .map_err(|error| api_error(&error))
}

/// Streams the signed-in owner's sales to the window as `IncomeEventReceived` events, from
/// now on, until another watch starts (another persona, say).
#[tauri::command]
#[specta::specta]
pub async fn watch_income(
    state: State<'_, CoreState>,
    watch: State<'_, IncomeWatch>,
) -> Result<(), ApiError> {
    let emit = watch
        .emit
        .get()
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, "the window is not ready"))?;
    let core = state.get()?;
    let market = core.market();
    // The shop this stream is for; `income_events` refuses when there is none.
    let shop = market.shop_id().unwrap_or_default();
    let notices = core.sale_notices();
    let notifier = watch.notifier.clone();
    let mut stream = market
        .income_events()
        .await
        .map_err(|error| api_error(&error))?;
    stream
        .connect()
        .await
        .map_err(|error| api_error(&error.into()))?;
    let task = tauri::async_runtime::spawn(async move {
        loop {
            match stream.next().await {
                Ok(event) => {
                    if let Some(notice) = notices.notice_for(&shop, &event) {
                        notifier.show(notice);
                    }
                    emit(event);
                }
                Err(error) => {
                    tracing::warn!(%error, "the income stream ended");
                    return;
                }
            }
        }
    });
    let previous = watch
        .task
        .lock()
        .map_err(|_| ApiError::new(ErrorCode::Internal, "the income watch failed earlier"))?
        .replace(task);
    if let Some(previous) = previous {
        previous.abort();
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn review_inbox(state: State<'_, CoreState>) -> Result<Vec<ApplicationView>, ApiError> {
    state
        .get()?
        .market()
        .review_inbox()
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn approve_application(
    state: State<'_, CoreState>,
    id: String,
) -> Result<ApplicationView, ApiError> {
    state
        .get()?
        .market()
        .approve(&id)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn reject_application(
    state: State<'_, CoreState>,
    id: String,
    reason: String,
) -> Result<ApplicationView, ApiError> {
    state
        .get()?
        .market()
        .reject(&id, &reason)
        .await
        .map_err(|error| api_error(&error))
}
