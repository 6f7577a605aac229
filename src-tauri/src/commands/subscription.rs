//! The monthly subscription: plan and limits, subscribe, cancel, statements.

use shrimp_api::{ApiError, SubscriptionPeriod, SubscriptionView};
use shrimp_core::subscription::SubscriptionPage;
use tauri::State;

use super::{CoreState, api_error};

#[tauri::command]
#[specta::specta]
pub async fn subscription_page(state: State<'_, CoreState>) -> Result<SubscriptionPage, ApiError> {
    state
        .get()?
        .market()
        .subscription_page()
        .await
        .map_err(|error| api_error(&error))
}

/// Pays for this month; `attempt` makes a retry safe (never charged twice).
#[tauri::command]
#[specta::specta]
pub async fn subscribe(
    state: State<'_, CoreState>,
    attempt: String,
) -> Result<SubscriptionPeriod, ApiError> {
    state
        .get()?
        .market()
        .subscribe(&attempt)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_subscription(
    state: State<'_, CoreState>,
) -> Result<SubscriptionView, ApiError> {
    state
        .get()?
        .market()
        .cancel_subscription()
        .await
        .map_err(|error| api_error(&error))
}
