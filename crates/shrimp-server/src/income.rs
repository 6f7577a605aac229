//! What a shop has earned: today, this month, all time, its balance, per track, per day, and
//! a CSV statement. Owner-only; no shop sees another's income.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shrimp_api::{DailyIncome, IncomeSummary, TrackIncome};
use shrimp_domain::{Account, Fen, ShopId, apportion};
use sqlx::Row;

use crate::auth::CurrentUser;
use crate::clock::{day_start_ms, month_start_ms};
use crate::error::{Result, ServerError};
use crate::live;
use crate::state::AppState;
use crate::subscriptions::{month_of, projected_share};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/shops/{id}/income", get(summary))
        .route("/shops/{id}/income/daily", get(daily))
        .route("/shops/{id}/income/tracks", get(per_track))
        .route("/shops/{id}/statement.csv", get(statement))
        .route("/shops/{id}/events", get(live::stream))
}

async fn sum_paid_since(state: &AppState, shop_id: &str, since: i64) -> Result<(Fen, i64)> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total, COUNT(*) AS n FROM orders \
         WHERE shop_id = $1 AND status = 'paid' AND paid_at >= $2",
    )
    .bind(shop_id)
    .bind(since)
    .fetch_one(&state.db.pool)
    .await?;
    Ok((Fen(row.try_get("total")?), row.try_get("n")?))
}

/// The shop's balance from the ledger: what the platform owes it.
pub async fn balance(state: &AppState, shop_id: &str) -> Result<Fen> {
    let shop =
        ShopId::new(shop_id.to_owned()).map_err(|error| ServerError::invalid(error.to_string()))?;
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total FROM postings WHERE account = $1",
    )
    .bind(Account::ShopPayable(shop).to_string())
    .fetch_one(&state.db.pool)
    .await?;
    Ok(Fen(row.try_get("total")?))
}

async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<Json<IncomeSummary>> {
    user.require_shop(&shop_id)?;
    let now = state.clock.now_ms();
    let (today, _) = sum_paid_since(&state, &shop_id, day_start_ms(now)).await?;
    let (this_month, _) = sum_paid_since(&state, &shop_id, month_start_ms(now)).await?;
    let (all_time, sales_count) = sum_paid_since(&state, &shop_id, i64::MIN).await?;
    Ok(Json(IncomeSummary {
        today,
        this_month,
        all_time,
        balance: balance(&state, &shop_id).await?,
        sales_count,
    }))
}

#[derive(Debug, Deserialize)]
struct Days {
    days: Option<u32>,
}

async fn daily(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    Query(query): Query<Days>,
) -> Result<Json<Vec<DailyIncome>>> {
    user.require_shop(&shop_id)?;
    let days = i64::from(query.days.unwrap_or(30).clamp(1, 366));
    let today = day_start_ms(state.clock.now_ms());
    let first = today - (days - 1) * 86_400_000;
    let rows = sqlx::query(
        "SELECT paid_at, amount_fen FROM orders WHERE shop_id = $1 AND status = 'paid' AND paid_at >= $2",
    )
    .bind(&shop_id)
    .bind(first)
    .fetch_all(&state.db.pool)
    .await?;
    let mut series: Vec<DailyIncome> = (0..days)
        .map(|offset| DailyIncome {
            day_start_ms: first + offset * 86_400_000,
            sales: Fen::ZERO,
            count: 0,
            subscription_share: Fen::ZERO,
        })
        .collect();
    for row in rows {
        let paid_at: i64 = row.try_get("paid_at")?;
        let index =
            usize::try_from((day_start_ms(paid_at) - first) / 86_400_000).unwrap_or(usize::MAX);
        if let Some(day) = series.get_mut(index) {
            day.sales = day
                .sales
                .checked_add(Fen(row.try_get("amount_fen")?))
                .ok_or_else(|| ServerError::Internal("income overflow".into()))?;
            day.count += 1;
        }
    }
    add_subscription_shares(&state, &shop_id, &mut series).await?;
    Ok(Json(series))
}

/// Adds each day's part of the shop's subscription share to `series` (consecutive days,
/// oldest first): a settled month's share, or the current month's projection, spread over the
/// month's days by the shop's counted subscriber downloads on each, exactly (largest
/// remainder), so a month's days add up to what its month shows. A past month that is not
/// settled yet has no share to spread.
async fn add_subscription_shares(
    state: &AppState,
    shop_id: &str,
    series: &mut [DailyIncome],
) -> Result<()> {
    let Some(first) = series.first().map(|day| day.day_start_ms) else {
        return Ok(());
    };
    let first_month = month_of(first)?;
    let current = month_of(state.clock.now_ms())?;
    let rows = sqlx::query(
        "SELECT month, created_at FROM subscription_downloads WHERE shop_id = $1 AND month >= $2",
    )
    .bind(shop_id)
    .bind(first_month.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    // Downloads per day, per month.
    let mut months: BTreeMap<String, BTreeMap<i64, u64>> = BTreeMap::new();
    for row in rows {
        let month: String = row.try_get("month")?;
        let day = day_start_ms(row.try_get("created_at")?);
        *months.entry(month).or_default().entry(day).or_insert(0) += 1;
    }
    if months.is_empty() {
        return Ok(());
    }
    let settled: BTreeMap<String, Fen> = sqlx::query(
        "SELECT month, amount_fen FROM settlement_shares WHERE shop_id = $1 AND month >= $2",
    )
    .bind(shop_id)
    .bind(first_month.to_string())
    .fetch_all(&state.db.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("month")?, Fen(row.try_get("amount_fen")?))))
    .collect::<Result<_>>()?;
    for (month, days) in months {
        let share = match settled.get(&month) {
            Some(share) => *share,
            None if month == current.to_string() => {
                projected_share(state, current, shop_id)
                    .await?
                    .projected_share
            }
            None => continue,
        };
        let weights: Vec<u64> = days.values().copied().collect();
        let parts =
            apportion(share, &weights).map_err(|error| ServerError::Internal(error.to_string()))?;
        for (day, part) in days.keys().zip(parts) {
            let index = usize::try_from((day - first) / 86_400_000).unwrap_or(usize::MAX);
            if let Some(entry) = series.get_mut(index) {
                entry.subscription_share = entry
                    .subscription_share
                    .checked_add(part)
                    .ok_or_else(|| ServerError::Internal("income overflow".into()))?;
            }
        }
    }
    Ok(())
}

async fn per_track(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<Json<Vec<TrackIncome>>> {
    user.require_shop(&shop_id)?;
    let rows = sqlx::query(
        "SELECT t.id, t.title, t.downloads, \
         CAST(COALESCE(SUM(CASE WHEN o.status = 'paid' THEN o.amount_fen ELSE 0 END), 0) AS BIGINT) AS sales, \
         COUNT(CASE WHEN o.status = 'paid' THEN 1 END) AS n, \
         (SELECT COUNT(*) FROM subscription_downloads d WHERE d.track_id = t.id) AS subscribed \
         FROM tracks t LEFT JOIN orders o ON o.track_id = t.id \
         WHERE t.shop_id = $1 GROUP BY t.id, t.title, t.downloads ORDER BY sales DESC, t.id",
    )
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TrackIncome {
                track_id: row.try_get("id")?,
                title: row.try_get("title")?,
                sales: Fen(row.try_get("sales")?),
                count: row.try_get("n")?,
                downloads: row.try_get("downloads")?,
                subscriber_downloads: row.try_get("subscribed")?,
            })
        })
        .collect::<Result<_>>()
        .map(Json)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Every paid sale, oldest first: order, time, track, amount in yuan with two decimals.
async fn statement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
) -> Result<impl IntoResponse> {
    user.require_shop(&shop_id)?;
    let rows = sqlx::query(
        "SELECT o.id, o.paid_at, o.track_id, t.title, o.amount_fen FROM orders o \
         JOIN tracks t ON t.id = o.track_id WHERE o.shop_id = $1 AND o.status = 'paid' \
         ORDER BY o.paid_at, o.id",
    )
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut csv = String::from("order_id,paid_at_ms,track_id,title,amount_fen,amount_yuan\n");
    for row in rows {
        let amount = Fen(row.try_get("amount_fen")?);
        let yuan = amount.to_string().trim_start_matches('¥').to_owned();
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{}",
            csv_field(&row.try_get::<String, _>("id")?),
            row.try_get::<i64, _>("paid_at")?,
            csv_field(&row.try_get::<String, _>("track_id")?),
            csv_field(&row.try_get::<String, _>("title")?),
            amount.0,
            yuan,
        );
    }
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"statement.csv\"",
            ),
        ],
        csv,
    ))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("山歌"), "山歌");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
