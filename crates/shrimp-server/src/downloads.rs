//! Downloads for the entitled only: a short-lived link signed by the server, then the file
//! with HTTP Range and its SHA-256 in a header.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shrimp_api::DownloadLink;
use sqlx::Row;

use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::streaming::serve_object;
use crate::subscriptions::count_download;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tracks/{id}/download-link", post(link))
        .route("/downloads/{id}", get(download))
}

fn signed_message(track_id: &str, user_id: &str, expires: i64) -> String {
    format!("download\n{track_id}\n{user_id}\n{expires}")
}

async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(track_id): Path<String>,
) -> Result<Json<DownloadLink>> {
    let row = sqlx::query(
        "SELECT shop_id, title, published, audio_sha256, audio_size FROM tracks WHERE id = $1",
    )
    .bind(&track_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServerError::NotFound("track"))?;
    let shop_id: String = row.try_get("shop_id")?;
    let is_owner = user.shop_id.as_deref() == Some(shop_id.as_str());
    if !is_owner {
        let entitled =
            sqlx::query("SELECT 1 AS ok FROM entitlements WHERE user_id = $1 AND track_id = $2")
                .bind(&user.id)
                .bind(&track_id)
                .fetch_optional(&state.db.pool)
                .await?;
        if entitled.is_none() {
            // Not bought: a subscriber may download any published track, counted for the
            // month's split.
            if row.try_get::<i32, _>("published")? == 0 {
                return Err(ServerError::NotFound("track"));
            }
            let title: String = row.try_get("title")?;
            count_download(&state, &user.id, &track_id, &shop_id, &title).await?;
        }
    }
    let sha256: String = row
        .try_get::<Option<String>, _>("audio_sha256")?
        .ok_or(ServerError::NotFound("audio"))?;
    let size: i64 = row.try_get::<Option<i64>, _>("audio_size")?.unwrap_or(0);
    let expires = state.clock.now_ms() + state.settings.download_link_ms;
    let signature = state
        .signing
        .sign(&signed_message(&track_id, &user.id, expires));
    sqlx::query("UPDATE tracks SET downloads = downloads + 1 WHERE id = $1")
        .bind(&track_id)
        .execute(&state.db.pool)
        .await?;
    Ok(Json(DownloadLink {
        path: format!(
            "/api/v1/downloads/{track_id}?user={}&expires={expires}&sig={signature}",
            user.id
        ),
        expires_at_ms: expires,
        sha256,
        size: u64::try_from(size).unwrap_or(0),
    }))
}

#[derive(Debug, Deserialize)]
struct Signed {
    user: String,
    expires: i64,
    sig: String,
}

/// No session needed: the signature is the permission, and it expires.
async fn download(
    State(state): State<AppState>,
    Path(track_id): Path<String>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
) -> Result<Response> {
    let message = signed_message(&track_id, &signed.user, signed.expires);
    if !state.signing.verify(&message, &signed.sig) {
        return Err(ServerError::forbidden("this download link is not valid"));
    }
    if signed.expires <= state.clock.now_ms() {
        return Err(ServerError::forbidden(
            "this download link has expired; ask for a new one",
        ));
    }
    let row = sqlx::query("SELECT audio_sha256 FROM tracks WHERE id = $1")
        .bind(&track_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("track"))?;
    let sha256: String = row
        .try_get::<Option<String>, _>("audio_sha256")?
        .ok_or(ServerError::NotFound("audio"))?;
    serve_object(&state, &sha256, &headers).await
}
