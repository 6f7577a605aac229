//! Playlists: ordered lists of library tracks, with M3U import and export. Entries refer to
//! track ids, so a renamed or moved file stays in its playlists.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;

use crate::error::{LibraryError, Result};
use crate::scan::ScanOptions;
use crate::store::{
    Library, LibraryTrackId, PlaylistId, TRACK_COLUMNS, Track, TrackRow, new_id, now_ms,
};

/// A playlist without its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaylistSummary {
    /// Opaque id.
    pub id: PlaylistId,
    /// Name shown to the user.
    pub name: String,
    /// Number of entries.
    pub length: u32,
}

/// What an M3U import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct M3uImported {
    /// The new playlist.
    pub playlist: PlaylistId,
    /// Entries added.
    pub added: u32,
    /// Lines naming files that are not readable audio on this machine.
    pub unresolved: Vec<String>,
}

/// Names are trimmed; empty ones and absurdly long ones are refused.
fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(LibraryError::Invalid("a playlist needs a name".to_owned()));
    }
    if name.chars().count() > 200 {
        return Err(LibraryError::Invalid(
            "a playlist name may have at most 200 characters".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

impl Library {
    /// Creates an empty playlist.
    pub async fn create_playlist(&self, name: &str) -> Result<PlaylistId> {
        let name = check_name(name)?;
        let id = new_id("p");
        sqlx::query("INSERT INTO playlists (id, name, created_at_ms) VALUES (?1, ?2, ?3)")
            .bind(&id)
            .bind(&name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(id
            .parse()
            .unwrap_or_else(|never: std::convert::Infallible| match never {}))
    }

    /// Renames a playlist.
    pub async fn rename_playlist(&self, id: &PlaylistId, name: &str) -> Result<()> {
        let name = check_name(name)?;
        let done = sqlx::query("UPDATE playlists SET name = ?2 WHERE id = ?1")
            .bind(id.as_str())
            .bind(&name)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), id)
    }

    /// Deletes a playlist (the tracks stay in the library).
    pub async fn delete_playlist(&self, id: &PlaylistId) -> Result<()> {
        let done = sqlx::query("DELETE FROM playlists WHERE id = ?1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), id)
    }

    /// All playlists by name.
    pub async fn playlists(&self) -> Result<Vec<PlaylistSummary>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT p.id, p.name, COUNT(e.position) FROM playlists p \
             LEFT JOIN playlist_entries e ON e.playlist_rowid = p.rowid \
             GROUP BY p.rowid ORDER BY p.name COLLATE NOCASE, p.rowid",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, n)| PlaylistSummary {
                id: id
                    .parse()
                    .unwrap_or_else(|never: std::convert::Infallible| match never {}),
                name,
                length: u32::try_from(n).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// A playlist's tracks in order (missing and unreadable ones included, with their status).
    pub async fn playlist_tracks(&self, id: &PlaylistId) -> Result<Vec<Track>> {
        self.playlist_rowid(id).await?;
        let sql = format!(
            "SELECT {TRACK_COLUMNS} FROM playlist_entries e \
             JOIN playlists p ON p.rowid = e.playlist_rowid \
             JOIN tracks t ON t.id = e.track_id WHERE p.id = ?1 ORDER BY e.position"
        );
        Ok(sqlx::query_as::<_, TrackRow>(AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Track::from)
            .collect())
    }

    /// Appends tracks to a playlist (a track may appear more than once).
    pub async fn add_to_playlist(&self, id: &PlaylistId, tracks: &[LibraryTrackId]) -> Result<()> {
        let mut entries = self.entries(id).await?;
        entries.extend(tracks.iter().map(|t| t.as_str().to_owned()));
        self.write_entries(id, &entries).await
    }

    /// Removes the entry at `position` (0-based).
    pub async fn remove_from_playlist(&self, id: &PlaylistId, position: usize) -> Result<()> {
        let mut entries = self.entries(id).await?;
        if position >= entries.len() {
            return Err(not_found_entry(id, position));
        }
        entries.remove(position);
        self.write_entries(id, &entries).await
    }

    /// Moves the entry at `from` so it ends up at `to` (both 0-based).
    pub async fn move_in_playlist(&self, id: &PlaylistId, from: usize, to: usize) -> Result<()> {
        let mut entries = self.entries(id).await?;
        if from >= entries.len() {
            return Err(not_found_entry(id, from));
        }
        if to >= entries.len() {
            return Err(not_found_entry(id, to));
        }
        let entry = entries.remove(from);
        entries.insert(to, entry);
        self.write_entries(id, &entries).await
    }

    /// Writes the playlist as an extended M3U (UTF-8) file. Paths are relative when the track
    /// lives under the playlist file's folder, absolute otherwise.
    pub async fn export_m3u(&self, id: &PlaylistId, target: &Path) -> Result<()> {
        let tracks = self.playlist_tracks(id).await?;
        let base = target.parent().unwrap_or(Path::new(""));
        let mut out = String::from("#EXTM3U\n");
        for t in &tracks {
            let secs = t
                .duration_ms
                .map_or(-1, |ms| i64::try_from(ms / 1000).unwrap_or(-1));
            let who = t
                .artist
                .as_deref()
                .map(|a| format!("{a} - "))
                .unwrap_or_default();
            let title = format!("{who}{}", t.title).replace(['\n', '\r'], " ");
            let path = t.path.strip_prefix(base).unwrap_or(&t.path);
            let _ = write!(out, "#EXTINF:{secs},{title}\n{}\n", path.display());
        }
        std::fs::write(target, out).map_err(|e| LibraryError::io("writing", target, e))
    }

    /// Creates a playlist named `name` from an M3U/M3U8 file. Entries not yet in the library
    /// are scanned in when they exist; the rest are listed as unresolved.
    pub async fn import_m3u(&self, source: &Path, name: &str) -> Result<M3uImported> {
        let bytes = std::fs::read(source).map_err(|e| LibraryError::io("reading", source, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let base = source.parent().unwrap_or(Path::new(""));
        let playlist = self.create_playlist(name).await?;
        let mut ids = Vec::new();
        let mut unresolved = Vec::new();
        for line in text
            .lines()
            .map(|l| l.trim_start_matches('\u{feff}').trim())
        {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = line.strip_prefix("file://").unwrap_or(line);
            let path = resolve(base, entry);
            let mut track = self.track_at(&path).await?;
            if track.is_none() && path.is_file() {
                self.reconcile(std::slice::from_ref(&path), &ScanOptions::default(), |_| {})
                    .await?;
                track = self.track_at(&path).await?;
            }
            match track {
                Some(t) if t.status == crate::TrackStatus::Ok => ids.push(t.id),
                _ => unresolved.push(line.to_owned()),
            }
        }
        self.add_to_playlist(&playlist, &ids).await?;
        Ok(M3uImported {
            playlist,
            added: u32::try_from(ids.len()).unwrap_or(u32::MAX),
            unresolved,
        })
    }

    async fn playlist_rowid(&self, id: &PlaylistId) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT rowid FROM playlists WHERE id = ?1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(r,)| r).ok_or_else(|| LibraryError::NotFound {
            kind: "playlist",
            id: id.to_string(),
        })
    }

    async fn entries(&self, id: &PlaylistId) -> Result<Vec<String>> {
        let rowid = self.playlist_rowid(id).await?;
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT track_id FROM playlist_entries WHERE playlist_rowid = ?1 ORDER BY position",
        )
        .bind(rowid)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn write_entries(&self, id: &PlaylistId, entries: &[String]) -> Result<()> {
        let rowid = self.playlist_rowid(id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM playlist_entries WHERE playlist_rowid = ?1")
            .bind(rowid)
            .execute(&mut *tx)
            .await?;
        for (position, track) in entries.iter().enumerate() {
            let done = sqlx::query(
                "INSERT INTO playlist_entries (playlist_rowid, position, track_id) \
                 SELECT ?1, ?2, id FROM tracks WHERE id = ?3",
            )
            .bind(rowid)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(track)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(LibraryError::NotFound {
                    kind: "track",
                    id: track.clone(),
                });
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

fn resolve(base: &Path, entry: &str) -> PathBuf {
    let entry = entry.replace('\\', std::path::MAIN_SEPARATOR_STR);
    let path = Path::new(&entry);
    if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    }
}

fn found(rows: u64, id: &PlaylistId) -> Result<()> {
    if rows == 0 {
        return Err(LibraryError::NotFound {
            kind: "playlist",
            id: id.to_string(),
        });
    }
    Ok(())
}

fn not_found_entry(id: &PlaylistId, position: usize) -> LibraryError {
    LibraryError::NotFound {
        kind: "playlist entry",
        id: format!("{id}#{position}"),
    }
}
