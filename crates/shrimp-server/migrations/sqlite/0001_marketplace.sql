-- Accounts, shop applications and their audit trail, shops, the catalogue, orders on a
-- double-entry ledger, entitlements and the income outbox. Timestamps are Unix milliseconds;
-- money is integer fen.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_reviewer INTEGER NOT NULL DEFAULT 0,
    is_operator INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE shop_applications (
    id TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    shop_name TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    contact TEXT NOT NULL,
    payout_account TEXT NOT NULL,
    declaration INTEGER NOT NULL,
    sample_sha256 TEXT,
    state TEXT NOT NULL,
    rejection_reason TEXT,
    shop_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX shop_applications_state ON shop_applications(state);

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    application_id TEXT NOT NULL REFERENCES shop_applications(id),
    actor_id TEXT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_events_application ON audit_events(application_id, seq);

CREATE TABLE shops (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL UNIQUE REFERENCES users(id),
    application_id TEXT NOT NULL REFERENCES shop_applications(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    payout_account TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE tracks (
    id TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(id),
    title TEXT NOT NULL,
    artists TEXT NOT NULL,
    genre TEXT NOT NULL,
    price_fen BIGINT NOT NULL,
    lyrics TEXT,
    duration_ms BIGINT NOT NULL DEFAULT 0,
    audio_sha256 TEXT,
    audio_size BIGINT,
    preview_sha256 TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    downloads BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX tracks_shop ON tracks(shop_id, created_at);
CREATE INDEX tracks_new ON tracks(published, created_at, id);
CREATE INDEX tracks_genre ON tracks(genre, created_at);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES users(id),
    track_id TEXT NOT NULL REFERENCES tracks(id),
    shop_id TEXT NOT NULL REFERENCES shops(id),
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    provider TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    expires_at BIGINT NOT NULL,
    UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX orders_buyer ON orders(buyer_id, created_at);
CREATE INDEX orders_shop ON orders(shop_id, status, paid_at);

CREATE TABLE journal_entries (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    order_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX journal_entries_order_kind ON journal_entries(order_id, kind);

CREATE TABLE postings (
    entry_id TEXT NOT NULL REFERENCES journal_entries(id),
    account TEXT NOT NULL,
    amount_fen BIGINT NOT NULL
);
CREATE INDEX postings_account ON postings(account);

CREATE TABLE entitlements (
    user_id TEXT NOT NULL REFERENCES users(id),
    track_id TEXT NOT NULL REFERENCES tracks(id),
    order_id TEXT NOT NULL REFERENCES orders(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, track_id)
);

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_shop ON outbox(shop_id, seq);
