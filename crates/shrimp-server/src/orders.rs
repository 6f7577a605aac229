//! Buying a track: an idempotent order, paid through the payment provider, then — in one
//! transaction — the order marked paid once, one ledger entry crediting 100% to the shop, one
//! entitlement and one outbox event for the shop's live income.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use shrimp_api::{
    CreateOrder, IDEMPOTENCY_KEY_HEADER, OrderStatus, OrderView, SaleRecorded, TrackView,
};
use shrimp_domain::{Fen, JournalEntry, ShopId};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::applications::parse_text;
use crate::auth::{Bearer, CurrentUser};
use crate::catalog::{TRACK_COLUMNS, TRACK_FROM, track_from_row};
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::live;
use crate::payments::{PaymentRequest, PaymentStart, Purpose, record_attempt};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::storage::Dialect;

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

/// What a purchase needs to know before it starts, read in one statement: who the buyer is
/// (the session behind the token), the track, whether the buyer owns it already, and whether
/// this idempotency key was used before.
struct Context {
    buyer_id: String,
    track: Option<TrackView>,
    owned: bool,
    replay_of: Option<String>,
}

/// `None` when the token has no live session.
async fn context(
    state: &AppState,
    bearer: &Bearer,
    track_id: &str,
    key: &str,
) -> Result<Option<Context>> {
    // The session's row is the one row; the track's columns are empty when there is no such
    // track. Only constant text is formatted into this statement; values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT x.user_id AS buyer_id, \
         (SELECT COUNT(*) FROM entitlements e WHERE e.user_id = x.user_id AND e.track_id = $1) \
         AS owned_count, \
         (SELECT o.id FROM orders o WHERE o.buyer_id = x.user_id AND o.idempotency_key = $2) \
         AS replay_of, c.* \
         FROM sessions x \
         LEFT JOIN (SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} WHERE t.id = $1) c ON 1 = 1 \
         WHERE x.token_hash = $3 AND x.expires_at > $4"
    )))
    .bind(track_id)
    .bind(key)
    .bind(bearer.token_hash())
    .bind(state.clock.now_ms())
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|row| {
        let found = row.try_get::<Option<String>, _>("id")?.is_some();
        Ok(Context {
            buyer_id: row.try_get("buyer_id")?,
            track: found.then(|| track_from_row(&row)).transpose()?,
            owned: row.try_get::<i64, _>("owned_count")? > 0,
            replay_of: row.try_get("replay_of")?,
        })
    })
    .transpose()
}

async fn create(
    State(state): State<AppState>,
    bearer: Bearer,
    headers: HeaderMap,
    body: std::result::Result<JsonBody<CreateOrder>, ServerError>,
) -> Result<(StatusCode, Json<OrderView>)> {
    let (key, request) = match (idempotency_key(&headers), body) {
        (Ok(key), Ok(JsonBody(request))) => (key, request),
        // A bad request from a caller who is not signed in is answered 401 all the same.
        (Err(error), _) | (_, Err(error)) => {
            bearer.user(&state).await?;
            return Err(error);
        }
    };
    let request_hash = hex::encode(Sha256::digest(request.track_id.as_bytes()));
    let Context {
        buyer_id,
        track,
        owned,
        replay_of,
    } = context(&state, &bearer, &request.track_id, &key)
        .await?
        .ok_or(ServerError::Unauthenticated)?;
    if track.is_none() || replay_of.is_some() {
        // A key used before answers as its first request did, whatever the track is now.
        if let Some((existing, stored_hash)) = find_by_key(&state, &buyer_id, &key).await? {
            return replay(existing, &stored_hash, &request_hash);
        }
    }
    let Some(track) = track else {
        return Err(ServerError::NotFound("track"));
    };
    if !(track.published && track.has_audio) {
        return Err(ServerError::NotFound("track"));
    }
    if owned {
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
    // Paid at once (the demo provider): the order is written paid, with no pending step.
    let paid = matches!(start, PaymentStart::Completed);
    let order = NewOrder {
        id: &order_id,
        buyer_id: &buyer_id,
        track: &track,
        key: &key,
        request_hash: &request_hash,
        provider: state.payments.name(),
        paid,
        now,
        expires_at: now + state.settings.order_ttl_ms,
    };
    let written = match start {
        PaymentStart::Completed if state.db.dialect == Dialect::Postgres => {
            write_sale_in_one_statement(&state, &order).await?
        }
        start => write_in_transaction(&state, &order, start).await?,
    };
    if !written {
        // A concurrent replay won the race: answer as the replay.
        let (existing, stored_hash) = find_by_key(&state, &buyer_id, &key)
            .await?
            .ok_or_else(|| ServerError::Internal("a conflicting order vanished".into()))?;
        return replay(existing, &stored_hash, &request_hash);
    }
    state.live.committed(state.db.dialect);
    if paid {
        // Counted once the sale is committed, never for a rolled-back one.
        state.metrics.sale_recorded(amount.0);
    }
    Ok(answer(order_id, track, paid, now))
}

/// A new order, as both ways of writing it need it.
struct NewOrder<'a> {
    id: &'a str,
    buyer_id: &'a str,
    track: &'a TrackView,
    key: &'a str,
    request_hash: &'a str,
    provider: &'a str,
    paid: bool,
    now: i64,
    expires_at: i64,
}

impl NewOrder<'_> {
    fn sale(&self) -> Sale<'_> {
        Sale {
            order_id: self.id,
            buyer_id: self.buyer_id,
            track_id: &self.track.id,
            track_title: &self.track.title,
            shop_id: &self.track.shop_id,
            amount: self.track.price,
        }
    }
}

/// Inserts the order unless its idempotency key is taken ($1–$12, see [`bind_order`]).
const INSERT_ORDER: &str = "INSERT INTO orders (id, buyer_id, track_id, shop_id, amount_fen, \
     status, idempotency_key, request_hash, provider, created_at, expires_at, paid_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (buyer_id, idempotency_key) DO NOTHING";

fn bind_order<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    order: &NewOrder<'_>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    query
        .bind(order.id.to_owned())
        .bind(order.buyer_id.to_owned())
        .bind(order.track.id.clone())
        .bind(order.track.shop_id.clone())
        .bind(order.track.price.0)
        .bind(if order.paid { "paid" } else { "pending" })
        .bind(order.key.to_owned())
        .bind(order.request_hash.to_owned())
        .bind(order.provider.to_owned())
        .bind(order.now)
        .bind(order.expires_at)
        .bind(order.paid.then_some(order.now))
}

/// Writes the order and, when paid, the sale (or, awaiting the buyer, the payment attempt) in
/// one transaction. False when the idempotency key turned out taken (nothing written).
async fn write_in_transaction(
    state: &AppState,
    order: &NewOrder<'_>,
    start: PaymentStart,
) -> Result<bool> {
    let mut tx = state.db.pool.begin().await?;
    // Written first, so SQLite takes its write lock before anything is read in this transaction.
    let inserted = bind_order(sqlx::query(INSERT_ORDER), order)
        .execute(&mut *tx)
        .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    match start {
        PaymentStart::Completed => record_sale(&mut tx, &order.sale(), order.now).await?,
        PaymentStart::AwaitingBuyer { qr_code } => {
            record_attempt(
                &mut tx,
                order.provider,
                Purpose::Order,
                order.id,
                order.track.price,
                &qr_code,
                order.now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// On PostgreSQL, a sale paid at once is written in one statement — the order, its ledger
/// entry and postings, the entitlement and the outbox event — which is atomic on its own:
/// one round trip instead of seven. The same rows as [`write_in_transaction`] with
/// [`record_sale`]; the conformance suite runs both. False when the key turned out taken.
async fn write_sale_in_one_statement(state: &AppState, order: &NewOrder<'_>) -> Result<bool> {
    let sale = order.sale();
    let (entry, payload) = sale_records(&sale, order.now)?;
    let postings = entry.postings();
    let mut values = String::new();
    for index in 0..postings.len() {
        if index > 0 {
            values.push_str(", ");
        }
        let base = 16 + index * 2;
        let _ = write!(values, "(${base}, CAST(${} AS BIGINT))", base + 1);
    }
    // Only constant text and placeholders are formatted into this statement.
    let sql = format!(
        "WITH o AS ({INSERT_ORDER} RETURNING id), \
         j AS (INSERT INTO journal_entries (id, kind, order_id, created_at) \
               SELECT $13, 'sale', o.id, $10 FROM o RETURNING id), \
         p AS (INSERT INTO postings (entry_id, account, amount_fen) \
               SELECT j.id, v.account, v.amount FROM j, (VALUES {values}) AS v(account, amount)), \
         e AS (INSERT INTO entitlements (user_id, track_id, order_id, created_at) \
               SELECT $2, $3, o.id, $10 FROM o), \
         x AS (INSERT INTO outbox (shop_id, kind, payload, created_at) \
               SELECT $4, $14, $15, $10 FROM o) \
         SELECT COUNT(*) AS written FROM o"
    );
    let mut query = bind_order(sqlx::query(sqlx::AssertSqlSafe(sql)), order)
        .bind(new_id("jnl"))
        .bind("sale_recorded")
        .bind(payload);
    for posting in postings {
        query = query
            .bind(posting.account.to_string())
            .bind(posting.amount.0);
    }
    let row = query
        .fetch_one(&state.db.pool)
        .await
        .map_err(already_owned)?;
    Ok(row.try_get::<i64, _>("written")? > 0)
}

/// The new order as created (201, paid) or awaiting the buyer's payment (202), without
/// reading it back.
fn answer(
    order_id: String,
    track: TrackView,
    paid: bool,
    now: i64,
) -> (StatusCode, Json<OrderView>) {
    let (status, order_status) = if paid {
        (StatusCode::CREATED, OrderStatus::Paid)
    } else {
        (StatusCode::ACCEPTED, OrderStatus::Pending)
    };
    let order = OrderView {
        id: order_id,
        amount: track.price,
        track_id: track.id,
        shop_id: track.shop_id,
        status: order_status,
        created_at_ms: now,
    };
    (status, Json(order))
}

/// A paid order's facts, as the sale records them.
struct Sale<'a> {
    order_id: &'a str,
    buyer_id: &'a str,
    track_id: &'a str,
    track_title: &'a str,
    shop_id: &'a str,
    amount: Fen,
}

/// Marks a pending order paid, at most once, with its ledger entry, entitlement and event.
pub async fn mark_paid(tx: &mut Transaction<'static, Any>, order_id: &str, now: i64) -> Result<()> {
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
    let (buyer_id, track_id, shop_id, title): (String, String, String, String) = (
        order.try_get("buyer_id")?,
        order.try_get("track_id")?,
        order.try_get("shop_id")?,
        order.try_get("title")?,
    );
    let sale = Sale {
        order_id,
        buyer_id: &buyer_id,
        track_id: &track_id,
        track_title: &title,
        shop_id: &shop_id,
        amount: Fen(order.try_get("amount_fen")?),
    };
    record_sale(tx, &sale, now).await
}

/// The money side of a paid order: one ledger entry crediting the shop, the buyer's
/// entitlement and the shop's live event.
async fn record_sale(tx: &mut Transaction<'static, Any>, sale: &Sale<'_>, now: i64) -> Result<()> {
    let (entry, payload) = sale_records(sale, now)?;
    write_entry(tx, &entry, "sale", Some(sale.order_id), now).await?;
    sqlx::query(
        "INSERT INTO entitlements (user_id, track_id, order_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sale.buyer_id)
    .bind(sale.track_id)
    .bind(sale.order_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(already_owned)?;
    live::record(tx, sale.shop_id, "sale_recorded", &payload, now).await
}

/// A sale's ledger entry (every fen to the shop) and its live event's payload.
fn sale_records(sale: &Sale<'_>, now: i64) -> Result<(JournalEntry, String)> {
    let shop = ShopId::new(sale.shop_id.to_owned())
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let entry = JournalEntry::sale(&shop, sale.amount)
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let event = SaleRecorded {
        order_id: sale.order_id.to_owned(),
        track_id: sale.track_id.to_owned(),
        track_title: sale.track_title.to_owned(),
        amount: sale.amount,
        at_ms: now,
    };
    let payload =
        serde_json::to_string(&event).map_err(|error| ServerError::Internal(error.to_string()))?;
    Ok((entry, payload))
}

/// A second entitlement to one track is the buyer owning it already.
fn already_owned(error: sqlx::Error) -> ServerError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            ServerError::conflict("you already own this track")
        }
        _ => ServerError::Database(error),
    }
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
