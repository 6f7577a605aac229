-- The local library. Append-only: add a new numbered file, never edit a shipped one.

CREATE TABLE artists (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE albums (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    album_artist TEXT NOT NULL DEFAULT '',
    year         INTEGER,
    cover        TEXT,
    UNIQUE (title, album_artist)
);

-- `rowid` is internal (FTS and joins); `id` is the opaque id the API hands out.
CREATE TABLE tracks (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    path           TEXT NOT NULL UNIQUE,
    size           INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    fingerprint    TEXT NOT NULL,
    title          TEXT NOT NULL COLLATE NOCASE,
    artist         TEXT COLLATE NOCASE,
    album          TEXT COLLATE NOCASE,
    album_artist   TEXT COLLATE NOCASE,
    artist_id      INTEGER REFERENCES artists (id),
    album_id       INTEGER REFERENCES albums (id),
    track_no       INTEGER,
    disc_no        INTEGER,
    genre          TEXT,
    year           INTEGER,
    duration_ms    INTEGER,
    sample_rate    INTEGER,
    channels       INTEGER,
    codec          TEXT,
    rg_track_gain  REAL,
    rg_track_peak  REAL,
    rg_album_gain  REAL,
    rg_album_peak  REAL,
    cover          TEXT,
    status         TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'unreadable')),
    reason         TEXT,
    added_at_ms    INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL
);

-- Few indexes on purpose: every one is paid for on each insert of a scan. Text lookups go
-- through the two full-text indexes below.
CREATE INDEX tracks_fingerprint ON tracks (fingerprint);
CREATE INDEX tracks_album ON tracks (album_id, disc_no, track_no);

-- Trigram tokens find substrings in any script, Chinese included; queries shorter than three
-- characters fall back to LIKE.
CREATE VIRTUAL TABLE tracks_fts USING fts5 (
    title, artist, album, album_artist, genre,
    content = 'tracks', content_rowid = 'rowid', tokenize = 'trigram remove_diacritics 1'
);

CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_fts (rowid, title, artist, album, album_artist, genre)
    VALUES (new.rowid, new.title, new.artist, new.album, new.album_artist, new.genre);
END;

CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album, album_artist, genre)
    VALUES ('delete', old.rowid, old.title, old.artist, old.album, old.album_artist, old.genre);
END;

CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album, album_artist, genre ON tracks
BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album, album_artist, genre)
    VALUES ('delete', old.rowid, old.title, old.artist, old.album, old.album_artist, old.genre);
    INSERT INTO tracks_fts (rowid, title, artist, album, album_artist, genre)
    VALUES (new.rowid, new.title, new.artist, new.album, new.album_artist, new.genre);
END;

-- Words and CJK unigrams/bigrams, filled by the library (not a trigger: splitting CJK text is
-- done in Rust). Serves queries shorter than a trigram: `晴天`, `夜`, and Latin word prefixes.
CREATE VIRTUAL TABLE tracks_short USING fts5 (
    terms, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
);

CREATE TABLE playlists (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL
);

-- Entries point at the track's opaque id so a rename or move (same id) keeps the playlist.
CREATE TABLE playlist_entries (
    playlist_rowid INTEGER NOT NULL REFERENCES playlists (rowid) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    track_id       TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    PRIMARY KEY (playlist_rowid, position)
);

CREATE TABLE play_history (
    rowid         INTEGER PRIMARY KEY,
    track_id      TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    played_at_ms  INTEGER NOT NULL
);
CREATE INDEX play_history_time ON play_history (played_at_ms);

CREATE TABLE purchases (
    rowid           INTEGER PRIMARY KEY,
    order_id        TEXT NOT NULL,
    shop_id         TEXT NOT NULL,
    store_track_id  TEXT,
    sha256          TEXT NOT NULL,
    path            TEXT NOT NULL,
    track_id        TEXT REFERENCES tracks (id) ON DELETE SET NULL,
    recorded_at_ms  INTEGER NOT NULL,
    UNIQUE (order_id, sha256)
);
CREATE INDEX purchases_track ON purchases (track_id);
