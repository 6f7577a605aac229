//! The store: front page, search, pages, buying.

use shrimp_api::{ApiError, OrderView, ReleaseDetail, StoreHome, TrackView};
use shrimp_core::checkout::PaymentProgress;
use shrimp_core::store::{ShopPage, TrackPage};
use tauri::State;

use super::{CoreState, api_error};

#[tauri::command]
#[specta::specta]
pub async fn store_home(state: State<'_, CoreState>) -> Result<StoreHome, ApiError> {
    state
        .get()?
        .market()
        .home()
        .await
        .map_err(|error| api_error(&error))
}

/// Search as you type; an empty text lists the newest tracks.
#[tauri::command]
#[specta::specta]
pub async fn search_tracks(
    state: State<'_, CoreState>,
    text: String,
    genre: Option<String>,
    cursor: Option<String>,
) -> Result<TrackPage, ApiError> {
    state
        .get()?
        .market()
        .search(&text, genre, cursor)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn track_page(state: State<'_, CoreState>, id: String) -> Result<TrackView, ApiError> {
    state
        .get()?
        .market()
        .track(&id)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn release_page(
    state: State<'_, CoreState>,
    id: String,
) -> Result<ReleaseDetail, ApiError> {
    state
        .get()?
        .market()
        .release(&id)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn shop_page(state: State<'_, CoreState>, id: String) -> Result<ShopPage, ApiError> {
    state
        .get()?
        .market()
        .shop_page(&id)
        .await
        .map_err(|error| api_error(&error))
}

/// Buys a track; `attempt` makes retrying this purchase safe (never charged twice).
#[tauri::command]
#[specta::specta]
pub async fn buy_track(
    state: State<'_, CoreState>,
    track_id: String,
    attempt: String,
) -> Result<OrderView, ApiError> {
    state
        .get()?
        .market()
        .buy(&track_id, &attempt)
        .await
        .map_err(|error| api_error(&error))
}

/// Where a payment stands, with the QR code to scan while it waits for the buyer (Alipay).
#[tauri::command]
#[specta::specta]
pub async fn payment_progress(
    state: State<'_, CoreState>,
    id: String,
) -> Result<PaymentProgress, ApiError> {
    state
        .get()?
        .market()
        .payment(&id)
        .await
        .map_err(|error| api_error(&error))
}

#[tauri::command]
#[specta::specta]
pub async fn my_orders(state: State<'_, CoreState>) -> Result<Vec<OrderView>, ApiError> {
    state
        .get()?
        .market()
        .orders()
        .await
        .map_err(|error| api_error(&error))
}
