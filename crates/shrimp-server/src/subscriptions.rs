//! The monthly subscription (DESIGN.md §2.3): a plan operators configure, months paid through
//! the payment provider (subscribe = this month, renew = next month, cancel = stop renewing),
//! downloads of any track without a per-track charge, each counted once per (subscriber,
//! track, month) under a published daily cap, and every shop's live projected share.
//!
//! Months are UTC calendar months. A month's fees form that month's pool; the month close
//! (`settlement`) divides it by the counted downloads.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use shrimp_api::{
    PeriodStatus, PlanUpdate, ShareProjected, ShareProjection, SubscribeRequest,
    SubscriptionPeriod, SubscriptionTerms, SubscriptionView,
};
use shrimp_domain::{Account, Fen, JournalEntry, Month, ShopId, split_pool};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::auth::CurrentUser;
use crate::clock::{civil_from_days, day_start_ms, days_from_civil};
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::live;
use crate::orders::{idempotency_key, write_entry};
use crate::payments::{PaymentRequest, PaymentStart, Purpose, record_attempt};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::storage::Dialect;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/subscription/terms", get(terms))
        .route("/subscription/plan", put(update_plan))
        .route("/subscription", get(mine).post(subscribe))
        .route("/subscription/cancel", post(cancel))
        .route("/shops/{id}/income/subscription", get(projection))
}

/// The UTC month containing `ms`.
pub fn month_of(ms: i64) -> Result<Month> {
    let (year, month, _) = civil_from_days(ms.div_euclid(86_400_000));
    let year = u16::try_from(year).map_err(internal)?;
    let month = u8::try_from(month).map_err(internal)?;
    Month::new(year, month).map_err(internal)
}

/// When `month` starts, in Unix milliseconds.
pub fn month_start(month: Month) -> i64 {
    days_from_civil(i64::from(month.year()), u32::from(month.month()), 1) * 86_400_000
}

/// When `month` ends (the next month's start).
pub fn month_end(month: Month) -> i64 {
    month.next().map_or(i64::MAX, month_start)
}

pub(crate) fn internal(error: impl std::fmt::Display) -> ServerError {
    ServerError::Internal(error.to_string())
}

/// The plan's price and daily cap.
pub async fn plan(state: &AppState) -> Result<(Fen, i64)> {
    let row =
        sqlx::query("SELECT price_fen, daily_download_cap FROM subscription_plan WHERE id = 1")
            .fetch_one(&state.db.pool)
            .await?;
    Ok((
        Fen(row.try_get("price_fen")?),
        row.try_get("daily_download_cap")?,
    ))
}

fn rules(price: Fen, cap: i64) -> Vec<String> {
    vec![
        format!("The subscription costs {price} per calendar month (UTC), paid in advance; a month started part-way costs the same."),
        "While a month is paid for, any published track downloads without a per-track charge.".into(),
        "Each track counts once per subscriber per month, however often it is downloaded.".into(),
        format!("At most {cap} new tracks per subscriber per day (UTC) are downloaded and counted; re-downloads are free and do not count."),
        "Shop owners' downloads of their own tracks never count.".into(),
        "Cancelling stops renewal: the paid month stays usable to its end, and its downloads count only for that month.".into(),
        "At the month's close the whole pool of fees goes to shops in proportion to their counted downloads, to the fen; a month without downloads carries its pool into the next.".into(),
    ]
}

async fn terms(State(state): State<AppState>) -> Result<Json<SubscriptionTerms>> {
    let (price, cap) = plan(&state).await?;
    Ok(Json(SubscriptionTerms {
        price,
        daily_download_cap: cap,
        rules: rules(price, cap),
    }))
}

/// Operators set the price of months not yet paid for, and the daily cap.
async fn update_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(update): JsonBody<PlanUpdate>,
) -> Result<Json<SubscriptionTerms>> {
    user.require_operator()?;
    if update.price.0 <= 0 || update.price.0 > 100_000 {
        return Err(ServerError::invalid(
            "the monthly price must be ¥0.01 to ¥1000.00",
        ));
    }
    if !(1..=10_000).contains(&update.daily_download_cap) {
        return Err(ServerError::invalid(
            "the daily download cap must be 1 to 10000",
        ));
    }
    sqlx::query(
        "UPDATE subscription_plan SET price_fen = $1, daily_download_cap = $2, updated_at = $3 \
         WHERE id = 1",
    )
    .bind(update.price.0)
    .bind(update.daily_download_cap)
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    terms(State(state)).await
}

fn period_from_row(row: &AnyRow) -> Result<SubscriptionPeriod> {
    let status = match row.try_get::<String, _>("status")?.as_str() {
        "paid" => PeriodStatus::Paid,
        "pending" => PeriodStatus::Pending,
        _ => PeriodStatus::Expired,
    };
    Ok(SubscriptionPeriod {
        id: row.try_get("id")?,
        month: row.try_get("month")?,
        amount: Fen(row.try_get("amount_fen")?),
        status,
        created_at_ms: row.try_get("created_at")?,
    })
}

/// Whether `user_id` has paid for `month`.
pub async fn is_subscribed(state: &AppState, user_id: &str, month: Month) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 AS ok FROM subscription_periods WHERE user_id = $1 AND month = $2 AND status = 'paid'",
    )
    .bind(user_id)
    .bind(month.to_string())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.is_some())
}

async fn view(state: &AppState, user_id: &str) -> Result<SubscriptionView> {
    let now = state.clock.now_ms();
    let month = month_of(now)?;
    let (_, cap) = plan(state).await?;
    let periods = sqlx::query(
        "SELECT * FROM subscription_periods WHERE user_id = $1 ORDER BY month DESC, created_at DESC LIMIT 60",
    )
    .bind(user_id)
    .fetch_all(&state.db.pool)
    .await?
    .iter()
    .map(period_from_row)
    .collect::<Result<Vec<_>>>()?;
    let auto_renew = sqlx::query("SELECT auto_renew FROM subscriptions WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .map(|row| row.try_get::<i64, _>("auto_renew"))
        .transpose()?
        .is_some_and(|flag| flag != 0);
    let today = sqlx::query(
        "SELECT COUNT(*) AS n FROM subscription_downloads WHERE month = $1 AND user_id = $2 \
         AND created_at >= $3",
    )
    .bind(month.to_string())
    .bind(user_id)
    .bind(day_start_ms(now))
    .fetch_one(&state.db.pool)
    .await?;
    let current = month.to_string();
    let active = periods
        .iter()
        .any(|period| period.month == current && period.status == PeriodStatus::Paid);
    Ok(SubscriptionView {
        active_month: active.then_some(current),
        auto_renew,
        downloads_today: today.try_get("n")?,
        daily_download_cap: cap,
        periods,
    })
}

async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Json<SubscriptionView>> {
    Ok(Json(view(&state, &user.id).await?))
}

/// `POST /subscription` (Idempotency-Key): pays for this month, or with `month` for the next
/// one (renewal).
async fn subscribe(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SubscribeRequest>,
) -> Result<(StatusCode, Json<SubscriptionPeriod>)> {
    let key = idempotency_key(&headers)?;
    let now = state.clock.now_ms();
    let current = month_of(now)?;
    let month = match &request.month {
        None => current,
        Some(text) => text.parse::<Month>()?,
    };
    if month != current && Some(month) != current.next() {
        return Err(ServerError::invalid(format!(
            "a subscription can be paid for {current} or {}, not {month}",
            current.next().unwrap_or(current)
        )));
    }
    let (status, period) = start_period(&state, &user.id, month, &key, now).await?;
    Ok((status, Json(period)))
}

/// Creates (or replays) the period for `month` and starts its payment.
async fn start_period(
    state: &AppState,
    user_id: &str,
    month: Month,
    key: &str,
    now: i64,
) -> Result<(StatusCode, SubscriptionPeriod)> {
    let request_hash = hex::encode(Sha256::digest(month.to_string().as_bytes()));
    let existing = sqlx::query(
        "SELECT * FROM subscription_periods WHERE user_id = $1 AND idempotency_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&state.db.pool)
    .await?;
    if let Some(row) = existing {
        if row.try_get::<String, _>("request_hash")? != request_hash {
            return Err(ServerError::conflict(
                "this idempotency key was already used for another month",
            ));
        }
        return Ok((StatusCode::OK, period_from_row(&row)?));
    }
    let open = sqlx::query(
        "SELECT * FROM subscription_periods WHERE user_id = $1 AND month = $2 \
         AND (status = 'paid' OR (status = 'pending' AND expires_at > $3))",
    )
    .bind(user_id)
    .bind(month.to_string())
    .bind(now)
    .fetch_optional(&state.db.pool)
    .await?;
    if let Some(row) = open {
        let period = period_from_row(&row)?;
        return if period.status == PeriodStatus::Paid {
            Err(ServerError::conflict(format!(
                "{month} is already paid for"
            )))
        } else {
            // Still payable: show the same payment rather than charging twice.
            Ok((StatusCode::ACCEPTED, period))
        };
    }
    let (price, _) = plan(state).await?;
    let period_id = new_id("sub");
    let subject = format!("Shrimp subscription {month}");
    let start = state
        .payments
        .start(PaymentRequest {
            out_trade_no: &period_id,
            amount: price,
            subject: &subject,
        })
        .await
        .map_err(|error| ServerError::Internal(format!("starting a payment: {error}")))?;
    let mut tx = state.db.pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO subscription_periods (id, user_id, month, amount_fen, status, idempotency_key, \
         request_hash, provider, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9) \
         ON CONFLICT (user_id, idempotency_key) DO NOTHING",
    )
    .bind(&period_id)
    .bind(user_id)
    .bind(month.to_string())
    .bind(price.0)
    .bind(key)
    .bind(&request_hash)
    .bind(state.payments.name())
    .bind(now)
    .bind(now + state.settings.order_ttl_ms)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServerError::conflict(
            "this idempotency key is being used by another request; retry",
        ));
    }
    let status = match start {
        PaymentStart::Completed => {
            mark_period_paid(state, &mut tx, &period_id, now).await?;
            StatusCode::CREATED
        }
        PaymentStart::AwaitingBuyer { qr_code } => {
            let provider = state.payments.name();
            record_attempt(
                &mut tx,
                provider,
                Purpose::Subscription,
                &period_id,
                price,
                &qr_code,
                now,
            )
            .await?;
            StatusCode::ACCEPTED
        }
    };
    tx.commit().await?;
    let row = sqlx::query("SELECT * FROM subscription_periods WHERE id = $1")
        .bind(&period_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok((status, period_from_row(&row)?))
}

/// Marks a period paid, once: its fee into the month's pool, and renewal switched on.
pub async fn mark_period_paid(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    period_id: &str,
    now: i64,
) -> Result<()> {
    let _ = state;
    let updated = sqlx::query(
        "UPDATE subscription_periods SET status = 'paid', paid_at = $1 WHERE id = $2 \
         AND status IN ('pending', 'expired')",
    )
    .bind(now)
    .bind(period_id)
    .execute(&mut **tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            ServerError::conflict("this month is already paid for")
        }
        _ => ServerError::Database(error),
    })?;
    if updated.rows_affected() != 1 {
        return Err(ServerError::conflict(
            "the subscription is not awaiting payment",
        ));
    }
    let row =
        sqlx::query("SELECT user_id, month, amount_fen FROM subscription_periods WHERE id = $1")
            .bind(period_id)
            .fetch_one(&mut **tx)
            .await?;
    let month: Month = row.try_get::<String, _>("month")?.parse()?;
    let entry =
        JournalEntry::subscription_fee(month, Fen(row.try_get("amount_fen")?)).map_err(internal)?;
    write_entry(tx, &entry, "subscription_fee", Some(period_id), now).await?;
    sqlx::query(
        "INSERT INTO subscriptions (user_id, auto_renew, created_at, updated_at) VALUES ($1, 1, $2, $2) \
         ON CONFLICT (user_id) DO UPDATE SET auto_renew = 1, updated_at = $2",
    )
    .bind(row.try_get::<String, _>("user_id")?)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stops renewal; the paid month stays usable to its end.
async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SubscriptionView>> {
    let now = state.clock.now_ms();
    sqlx::query(
        "INSERT INTO subscriptions (user_id, auto_renew, created_at, updated_at) VALUES ($1, 0, $2, $2) \
         ON CONFLICT (user_id) DO UPDATE SET auto_renew = 0, updated_at = $2",
    )
    .bind(&user.id)
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    Ok(Json(view(&state, &user.id).await?))
}

/// Marks unpaid periods past their time as expired; returns how many.
pub async fn expire_unpaid_periods(state: &AppState) -> Result<u64> {
    let expired = sqlx::query(
        "UPDATE subscription_periods SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1",
    )
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok(expired.rows_affected())
}

/// Starts this month's payment for every subscriber who renews and paid last month but not
/// this one yet. The demo provider completes at once; Alipay leaves the payment awaiting the
/// subscriber, who sees it in the app. Returns how many were started.
pub async fn renew_due(state: &AppState) -> Result<u64> {
    let now = state.clock.now_ms();
    let month = month_of(now)?;
    let Some(previous) = month.previous() else {
        return Ok(0);
    };
    let due = sqlx::query(
        "SELECT s.user_id FROM subscriptions s WHERE s.auto_renew = 1 \
         AND EXISTS (SELECT 1 FROM subscription_periods p WHERE p.user_id = s.user_id \
                     AND p.month = $1 AND p.status = 'paid') \
         AND NOT EXISTS (SELECT 1 FROM subscription_periods p WHERE p.user_id = s.user_id \
                         AND p.month = $2) LIMIT 1000",
    )
    .bind(previous.to_string())
    .bind(month.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let mut started = 0;
    for row in due {
        let user_id: String = row.try_get("user_id")?;
        match start_period(state, &user_id, month, &format!("renew-{month}"), now).await {
            Ok(_) => started += 1,
            Err(error) => tracing::error!(%error, %user_id, "renewing a subscription failed"),
        }
    }
    Ok(started)
}

/// Counts a subscriber's download of `track_id` (sold by `shop_id`) for this month, at most
/// once, within the daily cap, and tells the shop its new projected share. Refuses callers
/// who have not paid for this month.
pub async fn count_download(
    state: &AppState,
    user_id: &str,
    track_id: &str,
    shop_id: &str,
    track_title: &str,
) -> Result<()> {
    let now = state.clock.now_ms();
    let month = month_of(now)?;
    if !is_subscribed(state, user_id, month).await? {
        return Err(ServerError::forbidden(
            "buy this track or subscribe to download it",
        ));
    }
    let month_key = month.to_string();
    let mut tx = state.db.pool.begin().await?;
    if state.db.dialect == Dialect::Postgres {
        // One subscriber's downloads one at a time, so the daily cap holds exactly.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("subscriber/{user_id}"))
            .execute(&mut *tx)
            .await?;
    }
    // Written first: it takes SQLite's write lock, and a repeat stops here.
    let inserted = sqlx::query(
        "INSERT INTO subscription_downloads (month, user_id, track_id, shop_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, user_id, track_id) DO NOTHING",
    )
    .bind(&month_key)
    .bind(user_id)
    .bind(track_id)
    .bind(shop_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(());
    }
    let (_, cap) = plan(state).await?;
    let today: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM subscription_downloads WHERE month = $1 AND user_id = $2 \
         AND created_at >= $3",
    )
    .bind(&month_key)
    .bind(user_id)
    .bind(day_start_ms(now))
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    if today > cap {
        tx.rollback().await?;
        return Err(ServerError::RateLimited);
    }
    sqlx::query(
        "INSERT INTO subscription_shop_months (month, shop_id, downloads) VALUES ($1, $2, 1) \
         ON CONFLICT (month, shop_id) DO UPDATE SET downloads = subscription_shop_months.downloads + 1",
    )
    .bind(&month_key)
    .bind(shop_id)
    .execute(&mut *tx)
    .await?;
    let (pool, downloads, total) = month_standing(&mut tx, month, shop_id).await?;
    let projected = if total > 0 {
        let share = i128::from(pool.0) * i128::from(downloads) / i128::from(total);
        Fen(i64::try_from(share).unwrap_or(i64::MAX))
    } else {
        Fen::ZERO
    };
    let event = ShareProjected {
        month: month_key,
        track_id: track_id.to_owned(),
        track_title: track_title.to_owned(),
        downloads,
        total_downloads: total,
        pool,
        projected_share: projected,
        at_ms: now,
    };
    let payload = serde_json::to_string(&event).map_err(internal)?;
    live::record(&mut tx, shop_id, "share_projected", &payload, now).await?;
    tx.commit().await?;
    state.live.committed(state.db.dialect);
    Ok(())
}

/// The month's pool so far (fees paid plus what is carried over now), the shop's counted
/// downloads and everyone's.
async fn month_standing(
    tx: &mut Transaction<'static, Any>,
    month: Month,
    shop_id: &str,
) -> Result<(Fen, i64, i64)> {
    let row = sqlx::query(
        "SELECT \
         (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM postings WHERE account = $1) AS pool, \
         (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM postings WHERE account = $2) AS carried, \
         (SELECT CAST(COALESCE(SUM(downloads), 0) AS BIGINT) FROM subscription_shop_months WHERE month = $3) AS total, \
         (SELECT CAST(COALESCE(SUM(downloads), 0) AS BIGINT) FROM subscription_shop_months WHERE month = $3 AND shop_id = $4) AS mine",
    )
    .bind(Account::SubscriptionPool { month }.to_string())
    .bind(Account::CarryOver.to_string())
    .bind(month.to_string())
    .bind(shop_id)
    .fetch_one(&mut **tx)
    .await?;
    let pool = Fen(row.try_get("pool")?)
        .checked_add(Fen(row.try_get("carried")?))
        .ok_or_else(|| internal("pool overflow"))?;
    Ok((pool, row.try_get("mine")?, row.try_get("total")?))
}

/// `GET /shops/{id}/income/subscription`: the shop's exact share if this month closed now.
async fn projection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<Json<ShareProjection>> {
    user.require_shop(&shop_id)?;
    let month = month_of(state.clock.now_ms())?;
    projected_share(&state, month, &shop_id).await.map(Json)
}

/// The shop's exact share of `month`'s pool (with what is carried over now) if it closed now.
pub async fn projected_share(
    state: &AppState,
    month: Month,
    shop_id: &str,
) -> Result<ShareProjection> {
    let mut tx = state.db.pool.begin().await?;
    let (pool, downloads, total) = month_standing(&mut tx, month, shop_id).await?;
    let counts =
        sqlx::query("SELECT shop_id, downloads FROM subscription_shop_months WHERE month = $1")
            .bind(month.to_string())
            .fetch_all(&mut *tx)
            .await?;
    tx.rollback().await?;
    let counts = counts
        .iter()
        .map(|row| {
            let shop = ShopId::new(row.try_get::<String, _>("shop_id")?).map_err(internal)?;
            let count = u64::try_from(row.try_get::<i64, _>("downloads")?).unwrap_or(0);
            Ok((shop, count))
        })
        .collect::<Result<Vec<_>>>()?;
    let split = split_pool(pool, &counts).map_err(internal)?;
    let shop = ShopId::new(shop_id.to_owned()).map_err(internal)?;
    Ok(ShareProjection {
        month: month.to_string(),
        pool,
        downloads,
        total_downloads: total,
        projected_share: split.share_of(&shop),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_instants_and_their_bounds() {
        // 2026-11-25T09:00:00Z
        let month = month_of(1_795_597_200_000).unwrap();
        assert_eq!(month.to_string(), "2026-11");
        assert_eq!(month_start(month), 1_793_491_200_000);
        let december = month.next().unwrap();
        assert_eq!(month_end(month), month_start(december));
        assert_eq!(month_of(month_end(month) - 1).unwrap(), month);
        assert_eq!(month_of(month_end(month)).unwrap(), december);
    }
}
