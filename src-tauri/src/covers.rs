//! The `cover:` URI scheme: the webview shows cover images from `cover://localhost/track/ID`
//! (or `http://cover.localhost/…` on Windows) and the core fetches and caches them, and library
//! thumbnails from `cover://localhost/library/REF`; the
//! webview itself never talks to the backend.

use shrimp_core::store::CoverOf;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::commands::CoreState;

pub const SCHEME: &str = "cover";

/// Answers one cover request, off the main thread.
#[allow(clippy::needless_pass_by_value)] // Tauri's handler signature.
pub fn handle<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = context.app_handle().clone();
    // `convertFileSrc` percent-encodes what it is given: `track%2FID` means `track/ID`.
    let path = request
        .uri()
        .path()
        .trim_start_matches('/')
        .replace("%2F", "/")
        .replace("%2f", "/");
    tauri::async_runtime::spawn(async move {
        responder.respond(answer(&app, &path).await);
    });
}

async fn answer<R: Runtime>(app: &tauri::AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    let (kind, id) = path.split_once('/').unwrap_or(("", ""));
    if kind == "library" {
        return library_cover(app, id).await;
    }
    let of = match kind {
        "track" => CoverOf::Track,
        "release" => CoverOf::Release,
        _ => return status(StatusCode::NOT_FOUND),
    };
    let state = app.state::<CoreState>();
    let Ok(core) = state.get() else {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    };
    match core.market().cover(of, id).await {
        Ok(cover) => Response::builder()
            .header(header::CONTENT_TYPE, cover.media_type)
            .header(header::CACHE_CONTROL, "max-age=3600")
            .body(cover.bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(error) => {
            tracing::debug!(%error, path, "no cover");
            status(StatusCode::NOT_FOUND)
        }
    }
}

/// A library thumbnail, by its cover reference (a hex hash: nothing else reaches the disk).
async fn library_cover<R: Runtime>(app: &tauri::AppHandle<R>, cover: &str) -> Response<Vec<u8>> {
    if cover.is_empty() || !cover.chars().all(|c| c.is_ascii_hexdigit()) {
        return status(StatusCode::NOT_FOUND);
    }
    let state = app.state::<CoreState>();
    let Ok(core) = state.get() else {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    };
    let Ok(library) = core.library().await else {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    };
    match tokio_read(library.thumbnail(cover)).await {
        Some(bytes) => Response::builder()
            .header(header::CONTENT_TYPE, "image/jpeg")
            .header(header::CACHE_CONTROL, "max-age=86400")
            .body(bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        None => status(StatusCode::NOT_FOUND),
    }
}

async fn tokio_read(path: std::path::PathBuf) -> Option<Vec<u8>> {
    tauri::async_runtime::spawn_blocking(move || std::fs::read(path).ok())
        .await
        .ok()
        .flatten()
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}
