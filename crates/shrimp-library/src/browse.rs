//! Browsing the library as a long list: a window of rows (offset and limit) of the playable
//! tracks, sorted and filtered in SQL, with how many rows there are in all — so a view of
//! 100,000 tracks asks only for the rows it shows. Each sort order has its index; totals and
//! the orders of lists scrolled deep are remembered until the database changes (`Positions`),
//! so a window costs about the same anywhere in the list. Also the artists, and tracks by id
//! in the order asked (a play queue).

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

use crate::error::{LibraryError, Result};
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

/// Windows that start this close to either end of the list are read straight from the sort
/// order's index (skipping a few hundred index entries costs well under a millisecond).
const DIRECT_REACH: u64 = 300;
/// Orders of whole lists kept at once (each is 8 bytes a track).
const KEPT_ORDERS: usize = 4;
/// A search with fewer matches than this is read by looking its matches up and sorting them.
const FEW_MATCHES: u64 = 2_000;

/// What the track list remembers between windows, valid while the database does not change:
/// the totals of the filters asked, and for a list scrolled away from its ends, the rowids of
/// all its tracks in order, so any window (the next one while scrolling, or one in the middle
/// after dragging the scrollbar) is read by rowid instead of skipping tens of thousands of
/// index entries. Reads go through a connection of its own, whose `PRAGMA data_version`
/// changes when any other connection (this process's writers or another process) commits.
#[derive(Default)]
pub(crate) struct Positions {
    conn: Option<SqliteConnection>,
    data_version: i64,
    counts: HashMap<String, u64>,
    /// Most recently used last.
    orders: Vec<(String, TrackSort, Arc<Vec<i64>>)>,
    /// Orders being read in the background, with the data version they started at.
    learning: Vec<(String, TrackSort, i64)>,
}

impl std::fmt::Debug for Positions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Positions")
            .field("data_version", &self.data_version)
            .field("counts", &self.counts.len())
            .field("orders", &self.orders.len())
            .finish_non_exhaustive()
    }
}

impl Positions {
    /// Clears what is remembered when the database changed since it was learnt.
    async fn refresh(&mut self, options: &SqliteConnectOptions) -> Result<()> {
        let conn = match &mut self.conn {
            Some(conn) => conn,
            slot @ None => slot.insert(options.connect().await?),
        };
        let version: i64 = sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(&mut *conn)
            .await?;
        if version != self.data_version {
            self.data_version = version;
            self.counts.clear();
            self.orders.clear();
        }
        Ok(())
    }

    fn conn(&mut self) -> Result<&mut SqliteConnection> {
        self.conn
            .as_mut()
            .ok_or_else(|| LibraryError::Task("the track list's connection is closed".to_owned()))
    }

    async fn count(&mut self, key: &str, clause: &str, binds: &[String]) -> Result<u64> {
        if let Some(n) = self.counts.get(key) {
            return Ok(*n);
        }
        // Unfiltered, count the entries of the smallest sort index rather than the table's rows.
        let indexed = if binds.is_empty() {
            " INDEXED BY tracks_by_added"
        } else {
            ""
        };
        let sql = format!("SELECT COUNT(*) FROM tracks t{indexed} WHERE {clause}");
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(bind);
        }
        let n = u64::try_from(query.fetch_one(self.conn()?).await?).unwrap_or(0);
        self.counts.insert(key.to_owned(), n);
        Ok(n)
    }

    fn order(&mut self, filter: &str, sort: TrackSort) -> Option<Arc<Vec<i64>>> {
        let i = self
            .orders
            .iter()
            .position(|(f, s, _)| f == filter && *s == sort)?;
        let entry = self.orders.remove(i);
        let rowids = Arc::clone(&entry.2);
        self.orders.push(entry);
        Some(rowids)
    }

    fn keep_order(&mut self, filter: String, sort: TrackSort, rowids: Arc<Vec<i64>>) {
        if self.orders.len() >= KEPT_ORDERS {
            self.orders.remove(0);
        }
        self.orders.push((filter, sort, rowids));
    }

    pub(crate) async fn close(&mut self) {
        if let Some(conn) = self.conn.take()
            && let Err(e) = conn.close().await
        {
            tracing::debug!(error = %e, "closing the track list's connection");
        }
    }
}

/// The key a filter's count and order are remembered under.
fn filter_key(clause: &str, binds: &[String]) -> String {
    let mut key = clause.to_owned();
    for bind in binds {
        key.push('\0');
        key.push_str(bind);
    }
    key
}

fn order_by(sort: TrackSort, descending: bool) -> String {
    let direction = if descending { " DESC" } else { "" };
    sort.keys()
        .iter()
        .map(|key| format!("{key}{direction}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A window read in the sort order's index, skipping `offset` entries. With `few` matches of
/// a search, the matches are looked up and sorted instead (walking the whole index to find a
/// handful would cost more).
async fn read_direct(
    conn: &mut SqliteConnection,
    (clause, binds): (&str, &[String]),
    (sort, descending): (TrackSort, bool),
    (offset, limit): (u64, u32),
    few: bool,
) -> Result<Vec<ListedTrack>> {
    let order = order_by(sort, descending);
    let indexed = if few { " NOT INDEXED" } else { "" };
    // Sort (or walk the index for) only row ids, then read the window's rows (and their
    // shop) in full.
    let sql = format!(
        "SELECT {TRACK_COLUMNS}, {SHOP_OF_TRACK} AS shop_id FROM (SELECT t.rowid AS r \
         FROM tracks t{indexed} WHERE {clause} ORDER BY {order} LIMIT {limit} OFFSET {}) w \
         JOIN tracks t ON t.rowid = w.r ORDER BY {order}",
        i64::try_from(offset).unwrap_or(i64::MAX),
    );
    let mut query = sqlx::query_as::<_, WindowRow>(AssertSqlSafe(sql));
    for bind in binds {
        query = query.bind(bind);
    }
    Ok(listed(query.fetch_all(conn).await?))
}

/// The rowids of the whole list in ascending order, in one string from SQLite (a row each
/// through the driver would cost more than the walk of the index).
async fn read_order(
    conn: &mut SqliteConnection,
    (clause, binds): (&str, &[String]),
    sort: TrackSort,
) -> Result<Vec<i64>> {
    let order = order_by(sort, false);
    let sql = format!(
        "SELECT group_concat(r) FROM (SELECT t.rowid AS r FROM tracks t WHERE {clause} \
         ORDER BY {order})"
    );
    let mut query = sqlx::query_scalar::<_, Option<String>>(AssertSqlSafe(sql));
    for bind in binds {
        query = query.bind(bind);
    }
    let joined = query.fetch_one(conn).await?.unwrap_or_default();
    joined
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|e| LibraryError::Task(format!("reading the list's order: {e}")))
        })
        .collect()
}

fn listed(rows: Vec<WindowRow>) -> Vec<ListedTrack> {
    rows.into_iter()
        .map(|row| ListedTrack {
            track: Track::from(row.track),
            shop_id: row.shop_id,
        })
        .collect()
}

impl Library {
    /// How many playable tracks match `filter`. Remembered until the library changes.
    pub async fn count_tracks(&self, filter: &TrackFilter) -> Result<u64> {
        let (clause, binds) = where_clause(filter);
        let key = filter_key(&clause, &binds);
        let mut positions = self.positions.lock().await;
        positions.refresh(&self.options).await?;
        positions.count(&key, &clause, &binds).await
    }

    /// Rows `offset..offset + limit` of the playable tracks matching `filter` in `sort` order.
    ///
    /// Windows near either end are read from the sort order's index; elsewhere the whole
    /// order's rowids are read once (one walk of the index) and kept until the library
    /// changes, so scrolling on, or jumping anywhere, reads just the window's rows.
    pub async fn track_window(
        &self,
        filter: &TrackFilter,
        sort: TrackSort,
        descending: bool,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<ListedTrack>> {
        let (clause, binds) = where_clause(filter);
        let key = filter_key(&clause, &binds);
        let query = (clause.as_str(), binds.as_slice());
        let mut positions = self.positions.lock().await;
        positions.refresh(&self.options).await?;
        let Some(rowids) = positions.order(&key, sort) else {
            let total = positions.count(&key, &clause, &binds).await?;
            let few = !filter.text.trim().is_empty() && total < FEW_MATCHES;
            if offset < DIRECT_REACH.max(total / 2) {
                if offset >= DIRECT_REACH {
                    self.learn_order(&mut positions, key, sort, query);
                }
                let conn = positions.conn()?;
                return read_direct(conn, query, (sort, descending), (offset, limit), few).await;
            }
            if total.saturating_sub(offset) > DIRECT_REACH {
                self.learn_order(&mut positions, key, sort, query);
            }
            // In the second half: walk the index from the other end.
            let end = offset.saturating_add(u64::from(limit)).min(total);
            let count = u32::try_from(end.saturating_sub(offset)).unwrap_or(0);
            if count == 0 {
                return Ok(Vec::new());
            }
            let conn = positions.conn()?;
            let mut rows =
                read_direct(conn, query, (sort, !descending), (total - end, count), few).await?;
            rows.reverse();
            return Ok(rows);
        };
        let total = rowids.len();
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
        let end = start
            .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
            .min(total);
        let window: Vec<i64> = if descending {
            rowids[total - end..total - start]
                .iter()
                .rev()
                .copied()
                .collect()
        } else {
            rowids[start..end].to_vec()
        };
        if window.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(&window)
            .map_err(|e| LibraryError::Invalid(format!("cannot list the rows: {e}")))?;
        let sql = format!(
            "SELECT {TRACK_COLUMNS}, {SHOP_OF_TRACK} AS shop_id FROM json_each(?1) j \
             JOIN tracks t ON t.rowid = j.value ORDER BY j.key"
        );
        let rows = sqlx::query_as::<_, WindowRow>(AssertSqlSafe(sql))
            .bind(list)
            .fetch_all(positions.conn()?)
            .await?;
        Ok(listed(rows))
    }

    /// Reads the whole order of a list in the background (on a pooled connection, so windows
    /// keep being served meanwhile) and keeps it, unless the library changed in between.
    fn learn_order(
        &self,
        positions: &mut Positions,
        key: String,
        sort: TrackSort,
        (clause, binds): (&str, &[String]),
    ) {
        let version = positions.data_version;
        if positions
            .learning
            .iter()
            .any(|(k, s, v)| *k == key && *s == sort && *v == version)
        {
            return;
        }
        positions.learning.push((key.clone(), sort, version));
        let (pool, shared) = (self.pool.clone(), Arc::clone(&self.positions));
        let (clause, binds) = (clause.to_owned(), binds.to_vec());
        tokio::spawn(async move {
            let read = async {
                let mut conn = pool.acquire().await?;
                read_order(&mut conn, (&clause, &binds), sort).await
            };
            let result = read.await;
            let mut positions = shared.lock().await;
            positions
                .learning
                .retain(|(k, s, v)| !(*k == key && *s == sort && *v == version));
            match result {
                Ok(rowids) if positions.data_version == version => {
                    positions.counts.insert(key.clone(), rowids.len() as u64);
                    positions.keep_order(key, sort, Arc::new(rowids));
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reading the order of the track list"),
            }
        });
    }

    /// Tracks by id, in the order asked; ids the library does not know are left out.
    pub async fn tracks_by_ids(&self, ids: &[LibraryTrackId]) -> Result<Vec<ListedTrack>> {
        let list = serde_json::to_string(&ids)
            .map_err(|e| LibraryError::Invalid(format!("cannot list the track ids: {e}")))?;
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
