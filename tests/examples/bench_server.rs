//! Server benchmark: paid purchases per second through the full path (order + payment +
//! ledger + entitlement + outbox) on PostgreSQL, printed beside pgbench's TPC-B-like
//! transactions per second on the same cluster, plus purchase → SSE event latency.
//!
//! The server is the release `shrimp-server serve` in its own process, as deployed, so what
//! it costs is measured apart from the load generator. The buyers are a lean keep-alive
//! HTTP/1.1 loop (one connection each, requests written whole, the JSON answer checked), the
//! counterpart of pgbench's own lean C client: the figure is the server's, not the cost of a
//! general-purpose HTTP client in the same two cores. The owner's stream is read with
//! `shrimp-client`, as the app reads it.
//!
//! Run through `make bench` (which builds the release server and starts the throwaway
//! PostgreSQL cluster), or:
//! `cargo build --release -p shrimp-server && scripts/with-services.sh cargo run --release -p shrimp-tests --example bench_server`

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::too_many_lines)] // A benchmark binary: fail loudly, print results.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shrimp_api::{
    CreateOrder, IDEMPOTENCY_KEY_HEADER, IncomeEvent, OrderStatus, OrderView, ShopKindView,
};
use shrimp_client::Client;
use shrimp_domain::Fen;
use shrimp_tests::process::{self, Running};
use shrimp_tests::server::{postgres_database, sine_file, story};
use shrimp_tests::workspace;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

const CLIENTS: usize = 32;
const SECONDS: u64 = 15;
/// Tracks in the shop. A buyer who has bought them all goes on as its next account, so no
/// connection runs out within the measured time (400 × 4 per connection, far above the rate).
const TRACKS: usize = 400;
const ACCOUNTS_PER_BUYER: usize = 4;

/// pgbench's transactions per second, and the CPU seconds PostgreSQL spent on its run.
fn pgbench_tps(database_url: &str, port: &str) -> (f64, f64) {
    let init = Command::new("pgbench")
        .args(["-i", "-q", "-s", "4", database_url])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let postgres_cpu = postgres_cpu_seconds(port);
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
    let postgres_cpu = postgres_cpu_seconds(port) - postgres_cpu;
    let text = String::from_utf8_lossy(&run.stdout);
    let tps = text
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench output:\n{text}"));
    (tps, postgres_cpu)
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

/// The fields of `/proc/PID/stat` after the command name (which may hold spaces), so that
/// utime and stime are at 11 and 12 and cutime and cstime at 13 and 14.
fn stat_fields(pid: &str) -> Vec<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The sum of the clock-tick fields at `indexes`.
fn ticks(fields: &[String], indexes: &[usize]) -> f64 {
    indexes
        .iter()
        .filter_map(|index| fields.get(*index)?.parse::<f64>().ok())
        .sum()
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: &str) -> f64 {
    ticks(&stat_fields(pid), &[11, 12]) / 100.0
}

/// CPU seconds used so far by the benchmark's PostgreSQL cluster (the one listening on
/// `port`; other clusters on the machine are not counted): its postmaster, with what it has
/// reaped from backends that ended (a closed pgbench connection's CPU lands in its children's
/// time), and every live process it started.
fn postgres_cpu_seconds(port: &str) -> f64 {
    let pids: Vec<String> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let postmaster = pids.iter().find(|pid| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        args.first().is_some_and(|a| a.ends_with(b"/postgres"))
            && args
                .windows(2)
                .any(|w| w[0] == b"-p" && w[1] == port.as_bytes())
    });
    let Some(postmaster) = postmaster else {
        return f64::NAN;
    };
    // utime, stime; for the postmaster also cutime, cstime.
    let mut total = ticks(&stat_fields(postmaster), &[11, 12, 13, 14]);
    for pid in &pids {
        let fields = stat_fields(pid);
        if fields.get(1) == Some(postmaster) {
            total += ticks(&fields, &[11, 12]);
        }
    }
    total / 100.0
}

/// The release server in its own process (group), stopped when dropped.
struct ServerProcess {
    process: Running,
    base_url: String,
}

async fn start_server(binary: &Path, database_url: &str, data: &Path) -> ServerProcess {
    let port = process::free_port().unwrap();
    let mut command = Command::new(binary);
    command
        .args(["--database-url", database_url, "--data-dir"])
        .arg(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn");
    let mut server = ServerProcess {
        process: Running::spawn("shrimp-server", command, &data.join("server.log")).unwrap(),
        base_url: format!("http://127.0.0.1:{port}"),
    };
    let health = format!("{}/healthz", server.base_url);
    for _ in 0..300 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        server.process.check_alive().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer on {health}");
}

/// Registers `email`; a client signed in as it and its token.
async fn account(base_url: &str, email: &str) -> (Client, String) {
    story::register_at(base_url, email).await.unwrap()
}

/// One shop with enough published tracks that no buyer runs out within the measured time.
async fn seed(binary: &Path, database_url: &str, base_url: &str) -> (Client, String, Vec<String>) {
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.3).unwrap()).unwrap();
    let (reviewer, _) = account(base_url, "r@bench.test").await;
    let granted = Command::new(binary)
        .args([
            "--database-url",
            database_url,
            "grant-reviewer",
            "r@bench.test",
        ])
        .env("RUST_LOG", "warn")
        .status()
        .unwrap();
    assert!(granted.success());
    let (owner, _) = account(base_url, "o@bench.test").await;
    let kind = ShopKindView::Independent;
    let shop = story::open_shop(&owner, &reviewer, kind, "Bench", &sample)
        .await
        .unwrap();
    let mut tracks = Vec::new();
    for n in 0..TRACKS {
        let title = format!("T{n}");
        let track = story::publish_track(&owner, &shop, &title, Some(Fen(80)), &sample);
        tracks.push(track.await.unwrap());
    }
    (owner, shop, tracks)
}

/// A buyer's keep-alive HTTP/1.1 connection that does nothing but buy.
struct Buyer {
    stream: TcpStream,
    token: String,
    buffer: Vec<u8>,
}

impl Buyer {
    async fn connect(base_url: &str, token: String) -> Self {
        let address = base_url.trim_start_matches("http://");
        let stream = TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            stream,
            token,
            buffer: Vec::with_capacity(4096),
        }
    }

    /// `POST /api/v1/orders`; the paid order's id.
    async fn buy(&mut self, track_id: &str, key: &str) -> String {
        let body = serde_json::to_string(&CreateOrder {
            track_id: track_id.to_owned(),
        })
        .unwrap();
        let request = format!(
            "POST /api/v1/orders HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n\
             {IDEMPOTENCY_KEY_HEADER}: {key}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.token,
            body.len()
        );
        self.stream.write_all(request.as_bytes()).await.unwrap();
        // Read the head, then as many body bytes as Content-Length says.
        self.buffer.clear();
        let (head_end, length) = loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buffer[..end]).unwrap();
                assert!(
                    head.starts_with("HTTP/1.1 201"),
                    "unexpected answer: {head}"
                );
                let length = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .expect("an answer with a Content-Length");
                break (end + 4, length);
            }
            self.read_more().await;
        };
        while self.buffer.len() < head_end + length {
            self.read_more().await;
        }
        let order: OrderView = serde_json::from_slice(&self.buffer[head_end..]).unwrap();
        assert_eq!(order.status, OrderStatus::Paid);
        order.id
    }

    async fn read_more(&mut self) {
        let mut chunk = [0_u8; 4096];
        let read = self.stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the server closed the connection");
        self.buffer.extend_from_slice(&chunk[..read]);
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let binary = workspace::binary("shrimp-server", "SHRIMP_SERVER_BIN").unwrap();
    let seeded = Instant::now();
    let database_url = postgres_database().unwrap();
    let port = database_url
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap()
        .to_owned();
    let data = tempfile::tempdir().unwrap();
    let server = start_server(&binary, &database_url, data.path()).await;
    let (owner, shop, tracks) = seed(&binary, &database_url, &server.base_url).await;
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

    let mut buyers = Vec::new();
    for n in 0..CLIENTS {
        let mut tokens = Vec::new();
        for a in 0..ACCOUNTS_PER_BUYER {
            let (_, token) = account(&server.base_url, &format!("b{n}-{a}@bench.test")).await;
            tokens.push(token);
        }
        let buyer = Buyer::connect(&server.base_url, tokens[0].clone()).await;
        // The accounts this connection buys as, one after another.
        buyers.push((buyer, tokens));
    }
    eprintln!(
        "bench_server: seeded in {:.1} s; buying for {SECONDS} s",
        seeded.elapsed().as_secs_f64()
    );
    let server_pid = server.process.pid().to_string();
    let (server_cpu, bench_cpu, postgres_cpu) = (
        cpu_seconds(&server_pid),
        cpu_seconds("self"),
        postgres_cpu_seconds(&port),
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for (n, (mut buyer, tokens)) in buyers.into_iter().enumerate() {
        let tracks = tracks.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            'accounts: for (a, token) in tokens.into_iter().enumerate() {
                buyer.token = token;
                for (index, track) in tracks.iter().enumerate() {
                    if Instant::now() >= deadline {
                        break 'accounts;
                    }
                    let at = Instant::now();
                    let order = buyer.buy(track, &format!("{n}-{a}-{index}")).await;
                    sent.push((order, at, Instant::now()));
                }
            }
            sent
        }));
    }
    let mut sent = Vec::new();
    for task in tasks {
        sent.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(&server_pid) - server_cpu;
    let bench_cpu = cpu_seconds("self") - bench_cpu;
    let postgres_cpu = postgres_cpu_seconds(&port) - postgres_cpu;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let arrivals = arrivals.lock().await;
    // From sending the order (the figure with the target), and from its answer (the fan-out
    // alone: commit → NOTIFY → this instance → the stream), to the event's arrival.
    let mut latencies: Vec<Duration> = Vec::new();
    let mut fan_out: Vec<Duration> = Vec::new();
    for (order, at, answered) in &sent {
        if let Some(arrived) = arrivals.get(order) {
            latencies.push(arrived.saturating_duration_since(*at));
            fan_out.push(arrived.saturating_duration_since(*answered));
        }
    }
    latencies.sort();
    fan_out.sort();
    #[allow(clippy::cast_precision_loss)]
    let count = sent.len() as f64;
    let purchases_per_second = count / elapsed;

    let (pgbench, pgbench_postgres_cpu) = pgbench_tps(&database_url, &port);
    #[allow(clippy::cast_precision_loss)]
    let pgbench_transactions = pgbench * SECONDS as f64;
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
    println!(
        "  of which answer -> event:       p50 {:.1} ms, p99 {:.1} ms",
        percentile(&fan_out, 0.5).as_secs_f64() * 1000.0,
        percentile(&fan_out, 0.99).as_secs_f64() * 1000.0,
    );
    println!(
        "  CPU per purchase:               server {:.0} µs, PostgreSQL {:.0} µs, load generator {:.0} µs",
        server_cpu / count * 1e6,
        postgres_cpu / count * 1e6,
        bench_cpu / count * 1e6
    );
    println!(
        "  CPU per pgbench transaction:    PostgreSQL {:.0} µs",
        pgbench_postgres_cpu / pgbench_transactions * 1e6
    );
    println!(
        "  load average while buying:      {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(", ")
    );
}
