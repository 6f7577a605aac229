-- One index per order of the library's track list (browse.rs, `TrackSort`), so a window of
-- the list is read in index order instead of sorting every track again. Partial: the list
-- shows playable tracks only, and the other rows need not pay for the index. Text columns
-- keep their NOCASE collation from the table, the same the list sorts with; every index ends
-- in the rowid, the list's final tiebreak, so the order is total.
CREATE INDEX tracks_by_artist ON tracks (artist, album, disc_no, track_no) WHERE status = 'ok';
CREATE INDEX tracks_by_title ON tracks (title) WHERE status = 'ok';
CREATE INDEX tracks_by_album ON tracks (album, disc_no, track_no) WHERE status = 'ok';
CREATE INDEX tracks_by_added ON tracks (added_at_ms) WHERE status = 'ok';
CREATE INDEX tracks_by_duration ON tracks (duration_ms) WHERE status = 'ok';
