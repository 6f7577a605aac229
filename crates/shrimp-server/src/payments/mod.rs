//! How orders and subscriptions get paid. Every provider implements [`PaymentProvider`]: the
//! demo provider completes at once; Alipay returns a QR code for the buyer to scan and
//! confirms with a signed notification (or, when that never comes, a trade query).
//!
//! A payment that waits for the buyer is a row in `payment_attempts`, keyed by the
//! `out_trade_no` the provider knows it by — the order's or the subscription period's id.
//! Whichever confirmation arrives first marks it paid, in one transaction with the order's
//! or period's own effects; the others find it paid and change nothing.

pub mod alipay;
mod demo;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use shrimp_api::{PaymentStatus, PaymentView};
use shrimp_domain::Fen;
use sqlx::{Any, Row, Transaction};

use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::state::AppState;

pub use alipay::{AlipayConfig, AlipayProvider};
pub use demo::DemoProvider;

/// What providers return from their asynchronous calls.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What to charge, and the number the provider will know the payment by.
#[derive(Debug, Clone, Copy)]
pub struct PaymentRequest<'a> {
    pub out_trade_no: &'a str,
    pub amount: Fen,
    /// Shown to the buyer by the provider.
    pub subject: &'a str,
}

/// The outcome of starting a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentStart {
    /// Paid already: mark it paid in the same transaction that records it.
    Completed,
    /// The buyer must act (scan a QR code); a notification or a query will confirm later.
    AwaitingBuyer { qr_code: String },
}

/// What the provider says about a trade when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeState {
    /// Paid (`TRADE_SUCCESS` or `TRADE_FINISHED`) for `amount`.
    Paid { amount: Fen, trade_no: String },
    /// Created or scanned, not paid yet.
    Waiting,
    /// Closed unpaid.
    Closed,
    /// The provider does not know it.
    Unknown,
}

/// A notification whose signature and merchant fields checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub notify_id: String,
    pub out_trade_no: String,
    pub trade_no: String,
    pub trade_status: String,
    pub amount: Fen,
}

impl Notification {
    /// Only these statuses mean the buyer has paid.
    pub fn is_paid(&self) -> bool {
        matches!(
            self.trade_status.as_str(),
            "TRADE_SUCCESS" | "TRADE_FINISHED"
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("this provider takes no notifications")]
    Unsupported,
    #[error("the notification's signature does not verify")]
    BadSignature,
    #[error("the notification is for another app ({0})")]
    WrongApp(String),
    #[error("the notification is for another seller ({0})")]
    WrongSeller(String),
    #[error("the notification is malformed: {0}")]
    Malformed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("cannot reach the payment gateway: {0}")]
    Transport(String),
    #[error("the payment gateway's answer does not verify or parse: {0}")]
    BadResponse(String),
    #[error("the payment gateway refused: {code} {message}")]
    Refused { code: String, message: String },
    #[error("payment configuration: {0}")]
    Config(String),
}

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// A short stable name, stored on each order.
    fn name(&self) -> &'static str;

    /// Starts paying `request.amount` for `request.out_trade_no`.
    fn start<'a>(
        &'a self,
        request: PaymentRequest<'a>,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>>;

    /// Asks the provider about a trade (to reconcile lost notifications).
    fn query<'a>(
        &'a self,
        _out_trade_no: &'a str,
    ) -> BoxFuture<'a, Result<TradeState, PaymentError>> {
        Box::pin(async { Ok(TradeState::Unknown) })
    }

    /// Verifies an asynchronous notification's form parameters.
    fn verify_notification(
        &self,
        _params: &BTreeMap<String, String>,
    ) -> Result<Notification, NotificationError> {
        Err(NotificationError::Unsupported)
    }

    /// The transfer request that pays `amount` to `account` for payout `payout_id`, signed
    /// as the provider requires, form-encoded. (Sending it is out of scope.)
    fn transfer_request(&self, payout_id: &str, account: &str, amount: Fen) -> String {
        demo::transfer_request(payout_id, account, amount)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/payments/alipay/notify", post(alipay_notify))
        .route("/payments/{id}", get(view))
}

/// What a purpose's payment pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Order,
    Subscription,
}

impl Purpose {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Subscription => "subscription",
        }
    }
}

/// Records a payment that waits for the buyer, in the transaction that created its order or
/// period.
pub async fn record_attempt(
    tx: &mut Transaction<'static, Any>,
    provider: &str,
    purpose: Purpose,
    out_trade_no: &str,
    amount: Fen,
    qr_code: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_attempts (out_trade_no, purpose, provider, amount_fen, qr_code, \
         status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'awaiting', $6, $6)",
    )
    .bind(out_trade_no)
    .bind(purpose.as_str())
    .bind(provider)
    .bind(amount.0)
    .bind(qr_code)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How a confirmation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// Marked paid now.
    Paid,
    /// It was paid already.
    AlreadyPaid,
}

/// Marks the attempt `out_trade_no` paid, with its order's or period's effects, once. The
/// amount must be exactly what was asked.
async fn confirm_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    out_trade_no: &str,
    amount: Fen,
    trade_no: &str,
    now: i64,
) -> Result<Confirmed> {
    let attempt = sqlx::query(
        "SELECT purpose, amount_fen, status FROM payment_attempts WHERE out_trade_no = $1",
    )
    .bind(out_trade_no)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(ServerError::NotFound("payment"))?;
    let expected = Fen(attempt.try_get("amount_fen")?);
    if expected != amount {
        return Err(ServerError::conflict(format!(
            "the payment of {amount} does not match the {expected} asked for"
        )));
    }
    let updated = sqlx::query(
        "UPDATE payment_attempts SET status = 'paid', trade_no = $1, updated_at = $2 \
         WHERE out_trade_no = $3 AND status = 'awaiting'",
    )
    .bind(trade_no)
    .bind(now)
    .bind(out_trade_no)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Confirmed::AlreadyPaid);
    }
    match attempt.try_get::<String, _>("purpose")?.as_str() {
        "order" => crate::orders::mark_paid(tx, out_trade_no, now).await?,
        "subscription" => {
            crate::subscriptions::mark_period_paid(state, tx, out_trade_no, now).await?;
        }
        other => {
            return Err(ServerError::Internal(format!(
                "unknown payment purpose {other}"
            )));
        }
    }
    Ok(Confirmed::Paid)
}

/// `POST /payments/alipay/notify`: Alipay's asynchronous notification. Verified, checked
/// against the attempt, applied at most once per `notify_id`; the reply is the literal
/// `success` (anything else makes Alipay send it again later).
async fn alipay_notify(
    State(state): State<AppState>,
    Form(params): Form<BTreeMap<String, String>>,
) -> impl IntoResponse {
    match handle_notification(&state, &params).await {
        Ok(()) => (StatusCode::OK, "success"),
        Err(error) => {
            tracing::warn!(%error, "payment notification refused");
            (StatusCode::BAD_REQUEST, "failure")
        }
    }
}

async fn handle_notification(state: &AppState, params: &BTreeMap<String, String>) -> Result<()> {
    let notification = state
        .payments
        .verify_notification(params)
        .map_err(|error| ServerError::forbidden(error.to_string()))?;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let outcome = if notification.is_paid() {
        "paid"
    } else {
        "ignored"
    };
    // Written first: it takes SQLite's write lock, and a replay stops here.
    let fresh = sqlx::query(
        "INSERT INTO payment_notifications (notify_id, out_trade_no, trade_status, outcome, \
         received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (notify_id) DO NOTHING",
    )
    .bind(&notification.notify_id)
    .bind(&notification.out_trade_no)
    .bind(&notification.trade_status)
    .bind(outcome)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if fresh.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(());
    }
    let known = sqlx::query("SELECT amount_fen FROM payment_attempts WHERE out_trade_no = $1")
        .bind(&notification.out_trade_no)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServerError::NotFound("payment"))?;
    let expected = Fen(known.try_get("amount_fen")?);
    if expected != notification.amount {
        return Err(ServerError::conflict(format!(
            "notified total_amount {} differs from the {expected} asked for",
            notification.amount
        )));
    }
    if notification.is_paid() {
        confirm_in(
            state,
            &mut tx,
            &notification.out_trade_no,
            notification.amount,
            &notification.trade_no,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    state.live.committed(state.db.dialect);
    Ok(())
}

/// Asks the provider about every payment still awaiting the buyer that was started more than
/// `older_than_ms` ago, and marks paid those it says were paid (their notification was lost).
/// Returns how many were marked paid.
pub async fn reconcile_payments(state: &AppState, older_than_ms: i64) -> Result<u64> {
    let now = state.clock.now_ms();
    let rows = sqlx::query(
        "SELECT out_trade_no FROM payment_attempts WHERE status = 'awaiting' AND provider = $1 \
         AND created_at <= $2 ORDER BY created_at LIMIT 500",
    )
    .bind(state.payments.name())
    .bind(now - older_than_ms)
    .fetch_all(&state.db.pool)
    .await?;
    let mut paid = 0;
    for row in rows {
        let out_trade_no: String = row.try_get("out_trade_no")?;
        let trade = match state.payments.query(&out_trade_no).await {
            Ok(trade) => trade,
            Err(error) => {
                tracing::warn!(%error, %out_trade_no, "trade query failed");
                continue;
            }
        };
        match trade {
            TradeState::Paid { amount, trade_no } => {
                let mut tx = state.db.pool.begin().await?;
                match confirm_in(state, &mut tx, &out_trade_no, amount, &trade_no, now).await {
                    Ok(Confirmed::Paid) => {
                        tx.commit().await?;
                        state.live.committed(state.db.dialect);
                        paid += 1;
                        tracing::info!(%out_trade_no, "payment recovered by trade query");
                    }
                    Ok(Confirmed::AlreadyPaid) => tx.rollback().await?,
                    Err(error) => {
                        tx.rollback().await?;
                        tracing::error!(%error, %out_trade_no, "a queried payment cannot be applied");
                    }
                }
            }
            TradeState::Closed => {
                sqlx::query(
                    "UPDATE payment_attempts SET status = 'failed', updated_at = $1 \
                     WHERE out_trade_no = $2 AND status = 'awaiting'",
                )
                .bind(now)
                .bind(&out_trade_no)
                .execute(&state.db.pool)
                .await?;
            }
            TradeState::Waiting | TradeState::Unknown => {}
        }
    }
    Ok(paid)
}

/// `GET /payments/{id}`: the payment of the caller's order or subscription period, with the
/// QR code to show while it waits.
async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<PaymentView>> {
    let owner = sqlx::query(
        "SELECT buyer_id AS user_id, amount_fen, status, provider FROM orders WHERE id = $1 \
         UNION ALL SELECT user_id, amount_fen, status, provider FROM subscription_periods \
         WHERE id = $1",
    )
    .bind(&id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServerError::NotFound("payment"))?;
    if owner.try_get::<String, _>("user_id")? != user.id {
        return Err(ServerError::NotFound("payment"));
    }
    let attempt =
        sqlx::query("SELECT qr_code, status FROM payment_attempts WHERE out_trade_no = $1")
            .bind(&id)
            .fetch_optional(&state.db.pool)
            .await?;
    let own_status: String = owner.try_get("status")?;
    let (status, qr_code) = match attempt {
        Some(row) => {
            let status = match row.try_get::<String, _>("status")?.as_str() {
                "paid" => PaymentStatus::Paid,
                "awaiting" if own_status == "pending" => PaymentStatus::Awaiting,
                _ => PaymentStatus::Failed,
            };
            (status, row.try_get::<Option<String>, _>("qr_code")?)
        }
        None if matches!(own_status.as_str(), "paid" | "refunded") => (PaymentStatus::Paid, None),
        None => (PaymentStatus::Failed, None),
    };
    Ok(Json(PaymentView {
        out_trade_no: id,
        provider: owner.try_get("provider")?,
        amount: Fen(owner.try_get("amount_fen")?),
        status,
        qr_code,
    }))
}
