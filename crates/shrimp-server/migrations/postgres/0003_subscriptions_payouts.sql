-- Monthly subscriptions and their exact split at the month close, payments that wait for the
-- buyer (Alipay's QR code) with their notifications, and payouts to shops. Timestamps are Unix
-- milliseconds; money is integer fen; months are 'YYYY-MM' (UTC).

-- The plan the platform sells; one row, changed by operators.
CREATE TABLE subscription_plan (
    id INTEGER PRIMARY KEY,
    price_fen BIGINT NOT NULL,
    daily_download_cap BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO subscription_plan (id, price_fen, daily_download_cap, updated_at) VALUES (1, 1000, 100, 0);

-- A subscriber's standing choice: renew each month or not.
CREATE TABLE subscriptions (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    auto_renew INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One paid (or payable) month of a subscription; its id is the payment's out_trade_no.
CREATE TABLE subscription_periods (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    provider TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    expires_at BIGINT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE UNIQUE INDEX subscription_periods_paid ON subscription_periods(user_id, month) WHERE status = 'paid';
CREATE INDEX subscription_periods_month ON subscription_periods(month, status);

-- Subscriber downloads that count for the split: once per (month, subscriber, track). The
-- month close aggregates these rows; they are written only by the server, so no foreign keys
-- slow down months with millions of them.
CREATE TABLE subscription_downloads (
    month TEXT NOT NULL,
    user_id TEXT NOT NULL,
    track_id TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (month, user_id, track_id)
);

-- Running per-shop counts for the live projection (the close recounts from the rows above).
CREATE TABLE subscription_shop_months (
    month TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    PRIMARY KEY (month, shop_id)
);

-- A closed month: written once, in the same transaction as its ledger entries.
CREATE TABLE settlements (
    month TEXT PRIMARY KEY,
    fees_fen BIGINT NOT NULL,
    carried_in_fen BIGINT NOT NULL,
    pool_fen BIGINT NOT NULL,
    carry_over_fen BIGINT NOT NULL,
    subscribers BIGINT NOT NULL,
    shops BIGINT NOT NULL,
    downloads BIGINT NOT NULL,
    settled_at BIGINT NOT NULL
);

-- Each shop's statement line for a closed month.
CREATE TABLE settlement_shares (
    month TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (month, shop_id)
);
CREATE INDEX settlement_shares_shop ON settlement_shares(shop_id, month);

-- Each subscriber's statement for a closed month (the lines are derived from the shares).
CREATE TABLE subscriber_statements (
    user_id TEXT NOT NULL,
    month TEXT NOT NULL,
    fee_fen BIGINT NOT NULL,
    PRIMARY KEY (user_id, month)
);

-- Payments that wait for the buyer: the QR code shown and what the provider said.
CREATE TABLE payment_attempts (
    out_trade_no TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    provider TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    qr_code TEXT,
    status TEXT NOT NULL,
    trade_no TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_attempts_status ON payment_attempts(status, created_at);

-- Every verified notification, once (providers resend until they hear "success").
CREATE TABLE payment_notifications (
    notify_id TEXT PRIMARY KEY,
    out_trade_no TEXT NOT NULL,
    trade_status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- Money leaving a shop's balance for its payout account.
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(id),
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    payout_account TEXT NOT NULL,
    transfer_request TEXT,
    requested_at BIGINT NOT NULL,
    sent_at BIGINT,
    sent_by TEXT,
    UNIQUE (shop_id, idempotency_key)
);
CREATE INDEX payouts_status ON payouts(status, requested_at);
CREATE INDEX payouts_shop ON payouts(shop_id, requested_at);

-- A shop's standing payout instruction.
CREATE TABLE payout_schedules (
    shop_id TEXT PRIMARY KEY REFERENCES shops(id),
    cadence TEXT NOT NULL,
    minimum_fen BIGINT NOT NULL,
    last_run_month TEXT,
    updated_at BIGINT NOT NULL
);
