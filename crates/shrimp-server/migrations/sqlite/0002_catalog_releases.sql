-- Releases (albums, EPs, singles) group a shop's tracks; releases and tracks carry cover art
-- stored in the object store by hash. A track without its own cover shows its release's.
CREATE TABLE releases (
    id TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(id),
    title TEXT NOT NULL,
    artists TEXT NOT NULL,
    genre TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cover_sha256 TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX releases_shop ON releases(shop_id, created_at);
CREATE INDEX releases_new ON releases(created_at, id);

ALTER TABLE tracks ADD COLUMN release_id TEXT REFERENCES releases(id);
ALTER TABLE tracks ADD COLUMN track_number INTEGER;
ALTER TABLE tracks ADD COLUMN cover_sha256 TEXT;
CREATE INDEX tracks_release ON tracks(release_id, track_number);
CREATE INDEX orders_paid ON orders(status, paid_at);
