//! Releases: a shop's albums, EPs and singles, grouping its tracks in order under one cover.
//! A release is public once it has a published track with audio; before that only its owner
//! sees it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shrimp_api::{NewRelease, ReleaseDetail, ReleaseView};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::applications::parse_text;
use crate::auth::CurrentUser;
use crate::catalog::{TRACK_COLUMNS, TRACK_FROM, check_text, track_from_row};
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::secrets::new_id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/releases", get(list_new))
        .route("/releases/{id}", get(detail))
        .route("/shops/{id}/releases", get(shop_releases).post(create))
}

/// Release columns with the count and length of its published, playable tracks.
const RELEASE_SELECT: &str = "SELECT r.id, r.shop_id, s.name AS shop_name, s.kind AS shop_kind, \
    r.title, r.artists, r.genre, r.description, r.cover_sha256, r.created_at, \
    (SELECT COUNT(*) FROM tracks t WHERE t.release_id = r.id AND t.published = 1 \
        AND t.audio_sha256 IS NOT NULL) AS track_count, \
    (SELECT COALESCE(SUM(t.duration_ms), 0) FROM tracks t WHERE t.release_id = r.id \
        AND t.published = 1 AND t.audio_sha256 IS NOT NULL) AS duration_ms \
    FROM releases r JOIN shops s ON s.id = r.shop_id";

fn release_from_row(row: &AnyRow) -> Result<ReleaseView> {
    Ok(ReleaseView {
        id: row.try_get("id")?,
        shop_id: row.try_get("shop_id")?,
        shop_name: row.try_get("shop_name")?,
        shop_kind: parse_text(&row.try_get::<String, _>("shop_kind")?)?,
        title: row.try_get("title")?,
        artists: row.try_get("artists")?,
        genre: row.try_get("genre")?,
        description: row.try_get("description")?,
        has_cover: row.try_get::<Option<String>, _>("cover_sha256")?.is_some(),
        track_count: u32::try_from(row.try_get::<i64, _>("track_count")?).unwrap_or(u32::MAX),
        duration_ms: u32::try_from(row.try_get::<i64, _>("duration_ms")?).unwrap_or(u32::MAX),
        created_at_ms: row.try_get("created_at")?,
    })
}

/// Loads one release, public or not.
pub async fn load_release(state: &AppState, id: &str) -> Result<ReleaseView> {
    // Only constant text is formatted into these statements; values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{RELEASE_SELECT} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServerError::NotFound("release"))?;
    release_from_row(&row)
}

/// The newest public releases.
pub async fn newest(state: &AppState, limit: u32) -> Result<Vec<ReleaseView>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT * FROM ({RELEASE_SELECT}) x WHERE x.track_count > 0 \
         ORDER BY x.created_at DESC, x.id DESC LIMIT {}",
        limit.clamp(1, 200)
    )))
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter().map(release_from_row).collect()
}

/// Fails unless `release_id` is one of `shop_id`'s releases.
pub async fn require_own_release(state: &AppState, shop_id: &str, release_id: &str) -> Result<()> {
    let owned = sqlx::query("SELECT 1 AS one FROM releases WHERE id = $1 AND shop_id = $2")
        .bind(release_id)
        .bind(shop_id)
        .fetch_optional(&state.db.pool)
        .await?;
    if owned.is_none() {
        return Err(ServerError::invalid(
            "the release is not one of this shop's",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    limit: Option<u32>,
}

async fn list_new(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<ReleaseView>>> {
    Ok(Json(newest(&state, query.limit.unwrap_or(50)).await?))
}

async fn detail(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: Option<CurrentUser>,
) -> Result<Json<ReleaseDetail>> {
    let release = load_release(&state, &id).await?;
    let is_owner =
        user.is_some_and(|user| user.shop_id.as_deref() == Some(release.shop_id.as_str()));
    if !is_owner && release.track_count == 0 {
        return Err(ServerError::NotFound("release"));
    }
    let visible = if is_owner {
        ""
    } else {
        " AND t.published = 1 AND t.audio_sha256 IS NOT NULL"
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} WHERE t.release_id = $1{visible} \
         ORDER BY t.track_number, t.created_at, t.id"
    )))
    .bind(&id)
    .fetch_all(&state.db.pool)
    .await?;
    let tracks = rows.iter().map(track_from_row).collect::<Result<_>>()?;
    Ok(Json(ReleaseDetail { release, tracks }))
}

async fn shop_releases(
    State(state): State<AppState>,
    Path(shop_id): Path<String>,
    user: Option<CurrentUser>,
) -> Result<Json<Vec<ReleaseView>>> {
    let is_owner = user.is_some_and(|user| user.shop_id.as_deref() == Some(shop_id.as_str()));
    let visible = if is_owner {
        ""
    } else {
        " AND x.track_count > 0"
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT * FROM ({RELEASE_SELECT}) x WHERE x.shop_id = $1{visible} \
         ORDER BY x.created_at DESC, x.id DESC LIMIT 500"
    )))
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(
        rows.iter().map(release_from_row).collect::<Result<_>>()?,
    ))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    JsonBody(release): JsonBody<NewRelease>,
) -> Result<(StatusCode, Json<ReleaseView>)> {
    user.require_shop(&shop_id)?;
    check_text("title", &release.title, 200)?;
    check_text("artists", &release.artists, 200)?;
    check_text("genre", &release.genre, 40)?;
    if release.description.chars().count() > 4000 {
        return Err(ServerError::invalid(
            "the description must be at most 4000 characters",
        ));
    }
    let id = new_id("rel");
    sqlx::query(
        "INSERT INTO releases (id, shop_id, title, artists, genre, description, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&shop_id)
    .bind(release.title.trim())
    .bind(release.artists.trim())
    .bind(release.genre.trim().to_lowercase())
    .bind(release.description.trim())
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok((StatusCode::CREATED, Json(load_release(&state, &id).await?)))
}
