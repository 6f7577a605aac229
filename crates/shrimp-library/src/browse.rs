//! Browsing the library as a long list: a window of rows (offset and limit) of the playable
//! tracks, sorted and filtered in SQL, with how many rows there are in all — so a view of
//! 100,000 tracks asks only for the rows it shows. Also the artists, and tracks by id in the
//! order asked (a play queue).

use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;

use crate::error::Result;
use crate::search::{is_cjk, quote};
use crate::store::{Library, LibraryTrackId, TRACK_COLUMNS, Track, TrackRow};

/// The shop a track `t` was bought from, latest purchase first.
const SHOP_OF_TRACK: &str =
    "(SELECT p.shop_id FROM purchases p WHERE p.track_id = t.id ORDER BY p.rowid DESC LIMIT 1)";

/// The order of a track list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSort {
    /// By artist, then album order.
    #[default]
    Artist,
    Title,
    /// By album, then disc and track number.
    Album,
    /// Newest first when descending.
    Added,
    Duration,
}

impl TrackSort {
    /// The `ORDER BY` keys; the last one makes the order total, so windows never overlap.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Artist => &["t.artist", "t.album", "t.disc_no", "t.track_no", "t.rowid"],
            Self::Title => &["t.title", "t.rowid"],
            Self::Album => &["t.album", "t.disc_no", "t.track_no", "t.rowid"],
            Self::Added => &["t.added_at_ms", "t.rowid"],
            Self::Duration => &["t.duration_ms", "t.rowid"],
        }
    }
}

/// Which playable tracks a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackFilter {
    /// Words typed in the search box: every one must match title, artist, album or genre.
    pub text: String,
    /// Only this track artist (case-insensitive).
    pub artist: Option<String>,
    /// Only this album: (title, album artist as [`crate::Album`] gives it).
    pub album: Option<(String, String)>,
}

/// A library track as a list shows it, with the shop it was bought from when it was.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedTrack {
    pub track: Track,
    /// The store shop that sold it, for purchased tracks.
    pub shop_id: Option<String>,
}

/// An artist of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtistSummary {
    pub name: String,
    /// Playable tracks.
    pub tracks: u32,
    /// Albums with a playable track by them.
    pub albums: u32,
}

/// The `WHERE` clause for a filter, and what to bind to it in order.
fn where_clause(filter: &TrackFilter) -> (String, Vec<String>) {
    let mut clauses = vec!["t.status = 'ok'".to_owned()];
    let mut binds = Vec::new();
    let terms: Vec<&str> = filter.text.split_whitespace().take(16).collect();
    let (long, short): (Vec<&str>, Vec<&str>) =
        terms.into_iter().partition(|t| t.chars().count() >= 3);
    if !long.is_empty() {
        binds.push(long.iter().map(|t| quote(t)).collect::<Vec<_>>().join(" "));
        clauses.push(format!(
            "t.rowid IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?{})",
            binds.len()
        ));
    }
    if !short.is_empty() {
        let terms = short.iter().map(|t| {
            if t.chars().all(is_cjk) {
                quote(t)
            } else {
                format!("{}*", quote(t))
            }
        });
        binds.push(terms.collect::<Vec<_>>().join(" "));
        clauses.push(format!(
            "t.rowid IN (SELECT rowid FROM tracks_short WHERE tracks_short MATCH ?{})",
            binds.len()
        ));
    }
    if let Some(artist) = filter.artist.as_ref().filter(|a| !a.is_empty()) {
        binds.push(artist.clone());
        clauses.push(format!("t.artist = ?{}", binds.len()));
    }
    if let Some((title, album_artist)) = &filter.album {
        binds.push(title.clone());
        binds.push(album_artist.clone());
        clauses.push(format!(
            "t.album_id IN (SELECT id FROM albums WHERE title = ?{} AND album_artist = ?{})",
            binds.len() - 1,
            binds.len()
        ));
    }
    (clauses.join(" AND "), binds)
}

impl Library {
    /// How many playable tracks match `filter`.
    pub async fn count_tracks(&self, filter: &TrackFilter) -> Result<u64> {
        let (clause, binds) = where_clause(filter);
        let sql = format!("SELECT COUNT(*) FROM tracks t WHERE {clause}");
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(bind);
        }
        Ok(u64::try_from(query.fetch_one(&self.pool).await?).unwrap_or(0))
    }

    /// Rows `offset..offset + limit` of the playable tracks matching `filter` in `sort` order.
    pub async fn track_window(
        &self,
        filter: &TrackFilter,
        sort: TrackSort,
        descending: bool,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<ListedTrack>> {
        let (clause, binds) = where_clause(filter);
        let direction = if descending { " DESC" } else { "" };
        let order: Vec<String> = sort
            .keys()
            .iter()
            .map(|key| format!("{key}{direction}"))
            .collect();
        // Sort only row ids and sort keys, then read the window's rows (and their shop) in
        // full: the sorter then carries a few bytes a row, not whole tracks.
        let order = order.join(", ");
        let sql = format!(
            "SELECT {TRACK_COLUMNS}, {SHOP_OF_TRACK} AS shop_id FROM (SELECT t.rowid AS r \
             FROM tracks t WHERE {clause} ORDER BY {order} LIMIT {limit} OFFSET {}) w \
             JOIN tracks t ON t.rowid = w.r ORDER BY {order}",
            i64::try_from(offset).unwrap_or(i64::MAX),
        );
        let mut query = sqlx::query_as::<_, WindowRow>(AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(bind);
        }
        Ok(query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| ListedTrack {
                track: Track::from(row.track),
                shop_id: row.shop_id,
            })
            .collect())
    }

    /// Tracks by id, in the order asked; ids the library does not know are left out.
    pub async fn tracks_by_ids(&self, ids: &[LibraryTrackId]) -> Result<Vec<ListedTrack>> {
        let list = serde_json::to_string(&ids)
            .map_err(|e| crate::LibraryError::Invalid(format!("cannot list the track ids: {e}")))?;
        let sql = format!(
            "SELECT {TRACK_COLUMNS}, {SHOP_OF_TRACK} AS shop_id FROM json_each(?1) j \
             JOIN tracks t ON t.id = j.value ORDER BY j.key"
        );
        Ok(sqlx::query_as::<_, WindowRow>(AssertSqlSafe(sql))
            .bind(list)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| ListedTrack {
                track: Track::from(row.track),
                shop_id: row.shop_id,
            })
            .collect())
    }

    /// Track artists with playable tracks, by name.
    pub async fn artist_summaries(&self) -> Result<Vec<ArtistSummary>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT t.artist, COUNT(*), COUNT(DISTINCT t.album_id) FROM tracks t \
             WHERE t.status = 'ok' AND t.artist IS NOT NULL AND t.artist <> '' \
             GROUP BY t.artist ORDER BY t.artist",
        )
        .fetch_all(&self.pool)
        .await?;
        let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(rows
            .into_iter()
            .map(|(name, tracks, albums)| ArtistSummary {
                name,
                tracks: clamp(tracks),
                albums: clamp(albums),
            })
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct WindowRow {
    #[sqlx(flatten)]
    track: TrackRow,
    shop_id: Option<String>,
}
