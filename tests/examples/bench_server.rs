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

use shrimp_api::{ApplicationDraft, IncomeEvent, NewTrack, ShopKindView, TrackUpdate};
use shrimp_client::{Client, Token};
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file};
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

async fn account(server: &TestServer, email: &str) -> (Client, String) {
    let grant = Client::new(&server.base_url)
        .unwrap()
        .register(email, "a long password", email)
        .await
        .unwrap();
    (
        Client::new(&server.base_url)
            .unwrap()
            .with_token(Token::new(grant.token.clone())),
        grant.token,
    )
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
    let (reviewer, _) = account(server, "r@bench.test").await;
    server.grant_reviewer("r@bench.test").await.unwrap();
    let (owner, _) = account(server, "o@bench.test").await;
    let application = owner
        .create_application(&ApplicationDraft {
            kind: ShopKindView::Independent,
            shop_name: "Bench".into(),
            legal_name: "B".into(),
            contact: "c".into(),
            payout_account: "p".into(),
            declares_own_copyright_no_covers: true,
        })
        .await
        .unwrap();
    owner
        .upload_sample(&application.id, sample.clone())
        .await
        .unwrap();
    owner.submit_application(&application.id).await.unwrap();
    let shop = reviewer
        .approve(&application.id)
        .await
        .unwrap()
        .shop_id
        .unwrap();
    // Enough tracks that no client runs out within the measured time.
    let mut tracks = Vec::new();
    for n in 0..400 {
        let track = owner
            .create_track(
                &shop,
                &NewTrack {
                    title: format!("T{n}"),
                    artists: "A".into(),
                    genre: "g".into(),
                    price: Some(Fen(80)),
                    lyrics: None,
                },
            )
            .await
            .unwrap();
        owner.upload_audio(&track.id, sample.clone()).await.unwrap();
        owner
            .update_track(
                &track.id,
                &TrackUpdate {
                    published: Some(true),
                    ..TrackUpdate::default()
                },
            )
            .await
            .unwrap();
        tracks.push(track.id);
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
        let (buyer, _) = account(&server, &format!("b{n}@bench.test")).await;
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
