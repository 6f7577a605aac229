//! Scanning folders into the library: walk, skip what has not changed (same size and mtime),
//! read the rest on worker threads, and write the results in batches. Files that vanished are
//! marked missing; a new file whose content fingerprint matches a vanished one is the same
//! track moved or renamed, and keeps its id (and so its playlists and history).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Connection, Sqlite, Transaction};

use crate::cover::Covers;
use crate::error::{LibraryError, Result};
use crate::search::short_terms;
use crate::sniff::{AUDIO_EXTENSIONS, IGNORED_EXTENSIONS, has_extension_in};
use crate::store::{Library, TrackStatus, new_id, now_ms};
use crate::tags::{self, Outcome, Scanned, TrackInfo};

/// Results written per transaction.
const BATCH: usize = 256;

/// Progress of a scan, sent after each file that had to be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanProgressed {
    /// Files read so far.
    pub done: u64,
    /// Files to read in this scan (unchanged files are not counted).
    pub total: u64,
    /// The file just read.
    pub current: PathBuf,
}

/// A file the scan could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableFile {
    /// The file.
    pub path: PathBuf,
    /// Why, in words for a person.
    pub reason: String,
}

/// What a scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// New tracks.
    pub added: u64,
    /// Known files that changed and were read again.
    pub updated: u64,
    /// Known tracks found at a new path (renamed or moved).
    pub moved: u64,
    /// Files skipped because their size and mtime had not changed.
    pub unchanged: u64,
    /// Tracks whose file disappeared.
    pub missing: u64,
    /// Files that are not readable audio, with reasons.
    pub unreadable: Vec<UnreadableFile>,
}

/// How a scan behaves.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads reading files. Defaults to one fewer than the cores (at least 1, at most
    /// 4): the single database writer needs a core of its own as much as the readers do — on
    /// two cores, two readers made a scan slower than one (`bench scan` prints both).
    pub workers: usize,
    /// Whether cover art is read and thumbnailed.
    pub covers: bool,
    /// A file whose reading takes longer than this is reported unreadable and skipped.
    pub file_timeout: Duration,
    /// Names known from elsewhere for the files of this scan (a purchase's, from the store),
    /// for what their tags leave out.
    pub names: Option<KnownNames>,
}

/// A track's names as the store knows them: they stand in for a file's missing tags (an
/// untagged WAV a shop uploaded is named by its title and artist, not by its file name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownNames {
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
}

impl KnownNames {
    /// Fills in what `info`'s tags did not say; a tag the file has always wins.
    fn fill(&self, info: &mut TrackInfo) {
        if info.untitled && !self.title.trim().is_empty() {
            info.title.clone_from(&self.title);
            info.untitled = false;
        }
        if info.artist.is_none() {
            info.artist.clone_from(&self.artist);
        }
        if info.album.is_none() {
            info.album.clone_from(&self.album);
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            workers: cores.saturating_sub(1).clamp(1, 4),
            covers: true,
            file_timeout: Duration::from_secs(30),
            names: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    size: u64,
    mtime_ns: i64,
    named_audio: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct Known {
    id: String,
    path: String,
    size: i64,
    mtime_ns: i64,
    fingerprint: String,
    status: String,
}

impl Library {
    /// Scans folders (or single files) into the library. A root that does not exist is an
    /// error; everything wrong with individual files is reported in the [`ScanReport`].
    pub async fn scan_folders(
        &self,
        roots: &[PathBuf],
        options: &ScanOptions,
        on_progress: impl FnMut(&ScanProgressed) + Send,
    ) -> Result<ScanReport> {
        for root in roots {
            if let Err(e) = std::fs::metadata(root) {
                return Err(LibraryError::io("scanning", root, e));
            }
        }
        self.reconcile(roots, options, on_progress).await
    }

    /// Brings the library in line with what is now on disk at `paths`, which may be files or
    /// folders, present or gone. This is what the folder watcher calls.
    pub async fn reconcile(
        &self,
        paths: &[PathBuf],
        options: &ScanOptions,
        mut on_progress: impl FnMut(&ScanProgressed) + Send,
    ) -> Result<ScanReport> {
        let roots = paths.to_vec();
        let walked = tokio::task::spawn_blocking(move || walk(&roots))
            .await
            .map_err(|e| LibraryError::Task(e.to_string()))?;
        let known: Vec<Known> =
            sqlx::query_as("SELECT id, path, size, mtime_ns, fingerprint, status FROM tracks")
                .fetch_all(&self.pool)
                .await?;
        let mut report = ScanReport::default();
        let plan = plan(paths, walked, &known, &mut report);
        self.mark_missing(&plan.vanished).await?;

        let total = plan.jobs.len() as u64;
        let covers = options
            .covers
            .then(|| Arc::new(Covers::new(self.thumbnails.clone())));
        let (mut pool, mut results) = Workers::start(plan.jobs, covers, tags::read_file);
        for _ in 0..options.workers.max(1) {
            pool.spawn_one()?;
        }
        let mut writer = plan.writer;
        // One connection for the whole scan, so its insert statements are prepared once.
        let mut conn = self.pool.acquire().await?;
        let mut done = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        while done < total {
            match tokio::time::timeout(WATCHDOG_TICK, results.recv()).await {
                Ok(Some(first)) => batch.push(first),
                Ok(None) => break,
                Err(_) => {
                    batch.extend(pool.abandon_stuck(options.file_timeout)?);
                    if batch.is_empty() {
                        continue;
                    }
                }
            }
            while batch.len() < BATCH {
                match results.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let mut tx = conn.begin().await?;
            for mut scanned in batch.drain(..) {
                done += 1;
                if let (Some(names), Outcome::Read(info)) = (&options.names, &mut scanned.outcome) {
                    names.fill(info);
                }
                on_progress(&ScanProgressed {
                    done,
                    total,
                    current: scanned.path.clone(),
                });
                writer.write(&mut tx, scanned, &mut report).await?;
            }
            writer.flush(&mut tx).await?;
            tx.commit().await?;
        }
        // Moved tracks were counted as vanished first; they are not missing.
        let came_back = plan
            .vanished
            .iter()
            .filter(|id| writer.claimed.contains(*id))
            .count();
        report.missing = (plan.vanished.len() - came_back) as u64;
        drop(conn);
        self.prune().await?;
        Ok(report)
    }

    async fn mark_missing(&self, ids: &HashSet<String>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for id in ids {
            sqlx::query("UPDATE tracks SET status = 'missing', updated_at_ms = ?2 WHERE id = ?1")
                .bind(id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops albums and artists no track refers to any more.
    async fn prune(&self) -> Result<()> {
        sqlx::query(
            "DELETE FROM albums WHERE id NOT IN \
             (SELECT album_id FROM tracks WHERE album_id IS NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        sqlx::query(
            "DELETE FROM artists WHERE id NOT IN \
             (SELECT artist_id FROM tracks WHERE artist_id IS NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

struct Plan {
    jobs: Vec<Candidate>,
    vanished: HashSet<String>,
    writer: Writer,
}

/// Decides what to read (new or changed files), what vanished, and which known rows a new file
/// may continue (by fingerprint).
fn plan(
    roots: &[PathBuf],
    walked: Vec<Candidate>,
    known: &[Known],
    report: &mut ScanReport,
) -> Plan {
    let by_path: HashMap<&str, &Known> = known.iter().map(|k| (k.path.as_str(), k)).collect();
    let walked_paths: HashSet<&Path> = walked.iter().map(|c| c.path.as_path()).collect();
    let missing = TrackStatus::Missing.as_str();

    let vanished: HashSet<String> = known
        .iter()
        .filter(|k| k.status != missing)
        .filter(|k| {
            let p = Path::new(&k.path);
            roots.iter().any(|r| p.starts_with(r)) && !walked_paths.contains(p)
        })
        .map(|k| k.id.clone())
        .collect();

    // Rows a new file may be the continuation of: missing ones, ones that vanish in this scan,
    // and ones whose file is gone but not yet noticed (a rename seen from its new name first).
    let mut movable: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for k in known.iter().filter(|k| !k.fingerprint.is_empty()) {
        movable
            .entry(k.fingerprint.clone())
            .or_default()
            .push((k.id.clone(), k.path.clone()));
    }
    let missing_ids: HashSet<String> = known
        .iter()
        .filter(|k| k.status == missing)
        .map(|k| k.id.clone())
        .chain(vanished.iter().cloned())
        .collect();

    let mut jobs = Vec::new();
    for c in walked {
        let unchanged = c
            .path
            .to_str()
            .and_then(|p| by_path.get(p))
            .is_some_and(|k| {
                k.size == i64::try_from(c.size).unwrap_or(-1)
                    && k.mtime_ns == c.mtime_ns
                    && k.status != missing
            });
        if unchanged {
            report.unchanged += 1;
        } else {
            jobs.push(c);
        }
    }
    let existing = known
        .iter()
        .map(|k| (k.path.clone(), k.id.clone()))
        .collect();
    Plan {
        jobs,
        vanished,
        writer: Writer {
            pending: Vec::new(),
            existing,
            movable,
            missing_ids,
            claimed: HashSet::new(),
            artists: HashMap::new(),
            albums: HashMap::new(),
        },
    }
}

/// Walks the roots. Hidden files and folders, and companions such as images and playlists, are
/// left out; unreadable folders are skipped with a log line.
fn walk(roots: &[PathBuf]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for root in roots {
        let entries = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if e.io_error().map(std::io::Error::kind) != Some(std::io::ErrorKind::NotFound)
                    {
                        tracing::warn!(error = %e, "skipped while scanning");
                    }
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            if has_extension_in(path, IGNORED_EXTENSIONS) || !seen.insert(path.to_owned()) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            out.push(Candidate {
                path: path.to_owned(),
                size: meta.len(),
                mtime_ns: tags::mtime_ns(&meta),
                named_audio: has_extension_in(path, AUDIO_EXTENSIONS),
            });
        }
    }
    out
}

/// How often the writer checks for a worker stuck on one file.
const WATCHDOG_TICK: Duration = Duration::from_millis(500);

type ReadFn = fn(&Path, bool, Option<&Covers>) -> Scanned;

/// What one worker is reading, for the watchdog.
#[derive(Debug, Default)]
struct Slot {
    current: Mutex<Option<(Candidate, Instant)>>,
    abandoned: AtomicBool,
}

/// The reading threads. A thread stuck on one file (a parser that never returns) is abandoned:
/// its file is reported unreadable, a fresh thread takes its place, and whatever the stuck one
/// produces later is dropped.
struct Workers {
    queue: Arc<Mutex<std::vec::IntoIter<Candidate>>>,
    slots: Vec<Arc<Slot>>,
    results: tokio::sync::mpsc::Sender<Scanned>,
    covers: Option<Arc<Covers>>,
    read: ReadFn,
}

impl Workers {
    fn start(
        jobs: Vec<Candidate>,
        covers: Option<Arc<Covers>>,
        read: ReadFn,
    ) -> (Self, tokio::sync::mpsc::Receiver<Scanned>) {
        let (results, rx) = tokio::sync::mpsc::channel(BATCH * 2);
        let pool = Self {
            queue: Arc::new(Mutex::new(jobs.into_iter())),
            slots: Vec::new(),
            results,
            covers,
            read,
        };
        (pool, rx)
    }

    fn spawn_one(&mut self) -> Result<()> {
        let slot = Arc::new(Slot::default());
        self.slots.push(Arc::clone(&slot));
        let queue = Arc::clone(&self.queue);
        let results = self.results.clone();
        let covers = self.covers.clone();
        let read = self.read;
        std::thread::Builder::new()
            .name("shrimp-scan".to_owned())
            // Deeply nested boxes in a hostile file must not overflow the stack.
            .stack_size(16 * 1024 * 1024)
            .spawn(move || {
                tags::limit_parser_allocations();
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some(job) = next else { break };
                    let (path, named_audio) = (job.path.clone(), job.named_audio);
                    let (size, mtime_ns) = (job.size, job.mtime_ns);
                    if let Ok(mut current) = slot.current.lock() {
                        *current = Some((job, Instant::now()));
                    }
                    let mut scanned = read(&path, named_audio, covers.as_deref());
                    if let Ok(mut current) = slot.current.lock() {
                        *current = None;
                    }
                    if slot.abandoned.load(Ordering::SeqCst) {
                        break;
                    }
                    // What the walk saw is what unchanged-detection compares next time.
                    if scanned.size == 0 && scanned.mtime_ns == 0 {
                        scanned.size = size;
                        scanned.mtime_ns = mtime_ns;
                    }
                    if results.blocking_send(scanned).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| LibraryError::Task(format!("starting a scan worker: {e}")))?;
        Ok(())
    }

    /// Reports the files workers have been stuck on for longer than `limit`, replacing those
    /// workers.
    fn abandon_stuck(&mut self, limit: Duration) -> Result<Vec<Scanned>> {
        let mut out = Vec::new();
        for slot in self.slots.clone() {
            let Ok(mut current) = slot.current.lock() else {
                continue;
            };
            let stuck = current
                .as_ref()
                .is_some_and(|(_, since)| since.elapsed() > limit);
            if !stuck || slot.abandoned.swap(true, Ordering::SeqCst) {
                continue;
            }
            if let Some((job, _)) = current.take() {
                tracing::warn!(path = %job.path.display(), "reading a file hung; skipped");
                out.push(Scanned {
                    path: job.path,
                    size: job.size,
                    mtime_ns: job.mtime_ns,
                    fingerprint: String::new(),
                    outcome: Outcome::Unreadable(format!(
                        "reading this file did not finish within {} s; it was skipped",
                        limit.as_secs()
                    )),
                });
            }
            drop(current);
            self.spawn_one()?;
        }
        Ok(out)
    }
}

/// Rewrites a known track's row (changed, moved or back from missing).
async fn update(tx: &mut Transaction<'_, Sqlite>, row: &Row) -> Result<()> {
    bind_row(sqlx::query(UPDATE_TRACK), row)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT OR REPLACE INTO tracks_short (rowid, terms) \
         SELECT rowid, ?2 FROM tracks WHERE id = ?1",
    )
    .bind(&row.id)
    .bind(&row.terms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One track row as written.
#[derive(Debug)]
struct Row {
    id: String,
    path: String,
    size: i64,
    mtime_ns: i64,
    fingerprint: String,
    title: String,
    artist: Option<String>,
    album: Option<String>,
    album_artist: Option<String>,
    artist_id: Option<i64>,
    album_id: Option<i64>,
    track_no: Option<u32>,
    disc_no: Option<u32>,
    genre: Option<String>,
    year: Option<u16>,
    duration_ms: Option<i64>,
    sample_rate: Option<u32>,
    channels: Option<u8>,
    codec: Option<&'static str>,
    rg_track_gain: Option<f64>,
    rg_track_peak: Option<f64>,
    rg_album_gain: Option<f64>,
    rg_album_peak: Option<f64>,
    cover: Option<String>,
    status: &'static str,
    reason: Option<String>,
    now_ms: i64,
    terms: String,
}

struct Writer {
    pending: Vec<Row>,
    existing: HashMap<String, String>,
    movable: HashMap<String, Vec<(String, String)>>,
    missing_ids: HashSet<String>,
    claimed: HashSet<String>,
    artists: HashMap<String, i64>,
    albums: HashMap<(String, String), i64>,
}

/// The columns of a new track, in the order [`bind_new`] binds them.
const INSERT_COLUMNS: &str = "id, path, size, mtime_ns, fingerprint, title, artist, album, \
    album_artist, artist_id, album_id, track_no, disc_no, genre, year, duration_ms, \
    sample_rate, channels, codec, rg_track_gain, rg_track_peak, rg_album_gain, rg_album_peak, \
    cover, status, reason, added_at_ms, updated_at_ms";
const INSERT_WIDTH: usize = 28;
/// The shapes of the insert statements: a batch is cut into chunks of at most the largest, and
/// a chunk padded with rows of NULLs (left out by the statement) up to the next shape. A few
/// shapes keep the statements prepared once per connection, and few statements per batch keep
/// the full-text indexes from flushing their pending terms before each one.
const INSERT_SHAPES: [usize; 4] = [4, 16, 64, BATCH];

/// The shape a chunk of `rows` new tracks is padded to.
fn insert_shape(rows: usize) -> usize {
    INSERT_SHAPES
        .into_iter()
        .find(|&shape| shape >= rows)
        .unwrap_or(BATCH)
}

/// `INSERT … SELECT … FROM (VALUES (?, …), …)` for `rows` new tracks; rows whose id is NULL
/// are padding.
fn insert_tracks_sql(rows: usize) -> String {
    let one = format!("({})", vec!["?"; INSERT_WIDTH].join(", "));
    format!(
        "INSERT INTO tracks ({INSERT_COLUMNS}) SELECT * FROM (VALUES {}) \
         WHERE column1 IS NOT NULL",
        vec![one; rows].join(", ")
    )
}

/// The short-word index rows of `rows` new tracks, found by their ids.
fn insert_short_sql(rows: usize) -> String {
    format!(
        "INSERT OR REPLACE INTO tracks_short (rowid, terms) SELECT t.rowid, v.column2 \
         FROM (VALUES {}) v JOIN tracks t ON t.id = v.column1",
        vec!["(?, ?)"; rows].join(", ")
    )
}

type Insert<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>;

/// A track row's values in the order both `UPDATE_TRACK` and the insert take them, ending
/// with the time of the change.
fn bind_row<'q>(query: Insert<'q>, row: &'q Row) -> Insert<'q> {
    query
        .bind(&row.id)
        .bind(&row.path)
        .bind(row.size)
        .bind(row.mtime_ns)
        .bind(&row.fingerprint)
        .bind(&row.title)
        .bind(&row.artist)
        .bind(&row.album)
        .bind(&row.album_artist)
        .bind(row.artist_id)
        .bind(row.album_id)
        .bind(row.track_no.map(i64::from))
        .bind(row.disc_no.map(i64::from))
        .bind(&row.genre)
        .bind(row.year.map(i64::from))
        .bind(row.duration_ms)
        .bind(row.sample_rate.map(i64::from))
        .bind(row.channels.map(i64::from))
        .bind(row.codec)
        .bind(row.rg_track_gain)
        .bind(row.rg_track_peak)
        .bind(row.rg_album_gain)
        .bind(row.rg_album_peak)
        .bind(&row.cover)
        .bind(row.status)
        .bind(&row.reason)
        .bind(row.now_ms)
}

/// A new row: its values, then when it was added (now).
fn bind_new<'q>(query: Insert<'q>, row: &'q Row) -> Insert<'q> {
    bind_row(query, row).bind(row.now_ms)
}

const UPDATE_TRACK: &str = "UPDATE tracks SET path = ?2, size = ?3, mtime_ns = ?4, \
    fingerprint = ?5, title = ?6, artist = ?7, album = ?8, album_artist = ?9, artist_id = ?10, \
    album_id = ?11, track_no = ?12, disc_no = ?13, genre = ?14, year = ?15, duration_ms = ?16, \
    sample_rate = ?17, channels = ?18, codec = ?19, rg_track_gain = ?20, rg_track_peak = ?21, \
    rg_album_gain = ?22, rg_album_peak = ?23, cover = ?24, status = ?25, reason = ?26, \
    updated_at_ms = ?27 WHERE id = ?1";

impl Writer {
    async fn write(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        scanned: Scanned,
        report: &mut ScanReport,
    ) -> Result<()> {
        let (info, reason) = match scanned.outcome {
            Outcome::Ignored => return Ok(()),
            Outcome::Read(info) => (*info, None),
            Outcome::Unreadable(reason) => {
                report.unreadable.push(UnreadableFile {
                    path: scanned.path.clone(),
                    reason: reason.clone(),
                });
                let title = scanned
                    .path
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (
                    TrackInfo {
                        title,
                        ..TrackInfo::default()
                    },
                    Some(reason),
                )
            }
        };
        let path = scanned.path.to_string_lossy().into_owned();
        let (id, insert) = if let Some(id) = self.existing.get(&path) {
            report.updated += 1;
            (id.clone(), false)
        } else if let Some(id) = self.take_moved(&scanned.fingerprint) {
            report.moved += 1;
            (id, false)
        } else {
            report.added += 1;
            (new_id("t"), true)
        };
        self.existing.insert(path.clone(), id.clone());

        let (artist_id, album_id) = if reason.is_none() {
            self.link(tx, &info).await?
        } else {
            (None, None)
        };
        let status = if reason.is_some() {
            TrackStatus::Unreadable
        } else {
            TrackStatus::Ok
        };
        let terms = short_terms(&[
            Some(info.title.as_str()),
            info.artist.as_deref(),
            info.album.as_deref(),
            info.album_artist.as_deref(),
        ]);
        let readable = reason.is_none();
        let row = Row {
            id,
            path,
            size: i64::try_from(scanned.size).unwrap_or(i64::MAX),
            mtime_ns: scanned.mtime_ns,
            fingerprint: scanned.fingerprint,
            title: info.title,
            artist: info.artist,
            album: info.album,
            album_artist: info.album_artist,
            artist_id,
            album_id,
            track_no: info.track_no,
            disc_no: info.disc_no,
            genre: info.genre,
            year: info.year,
            duration_ms: readable.then(|| i64::try_from(info.duration_ms).unwrap_or(i64::MAX)),
            sample_rate: info.sample_rate,
            channels: info.channels,
            codec: readable.then_some(info.codec),
            rg_track_gain: info.rg_track_gain,
            rg_track_peak: info.rg_track_peak,
            rg_album_gain: info.rg_album_gain,
            rg_album_peak: info.rg_album_peak,
            cover: info.cover,
            status: status.as_str(),
            reason,
            now_ms: now_ms(),
            terms,
        };
        if insert {
            // New tracks go in together at the end of the batch: one statement, not hundreds.
            self.pending.push(row);
            return Ok(());
        }
        update(tx, &row).await
    }

    /// Inserts the new tracks collected since the last flush: one statement for the batch with
    /// its values bound (encoding them as JSON for SQLite to take apart cost a third of the
    /// scan), and one for its short-word index rows.
    async fn flush(&mut self, tx: &mut Transaction<'_, Sqlite>) -> Result<()> {
        for chunk in self.pending.chunks(BATCH) {
            let shape = insert_shape(chunk.len());
            let mut insert = sqlx::query(AssertSqlSafe(insert_tracks_sql(shape)));
            for row in chunk {
                insert = bind_new(insert, row);
            }
            for _ in 0..(shape - chunk.len()) * INSERT_WIDTH {
                insert = insert.bind(None::<i64>);
            }
            insert.execute(&mut **tx).await?;
            let mut short = sqlx::query(AssertSqlSafe(insert_short_sql(shape)));
            for row in chunk {
                short = short.bind(&row.id).bind(&row.terms);
            }
            for _ in 0..(shape - chunk.len()) * 2 {
                short = short.bind(None::<String>);
            }
            short.execute(&mut **tx).await?;
        }
        self.pending.clear();
        Ok(())
    }

    /// A row this fingerprint continues: missing, or whose file is gone from disk.
    fn take_moved(&mut self, fingerprint: &str) -> Option<String> {
        if fingerprint.is_empty() {
            return None;
        }
        let candidates = self.movable.get(fingerprint)?;
        let found = candidates.iter().find(|(id, path)| {
            !self.claimed.contains(id)
                && (self.missing_ids.contains(id) || !Path::new(path).exists())
        })?;
        let id = found.0.clone();
        self.existing.remove(&found.1);
        self.claimed.insert(id.clone());
        Some(id)
    }

    async fn link(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        info: &TrackInfo,
    ) -> Result<(Option<i64>, Option<i64>)> {
        let artist_id = match &info.artist {
            Some(name) => {
                if let Some(id) = self.artists.get(name) {
                    Some(*id)
                } else {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO artists (name) VALUES (?1) \
                         ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                    )
                    .bind(name)
                    .fetch_one(&mut **tx)
                    .await?;
                    self.artists.insert(name.clone(), id);
                    Some(id)
                }
            }
            None => None,
        };
        let album_id = match &info.album {
            Some(title) => {
                let by = info
                    .album_artist
                    .clone()
                    .or_else(|| info.artist.clone())
                    .unwrap_or_default();
                let key = (title.clone(), by);
                if let Some(id) = self.albums.get(&key) {
                    Some(*id)
                } else {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO albums (title, album_artist, year, cover) \
                         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (title, album_artist) DO UPDATE \
                         SET year = COALESCE(albums.year, excluded.year), \
                         cover = COALESCE(albums.cover, excluded.cover) RETURNING id",
                    )
                    .bind(&key.0)
                    .bind(&key.1)
                    .bind(info.year.map(i64::from))
                    .bind(&info.cover)
                    .fetch_one(&mut **tx)
                    .await?;
                    self.albums.insert(key, id);
                    Some(id)
                }
            }
            None => None,
        };
        Ok((artist_id, album_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hanging_reader(path: &Path, named_audio: bool, covers: Option<&Covers>) -> Scanned {
        if path.ends_with("hang.flac") {
            std::thread::sleep(Duration::from_hours(1));
        }
        tags::read_file(path, named_audio, covers)
    }

    #[tokio::test]
    async fn a_worker_stuck_on_one_file_is_replaced_and_the_file_reported() {
        let dir = tempfile::TempDir::new().unwrap();
        let jobs: Vec<Candidate> = ["hang.flac", "a.mp3", "b.mp3", "c.mp3"]
            .iter()
            .map(|name| {
                let path = dir.path().join(name);
                std::fs::write(&path, b"not audio at all").unwrap();
                Candidate {
                    path,
                    size: 16,
                    mtime_ns: 1,
                    named_audio: true,
                }
            })
            .collect();
        let (mut pool, mut results) = Workers::start(jobs, None, hanging_reader);
        pool.spawn_one().unwrap();
        let mut seen = Vec::new();
        while seen.len() < 4 {
            match tokio::time::timeout(Duration::from_millis(100), results.recv()).await {
                Ok(Some(s)) => seen.push(s),
                Ok(None) => break,
                Err(_) => seen.extend(pool.abandon_stuck(Duration::from_millis(200)).unwrap()),
            }
        }
        let hung = seen.iter().find(|s| s.path.ends_with("hang.flac")).unwrap();
        assert!(
            matches!(&hung.outcome, Outcome::Unreadable(r) if r.contains("did not finish")),
            "{hung:?}"
        );
        assert_eq!(seen.len(), 4);
        assert_eq!(pool.slots.len(), 2, "one replacement worker");
    }
}
