//! How long the demo's first-launch seed takes (target: under 10 s), and how much faster
//! than real time it makes the catalogue's music. Median of a few runs, each on a fresh
//! SQLite database and file store.
//!
//! `cargo run --release -p shrimp-server --example bench_seed [-- RUNS]`

#![allow(clippy::print_stdout, clippy::unwrap_used)] // A benchmark prints; a failure is fatal.

use std::sync::Arc;
use std::time::Instant;

use shrimp_server::{Clock, DemoProvider, SigningKey, demo, open_state};

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(3);
    let mut seconds = Vec::new();
    let mut audio_ms = 0_i64;
    for run in 0..runs {
        let folder = tempfile::tempdir().unwrap();
        let database = format!("sqlite://{}", folder.path().join("market.db").display());
        let state = open_state(
            &database,
            folder.path(),
            Clock::System,
            SigningKey::random(),
            Arc::new(DemoProvider),
        )
        .await
        .unwrap();
        let started = Instant::now();
        let report = demo::seed(&state, Arc::new(|_| {})).await.unwrap();
        let elapsed = started.elapsed().as_secs_f64();
        audio_ms =
            sqlx::query_scalar::<_, i64>("SELECT CAST(SUM(duration_ms) AS BIGINT) FROM tracks")
                .fetch_one(&state.db.pool)
                .await
                .unwrap();
        println!(
            "run {}: {elapsed:.2} s for {} shops, {} tracks, {} sales",
            run + 1,
            report.shops,
            report.tracks,
            report.sales
        );
        seconds.push(elapsed);
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    #[allow(clippy::cast_precision_loss)]
    let audio = audio_ms as f64 / 1000.0;
    println!(
        "demo seed: median {median:.2} s (target < 10 s); {audio:.0} s of music made at {:.0}× real time on {} threads",
        audio / median,
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );
}
