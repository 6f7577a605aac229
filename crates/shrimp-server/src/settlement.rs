//! The month close (DESIGN.md §2.3, §6): the whole pool of a month's subscription fees, plus
//! anything carried over from earlier empty months, goes to shops in proportion to their
//! counted subscriber downloads, exactly to the fen (`shrimp_domain::split_pool`).
//!
//! A close runs in one transaction: the counts are aggregated in SQL, split in Rust, and the
//! carry-forward entry, the settlement entry (one posting per shop, written in bulk), every
//! shop's statement line and every subscriber's statement are written together, with the
//! `settlements` row that makes a rerun a no-op. On PostgreSQL an advisory lock makes
//! concurrent closes from several instances wait for each other; on SQLite the transaction's
//! write lock does. The rules are in `docs/subscriptions.md`.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use shrimp_api::{FeeLine, SettlementView, ShopMonthStatement, SubscriberStatement};
use shrimp_domain::{Account, Fen, JournalEntry, Month, ShopId, split_pool};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::orders::write_entry;
use crate::state::AppState;
use crate::storage::Dialect;
use crate::subscriptions::{internal, month_end, month_of};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settlements", get(list))
        .route("/settlements/{month}", post(close))
        .route("/shops/{id}/subscription-statements", get(shop_statements))
        .route("/subscription/statements", get(subscriber_statements))
        .route("/subscription/statements/{month}", get(month_statement))
}

/// Whether a close wrote anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub settlement: SettlementView,
    /// False when the month had been closed already (nothing changed).
    pub newly: bool,
}

fn view_from_row(row: &AnyRow) -> Result<SettlementView> {
    Ok(SettlementView {
        month: row.try_get("month")?,
        fees: Fen(row.try_get("fees_fen")?),
        carried_in: Fen(row.try_get("carried_in_fen")?),
        pool: Fen(row.try_get("pool_fen")?),
        carry_over: Fen(row.try_get("carry_over_fen")?),
        subscribers: row.try_get("subscribers")?,
        shops: row.try_get("shops")?,
        downloads: row.try_get("downloads")?,
        settled_at_ms: row.try_get("settled_at")?,
    })
}

async fn existing(state: &AppState, month: Month) -> Result<Option<SettlementView>> {
    sqlx::query("SELECT * FROM settlements WHERE month = $1")
        .bind(month.to_string())
        .fetch_optional(&state.db.pool)
        .await?
        .as_ref()
        .map(view_from_row)
        .transpose()
}

async fn balance_in(tx: &mut Transaction<'static, Any>, account: &Account) -> Result<Fen> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total FROM postings WHERE account = $1",
    )
    .bind(account.to_string())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Fen(row.try_get("total")?))
}

/// Closes `month`: idempotent (a closed month is returned unchanged) and single-run.
/// Refuses a month that has not ended (with time for its last payments to arrive) and a
/// month with an earlier one still open.
pub async fn settle_month(state: &AppState, month: Month) -> Result<Closed> {
    if let Some(settlement) = existing(state, month).await? {
        return Ok(Closed {
            settlement,
            newly: false,
        });
    }
    let now = state.clock.now_ms();
    if now < month_end(month).saturating_add(state.settings.order_ttl_ms) {
        return Err(ServerError::conflict(format!(
            "{month} has not ended yet (payments started in it may still arrive)"
        )));
    }
    let earlier = sqlx::query(
        "SELECT MIN(month) AS month FROM subscription_periods WHERE status = 'paid' AND month < $1 \
         AND month NOT IN (SELECT month FROM settlements)",
    )
    .bind(month.to_string())
    .fetch_one(&state.db.pool)
    .await?
    .try_get::<Option<String>, _>("month")?;
    if let Some(earlier) = earlier {
        return Err(ServerError::conflict(format!("close {earlier} first")));
    }

    let key = month.to_string();
    let mut tx = state.db.pool.begin().await?;
    if state.db.dialect == Dialect::Postgres {
        // Closes (of any month) run one at a time across every instance.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('shrimp/settlement'))")
            .execute(&mut *tx)
            .await?;
    }
    // Claimed first: this takes SQLite's write lock, and the loser of a race stops here.
    let claimed = sqlx::query(
        "INSERT INTO settlements (month, fees_fen, carried_in_fen, pool_fen, carry_over_fen, \
         subscribers, shops, downloads, settled_at) VALUES ($1, 0, 0, 0, 0, 0, 0, 0, $2) \
         ON CONFLICT (month) DO NOTHING",
    )
    .bind(&key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        tx.rollback().await?;
        let settlement = existing(state, month)
            .await?
            .ok_or_else(|| internal("a claimed settlement vanished"))?;
        return Ok(Closed {
            settlement,
            newly: false,
        });
    }

    close_in(&mut tx, month, now).await?;
    tx.commit().await?;
    let settlement = existing(state, month)
        .await?
        .ok_or_else(|| internal("a settlement vanished"))?;
    tracing::info!(
        month = %key,
        pool = %settlement.pool,
        shops = settlement.shops,
        downloads = settlement.downloads,
        carry_over = %settlement.carry_over,
        "month closed"
    );
    Ok(Closed {
        settlement,
        newly: true,
    })
}

/// Everything a close writes, inside its transaction, after the month was claimed.
async fn close_in(tx: &mut Transaction<'static, Any>, month: Month, now: i64) -> Result<()> {
    let key = month.to_string();
    let pool_account = Account::SubscriptionPool { month };
    let fees = balance_in(tx, &pool_account).await?;
    let carried_in = balance_in(tx, &Account::CarryOver).await?;
    if !carried_in.is_zero() {
        let forward =
            JournalEntry::carry_forward(month, carried_in, carried_in).map_err(internal)?;
        write_entry(
            tx,
            &forward,
            "carry_forward",
            Some(&format!("month/{key}")),
            now,
        )
        .await?;
    }
    let pool = fees
        .checked_add(carried_in)
        .ok_or_else(|| internal("pool overflow"))?;

    let rows = sqlx::query(
        "SELECT shop_id, COUNT(*) AS n FROM subscription_downloads WHERE month = $1 GROUP BY shop_id",
    )
    .bind(&key)
    .fetch_all(&mut **tx)
    .await?;
    let counts = rows
        .iter()
        .map(|row| {
            let shop = ShopId::new(row.try_get::<String, _>("shop_id")?).map_err(internal)?;
            let count = u64::try_from(row.try_get::<i64, _>("n")?).map_err(internal)?;
            Ok((shop, count))
        })
        .collect::<Result<Vec<_>>>()?;
    drop(rows);
    let split = split_pool(pool, &counts).map_err(internal)?;
    if !pool.is_zero() {
        let entry = JournalEntry::settlement(month, &split).map_err(internal)?;
        write_entry(tx, &entry, "settlement", Some(&format!("month/{key}")), now).await?;
    }
    write_shares(tx, &key, &split).await?;
    let subscribers = sqlx::query(
        "INSERT INTO subscriber_statements (user_id, month, fee_fen) \
         SELECT user_id, month, amount_fen FROM subscription_periods WHERE month = $1 AND status = 'paid'",
    )
    .bind(&key)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let downloads = i64::try_from(split.total_downloads()).map_err(internal)?;
    sqlx::query(
        "UPDATE settlements SET fees_fen = $1, carried_in_fen = $2, pool_fen = $3, \
         carry_over_fen = $4, subscribers = $5, shops = $6, downloads = $7 WHERE month = $8",
    )
    .bind(fees.0)
    .bind(carried_in.0)
    .bind(pool.0)
    .bind(split.carry_over().0)
    .bind(i64::try_from(subscribers).map_err(internal)?)
    .bind(i64::try_from(split.shares().len()).map_err(internal)?)
    .bind(downloads)
    .bind(&key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Each shop's statement line, a thousand rows per statement.
async fn write_shares(
    tx: &mut Transaction<'static, Any>,
    key: &str,
    split: &shrimp_domain::Split,
) -> Result<()> {
    for chunk in split.shares().chunks(1000) {
        let mut sql = String::from(
            "INSERT INTO settlement_shares (month, shop_id, downloads, amount_fen) VALUES ",
        );
        for index in 0..chunk.len() {
            if index > 0 {
                sql.push_str(", ");
            }
            let base = index * 3;
            let _ = write!(sql, "($1, ${}, ${}, ${})", base + 2, base + 3, base + 4);
        }
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key);
        for share in chunk {
            statement = statement
                .bind(share.shop.as_str())
                .bind(i64::try_from(share.downloads).map_err(internal)?)
                .bind(share.amount.0);
        }
        statement.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Closes, in order, every ended month that has paid subscribers and is still open (the
/// scheduled run in `serve`). Returns the months closed.
pub async fn settle_due(state: &AppState) -> Result<Vec<SettlementView>> {
    let current = month_of(state.clock.now_ms())?;
    let open = sqlx::query(
        "SELECT DISTINCT month FROM subscription_periods WHERE status = 'paid' AND month < $1 \
         AND month NOT IN (SELECT month FROM settlements) ORDER BY month",
    )
    .bind(current.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let mut closed = Vec::new();
    for row in open {
        let month: Month = row.try_get::<String, _>("month")?.parse()?;
        if state.clock.now_ms() < month_end(month).saturating_add(state.settings.order_ttl_ms) {
            break;
        }
        let outcome = settle_month(state, month).await?;
        if outcome.newly {
            closed.push(outcome.settlement);
        }
    }
    Ok(closed)
}

/// `GET /settlements` (operators): every closed month, newest first.
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<SettlementView>>> {
    user.require_operator()?;
    let rows = sqlx::query("SELECT * FROM settlements ORDER BY month DESC LIMIT 120")
        .fetch_all(&state.db.pool)
        .await?;
    Ok(Json(rows.iter().map(view_from_row).collect::<Result<_>>()?))
}

/// `POST /settlements/{month}` (operators): closes the month now, as the CLI does.
async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(month): Path<String>,
) -> Result<Json<SettlementView>> {
    user.require_operator()?;
    let month: Month = month.parse()?;
    Ok(Json(settle_month(&state, month).await?.settlement))
}

/// `GET /shops/{id}/subscription-statements`: the shop's share of every closed month it had
/// downloads in, newest first.
async fn shop_statements(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<Json<Vec<ShopMonthStatement>>> {
    user.require_shop(&shop_id)?;
    let rows = sqlx::query(
        "SELECT s.month, s.pool_fen, s.downloads AS total, s.settled_at, h.downloads, h.amount_fen \
         FROM settlement_shares h JOIN settlements s ON s.month = h.month \
         WHERE h.shop_id = $1 ORDER BY s.month DESC LIMIT 120",
    )
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ShopMonthStatement {
                month: row.try_get("month")?,
                pool: Fen(row.try_get("pool_fen")?),
                total_downloads: row.try_get("total")?,
                downloads: row.try_get("downloads")?,
                share: Fen(row.try_get("amount_fen")?),
                settled_at_ms: row.try_get("settled_at")?,
            })
        })
        .collect::<Result<_>>()
        .map(Json)
}

/// Where `user_id`'s fee for `month` went: divided like the pool, by every shop's downloads.
pub async fn statement_for(
    state: &AppState,
    user_id: &str,
    month: Month,
) -> Result<SubscriberStatement> {
    let key = month.to_string();
    let fee =
        sqlx::query("SELECT fee_fen FROM subscriber_statements WHERE user_id = $1 AND month = $2")
            .bind(user_id)
            .bind(&key)
            .fetch_optional(&state.db.pool)
            .await?
            .ok_or(ServerError::NotFound("statement"))?;
    let fee = Fen(fee.try_get("fee_fen")?);
    let settlement = existing(state, month)
        .await?
        .ok_or(ServerError::NotFound("statement"))?;
    let shares = sqlx::query("SELECT shop_id, downloads FROM settlement_shares WHERE month = $1")
        .bind(&key)
        .fetch_all(&state.db.pool)
        .await?
        .iter()
        .map(|row| {
            let shop = ShopId::new(row.try_get::<String, _>("shop_id")?).map_err(internal)?;
            let count = u64::try_from(row.try_get::<i64, _>("downloads")?).map_err(internal)?;
            Ok((shop, count))
        })
        .collect::<Result<Vec<_>>>()?;
    let split = split_pool(fee, &shares).map_err(internal)?;
    let mine = sqlx::query(
        "SELECT d.shop_id, COUNT(*) AS n, MIN(s.name) AS name FROM subscription_downloads d \
         JOIN shops s ON s.id = d.shop_id WHERE d.month = $1 AND d.user_id = $2 GROUP BY d.shop_id",
    )
    .bind(&key)
    .bind(user_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut lines = Vec::with_capacity(mine.len());
    let mut your_downloads = 0;
    for row in &mine {
        let shop = ShopId::new(row.try_get::<String, _>("shop_id")?).map_err(internal)?;
        let count: i64 = row.try_get("n")?;
        your_downloads += count;
        let shop_downloads = split
            .shares()
            .iter()
            .find(|share| share.shop == shop)
            .map_or(0, |share| share.downloads);
        lines.push(FeeLine {
            amount: split.share_of(&shop),
            shop_id: shop.into_string(),
            shop_name: row.try_get("name")?,
            your_downloads: count,
            shop_downloads: i64::try_from(shop_downloads).map_err(internal)?,
        });
    }
    lines.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then_with(|| a.shop_id.cmp(&b.shop_id))
    });
    let to_lines = Fen::checked_sum(lines.iter().map(|line| line.amount))
        .ok_or_else(|| internal("statement overflow"))?;
    let other_shops = fee
        .checked_sub(to_lines)
        .and_then(|rest| rest.checked_sub(split.carry_over()))
        .ok_or_else(|| internal("statement overflow"))?;
    Ok(SubscriberStatement {
        month: key,
        fee,
        pool: settlement.pool,
        total_downloads: settlement.downloads,
        your_downloads,
        lines,
        other_shops,
        carried_over: split.carry_over(),
    })
}

async fn month_statement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(month): Path<String>,
) -> Result<Json<SubscriberStatement>> {
    let month: Month = month.parse()?;
    Ok(Json(statement_for(&state, &user.id, month).await?))
}

/// `GET /subscription/statements`: the caller's statements for the last twelve closed months.
async fn subscriber_statements(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<SubscriberStatement>>> {
    let months = sqlx::query(
        "SELECT month FROM subscriber_statements WHERE user_id = $1 ORDER BY month DESC LIMIT 12",
    )
    .bind(&user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut statements = Vec::with_capacity(months.len());
    for row in months {
        let month: Month = row.try_get::<String, _>("month")?.parse()?;
        statements.push(statement_for(&state, &user.id, month).await?);
    }
    Ok(Json(statements))
}
