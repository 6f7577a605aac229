//! The store's front page in one response: new releases, top tracks, genres, featured shops
//! and what is selling right now (what sold and where — never who bought it).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shrimp_api::{GenreCount, RecentSale, ShopView, StoreHome};
use shrimp_domain::Fen;
use sqlx::Row;

use crate::applications::parse_text;
use crate::catalog::{TRACK_COLUMNS, TRACK_FROM, track_from_row};
use crate::error::Result;
use crate::releases;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/store/home", get(home))
        .route("/store/selling-now", get(selling_now_route))
        .route("/genres", get(genres_route))
}

const PLAYABLE: &str = "t.published = 1 AND t.audio_sha256 IS NOT NULL";

async fn home(State(state): State<AppState>) -> Result<Json<StoreHome>> {
    let new_releases = releases::newest(&state, 12).await?;
    let top = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} WHERE {PLAYABLE} \
         ORDER BY t.downloads DESC, t.id DESC LIMIT 12"
    )))
    .fetch_all(&state.db.pool)
    .await?;
    let featured = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT s.id, s.name, s.kind, s.bio, COALESCE(SUM(t.downloads), 0) AS downloads \
         FROM shops s JOIN tracks t ON t.shop_id = s.id AND {PLAYABLE} \
         GROUP BY s.id, s.name, s.kind, s.bio ORDER BY downloads DESC, s.id LIMIT 8"
    )))
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(StoreHome {
        new_releases,
        top_tracks: top.iter().map(track_from_row).collect::<Result<_>>()?,
        genres: genres(&state).await?,
        featured_shops: featured
            .iter()
            .map(|row| {
                Ok(ShopView {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    kind: parse_text(&row.try_get::<String, _>("kind")?)?,
                    bio: row.try_get("bio")?,
                })
            })
            .collect::<Result<_>>()?,
        selling_now: selling_now(&state, 12).await?,
    }))
}

/// Genres with published tracks, most tracks first.
pub async fn genres(state: &AppState) -> Result<Vec<GenreCount>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT t.genre, COUNT(*) AS tracks FROM tracks t WHERE {PLAYABLE} \
         GROUP BY t.genre ORDER BY tracks DESC, t.genre LIMIT 100"
    )))
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(GenreCount {
                genre: row.try_get("genre")?,
                tracks: u32::try_from(row.try_get::<i64, _>("tracks")?).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// The latest paid sales across the store.
pub async fn selling_now(state: &AppState, limit: u32) -> Result<Vec<RecentSale>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT o.track_id, t.title, t.artists, o.shop_id, s.name, o.amount_fen, o.paid_at, \
         COALESCE(t.cover_sha256, r.cover_sha256) AS cover_sha256 \
         FROM orders o JOIN tracks t ON t.id = o.track_id JOIN shops s ON s.id = o.shop_id \
         LEFT JOIN releases r ON r.id = t.release_id \
         WHERE o.status = 'paid' ORDER BY o.paid_at DESC, o.id DESC LIMIT {}",
        limit.clamp(1, 100)
    )))
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RecentSale {
                track_id: row.try_get("track_id")?,
                track_title: row.try_get("title")?,
                artists: row.try_get("artists")?,
                shop_id: row.try_get("shop_id")?,
                shop_name: row.try_get("name")?,
                has_cover: row.try_get::<Option<String>, _>("cover_sha256")?.is_some(),
                price: Fen(row.try_get("amount_fen")?),
                at_ms: row.try_get("paid_at")?,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct LimitQuery {
    limit: Option<u32>,
}

async fn selling_now_route(
    State(state): State<AppState>,
    Query(query): Query<LimitQuery>,
) -> Result<Json<Vec<RecentSale>>> {
    Ok(Json(selling_now(&state, query.limit.unwrap_or(20)).await?))
}

async fn genres_route(State(state): State<AppState>) -> Result<Json<Vec<GenreCount>>> {
    Ok(Json(genres(&state).await?))
}
