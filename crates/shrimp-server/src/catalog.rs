//! Shops and their tracks: browsing, search, and the owner's back office (new tracks, prices,
//! audio uploads validated by decoding, preview clips).

use std::fmt::Write as _;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, put};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use shrimp_api::{NewTrack, Page, ShopView, TrackSort, TrackUpdate, TrackView};
use shrimp_domain::{Fen, ShopKind, track_price};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::applications::{parse_text, shop_kind};
use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::secrets::new_id;
use crate::state::AppState;
use crate::streaming::serve_object;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/shops", get(list_shops))
        .route("/shops/{id}", get(get_shop))
        .route("/shops/{id}/tracks", get(shop_tracks).post(create_track))
        .route("/tracks", get(list_tracks))
        .route("/tracks/{id}", get(get_track).patch(update_track))
        .route("/tracks/{id}/preview", get(preview))
}

/// Streamed uploads, bounded by the upload size setting rather than the JSON body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/tracks/{id}/audio", put(upload_audio))
}

pub const TRACK_COLUMNS: &str = "t.id, t.shop_id, s.name AS shop_name, s.kind AS shop_kind, \
    t.title, t.artists, t.genre, t.price_fen, t.lyrics, t.duration_ms, t.audio_sha256, \
    t.published, t.downloads, t.created_at, t.release_id, r.title AS release_title, \
    t.track_number, COALESCE(t.cover_sha256, r.cover_sha256) AS cover_sha256";

/// The tables [`TRACK_COLUMNS`] reads from.
pub const TRACK_FROM: &str = "tracks t JOIN shops s ON s.id = t.shop_id \
    LEFT JOIN releases r ON r.id = t.release_id";

fn shop_from_row(row: &AnyRow) -> Result<ShopView> {
    Ok(ShopView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: parse_text(&row.try_get::<String, _>("kind")?)?,
        bio: row.try_get("bio")?,
    })
}

pub fn track_from_row(row: &AnyRow) -> Result<TrackView> {
    Ok(TrackView {
        id: row.try_get("id")?,
        shop_id: row.try_get("shop_id")?,
        shop_name: row.try_get("shop_name")?,
        shop_kind: parse_text(&row.try_get::<String, _>("shop_kind")?)?,
        title: row.try_get("title")?,
        artists: row.try_get("artists")?,
        genre: row.try_get("genre")?,
        price: Fen(row.try_get("price_fen")?),
        duration_ms: u32::try_from(row.try_get::<i64, _>("duration_ms")?).unwrap_or(u32::MAX),
        has_audio: row.try_get::<Option<String>, _>("audio_sha256")?.is_some(),
        has_cover: row.try_get::<Option<String>, _>("cover_sha256")?.is_some(),
        release_id: row.try_get("release_id")?,
        release_title: row.try_get("release_title")?,
        track_number: row
            .try_get::<Option<i64>, _>("track_number")?
            .and_then(|number| u32::try_from(number).ok()),
        published: row.try_get::<i32, _>("published")? != 0,
        lyrics: row.try_get("lyrics")?,
        downloads: row.try_get("downloads")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

async fn list_shops(State(state): State<AppState>) -> Result<Json<Vec<ShopView>>> {
    let rows =
        sqlx::query("SELECT id, name, kind, bio FROM shops ORDER BY created_at, id LIMIT 500")
            .fetch_all(&state.db.pool)
            .await?;
    Ok(Json(rows.iter().map(shop_from_row).collect::<Result<_>>()?))
}

async fn get_shop(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<ShopView>> {
    let row = sqlx::query("SELECT id, name, kind, bio FROM shops WHERE id = $1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("shop"))?;
    Ok(Json(shop_from_row(&row)?))
}

/// Loads one track, published or not.
pub async fn load_track(state: &AppState, id: &str) -> Result<TrackView> {
    // Only constant text is formatted into these statements; values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServerError::NotFound("track"))?;
    track_from_row(&row)
}

#[derive(Debug, Deserialize)]
struct TrackQuery {
    #[serde(default)]
    sort: TrackSort,
    genre: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Cursor: the sort key and id of the last item, opaque to clients.
fn encode_cursor(key: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{key}:{id}"))
}

fn decode_cursor(cursor: &str) -> Result<(i64, String)> {
    let bad = || ServerError::invalid("the cursor is not valid");
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    let (key, id) = text.split_once(':').ok_or_else(bad)?;
    Ok((key.parse().map_err(|_| bad())?, id.to_owned()))
}

/// Published tracks with audio: newest or most downloaded first, by genre or search text.
async fn list_tracks(
    State(state): State<AppState>,
    Query(query): Query<TrackQuery>,
) -> Result<Json<Page<TrackView>>> {
    let limit = i64::from(query.limit.unwrap_or(50).clamp(1, 200));
    let key_column = match query.sort {
        TrackSort::New => "t.created_at",
        TrackSort::Top => "t.downloads",
    };
    let mut sql = format!(
        "SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} \
         WHERE t.published = 1 AND t.audio_sha256 IS NOT NULL"
    );
    let mut binds: Vec<String> = Vec::new();
    if let Some(genre) = query.genre.as_deref().filter(|genre| !genre.is_empty()) {
        binds.push(genre.to_owned());
        let _ = write!(sql, " AND t.genre = ${}", binds.len());
    }
    if let Some(text) = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        // Substring match works for Chinese as well as Latin text, case-insensitively.
        let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
        binds.push(pattern);
        let n = binds.len();
        let _ = write!(
            sql,
            " AND (LOWER(t.title) LIKE ${n} OR LOWER(t.artists) LIKE ${n} OR LOWER(s.name) LIKE ${n})"
        );
    }
    if let Some(cursor) = &query.cursor {
        let (key, id) = decode_cursor(cursor)?;
        binds.push(id);
        let n = binds.len();
        let _ = write!(
            sql,
            " AND ({key_column} < {key} OR ({key_column} = {key} AND t.id < ${n}))"
        );
    }
    let _ = write!(
        sql,
        " ORDER BY {key_column} DESC, t.id DESC LIMIT {}",
        limit + 1
    );
    // Only constants and parsed integers are formatted into `sql`; text is bound.
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in &binds {
        statement = statement.bind(value);
    }
    let rows = statement.fetch_all(&state.db.pool).await?;
    let mut items = rows
        .iter()
        .map(track_from_row)
        .collect::<Result<Vec<_>>>()?;
    let next_cursor = if i64::try_from(items.len()).unwrap_or(i64::MAX) > limit {
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        items.last().map(|last| {
            let key = match query.sort {
                TrackSort::New => last.created_at_ms,
                TrackSort::Top => last.downloads,
            };
            encode_cursor(key, &last.id)
        })
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}

async fn shop_tracks(
    State(state): State<AppState>,
    Path(shop_id): Path<String>,
    user: Option<CurrentUser>,
) -> Result<Json<Vec<TrackView>>> {
    let is_owner = user.is_some_and(|user| user.shop_id.as_deref() == Some(shop_id.as_str()));
    let visible = if is_owner {
        ""
    } else {
        " AND t.published = 1 AND t.audio_sha256 IS NOT NULL"
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TRACK_COLUMNS} FROM {TRACK_FROM} \
         WHERE t.shop_id = $1{visible} ORDER BY t.created_at DESC, t.id DESC LIMIT 1000"
    )))
    .bind(&shop_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(
        rows.iter().map(track_from_row).collect::<Result<_>>()?,
    ))
}

/// Loads a track as `user` may see it: published with audio, or any of their own shop's.
pub async fn visible_track(
    state: &AppState,
    id: &str,
    user: Option<&CurrentUser>,
) -> Result<TrackView> {
    let track = load_track(state, id).await?;
    let is_owner = user.is_some_and(|user| user.shop_id.as_deref() == Some(track.shop_id.as_str()));
    if !(is_owner || track.published && track.has_audio) {
        return Err(ServerError::NotFound("track"));
    }
    Ok(track)
}

async fn get_track(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: Option<CurrentUser>,
) -> Result<Json<TrackView>> {
    Ok(Json(visible_track(&state, &id, user.as_ref()).await?))
}

pub fn check_text(field: &str, value: &str, max: usize) -> Result<()> {
    let length = value.trim().chars().count();
    if length == 0 || length > max {
        return Err(ServerError::invalid(format!(
            "the {field} must be 1–{max} characters"
        )));
    }
    Ok(())
}

fn check_lyrics(lyrics: Option<&str>) -> Result<()> {
    if lyrics.is_some_and(|lyrics| lyrics.len() > 64 * 1024) {
        return Err(ServerError::invalid("lyrics must be under 64 KiB"));
    }
    Ok(())
}

async fn owner_shop_kind(state: &AppState, user: &CurrentUser, shop_id: &str) -> Result<ShopKind> {
    user.require_shop(shop_id)?;
    let row = sqlx::query("SELECT kind FROM shops WHERE id = $1")
        .bind(shop_id)
        .fetch_one(&state.db.pool)
        .await?;
    shop_kind(&row.try_get::<String, _>("kind")?)
}

async fn create_track(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    JsonBody(track): JsonBody<NewTrack>,
) -> Result<(StatusCode, Json<TrackView>)> {
    let kind = owner_shop_kind(&state, &user, &shop_id).await?;
    check_text("title", &track.title, 200)?;
    check_text("artists", &track.artists, 200)?;
    check_text("genre", &track.genre, 40)?;
    check_lyrics(track.lyrics.as_deref())?;
    let price =
        track_price(kind, track.price).map_err(|error| ServerError::invalid(error.to_string()))?;
    if let Some(release_id) = &track.release_id {
        crate::releases::require_own_release(&state, &shop_id, release_id).await?;
    }
    let id = new_id("trk");
    sqlx::query(
        "INSERT INTO tracks (id, shop_id, title, artists, genre, price_fen, lyrics, release_id, \
         track_number, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&shop_id)
    .bind(track.title.trim())
    .bind(track.artists.trim())
    .bind(track.genre.trim().to_lowercase())
    .bind(price.0)
    .bind(track.lyrics)
    .bind(track.release_id)
    .bind(track.track_number.map(i64::from))
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok((StatusCode::CREATED, Json(load_track(&state, &id).await?)))
}

async fn update_track(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(update): JsonBody<TrackUpdate>,
) -> Result<Json<TrackView>> {
    let current = load_track(&state, &id).await?;
    let kind = owner_shop_kind(&state, &user, &current.shop_id).await?;
    let title = update.title.unwrap_or(current.title);
    let artists = update.artists.unwrap_or(current.artists);
    let genre = update.genre.unwrap_or(current.genre);
    check_text("title", &title, 200)?;
    check_text("artists", &artists, 200)?;
    check_text("genre", &genre, 40)?;
    let price = match update.price {
        Some(price) => track_price(kind, Some(price))
            .map_err(|error| ServerError::invalid(error.to_string()))?,
        None => current.price,
    };
    let lyrics = update.lyrics.or(current.lyrics);
    check_lyrics(lyrics.as_deref())?;
    let published = update.published.unwrap_or(current.published);
    if published && !current.has_audio {
        return Err(ServerError::invalid(
            "upload the track's audio before publishing it",
        ));
    }
    sqlx::query(
        "UPDATE tracks SET title = $1, artists = $2, genre = $3, price_fen = $4, lyrics = $5, \
         published = $6 WHERE id = $7",
    )
    .bind(title.trim())
    .bind(artists.trim())
    .bind(genre.trim().to_lowercase())
    .bind(price.0)
    .bind(lyrics)
    .bind(i32::from(published))
    .bind(&id)
    .execute(&state.db.pool)
    .await?;
    Ok(Json(load_track(&state, &id).await?))
}

/// Streams the audio to disk, decodes all of it, and only then accepts it.
async fn upload_audio(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<TrackView>> {
    let track = load_track(&state, &id).await?;
    user.require_shop(&track.shop_id)?;
    let audio = state
        .files
        .accept_audio(body, state.settings.max_upload_bytes, true)
        .await?;
    sqlx::query(
        "UPDATE tracks SET audio_sha256 = $1, audio_size = $2, duration_ms = $3, preview_sha256 = $4 \
         WHERE id = $5",
    )
    .bind(&audio.sha256)
    .bind(i64::try_from(audio.size).unwrap_or(i64::MAX))
    .bind(i64::try_from(audio.info.duration_ms()).unwrap_or(i64::MAX))
    .bind(audio.preview_sha256)
    .bind(&id)
    .execute(&state.db.pool)
    .await?;
    Ok(Json(load_track(&state, &id).await?))
}

/// Anyone may hear the preview of a published track.
async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let row = sqlx::query("SELECT preview_sha256 FROM tracks WHERE id = $1 AND published = 1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("track"))?;
    let sha256: Option<String> = row.try_get("preview_sha256")?;
    serve_object(
        &state,
        &sha256.ok_or(ServerError::NotFound("preview"))?,
        &headers,
    )
    .await
}
