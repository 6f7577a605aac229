//! What a shop has earned: today, this month, all time, its balance, per track, per day, and
//! a CSV statement. Owner-only; no shop sees another's income.

use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shrimp_api::{DailyIncome, IncomeSummary, TrackIncome};
use shrimp_domain::{Account, Fen, ShopId};
use sqlx::Row;

use crate::auth::CurrentUser;
use crate::clock::{day_start_ms, month_start_ms};
use crate::error::{Result, ServerError};
use crate::live;
use crate::state::AppState;

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
    Ok(Json(series))
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
         COUNT(CASE WHEN o.status = 'paid' THEN 1 END) AS n \
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
