//! Cover art for releases and tracks: PNG or JPEG, checked by reading its header (type and
//! size) before it is stored by hash; served to anyone for published work.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, put};
use axum::{Json, Router};
use sqlx::Row;

use crate::auth::CurrentUser;
use crate::catalog::{load_track, visible_track};
use crate::error::{Result, ServerError};
use crate::releases::load_release;
use crate::state::AppState;
use crate::streaming::serve_object_as;
use shrimp_api::{ReleaseView, TrackView};

/// The largest cover accepted.
pub const MAX_COVER_BYTES: u64 = 8 * 1024 * 1024;
const MIN_SIDE: u32 = 64;
const MAX_SIDE: u32 = 4096;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tracks/{id}/cover", get(track_cover))
        .route("/releases/{id}/cover", get(release_cover))
}

pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/tracks/{id}/cover", put(upload_track_cover))
        .route("/releases/{id}/cover", put(upload_release_cover))
}

/// What a cover image turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverInfo {
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Reads the image type and size from its header; anything else is refused with a reason.
pub fn inspect_cover(bytes: &[u8]) -> std::result::Result<CoverInfo, String> {
    let (media_type, width, height) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_size(bytes).map(|(w, h)| ("image/png", w, h))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg_size(bytes).map(|(w, h)| ("image/jpeg", w, h))
    } else {
        return Err("a cover must be a PNG or JPEG image".into());
    }
    .ok_or_else(|| "the image is damaged or cut short".to_owned())?;
    if !(MIN_SIDE..=MAX_SIDE).contains(&width) || !(MIN_SIDE..=MAX_SIDE).contains(&height) {
        return Err(format!(
            "a cover must be {MIN_SIDE}–{MAX_SIDE} pixels on each side (this one is {width}×{height})"
        ));
    }
    Ok(CoverInfo {
        media_type,
        width,
        height,
    })
}

fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        // Start-of-frame markers carry the size; DHT (C4), JPG (C8) and DAC (CC) do not.
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]);
            return Some((u32::from(width), u32::from(height)));
        }
        if length < 2 {
            return None;
        }
        at += 2 + length;
    }
}

/// Reads a whole (small) cover upload, checks it and stores it, returning its hash.
async fn accept_cover(state: &AppState, body: Body) -> Result<String> {
    let upload = state.files.receive(body, MAX_COVER_BYTES).await?;
    let bytes = tokio::fs::read(upload.path())
        .await
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    inspect_cover(&bytes).map_err(ServerError::UnsupportedMedia)?;
    state.files.place(upload)
}

/// Stores a cover the server made itself (the demo seed), returning its hash.
pub fn put_cover(state: &AppState, bytes: &[u8]) -> Result<String> {
    inspect_cover(bytes).map_err(ServerError::Internal)?;
    state.files.put(bytes)
}

async fn serve_cover(
    state: &AppState,
    sha256: Option<String>,
    headers: &HeaderMap,
) -> Result<Response> {
    let sha256 = sha256.ok_or(ServerError::NotFound("cover"))?;
    let head = read_head(state, &sha256).await?;
    let info = inspect_cover(&head).map_err(ServerError::Internal)?;
    serve_object_as(state, &sha256, headers, info.media_type).await
}

/// Enough of a stored cover to read its type again.
async fn read_head(state: &AppState, sha256: &str) -> Result<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let file = tokio::fs::File::open(state.files.object_path(sha256))
        .await
        .map_err(|_| ServerError::NotFound("cover"))?;
    let mut head = Vec::with_capacity(64 * 1024);
    file.take(64 * 1024)
        .read_to_end(&mut head)
        .await
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    Ok(head)
}

async fn track_cover(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: Option<CurrentUser>,
    headers: HeaderMap,
) -> Result<Response> {
    visible_track(&state, &id, user.as_ref()).await?;
    let row = sqlx::query(
        "SELECT COALESCE(t.cover_sha256, r.cover_sha256) AS cover_sha256 FROM tracks t \
         LEFT JOIN releases r ON r.id = t.release_id WHERE t.id = $1",
    )
    .bind(&id)
    .fetch_one(&state.db.pool)
    .await?;
    serve_cover(&state, row.try_get("cover_sha256")?, &headers).await
}

async fn release_cover(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let row = sqlx::query("SELECT cover_sha256 FROM releases WHERE id = $1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("release"))?;
    serve_cover(&state, row.try_get("cover_sha256")?, &headers).await
}

async fn upload_track_cover(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<TrackView>> {
    let track = load_track(&state, &id).await?;
    user.require_shop(&track.shop_id)?;
    let sha256 = accept_cover(&state, body).await?;
    sqlx::query("UPDATE tracks SET cover_sha256 = $1 WHERE id = $2")
        .bind(&sha256)
        .bind(&id)
        .execute(&state.db.pool)
        .await?;
    Ok(Json(load_track(&state, &id).await?))
}

async fn upload_release_cover(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<ReleaseView>> {
    let release = load_release(&state, &id).await?;
    user.require_shop(&release.shop_id)?;
    let sha256 = accept_cover(&state, body).await?;
    sqlx::query("UPDATE releases SET cover_sha256 = $1 WHERE id = $2")
        .bind(&sha256)
        .bind(&id)
        .execute(&state.db.pool)
        .await?;
    Ok(Json(load_release(&state, &id).await?))
}

#[cfg(test)]
mod tests {
    use super::inspect_cover;

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes
    }

    #[test]
    fn reads_png_and_jpeg_sizes() {
        let png = inspect_cover(&png_header(512, 512)).unwrap();
        assert_eq!(
            (png.media_type, png.width, png.height),
            ("image/png", 512, 512)
        );
        // SOI, an APP0 segment of length 16, then SOF0 with height 300 and width 400.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpeg.extend([0; 14]);
        jpeg.extend([0xFF, 0xC0, 0, 17, 8, 0x01, 0x2C, 0x01, 0x90, 3]);
        let jpeg = inspect_cover(&jpeg).unwrap();
        assert_eq!(
            (jpeg.media_type, jpeg.width, jpeg.height),
            ("image/jpeg", 400, 300)
        );
    }

    #[test]
    fn refuses_other_files_tiny_huge_and_cut_short_images() {
        assert!(
            inspect_cover(b"GIF89a....")
                .unwrap_err()
                .contains("PNG or JPEG")
        );
        assert!(
            inspect_cover(&png_header(16, 16))
                .unwrap_err()
                .contains("64–4096")
        );
        assert!(
            inspect_cover(&png_header(10_000, 512))
                .unwrap_err()
                .contains("64–4096")
        );
        assert!(
            inspect_cover(&png_header(512, 512)[..18])
                .unwrap_err()
                .contains("damaged")
        );
        assert!(
            inspect_cover(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1])
                .unwrap_err()
                .contains("damaged")
        );
        assert!(
            inspect_cover(&[0xFF, 0xD8, 0xFF])
                .unwrap_err()
                .contains("damaged")
        );
    }
}
