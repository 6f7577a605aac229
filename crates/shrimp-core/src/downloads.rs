//! Purchases brought home: a bought (or, for subscribers, included) track is fetched from the
//! backend into the music folder with its progress reported, verified by SHA-256, added to the
//! library with its provenance (the order and the shop that sold it), and can then be played.
//!
//! A failure loses nothing: the order stays on the backend and can be downloaded again; a
//! partial file waits hidden in the music folder for the retry to resume from, and a file with
//! wrong bytes is deleted. Each failure gets its own code and a message a person can act on.

use std::path::{Path, PathBuf};

use serde::Serialize;
use shrimp_api::{ErrorCode, OrderStatus, OrderView, TrackView};
use shrimp_domain::{OrderId, ShopId, TrackId};
use shrimp_library::{
    DownloadError, DownloadEvent, DownloadOptions, DownloadRequest, KnownNames, Provenance,
};
use tokio::sync::OnceCell;

use crate::library::{Library, LibraryError};
use crate::{AppPaths, CoreError, Market};

/// The folder under the data folder that downloaded purchases go into.
pub const MUSIC_FOLDER: &str = "music";

/// How a download is going, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DownloadProgress {
    /// The backend handed out the file; `total` bytes are coming.
    Started { total: u32 },
    /// `received` of `total` bytes are on disk.
    Progressed { received: u32, total: u32 },
    /// An attempt broke off; the next one resumes after `retry_in_ms`.
    Retrying { attempt: u32, retry_in_ms: u32 },
    /// Verified and in the music folder.
    Placed,
}

/// A purchase that is in the library and ready to play.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DownloadedTrack {
    /// The store's track id.
    pub track_id: String,
    /// The library's id for the file.
    pub library_track_id: String,
    /// Where the file is.
    pub path: String,
    pub title: String,
    pub shop_id: String,
    /// The order that paid for it; `None` when it came with the subscription.
    pub order_id: Option<String>,
    pub sha256: String,
    pub duration_ms: Option<u32>,
}

/// The download side of the app: the music folder and the library the files land in.
#[derive(Debug)]
pub struct Downloads {
    music_dir: PathBuf,
    paths: AppPaths,
    library: OnceCell<Library>,
}

impl Downloads {
    /// Downloads into `<data folder>/music`.
    pub fn new(paths: &AppPaths) -> Self {
        Self::with_music_dir(paths, paths.data_dir().join(MUSIC_FOLDER))
    }

    /// Downloads into `music_dir` (tests point it at a full or read-only disk).
    pub fn with_music_dir(paths: &AppPaths, music_dir: PathBuf) -> Self {
        Self {
            music_dir,
            paths: paths.clone(),
            library: OnceCell::new(),
        }
    }

    pub fn music_dir(&self) -> &Path {
        &self.music_dir
    }

    /// The library of the data folder, opened on first use.
    pub async fn library(&self) -> Result<&Library, CoreError> {
        self.library
            .get_or_try_init(|| Library::open(&self.paths))
            .await
            .map_err(|error| library_error(&error))
    }

    /// Downloads a track the signed-in person bought (or may download as a subscriber) into
    /// the library, reporting progress. Safe to call again after any failure: it resumes, and
    /// a file already in place with the right bytes is not fetched twice.
    pub async fn download(
        &self,
        market: &Market,
        track_id: &str,
        on_progress: impl FnMut(DownloadProgress) + Send + 'static,
    ) -> Result<DownloadedTrack, CoreError> {
        let store_track = TrackId::new(track_id).map_err(|e| CoreError::invalid(e.to_string()))?;
        let client = market.client().await?;
        let (track, orders) = tokio::try_join!(client.track(track_id), client.orders())?;
        let order = paid_order(&orders, track_id);
        let order_id = match order {
            Some(order) => order.id.clone(),
            None => subscription_period(market).await?,
        };
        let link = client.download_link(track_id).await?;
        let request = DownloadRequest {
            url: format!("{}{}", client.base_url(), link.path),
            file_name: file_name(&track, &first_bytes(&client, &link).await?),
            size: link.size,
            provenance: Provenance {
                order_id: OrderId::new(order_id).map_err(|e| CoreError::invalid(e.to_string()))?,
                shop_id: ShopId::new(track.shop_id.clone())
                    .map_err(|e| CoreError::invalid(e.to_string()))?,
                store_track_id: Some(store_track),
                sha256: link.sha256.clone(),
            },
            names: Some(KnownNames {
                title: track.title.clone(),
                artist: Some(track.artists.clone()).filter(|artists| !artists.trim().is_empty()),
                album: track.release_title.clone(),
            }),
        };
        let library = self.library().await?;
        let file_name = request.file_name.clone();
        let mut on_progress = on_progress;
        on_progress(DownloadProgress::Started {
            total: clamp(link.size),
        });
        let placed = library
            .inner()
            .download_purchase(request, DownloadOptions::new(self.music_dir.clone()), {
                move |event| on_progress(progress_of(&event))
            })
            .await
            .map_err(|error| {
                if matches!(
                    error,
                    LibraryError::Download(DownloadError::DiskFull { .. })
                ) {
                    self.give_space_back(&file_name);
                }
                library_error(&error)
            })?;
        Ok(DownloadedTrack {
            track_id: track.id,
            library_track_id: placed.id.as_str().to_owned(),
            path: placed.path.display().to_string(),
            title: track.title,
            shop_id: track.shop_id,
            order_id: order.map(|order| order.id.clone()),
            sha256: link.sha256,
            duration_ms: placed.duration_ms.map(clamp),
        })
    }

    /// On a full disk the partial file would keep it full: removed, so the disk gets its space
    /// back (the retry starts over). Partial files are `.<file name>.<hash prefix>.part`.
    fn give_space_back(&self, file_name: &str) {
        let prefix = format!(".{file_name}.");
        let Ok(entries) = std::fs::read_dir(&self.music_dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix)
                && Path::new(&name)
                    .extension()
                    .is_some_and(|extension| extension == "part")
                && let Err(error) = std::fs::remove_file(entry.path())
            {
                tracing::warn!(%error, file = %name, "cannot remove a partial download");
            }
        }
    }

    /// The purchases already in the library, by store track, for "Play" and "Downloaded".
    pub async fn downloaded(&self) -> Result<Vec<DownloadedTrack>, CoreError> {
        let library = self.library().await?;
        let purchased = library
            .inner()
            .purchased()
            .await
            .map_err(|error| library_error(&error))?;
        let mut found = Vec::new();
        for (track, provenance) in purchased {
            let Some(store_track) = provenance.store_track_id else {
                continue;
            };
            found.push(DownloadedTrack {
                track_id: store_track.into_string(),
                library_track_id: track.id.as_str().to_owned(),
                path: track.path.display().to_string(),
                title: track.title,
                shop_id: provenance.shop_id.into_string(),
                order_id: Some(provenance.order_id.into_string())
                    .filter(|id| !id.starts_with(SUBSCRIPTION_PREFIX)),
                sha256: provenance.sha256,
                duration_ms: track.duration_ms.map(clamp),
            });
        }
        Ok(found)
    }
}

/// Provenance ids of downloads that came with the subscription (no order paid for them).
const SUBSCRIPTION_PREFIX: &str = "subscription-";

fn paid_order<'a>(orders: &'a [OrderView], track_id: &str) -> Option<&'a OrderView> {
    orders
        .iter()
        .find(|order| order.track_id == track_id && order.status == OrderStatus::Paid)
}

/// Not bought: the subscription's current period stands in for the order, or there is none.
async fn subscription_period(market: &Market) -> Result<String, CoreError> {
    let subscription = market.client().await?.subscription().await?;
    match subscription.active_month {
        Some(month) => Ok(format!("{SUBSCRIPTION_PREFIX}{month}")),
        None => Err(CoreError::Backend {
            code: ErrorCode::Forbidden,
            message: "buy this track (or subscribe) to download it".to_owned(),
        }),
    }
}

/// The first bytes of the file, to name it with the right extension.
async fn first_bytes(
    client: &shrimp_client::Client,
    link: &shrimp_api::DownloadLink,
) -> Result<Vec<u8>, CoreError> {
    let mut response = client.download(link, 0).await?;
    let mut head = Vec::new();
    while head.len() < 64 {
        match response.chunk().await {
            Ok(Some(chunk)) => head.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return Err(network(&error.to_string())),
        }
    }
    Ok(head)
}

/// `Artists - Title.flac`, with characters no file system takes replaced.
fn file_name(track: &TrackView, head: &[u8]) -> String {
    let stem: String = format!("{} - {}", track.artists.trim(), track.title.trim())
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.').trim();
    let stem: String = if stem.is_empty() {
        track.id.clone()
    } else {
        // Room for the extension within the usual 255-byte limit.
        let mut end = stem.len().min(200);
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem[..end].to_owned()
    };
    format!("{stem}.{}", extension(head))
}

/// The container the bytes are in (uploads are validated audio, so one of these).
fn extension(head: &[u8]) -> &'static str {
    if head.starts_with(b"fLaC") {
        "flac"
    } else if head.starts_with(b"OggS") {
        "ogg"
    } else if head.starts_with(b"RIFF") {
        "wav"
    } else if head.get(4..8) == Some(b"ftyp") {
        "m4a"
    } else if head.starts_with(b"ID3") || head.first() == Some(&0xFF) {
        "mp3"
    } else {
        "audio"
    }
}

fn progress_of(event: &DownloadEvent) -> DownloadProgress {
    match event {
        DownloadEvent::DownloadProgressed { received, total } => DownloadProgress::Progressed {
            received: clamp(*received),
            total: clamp(*total),
        },
        DownloadEvent::AttemptFailed {
            attempt,
            retry_in_ms,
            ..
        } => DownloadProgress::Retrying {
            attempt: *attempt,
            retry_in_ms: clamp(*retry_in_ms),
        },
        DownloadEvent::DownloadPlaced { .. } => DownloadProgress::Placed,
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn network(detail: &str) -> CoreError {
    CoreError::Backend {
        code: ErrorCode::Unavailable,
        message: format!(
            "the connection was lost during the download ({detail}); your purchase is safe — \
             retry to continue where it stopped"
        ),
    }
}

/// A library failure as the person should hear it. Codes: `storage` (the disk is full or the
/// folder cannot be written), `conflict` (the bytes did not match their checksum and were
/// thrown away), `unavailable` (the network broke off; a retry resumes).
pub fn library_error(error: &LibraryError) -> CoreError {
    let LibraryError::Download(download) = error else {
        let api = crate::library::library_api_error(error);
        return CoreError::Backend {
            code: api.code,
            message: api.message,
        };
    };
    let (code, message) = match download {
        DownloadError::DiskFull { .. } => (
            ErrorCode::Storage,
            "the disk is full: free some space, then retry — your purchase is safe and nothing \
             half-written was kept"
                .to_owned(),
        ),
        DownloadError::Io { .. } => (
            ErrorCode::Storage,
            format!("the music folder cannot be written ({download}); your purchase is safe"),
        ),
        DownloadError::ChecksumMismatch { .. } | DownloadError::SizeMismatch { .. } => (
            ErrorCode::Conflict,
            format!(
                "the file arrived damaged and was thrown away ({download}); retry to download \
                 it again"
            ),
        ),
        DownloadError::Network(detail) => return network(detail),
        DownloadError::Http { status, .. } => {
            return network(&format!("the server answered HTTP {status}"));
        }
        DownloadError::Invalid(_) => (ErrorCode::InvalidInput, download.to_string()),
    };
    CoreError::Backend { code, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shrimp_api::ShopKindView;
    use shrimp_domain::Fen;

    fn track(artists: &str, title: &str) -> TrackView {
        TrackView {
            id: "t1".into(),
            shop_id: "s1".into(),
            shop_name: "Shop".into(),
            shop_kind: ShopKindView::Independent,
            title: title.into(),
            artists: artists.into(),
            genre: "folk".into(),
            price: Fen::new(80),
            duration_ms: 1000,
            has_audio: true,
            has_cover: false,
            release_id: None,
            release_title: None,
            track_number: None,
            published: true,
            lyrics: None,
            downloads: 0,
            created_at_ms: 0,
        }
    }

    #[test]
    fn names_files_after_artist_and_title_with_the_real_extension() {
        assert_eq!(
            file_name(&track("山风", "晴天 / Sunny"), b"fLaC\0\0"),
            "山风 - 晴天 _ Sunny.flac"
        );
        assert_eq!(file_name(&track("A", "B"), b"OggS"), "A - B.ogg");
        assert_eq!(file_name(&track("..", ""), b"RIFF"), "-.wav");
        assert_eq!(file_name(&track("", ""), b"ID3"), "-.mp3");
        let long = "长".repeat(200);
        let name = file_name(&track(&long, "x"), b"fLaC");
        assert!(
            name.len() <= 210 && Path::new(&name).extension().is_some_and(|e| e == "flac"),
            "{name}"
        );
    }

    #[test]
    fn failures_get_codes_a_person_can_act_on() {
        let full = LibraryError::Download(DownloadError::DiskFull {
            path: PathBuf::from("/music/x.flac"),
        });
        assert_eq!(library_error(&full).code(), ErrorCode::Storage);
        assert!(library_error(&full).to_string().contains("disk is full"));
        let damaged = LibraryError::Download(DownloadError::ChecksumMismatch {
            expected: "a".into(),
            actual: "b".into(),
        });
        assert_eq!(library_error(&damaged).code(), ErrorCode::Conflict);
        let lost = LibraryError::Download(DownloadError::Network("reset".into()));
        assert_eq!(library_error(&lost).code(), ErrorCode::Unavailable);
        assert!(library_error(&lost).to_string().contains("retry"));
    }
}
