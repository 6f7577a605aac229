//! Settlement benchmark: closing a month with 10,000,000 subscriber download events across
//! 10,000 shops (100,000 subscribers × 100 tracks each) on PostgreSQL, through the real
//! `shrimp-server settle --month` command: wall time and the command's peak memory, then a
//! check that the split is exact to the fen and that a rerun changes nothing.
//!
//! Run through `make bench` (which starts the throwaway PostgreSQL cluster and builds the
//! release server), or:
//! `cargo build --release -p shrimp-server && scripts/with-services.sh cargo run --release -p shrimp-tests --example bench_settlement`

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::too_many_lines)] // A benchmark binary: fail loudly, print results, one long script.

use std::process::Command;
use std::time::Instant;

use shrimp_tests::server::postgres_database;
use shrimp_tests::workspace;
use sqlx::Row;

const SUBSCRIBERS: i64 = 100_000;
const TRACKS_EACH: i64 = 100;
const SHOPS: i64 = 10_000;
/// Every third subscriber paid ¥9.99 (the plan changed mid-month), the rest ¥10.00, so the
/// pool does not divide evenly and the largest-remainder rounding has work to do.
const FEE: &str = "(CASE WHEN u % 3 = 0 THEN 999 ELSE 1000 END)";
const MONTH: &str = "2026-10";

async fn one(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

async fn exec(pool: &sqlx::AnyPool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap();
}

/// Runs `shrimp-server settle` under GNU `time`; returns (wall seconds, peak resident memory, log).
fn settle(server: &std::path::Path, url: &str, data: &std::path::Path) -> (f64, f64, String) {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(server)
        .args(["--database-url", url, "--data-dir"])
        .arg(data)
        .args(["settle", "--month", MONTH])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "settle failed:\n{stdout}\n{stderr}"
    );
    let peak_kib: f64 = stderr
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|value| value.trim().parse().ok())
        .unwrap();
    (wall, peak_kib / 1024.0, stdout)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = workspace::binary("shrimp-server", "SHRIMP_SERVER_BIN").unwrap();
    let url = postgres_database().unwrap();
    let data = tempfile::tempdir().unwrap();
    // Migrate through the real binary, then fill the month in bulk.
    let status = Command::new(&server)
        .args(["--database-url", &url, "--data-dir"])
        .arg(data.path())
        .arg("migrate")
        .status()
        .unwrap();
    assert!(status.success());
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap();

    let filling = Instant::now();
    exec(
        &pool,
        &format!(
            "INSERT INTO users (id, email, display_name, password_hash, created_at) \
             SELECT 'u' || u, 'u' || u || '@bench.test', 'u' || u, '-', 0 FROM generate_series(1, {SUBSCRIBERS}) u"
        ),
    )
    .await;
    exec(
        &pool,
        &format!(
            "INSERT INTO subscription_periods (id, user_id, month, amount_fen, status, idempotency_key, \
             request_hash, provider, created_at, paid_at, expires_at) \
             SELECT 'sub_' || u, 'u' || u, '{MONTH}', {FEE}, 'paid', 'k', '-', 'demo', 0, 0, 0 \
             FROM generate_series(1, {SUBSCRIBERS}) u"
        ),
    )
    .await;
    exec(
        &pool,
        &format!(
            "INSERT INTO journal_entries (id, kind, order_id, created_at) \
             SELECT 'jnl_f' || u, 'subscription_fee', 'sub_' || u, 0 FROM generate_series(1, {SUBSCRIBERS}) u"
        ),
    )
    .await;
    exec(
        &pool,
        &format!(
            "INSERT INTO postings (entry_id, account, amount_fen) \
             SELECT 'jnl_f' || u, a.account, a.sign * {FEE} FROM generate_series(1, {SUBSCRIBERS}) u, \
             (VALUES ('buyer_clearing', -1), ('subscription_pool/{MONTH}', 1)) AS a(account, sign)"
        ),
    )
    .await;
    // Subscriber u downloads tracks (o(u) + k²) mod 10000 for k < 100 — distinct per
    // subscriber — where o(u) is 7919·u for even u (spread evenly) and u² for odd u (only
    // quadratic residues, so some shops get far more downloads than others). One track per
    // shop here.
    exec(
        &pool,
        &format!(
            "INSERT INTO subscription_downloads (month, user_id, track_id, shop_id, created_at) \
             SELECT '{MONTH}', 'u' || u, 't' || s, 'shop_' || s, 0 FROM ( \
               SELECT u, ((CASE WHEN u % 2 = 0 THEN u * 7919 ELSE u * u END) % {SHOPS} + k * k) % {SHOPS} AS s \
               FROM generate_series(1::bigint, {SUBSCRIBERS}) u, generate_series(0, {TRACKS_EACH} - 1) k) AS d"
        ),
    )
    .await;
    exec(&pool, "ANALYZE").await;
    let events = one(&pool, "SELECT COUNT(*) AS n FROM subscription_downloads").await;
    let shops = one(
        &pool,
        "SELECT COUNT(DISTINCT shop_id) AS n FROM subscription_downloads",
    )
    .await;
    println!(
        "filled {events} download events across {shops} shops for {SUBSCRIBERS} subscribers in {:.1} s",
        filling.elapsed().as_secs_f64()
    );
    assert_eq!(events, SUBSCRIBERS * TRACKS_EACH);
    assert_eq!(shops, SHOPS);

    let (wall, peak_mib, _) = settle(&server, &url, data.path());
    println!("shrimp-server settle --month {MONTH}: {wall:.2} s wall, peak RSS {peak_mib:.1} MiB");

    // Exact to the fen: the shares sum to the pool, every share is within one fen of
    // pool × downloads ÷ total, and nothing is left in the pool.
    let pool_fen = one(
        &pool,
        "SELECT CAST(SUM(amount_fen) AS BIGINT) AS n FROM subscription_periods",
    )
    .await;
    let shares = one(&pool, &format!("SELECT CAST(SUM(amount_fen) AS BIGINT) AS n FROM settlement_shares WHERE month = '{MONTH}'")).await;
    assert_eq!(shares, pool_fen, "the shares sum to the pool exactly");
    let off = one(
        &pool,
        &format!(
            "SELECT COUNT(*) AS n FROM settlement_shares WHERE month = '{MONTH}' AND \
             abs(amount_fen::numeric * {events} - {pool_fen}::numeric * downloads) >= {events}"
        ),
    )
    .await;
    assert_eq!(off, 0, "every share within a fen of exact");
    let recount = one(
        &pool,
        "SELECT COUNT(*) AS n FROM settlement_shares h JOIN (SELECT shop_id, COUNT(*) AS c \
         FROM subscription_downloads GROUP BY shop_id) d ON d.shop_id = h.shop_id \
         WHERE h.downloads <> d.c",
    )
    .await;
    assert_eq!(recount, 0, "every shop's downloads counted");
    assert_eq!(
        one(
            &pool,
            "SELECT CAST(SUM(amount_fen) AS BIGINT) AS n FROM postings"
        )
        .await,
        0
    );
    assert_eq!(
        one(&pool, &format!("SELECT CAST(SUM(amount_fen) AS BIGINT) AS n FROM postings WHERE account = 'subscription_pool/{MONTH}'")).await,
        0
    );
    let statements = one(&pool, "SELECT COUNT(*) AS n FROM subscriber_statements").await;
    assert_eq!(statements, SUBSCRIBERS);
    let (min, max) = (
        one(&pool, "SELECT MIN(amount_fen) AS n FROM settlement_shares").await,
        one(&pool, "SELECT MAX(amount_fen) AS n FROM settlement_shares").await,
    );
    println!(
        "exact: {shops} shares sum to the pool of {pool_fen} fen (shares from {min} to {max} fen), \
         {statements} subscriber statements, ledger balanced"
    );

    let postings = one(&pool, "SELECT COUNT(*) AS n FROM postings").await;
    let (rerun_wall, rerun_peak, _) = settle(&server, &url, data.path());
    assert_eq!(
        one(&pool, "SELECT COUNT(*) AS n FROM postings").await,
        postings
    );
    println!("rerun (no change): {rerun_wall:.2} s wall, peak RSS {rerun_peak:.1} MiB");
    println!(
        "target < 10 s: {}",
        if wall < 10.0 { "met" } else { "MISSED" }
    );
}
