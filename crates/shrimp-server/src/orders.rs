//! Buying a track: an idempotent order, paid through the payment provider, then — in one
//! transaction — the order marked paid once, one ledger entry crediting 100% to the shop, one
//! entitlement and one outbox event for the shop's live income.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use shrimp_api::{CreateOrder, IDEMPOTENCY_KEY_HEADER, OrderStatus, OrderView, SaleRecorded};
use shrimp_domain::{Fen, JournalEntry, ShopId};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::applications::parse_text;
use crate::auth::CurrentUser;
use crate::catalog::load_track;
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::live;
use crate::payments::{PaymentRequest, PaymentStart, Purpose, record_attempt};
use crate::secrets::new_id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", post(create).get(mine))
        .route("/orders/{id}", get(one))
        .route("/orders/{id}/refund", post(refund))
}

fn order_from_row(row: &AnyRow) -> Result<OrderView> {
    Ok(OrderView {
        id: row.try_get("id")?,
        track_id: row.try_get("track_id")?,
        shop_id: row.try_get("shop_id")?,
        amount: Fen(row.try_get("amount_fen")?),
        status: parse_text(&row.try_get::<String, _>("status")?)?,
        created_at_ms: row.try_get("created_at")?,
    })
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String> {
    let key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 128 {
        return Err(ServerError::invalid(format!(
            "send an {IDEMPOTENCY_KEY_HEADER} header (1–128 characters) with every order"
        )));
    }
    Ok(key.to_owned())
}

async fn find_by_key(
    state: &AppState,
    buyer: &str,
    key: &str,
) -> Result<Option<(OrderView, String)>> {
    let row = sqlx::query("SELECT * FROM orders WHERE buyer_id = $1 AND idempotency_key = $2")
        .bind(buyer)
        .bind(key)
        .fetch_optional(&state.db.pool)
        .await?;
    row.map(|row| {
        Ok((
            order_from_row(&row)?,
            row.try_get::<String, _>("request_hash")?,
        ))
    })
    .transpose()
}

/// A replay returns the first result; the same key with another request is a conflict.
fn replay(
    existing: OrderView,
    stored_hash: &str,
    request_hash: &str,
) -> Result<(StatusCode, Json<OrderView>)> {
    if stored_hash == request_hash {
        Ok((StatusCode::OK, Json(existing)))
    } else {
        Err(ServerError::conflict(
            "this idempotency key was already used for a different order",
        ))
    }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    JsonBody(request): JsonBody<CreateOrder>,
) -> Result<(StatusCode, Json<OrderView>)> {
    let key = idempotency_key(&headers)?;
    let request_hash = hex::encode(Sha256::digest(request.track_id.as_bytes()));
    if let Some((existing, stored_hash)) = find_by_key(&state, &user.id, &key).await? {
        return replay(existing, &stored_hash, &request_hash);
    }
    let track = load_track(&state, &request.track_id).await?;
    if !(track.published && track.has_audio) {
        return Err(ServerError::NotFound("track"));
    }
    let owned =
        sqlx::query("SELECT 1 AS owned FROM entitlements WHERE user_id = $1 AND track_id = $2")
            .bind(&user.id)
            .bind(&track.id)
            .fetch_optional(&state.db.pool)
            .await?;
    if owned.is_some() {
        return Err(ServerError::conflict("you already own this track"));
    }

    let now = state.clock.now_ms();
    let order_id = new_id("ord");
    let amount = track.price;
    // Asked before the transaction: a gateway call must not hold the database's write lock.
    let start = state
        .payments
        .start(PaymentRequest {
            out_trade_no: &order_id,
            amount,
            subject: &track.title,
        })
        .await
        .map_err(|error| ServerError::Internal(format!("starting a payment: {error}")))?;
    let mut tx = state.db.pool.begin().await?;
    // Written first, so SQLite takes its write lock before anything is read in this transaction.
    let inserted = sqlx::query(
        "INSERT INTO orders (id, buyer_id, track_id, shop_id, amount_fen, status, idempotency_key, \
         request_hash, provider, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10) \
         ON CONFLICT (buyer_id, idempotency_key) DO NOTHING",
    )
    .bind(&order_id)
    .bind(&user.id)
    .bind(&track.id)
    .bind(&track.shop_id)
    .bind(amount.0)
    .bind(&key)
    .bind(&request_hash)
    .bind(state.payments.name())
    .bind(now)
    .bind(now + state.settings.order_ttl_ms)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // A concurrent replay won the race: answer as the replay.
        tx.rollback().await?;
        let (existing, stored_hash) = find_by_key(&state, &user.id, &key)
            .await?
            .ok_or_else(|| ServerError::Internal("a conflicting order vanished".into()))?;
        return replay(existing, &stored_hash, &request_hash);
    }
    let status = match start {
        PaymentStart::Completed => {
            mark_paid(&state, &mut tx, &order_id, now).await?;
            StatusCode::CREATED
        }
        PaymentStart::AwaitingBuyer { qr_code } => {
            let provider = state.payments.name();
            record_attempt(
                &mut tx,
                provider,
                Purpose::Order,
                &order_id,
                amount,
                &qr_code,
                now,
            )
            .await?;
            StatusCode::ACCEPTED
        }
    };
    tx.commit().await?;
    state.live.committed(state.db.dialect);
    if status == StatusCode::CREATED {
        // Counted once the sale is committed, never for a rolled-back one.
        state.metrics.sale_recorded(amount.0);
    }
    let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
        .bind(&order_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok((status, Json(order_from_row(&row)?)))
}

/// Marks a pending order paid, at most once, with its ledger entry, entitlement and event.
pub async fn mark_paid(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    now: i64,
) -> Result<()> {
    let updated = sqlx::query(
        // An expired order whose payment still arrived is honoured: the buyer did pay.
        "UPDATE orders SET status = 'paid', paid_at = $1 WHERE id = $2 \
         AND status IN ('pending', 'expired')",
    )
    .bind(now)
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ServerError::conflict("the order is not awaiting payment"));
    }
    let order = sqlx::query(
        "SELECT o.buyer_id, o.track_id, o.shop_id, o.amount_fen, t.title FROM orders o \
         JOIN tracks t ON t.id = o.track_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?;
    let shop_id: String = order.try_get("shop_id")?;
    let track_id: String = order.try_get("track_id")?;
    let amount = Fen(order.try_get("amount_fen")?);
    let shop =
        ShopId::new(shop_id.clone()).map_err(|error| ServerError::Internal(error.to_string()))?;
    let entry = JournalEntry::sale(&shop, amount)
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    write_entry(tx, &entry, "sale", Some(order_id), now).await?;
    sqlx::query(
        "INSERT INTO entitlements (user_id, track_id, order_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(order.try_get::<String, _>("buyer_id")?)
    .bind(&track_id)
    .bind(order_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            ServerError::conflict("you already own this track")
        }
        _ => ServerError::Database(error),
    })?;
    let sale = SaleRecorded {
        order_id: order_id.to_owned(),
        track_id,
        track_title: order.try_get("title")?,
        amount,
        at_ms: now,
    };
    let payload =
        serde_json::to_value(&sale).map_err(|error| ServerError::Internal(error.to_string()))?;
    live::record(
        tx,
        state.db.dialect,
        &shop_id,
        "sale_recorded",
        &payload,
        now,
    )
    .await
}

/// Appends a balanced journal entry.
pub async fn write_entry(
    tx: &mut Transaction<'static, Any>,
    entry: &JournalEntry,
    kind: &str,
    order_id: Option<&str>,
    now: i64,
) -> Result<()> {
    let entry_id = new_id("jnl");
    sqlx::query(
        "INSERT INTO journal_entries (id, kind, order_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&entry_id)
    .bind(kind)
    .bind(order_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    write_postings(tx, &entry_id, entry.postings()).await
}

/// Inserts `postings` of entry `entry_id` a thousand rows per statement (a month's settlement
/// has one per shop).
pub async fn write_postings(
    tx: &mut Transaction<'static, Any>,
    entry_id: &str,
    postings: &[shrimp_domain::Posting],
) -> Result<()> {
    for chunk in postings.chunks(1000) {
        let mut sql = String::from("INSERT INTO postings (entry_id, account, amount_fen) VALUES ");
        for index in 0..chunk.len() {
            if index > 0 {
                sql.push_str(", ");
            }
            let base = index * 2;
            let _ = write!(sql, "($1, ${}, ${})", base + 2, base + 3);
        }
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(entry_id);
        for posting in chunk {
            statement = statement
                .bind(posting.account.to_string())
                .bind(posting.amount.0);
        }
        statement.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<OrderView>>> {
    let rows = sqlx::query(
        "SELECT * FROM orders WHERE buyer_id = $1 ORDER BY created_at DESC, id LIMIT 500",
    )
    .bind(&user.id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(
        rows.iter().map(order_from_row).collect::<Result<_>>()?,
    ))
}

async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<OrderView>> {
    let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("order"))?;
    let order = order_from_row(&row)?;
    let buyer: String = row.try_get("buyer_id")?;
    let sold_by_caller = user.shop_id.as_deref() == Some(order.shop_id.as_str());
    if buyer != user.id && !sold_by_caller && !user.is_operator {
        return Err(ServerError::NotFound("order"));
    }
    Ok(Json(order))
}

/// Operator refund: a reversing ledger entry; the buyer loses the entitlement.
async fn refund(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<OrderView>> {
    user.require_operator()?;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let updated =
        sqlx::query("UPDATE orders SET status = 'refunded' WHERE id = $1 AND status = 'paid'")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() != 1 {
        return Err(ServerError::conflict("only a paid order can be refunded"));
    }
    let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
    let order = order_from_row(&row)?;
    let shop = ShopId::new(order.shop_id.clone())
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let sale = JournalEntry::sale(&shop, order.amount)
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let reversal =
        JournalEntry::refund(&sale).map_err(|error| ServerError::Internal(error.to_string()))?;
    write_entry(&mut tx, &reversal, "refund", Some(&id), now).await?;
    sqlx::query("DELETE FROM entitlements WHERE order_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(OrderView {
        status: OrderStatus::Refunded,
        ..order
    }))
}

/// Marks unpaid orders past their time as expired; returns how many.
pub async fn expire_unpaid(state: &AppState) -> Result<u64> {
    let expired = sqlx::query(
        "UPDATE orders SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1",
    )
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok(expired.rows_affected())
}
