//! The library as the app's views ask for it: a window of rows of the track list, albums,
//! artists, playlists and unreadable files, in the shapes that cross the wire.

use std::path::Path;

use serde::{Deserialize, Serialize};
use shrimp_library::{LibraryError, ListedTrack, PlaylistId, TrackFilter, TrackSort};

use crate::Library;

/// The most rows one window may ask for.
pub const MAX_WINDOW: u32 = 500;

/// An album, named as the track list filters by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AlbumKey {
    pub title: String,
    pub album_artist: String,
}

/// Which rows of the track list a view wants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TrackListQuery {
    /// Words typed in the search box.
    pub text: String,
    /// `artist`, `title`, `album`, `added` or `duration`.
    pub sort: String,
    pub descending: bool,
    pub artist: Option<String>,
    pub album: Option<AlbumKey>,
    /// The first row wanted (0-based).
    pub offset: u32,
    /// How many rows, at most [`MAX_WINDOW`].
    pub limit: u32,
}

/// A playable library track as a row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LibraryTrackView {
    pub id: String,
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub album_artist: Option<String>,
    pub track_no: Option<u32>,
    pub duration_ms: Option<u32>,
    pub codec: Option<String>,
    /// Cover reference, served at `cover://localhost/library/<cover>`.
    pub cover: Option<String>,
    /// The store shop it was bought from, for purchases.
    pub shop_id: Option<String>,
    pub path: String,
}

impl From<ListedTrack> for LibraryTrackView {
    fn from(listed: ListedTrack) -> Self {
        let t = listed.track;
        Self {
            id: t.id.to_string(),
            title: t.title,
            artist: t.artist,
            album: t.album,
            album_artist: t.album_artist,
            track_no: t.track_no,
            duration_ms: t.duration_ms.map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
            codec: t.codec,
            cover: t.cover,
            shop_id: listed.shop_id,
            path: t.path.display().to_string(),
        }
    }
}

/// A window of the track list, with the number of rows in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TrackListPage {
    pub total: u32,
    pub offset: u32,
    pub tracks: Vec<LibraryTrackView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AlbumView {
    pub title: String,
    pub album_artist: String,
    pub year: Option<u16>,
    pub cover: Option<String>,
    pub tracks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ArtistView {
    pub name: String,
    pub tracks: u32,
    pub albums: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlaylistView {
    pub id: String,
    pub name: String,
    pub length: u32,
}

/// A file the library holds but cannot play, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UnreadableView {
    pub path: String,
    pub reason: String,
}

/// What a scan of a folder did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    pub added: u32,
    pub updated: u32,
    pub missing: u32,
    pub unreadable: u32,
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn sort_of(name: &str) -> Result<TrackSort, LibraryError> {
    Ok(match name {
        "artist" => TrackSort::Artist,
        "title" => TrackSort::Title,
        "album" => TrackSort::Album,
        "added" => TrackSort::Added,
        "duration" => TrackSort::Duration,
        other => {
            return Err(LibraryError::Invalid(format!(
                "no such sort order: {other:?}"
            )));
        }
    })
}

impl Library {
    /// One window of the track list: sorted, filtered and searched in SQL.
    pub async fn list_tracks(&self, query: &TrackListQuery) -> Result<TrackListPage, LibraryError> {
        if query.limit > MAX_WINDOW {
            return Err(LibraryError::Invalid(format!(
                "a window has at most {MAX_WINDOW} rows"
            )));
        }
        let sort = sort_of(&query.sort)?;
        let filter = TrackFilter {
            text: query.text.clone(),
            artist: query.artist.clone(),
            album: query
                .album
                .as_ref()
                .map(|a| (a.title.clone(), a.album_artist.clone())),
        };
        let total = self.inner().count_tracks(&filter).await?;
        let tracks = self
            .inner()
            .track_window(
                &filter,
                sort,
                query.descending,
                u64::from(query.offset),
                query.limit,
            )
            .await?;
        Ok(TrackListPage {
            total: clamp(total),
            offset: query.offset,
            tracks: tracks.into_iter().map(LibraryTrackView::from).collect(),
        })
    }

    pub async fn album_views(&self) -> Result<Vec<AlbumView>, LibraryError> {
        Ok(self
            .albums()
            .await?
            .into_iter()
            .map(|a| AlbumView {
                title: a.title,
                album_artist: a.album_artist,
                year: a.year,
                cover: a.cover,
                tracks: a.tracks,
            })
            .collect())
    }

    pub async fn artist_views(&self) -> Result<Vec<ArtistView>, LibraryError> {
        Ok(self
            .inner()
            .artist_summaries()
            .await?
            .into_iter()
            .map(|a| ArtistView {
                name: a.name,
                tracks: a.tracks,
                albums: a.albums,
            })
            .collect())
    }

    pub async fn unreadable_views(&self) -> Result<Vec<UnreadableView>, LibraryError> {
        Ok(self
            .unreadable()
            .await?
            .into_iter()
            .map(|t| UnreadableView {
                path: t.path.display().to_string(),
                reason: t.reason.unwrap_or_default(),
            })
            .collect())
    }

    pub async fn playlist_views(&self) -> Result<Vec<PlaylistView>, LibraryError> {
        Ok(self
            .inner()
            .playlists()
            .await?
            .into_iter()
            .map(|p| PlaylistView {
                id: p.id.to_string(),
                name: p.name,
                length: p.length,
            })
            .collect())
    }

    /// A playlist's playable tracks, in its order.
    pub async fn playlist_track_views(
        &self,
        id: &PlaylistId,
    ) -> Result<Vec<LibraryTrackView>, LibraryError> {
        let ids: Vec<_> = self
            .inner()
            .playlist_tracks(id)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        Ok(self
            .inner()
            .tracks_by_ids(&ids)
            .await?
            .into_iter()
            .map(LibraryTrackView::from)
            .collect())
    }

    /// Scans one folder, reporting progress.
    pub async fn scan_folder(
        &self,
        folder: &Path,
        on_progress: impl FnMut(&shrimp_library::ScanProgressed) + Send,
    ) -> Result<ScanSummary, LibraryError> {
        if !folder.is_dir() {
            return Err(LibraryError::Invalid(format!(
                "{} is not a folder",
                folder.display()
            )));
        }
        let report = self.scan(&[folder.to_owned()], on_progress).await?;
        Ok(ScanSummary {
            added: clamp(report.added + report.moved),
            updated: clamp(report.updated),
            missing: clamp(report.missing),
            unreadable: clamp(report.unreadable.len() as u64),
        })
    }

    /// The synced (LRC) or plain lyrics next to a track's file (`song.lrc` beside
    /// `song.flac`), when there are some.
    pub async fn lyrics(
        &self,
        id: &shrimp_library::LibraryTrackId,
    ) -> Result<Option<String>, LibraryError> {
        let track = self.track(id).await?;
        let sidecar = track.path.with_extension("lrc");
        match std::fs::read(&sidecar) {
            Ok(bytes) if bytes.len() <= 1024 * 1024 => {
                Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
            }
            Ok(_) => Err(LibraryError::Invalid("the lyrics file is too large".into())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(LibraryError::Io {
                action: "reading lyrics",
                path: sidecar,
                source,
            }),
        }
    }
}
