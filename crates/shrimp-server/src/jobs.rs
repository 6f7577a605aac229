//! The money jobs `serve` runs every minute: expire unpaid subscription months, reconcile
//! payments whose notification never came, renew subscriptions, close ended months and run
//! payout schedules. Each is idempotent and safe with several instances running them.

use crate::state::AppState;

/// A payment still awaiting the buyer this long is asked about (its notification may be lost).
const RECONCILE_AFTER_MS: i64 = 60_000;

/// Runs every job once, logging (not returning) failures so one cannot stop the others.
pub async fn run_money_jobs(state: &AppState) {
    match crate::subscriptions::expire_unpaid_periods(state).await {
        Ok(0) => {}
        Ok(expired) => tracing::info!(expired, "unpaid subscription months expired"),
        Err(error) => tracing::error!(%error, "expiring unpaid subscription months failed"),
    }
    match crate::payments::reconcile_payments(state, RECONCILE_AFTER_MS).await {
        Ok(0) => {}
        Ok(paid) => tracing::info!(paid, "payments recovered by trade query"),
        Err(error) => tracing::error!(%error, "reconciling payments failed"),
    }
    match crate::subscriptions::renew_due(state).await {
        Ok(0) => {}
        Ok(renewed) => tracing::info!(renewed, "subscription renewals started"),
        Err(error) => tracing::error!(%error, "renewing subscriptions failed"),
    }
    if let Err(error) = crate::settlement::settle_due(state).await {
        tracing::error!(%error, "closing ended months failed");
    }
    match crate::payouts::run_payout_schedules(state).await {
        Ok(0) => {}
        Ok(requested) => tracing::info!(requested, "scheduled payouts requested"),
        Err(error) => tracing::error!(%error, "running payout schedules failed"),
    }
}
