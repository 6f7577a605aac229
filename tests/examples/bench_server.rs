//! Server benchmark: paid purchases per second through the full path (order + payment +
//! ledger + entitlement + outbox) on PostgreSQL, printed beside pgbench's TPC-B-like
//! transactions per second on the same cluster, plus purchase → SSE event latency.
//!
//! Run through `make bench` (which starts the throwaway PostgreSQL cluster), or:
//! `scripts/with-services.sh cargo run --release -p shrimp-tests --example bench_server`

#![allow(clippy::unwrap_used, clippy::print_stdout)] // A benchmark binary: fail loudly, print results.

use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shrimp_api::{IncomeEvent, ShopKindView};
use shrimp_client::Client;
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use tokio::sync::Mutex;

const CLIENTS: usize = 32;
const SECONDS: u64 = 15;

fn pgbench_tps(database_url: &str) -> f64 {
    let init = Command::new("pgbench")
        .args(["-i", "-q", "-s", "4", database_url])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = Command::new("pgbench")
        .args([
            "-c",
            &CLIENTS.to_string(),
            "-j",
            "2",
            "-T",
            &SECONDS.to_string(),
            "-n",
            database_url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench output:\n{text}"))
}

async fn account(server: &TestServer, email: &str) -> Client {
    story::account(server, email).await.unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// One shop with enough published tracks that no buyer runs out within the measured time.
async fn seed(server: &TestServer) -> (Client, String, Vec<String>) {
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.3).unwrap()).unwrap();
    let reviewer = account(server, "r@bench.test").await;
    server.grant_reviewer("r@bench.test").await.unwrap();
    let owner = account(server, "o@bench.test").await;
    let kind = ShopKindView::Independent;
    let shop = story::open_shop(&owner, &reviewer, kind, "Bench", &sample)
        .await
        .unwrap();
    let mut tracks = Vec::new();
    for n in 0..400 {
        let title = format!("T{n}");
        let track = story::publish_track(&owner, &shop, &title, Some(Fen(80)), &sample);
        tracks.push(track.await.unwrap());
    }
    (owner, shop, tracks)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = TestServer::start(Backend::Postgres).await.unwrap();
    let (owner, shop, tracks) = seed(&server).await;
    let tracks = Arc::new(tracks);

    // The owner's live stream records when each order's event arrives.
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut stream = owner.income_events(&shop);
    stream.connect().await.unwrap();
    let listener_arrivals = arrivals.clone();
    tokio::spawn(async move {
        while let Ok(IncomeEvent::SaleRecorded { sale, .. }) = stream.next().await {
            listener_arrivals
                .lock()
                .await
                .insert(sale.order_id, Instant::now());
        }
    });

    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let buyer = account(&server, &format!("b{n}@bench.test")).await;
        let tracks = tracks.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            for (index, track) in tracks.iter().enumerate() {
                if Instant::now() >= deadline {
                    break;
                }
                let at = Instant::now();
                let order = buyer
                    .create_order(track, &format!("{n}-{index}"))
                    .await
                    .unwrap();
                sent.push((order.id, at));
            }
            sent
        }));
    }
    let mut sent = Vec::new();
    for task in tasks {
        sent.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let arrivals = arrivals.lock().await;
    let mut latencies: Vec<Duration> = sent
        .iter()
        .filter_map(|(order, at)| {
            arrivals
                .get(order)
                .map(|arrived| arrived.saturating_duration_since(*at))
        })
        .collect();
    latencies.sort();
    #[allow(clippy::cast_precision_loss)]
    let purchases_per_second = sent.len() as f64 / elapsed;

    let pgbench = pgbench_tps(&server.database_url);
    println!("server benchmark (PostgreSQL, {CLIENTS} concurrent clients, {SECONDS} s each)");
    println!(
        "  paid purchases/s (full path):   {purchases_per_second:>8.1}  ({} purchases)",
        sent.len()
    );
    println!("  pgbench TPC-B-like tps:         {pgbench:>8.1}");
    println!(
        "  ratio purchases/pgbench:        {:>8.2}  (target >= 0.5)",
        purchases_per_second / pgbench
    );
    println!(
        "  purchase -> SSE event latency:  p50 {:.1} ms, p99 {:.1} ms  ({} of {} events seen; target p99 < 50 ms)",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.len(),
        sent.len()
    );
}
