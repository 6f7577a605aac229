//! Payouts: money leaving a shop's balance for its payout account. A request (by the owner,
//! or by the shop's monthly schedule) takes the amount from the balance at once with a payout
//! ledger entry — never below zero, even under concurrent requests — and an operator marks it
//! sent once the transfer, signed as the payment provider requires, has gone out.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shrimp_api::{
    PayoutCadence, PayoutRequest, PayoutSchedule, PayoutStatement, PayoutStatus, PayoutView,
};
use shrimp_domain::{Account, Fen, JournalEntry, ShopId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::income::balance;
use crate::json::JsonBody;
use crate::orders::{idempotency_key, write_entry};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::storage::Dialect;
use crate::subscriptions::{internal, month_of};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/shops/{id}/payouts", get(statement).post(request))
        .route("/shops/{id}/payout-schedule", put(set_schedule))
        .route("/payouts", get(queue))
        .route("/payouts/{id}/sent", post(mark_sent))
}

fn view_from_row(row: &AnyRow) -> Result<PayoutView> {
    let status = match row.try_get::<String, _>("status")?.as_str() {
        "sent" => PayoutStatus::Sent,
        _ => PayoutStatus::Requested,
    };
    Ok(PayoutView {
        id: row.try_get("id")?,
        shop_id: row.try_get("shop_id")?,
        amount: Fen(row.try_get("amount_fen")?),
        status,
        origin: row.try_get("origin")?,
        payout_account: row.try_get("payout_account")?,
        requested_at_ms: row.try_get("requested_at")?,
        sent_at_ms: row.try_get("sent_at")?,
        transfer_request: row.try_get("transfer_request")?,
    })
}

/// Takes `amount` from `shop_id`'s balance for a payout, once per `key`.
pub async fn request_payout(
    state: &AppState,
    shop_id: &str,
    amount: Fen,
    key: &str,
    origin: &str,
) -> Result<(StatusCode, PayoutView)> {
    let request_hash = hex::encode(Sha256::digest(amount.0.to_string().as_bytes()));
    let existing = sqlx::query("SELECT * FROM payouts WHERE shop_id = $1 AND idempotency_key = $2")
        .bind(shop_id)
        .bind(key)
        .fetch_optional(&state.db.pool)
        .await?;
    if let Some(row) = existing {
        if row.try_get::<String, _>("request_hash")? != request_hash {
            return Err(ServerError::conflict(
                "this idempotency key was already used for another payout",
            ));
        }
        return Ok((StatusCode::OK, view_from_row(&row)?));
    }
    let shop = ShopId::new(shop_id.to_owned()).map_err(internal)?;
    let now = state.clock.now_ms();
    let payout_id = new_id("pay");
    let mut tx = state.db.pool.begin().await?;
    if state.db.dialect == Dialect::Postgres {
        // One payout of a shop at a time: the balance read below is then still true at commit.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("payout/{shop_id}"))
            .execute(&mut *tx)
            .await?;
    }
    // Written first: it takes SQLite's write lock, so the balance cannot move under us there.
    let inserted = sqlx::query(
        "INSERT INTO payouts (id, shop_id, amount_fen, status, origin, idempotency_key, request_hash, \
         payout_account, requested_at) \
         SELECT $1, id, $2, 'requested', $3, $4, $5, payout_account, $6 FROM shops WHERE id = $7 \
         ON CONFLICT (shop_id, idempotency_key) DO NOTHING",
    )
    .bind(&payout_id)
    .bind(amount.0)
    .bind(origin)
    .bind(key)
    .bind(&request_hash)
    .bind(now)
    .bind(shop_id)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServerError::conflict(
            "this idempotency key is being used by another request; retry",
        ));
    }
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total FROM postings WHERE account = $1",
    )
    .bind(Account::ShopPayable(shop.clone()).to_string())
    .fetch_one(&mut *tx)
    .await?;
    let current = Fen(row.try_get("total")?);
    let entry = match JournalEntry::payout(&shop, amount, current) {
        Ok(entry) => entry,
        Err(error) => {
            tx.rollback().await?;
            return Err(ServerError::conflict(error.to_string()));
        }
    };
    write_entry(&mut tx, &entry, "payout", Some(&payout_id), now).await?;
    tx.commit().await?;
    let row = sqlx::query("SELECT * FROM payouts WHERE id = $1")
        .bind(&payout_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok((StatusCode::CREATED, view_from_row(&row)?))
}

/// `POST /shops/{id}/payouts` (owner, Idempotency-Key).
async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PayoutRequest>,
) -> Result<(StatusCode, Json<PayoutView>)> {
    user.require_shop(&shop_id)?;
    let key = idempotency_key(&headers)?;
    let (status, payout) = request_payout(&state, &shop_id, body.amount, &key, "requested").await?;
    Ok((status, Json(payout)))
}

async fn schedule_of(state: &AppState, shop_id: &str) -> Result<PayoutSchedule> {
    let row = sqlx::query("SELECT cadence, minimum_fen FROM payout_schedules WHERE shop_id = $1")
        .bind(shop_id)
        .fetch_optional(&state.db.pool)
        .await?;
    Ok(match row {
        Some(row) => PayoutSchedule {
            cadence: if row.try_get::<String, _>("cadence")? == "monthly" {
                PayoutCadence::Monthly
            } else {
                PayoutCadence::Manual
            },
            minimum: Fen(row.try_get("minimum_fen")?),
        },
        None => PayoutSchedule {
            cadence: PayoutCadence::Manual,
            minimum: Fen(10_000),
        },
    })
}

/// `GET /shops/{id}/payouts` (owner): the payout statement.
async fn statement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<Json<PayoutStatement>> {
    user.require_shop(&shop_id)?;
    let shop = ShopId::new(shop_id.clone()).map_err(internal)?;
    let paid_out = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total FROM postings WHERE account = $1",
    )
    .bind(Account::Payouts(shop).to_string())
    .fetch_one(&state.db.pool)
    .await?;
    let payouts = sqlx::query(
        "SELECT * FROM payouts WHERE shop_id = $1 ORDER BY requested_at DESC, id LIMIT 500",
    )
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?
    .iter()
    .map(view_from_row)
    .collect::<Result<_>>()?;
    Ok(Json(PayoutStatement {
        balance: balance(&state, &shop_id).await?,
        paid_out: Fen(paid_out.try_get("total")?),
        schedule: schedule_of(&state, &shop_id).await?,
        payouts,
    }))
}

/// `PUT /shops/{id}/payout-schedule` (owner).
async fn set_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    JsonBody(schedule): JsonBody<PayoutSchedule>,
) -> Result<Json<PayoutSchedule>> {
    user.require_shop(&shop_id)?;
    if schedule.minimum.0 < 100 {
        return Err(ServerError::invalid("the minimum payout is ¥1.00"));
    }
    let cadence = match schedule.cadence {
        PayoutCadence::Manual => "manual",
        PayoutCadence::Monthly => "monthly",
    };
    sqlx::query(
        "INSERT INTO payout_schedules (shop_id, cadence, minimum_fen, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (shop_id) DO UPDATE SET cadence = $2, minimum_fen = $3, updated_at = $4",
    )
    .bind(&shop_id)
    .bind(cadence)
    .bind(schedule.minimum.0)
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok(Json(schedule))
}

#[derive(Debug, Deserialize)]
struct QueueQuery {
    status: Option<String>,
}

/// `GET /payouts?status=requested|sent` (operators).
async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> Result<Json<Vec<PayoutView>>> {
    user.require_operator()?;
    let status = query.status.unwrap_or_else(|| "requested".into());
    if !matches!(status.as_str(), "requested" | "sent") {
        return Err(ServerError::invalid("status is requested or sent"));
    }
    let rows =
        sqlx::query("SELECT * FROM payouts WHERE status = $1 ORDER BY requested_at, id LIMIT 500")
            .bind(&status)
            .fetch_all(&state.db.pool)
            .await?;
    Ok(Json(rows.iter().map(view_from_row).collect::<Result<_>>()?))
}

/// `POST /payouts/{id}/sent` (operators): records the signed transfer request and marks the
/// payout sent, once.
async fn mark_sent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<PayoutView>> {
    user.require_operator()?;
    let row = sqlx::query("SELECT * FROM payouts WHERE id = $1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("payout"))?;
    let payout = view_from_row(&row)?;
    let transfer =
        state
            .payments
            .transfer_request(&payout.id, &payout.payout_account, payout.amount);
    let updated = sqlx::query(
        "UPDATE payouts SET status = 'sent', sent_at = $1, sent_by = $2, transfer_request = $3 \
         WHERE id = $4 AND status = 'requested'",
    )
    .bind(state.clock.now_ms())
    .bind(&user.id)
    .bind(&transfer)
    .bind(&id)
    .execute(&state.db.pool)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ServerError::conflict("this payout was already sent"));
    }
    let row = sqlx::query("SELECT * FROM payouts WHERE id = $1")
        .bind(&id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok(Json(view_from_row(&row)?))
}

/// Pays out the whole balance of every shop on a monthly schedule whose balance reached its
/// minimum, once per month. Returns how many payouts were requested.
pub async fn run_payout_schedules(state: &AppState) -> Result<u64> {
    let month = month_of(state.clock.now_ms())?.to_string();
    let due = sqlx::query(
        "SELECT shop_id, minimum_fen FROM payout_schedules WHERE cadence = 'monthly' \
         AND (last_run_month IS NULL OR last_run_month <> $1)",
    )
    .bind(&month)
    .fetch_all(&state.db.pool)
    .await?;
    let mut requested = 0;
    for row in due {
        let shop_id: String = row.try_get("shop_id")?;
        let minimum = Fen(row.try_get("minimum_fen")?);
        let available = balance(state, &shop_id).await?;
        if available >= minimum && !available.is_zero() {
            let key = format!("scheduled-{month}");
            match request_payout(state, &shop_id, available, &key, "scheduled").await {
                Ok(_) => requested += 1,
                Err(error) => {
                    tracing::error!(%error, %shop_id, "a scheduled payout failed");
                    continue;
                }
            }
        }
        sqlx::query("UPDATE payout_schedules SET last_run_month = $1 WHERE shop_id = $2")
            .bind(&month)
            .bind(&shop_id)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(requested)
}
