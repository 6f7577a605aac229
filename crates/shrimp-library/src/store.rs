//! The library database: opening (WAL, migrations), the track, history and purchase records,
//! and the opaque ids handed out for them.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shrimp_domain::{OrderId, ShopId, TrackId};
use sqlx::AssertSqlSafe;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::cover::hex;
use crate::error::{LibraryError, Result};

/// Where the library keeps its files. Always passed in, so tests and the CLI never touch a
/// person's real data folder.
#[derive(Debug, Clone)]
pub struct LibraryPaths {
    /// The SQLite database file.
    pub database: PathBuf,
    /// The cover thumbnail cache folder.
    pub thumbnails: PathBuf,
}

impl LibraryPaths {
    /// The usual layout inside one data folder.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            database: data_dir.join("library.sqlite3"),
            thumbnails: data_dir.join("thumbnails"),
        }
    }
}

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as the string it is on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }
    };
}

local_id!(
    /// A file in the local library. Stable across renames and moves of the file.
    LibraryTrackId
);
local_id!(
    /// A playlist in the local library.
    PlaylistId
);

static ID_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh opaque id such as `t_3f9a…`: unique, and revealing nothing (not a row number).
pub(crate) fn new_id(prefix: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(now_ms().to_le_bytes());
    hasher.update(ID_COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.update(t.subsec_nanos().to_le_bytes());
    }
    format!("{prefix}_{}", hex(&hasher.finalize()[..10]))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether a library file can be played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackStatus {
    /// Read and playable.
    Ok,
    /// Was in the library; the file is gone (it may come back, or turn up elsewhere).
    Missing,
    /// The file is there but is not readable audio; see the track's reason.
    Unreadable,
}

impl TrackStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Missing => "missing",
            Self::Unreadable => "unreadable",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "ok" => Self::Ok,
            "missing" => Self::Missing,
            _ => Self::Unreadable,
        }
    }
}

/// ReplayGain values from the file's tags, in dB (gains) and linear amplitude (peaks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplayGain {
    /// Track gain in dB.
    pub track_gain: Option<f64>,
    /// Track peak, linear.
    pub track_peak: Option<f64>,
    /// Album gain in dB.
    pub album_gain: Option<f64>,
    /// Album peak, linear.
    pub album_peak: Option<f64>,
}

/// One file of the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    /// Opaque, stable id.
    pub id: LibraryTrackId,
    /// Where the file is.
    pub path: PathBuf,
    /// File size in bytes.
    pub size: u64,
    /// Title from the tags, or the file name without extension.
    pub title: String,
    /// Track artist.
    pub artist: Option<String>,
    /// Album title.
    pub album: Option<String>,
    /// Album artist.
    pub album_artist: Option<String>,
    /// Track number on the disc.
    pub track_no: Option<u32>,
    /// Disc number.
    pub disc_no: Option<u32>,
    /// Genre.
    pub genre: Option<String>,
    /// Release year.
    pub year: Option<u16>,
    /// Duration in milliseconds.
    pub duration_ms: Option<u64>,
    /// Sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Channel count.
    pub channels: Option<u8>,
    /// Short codec or container name (`FLAC`, `MP3`, `Vorbis`, `WAV`, `M4A`…).
    pub codec: Option<String>,
    /// ReplayGain from the tags, when present.
    pub replay_gain: ReplayGain,
    /// Cover reference: see [`Library::thumbnail`](crate::Library::thumbnail).
    pub cover: Option<String>,
    /// Playable, missing or unreadable.
    pub status: TrackStatus,
    /// Why the file is unreadable, in words for a person.
    pub reason: Option<String>,
}

pub(crate) const TRACK_COLUMNS: &str = "t.id, t.path, t.size, t.title, t.artist, t.album, \
    t.album_artist, t.track_no, t.disc_no, t.genre, t.year, t.duration_ms, t.sample_rate, \
    t.channels, t.codec, t.rg_track_gain, t.rg_track_peak, t.rg_album_gain, t.rg_album_peak, \
    t.cover, t.status, t.reason";

#[derive(sqlx::FromRow)]
pub(crate) struct TrackRow {
    id: String,
    path: String,
    size: i64,
    title: String,
    artist: Option<String>,
    album: Option<String>,
    album_artist: Option<String>,
    track_no: Option<i64>,
    disc_no: Option<i64>,
    genre: Option<String>,
    year: Option<i64>,
    duration_ms: Option<i64>,
    sample_rate: Option<i64>,
    channels: Option<i64>,
    codec: Option<String>,
    rg_track_gain: Option<f64>,
    rg_track_peak: Option<f64>,
    rg_album_gain: Option<f64>,
    rg_album_peak: Option<f64>,
    cover: Option<String>,
    status: String,
    reason: Option<String>,
}

impl From<TrackRow> for Track {
    fn from(r: TrackRow) -> Self {
        fn num<T: TryFrom<i64>>(v: Option<i64>) -> Option<T> {
            v.and_then(|v| T::try_from(v).ok())
        }
        Self {
            id: LibraryTrackId(r.id),
            path: PathBuf::from(r.path),
            size: u64::try_from(r.size).unwrap_or(0),
            title: r.title,
            artist: r.artist,
            album: r.album,
            album_artist: r.album_artist,
            track_no: num(r.track_no),
            disc_no: num(r.disc_no),
            genre: r.genre,
            year: num(r.year),
            duration_ms: num(r.duration_ms),
            sample_rate: num(r.sample_rate),
            channels: num(r.channels),
            codec: r.codec,
            replay_gain: ReplayGain {
                track_gain: r.rg_track_gain,
                track_peak: r.rg_track_peak,
                album_gain: r.rg_album_gain,
                album_peak: r.rg_album_peak,
            },
            cover: r.cover,
            status: TrackStatus::parse(&r.status),
            reason: r.reason,
        }
    }
}

/// An album, grouped by title and album artist (or artist when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Album {
    /// Album title.
    pub title: String,
    /// Album artist, empty when unknown.
    pub album_artist: String,
    /// Release year of the first track that has one.
    pub year: Option<u16>,
    /// Cover reference.
    pub cover: Option<String>,
    /// Playable tracks on it.
    pub tracks: u32,
}

/// Where a purchased file came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The store order that paid for it.
    pub order_id: OrderId,
    /// The shop that sold it.
    pub shop_id: ShopId,
    /// The track in the shop's catalogue, when known.
    pub store_track_id: Option<TrackId>,
    /// Lower-case hex SHA-256 of the file as delivered.
    pub sha256: String,
}

/// One play of a track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Play {
    /// The track played.
    pub track_id: LibraryTrackId,
    /// When, in milliseconds since the Unix epoch.
    pub played_at_ms: i64,
}

/// The local library: one SQLite database plus a thumbnail cache. Cheap to clone; clones share
/// the connection pool.
#[derive(Debug, Clone)]
pub struct Library {
    pub(crate) pool: SqlitePool,
    pub(crate) thumbnails: PathBuf,
    /// How connections are opened, for the track list's own reading connection.
    pub(crate) options: SqliteConnectOptions,
    /// What the track list remembers between windows (browse.rs).
    pub(crate) positions: std::sync::Arc<tokio::sync::Mutex<crate::browse::Positions>>,
}

impl Library {
    /// Opens (creating when needed) the library at `paths` and applies pending migrations.
    pub async fn open(paths: &LibraryPaths) -> Result<Self> {
        for dir in [paths.database.parent(), Some(paths.thumbnails.as_path())]
            .into_iter()
            .flatten()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| LibraryError::io("creating folder", dir, e))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&paths.database)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Search touches the FTS index all over: read it through the page cache by mmap
            // rather than a syscall per page, and keep more pages per connection.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self {
            pool,
            thumbnails: paths.thumbnails.clone(),
            options,
            positions: std::sync::Arc::default(),
        })
    }

    /// Closes the connection pool, waiting for queries in flight.
    pub async fn close(&self) {
        self.positions.lock().await.close().await;
        self.pool.close().await;
    }

    /// The thumbnail file for a track's cover reference.
    pub fn thumbnail(&self, cover: &str) -> PathBuf {
        crate::cover::thumbnail_path(&self.thumbnails, cover)
    }

    /// One track by id.
    pub async fn track(&self, id: &LibraryTrackId) -> Result<Track> {
        let sql = format!("SELECT {TRACK_COLUMNS} FROM tracks t WHERE t.id = ?1");
        sqlx::query_as::<_, TrackRow>(AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(Track::from)
            .ok_or_else(|| LibraryError::NotFound {
                kind: "track",
                id: id.to_string(),
            })
    }

    /// The track at a path, if the library knows it.
    pub async fn track_at(&self, path: &Path) -> Result<Option<Track>> {
        let sql = format!("SELECT {TRACK_COLUMNS} FROM tracks t WHERE t.path = ?1");
        Ok(sqlx::query_as::<_, TrackRow>(AssertSqlSafe(sql))
            .bind(path.to_string_lossy())
            .fetch_optional(&self.pool)
            .await?
            .map(Track::from))
    }

    /// All tracks with the given status, in album order.
    pub async fn tracks(&self, status: TrackStatus) -> Result<Vec<Track>> {
        let sql = format!(
            "SELECT {TRACK_COLUMNS} FROM tracks t WHERE t.status = ?1 \
             ORDER BY t.album_artist, t.album, t.disc_no, t.track_no, t.path"
        );
        Ok(sqlx::query_as::<_, TrackRow>(AssertSqlSafe(sql))
            .bind(status.as_str())
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Track::from)
            .collect())
    }

    /// How many tracks have each status: (ok, missing, unreadable).
    pub async fn counts(&self) -> Result<(u64, u64, u64)> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM tracks GROUP BY status")
                .fetch_all(&self.pool)
                .await?;
        let get = |s: &str| {
            rows.iter()
                .find(|(k, _)| k == s)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
        };
        Ok((get("ok"), get("missing"), get("unreadable")))
    }

    /// Albums with at least one playable track, by album artist then title.
    pub async fn albums(&self) -> Result<Vec<Album>> {
        type AlbumRow = (String, String, Option<i64>, Option<String>, i64);
        let rows: Vec<AlbumRow> = sqlx::query_as(
            "SELECT a.title, a.album_artist, a.year, a.cover, COUNT(t.rowid) FROM albums a \
             JOIN tracks t ON t.album_id = a.id AND t.status = 'ok' \
             GROUP BY a.id ORDER BY a.album_artist, a.title",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(title, album_artist, year, cover, n)| Album {
                title,
                album_artist,
                year: year.and_then(|y| u16::try_from(y).ok()),
                cover,
                tracks: u32::try_from(n).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// Artists with at least one playable track, by name.
    pub async fn artists(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT a.name FROM artists a \
             JOIN tracks t ON t.artist_id = a.id AND t.status = 'ok' ORDER BY a.name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// Records that a track was played at `played_at_ms` (milliseconds since the epoch; the
    /// caller owns the clock).
    pub async fn record_play(&self, track: &LibraryTrackId, played_at_ms: i64) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO play_history (track_id, played_at_ms) \
             SELECT id, ?2 FROM tracks WHERE id = ?1",
        )
        .bind(track.as_str())
        .bind(played_at_ms)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(LibraryError::NotFound {
                kind: "track",
                id: track.to_string(),
            });
        }
        Ok(())
    }

    /// The most recent plays, newest first.
    pub async fn recent_plays(&self, limit: u32) -> Result<Vec<Play>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT track_id, played_at_ms FROM play_history \
             ORDER BY played_at_ms DESC, rowid DESC LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, at)| Play {
                track_id: LibraryTrackId(id),
                played_at_ms: at,
            })
            .collect())
    }

    /// Records where a purchased file came from. Idempotent per (order, sha256).
    pub async fn record_purchase(&self, path: &Path, provenance: &Provenance) -> Result<()> {
        sqlx::query(
            "INSERT INTO purchases (order_id, shop_id, store_track_id, sha256, path, track_id, \
             recorded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, \
             (SELECT id FROM tracks WHERE path = ?5), ?6) \
             ON CONFLICT (order_id, sha256) DO UPDATE SET path = excluded.path, \
             track_id = excluded.track_id",
        )
        .bind(provenance.order_id.as_str())
        .bind(provenance.shop_id.as_str())
        .bind(provenance.store_track_id.as_ref().map(TrackId::as_str))
        .bind(&provenance.sha256)
        .bind(path.to_string_lossy())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every playable track bought in the store, with its latest purchase record, in album
    /// order. One query over the purchases (a handful), not one per track in the library.
    pub async fn purchased(&self) -> Result<Vec<(Track, Provenance)>> {
        #[derive(sqlx::FromRow)]
        struct PurchasedRow {
            #[sqlx(flatten)]
            track: TrackRow,
            order_id: String,
            shop_id: String,
            store_track_id: Option<String>,
            sha256: String,
        }
        let sql = format!(
            "SELECT {TRACK_COLUMNS}, p.order_id, p.shop_id, p.store_track_id, p.sha256 \
             FROM purchases p JOIN tracks t ON t.id = p.track_id \
             WHERE t.status = ?1 \
               AND p.rowid = (SELECT max(q.rowid) FROM purchases q WHERE q.track_id = t.id) \
             ORDER BY t.album_artist, t.album, t.disc_no, t.track_no, t.path"
        );
        let rows = sqlx::query_as::<_, PurchasedRow>(AssertSqlSafe(sql))
            .bind(TrackStatus::Ok.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                let provenance = Provenance::from_row(
                    row.order_id,
                    row.shop_id,
                    row.store_track_id,
                    row.sha256,
                )?;
                Ok((Track::from(row.track), provenance))
            })
            .collect()
    }

    /// The purchase record of a library track, when it was bought in the store.
    pub async fn provenance(&self, track: &LibraryTrackId) -> Result<Option<Provenance>> {
        let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT order_id, shop_id, store_track_id, sha256 FROM purchases \
             WHERE track_id = ?1 ORDER BY rowid DESC LIMIT 1",
        )
        .bind(track.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(order, shop, store_track, sha256)| {
            Provenance::from_row(order, shop, store_track, sha256)
        })
        .transpose()
    }
}

impl Provenance {
    /// A purchase record as the `purchases` table stores it, its ids checked.
    fn from_row(
        order: String,
        shop: String,
        store_track: Option<String>,
        sha256: String,
    ) -> Result<Self> {
        let bad = |e: shrimp_domain::IdError| LibraryError::Invalid(e.to_string());
        Ok(Self {
            order_id: OrderId::new(order).map_err(bad)?,
            shop_id: ShopId::new(shop).map_err(bad)?,
            store_track_id: store_track.map(TrackId::new).transpose().map_err(bad)?,
            sha256,
        })
    }
}
