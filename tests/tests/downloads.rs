//! Purchases into the library through the app core (`shrimp_core::downloads`), against a real
//! server over loopback, with the network between them able to misbehave: a proxy that can cut
//! a download off mid-file or flip a byte in it. And a music folder on a tiny disk that fills.
//! Every failure must come back with its own code and message, keep the order, leave no
//! partial file in sight, and succeed on retry.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use shrimp_api::{ErrorCode, OrderStatus, ShopKindView};
use shrimp_core::downloads::{DownloadProgress, Downloads};
use shrimp_core::{AppPaths, Credentials, KeyringUnavailable, Market, UnavailableKind};
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to file downloads (other requests always pass untouched).
const PASS: u8 = 0;
const CUT: u8 = 1;
const CORRUPT: u8 = 2;

/// A loopback HTTP proxy in front of the server that can break downloads on request.
struct Proxy {
    url: String,
    mode: Arc<AtomicU8>,
}

impl Proxy {
    async fn start(upstream: &str) -> Self {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(AtomicU8::new(PASS));
        let shared = mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let mode = shared.clone();
                tokio::spawn(async move {
                    let _ = relay(client, &upstream, &mode).await;
                });
            }
        });
        Self { url, mode }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// One request per connection (`Connection: close` is added), so each can be judged alone.
async fn relay(mut client: TcpStream, upstream: &str, mode: &AtomicU8) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let is_file = text.starts_with("GET /api/v1/downloads/");
    let mut lines: Vec<&str> = text
        .split("\r\n")
        .filter(|line| !line.is_empty() && !line.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let head = format!("{}\r\n\r\n", lines.join("\r\n"));
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(head.as_bytes()).await?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mode = if is_file {
        mode.load(Ordering::SeqCst)
    } else {
        PASS
    };
    let mut response = Vec::new();
    let mut buffer = vec![0u8; 16 * 1024];
    let mut body_at = None;
    loop {
        let n = server_read.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        let start = response.len();
        response.extend_from_slice(&buffer[..n]);
        if body_at.is_none() {
            body_at = response
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|at| at + 4);
        }
        match (mode, body_at) {
            // Headers and 20 kB of the body, then the line goes dead.
            (CUT, Some(body)) if response.len() >= body + 20_000 => {
                client_write
                    .write_all(&response[start..body + 20_000])
                    .await?;
                return Ok(());
            }
            (CORRUPT, Some(body)) if response.len() > body + 1_000 => {
                let mut chunk = response[start..].to_vec();
                if (start..response.len()).contains(&(body + 1_000)) {
                    chunk[body + 1_000 - start] ^= 0x5a;
                }
                client_write.write_all(&chunk).await?;
            }
            _ => client_write.write_all(&buffer[..n]).await?,
        }
    }
    client_write.shutdown().await
}

struct World {
    server: TestServer,
    proxy: Proxy,
    track_id: String,
    audio: Vec<u8>,
    _temp: tempfile::TempDir,
    data_dir: PathBuf,
}

/// A shop with one 6-second FLAC track (~150 kB) at ¥1.20 behind the proxy.
async fn world() -> World {
    let temp = tempfile::tempdir().unwrap();
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let proxy = Proxy::start(&server.base_url).await;
    let reviewer = story::account(&server, "reviewer@example.com")
        .await
        .unwrap();
    server.grant_reviewer("reviewer@example.com").await.unwrap();
    let owner = story::account(&server, "owner@example.com").await.unwrap();
    let flac = sine_file(temp.path(), "tone.flac", 440, 6.0).unwrap();
    let audio = std::fs::read(&flac).unwrap();
    let shop = story::open_shop(&owner, &reviewer, ShopKindView::Independent, "山风", &audio)
        .await
        .unwrap();
    let track_id = story::publish_track(&owner, &shop, "晴天", Some(Fen::new(120)), &audio)
        .await
        .unwrap();
    World {
        server,
        proxy,
        track_id,
        audio,
        data_dir: temp.path().join("data"),
        _temp: temp,
    }
}

/// The app's core signed in (through the proxy) as a new listener who bought the track.
async fn listener_who_bought(world: &World) -> (Arc<Market>, AppPaths) {
    let paths = AppPaths::resolve(Some(world.data_dir.clone()), None, None).unwrap();
    paths.ensure().unwrap();
    let credentials = Credentials::until_quit(KeyringUnavailable::new(
        UnavailableKind::NoService,
        "tests keep the session in memory",
    ));
    let market = Market::with_credentials(&paths, credentials);
    market
        .register(
            &world.proxy.url,
            "listener@example.com",
            story::PASSWORD,
            "听众",
        )
        .await
        .unwrap();
    let order = market.buy(&world.track_id, "attempt-1").await.unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    (market, paths)
}

fn recorder() -> (
    Arc<Mutex<Vec<DownloadProgress>>>,
    impl FnMut(DownloadProgress) + Send,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, move |progress| sink.lock().unwrap().push(progress))
}

/// Files in `dir` (hidden partial downloads included).
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn a_purchase_downloads_verified_with_progress_and_its_provenance() {
    let world = world().await;
    let (market, paths) = listener_who_bought(&world).await;
    let downloads = Downloads::new(&paths);
    let (seen, on_progress) = recorder();
    let track = downloads
        .download(&market, &world.track_id, on_progress)
        .await
        .unwrap();

    // The bytes on disk are exactly the shop's upload, named for people, in the music folder.
    let path = PathBuf::from(&track.path);
    assert_eq!(path.parent().unwrap(), downloads.music_dir());
    assert_eq!(path.file_name().unwrap(), "Artist - 晴天.flac");
    assert_eq!(std::fs::read(&path).unwrap(), world.audio);
    assert_eq!(track.sha256.len(), 64);
    let duration = track.duration_ms.unwrap();
    assert!((5_950..=6_050).contains(&duration), "{duration} ms");
    let orders = market.orders().await.unwrap();
    assert_eq!(track.order_id.as_deref(), Some(orders[0].id.as_str()));

    // Progress: the size up front, bytes rising to the whole file, then placed.
    let seen = seen.lock().unwrap().clone();
    let size = u32::try_from(world.audio.len()).unwrap();
    assert_eq!(
        seen.first(),
        Some(&DownloadProgress::Started { total: size })
    );
    assert_eq!(seen.last(), Some(&DownloadProgress::Placed));
    let received: Vec<u32> = seen
        .iter()
        .filter_map(|p| match p {
            DownloadProgress::Progressed { received, total } => {
                assert_eq!(*total, size);
                Some(*received)
            }
            _ => None,
        })
        .collect();
    assert!(received.windows(2).all(|w| w[0] < w[1]), "{received:?}");
    assert_eq!(received.last(), Some(&size));

    // The library holds it with where it came from; asking again fetches nothing new.
    let listed = downloads.downloaded().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].track_id, world.track_id);
    assert_eq!(listed[0].shop_id, track.shop_id);
    assert_eq!(listed[0].order_id, track.order_id);
    let again = downloads
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap();
    assert_eq!(again.path, track.path);
    assert_eq!(files(downloads.music_dir()), ["Artist - 晴天.flac"]);
    assert_eq!(again.library_track_id, track.library_track_id);
}

#[tokio::test]
async fn a_lost_connection_and_damaged_bytes_are_explained_and_a_retry_succeeds() {
    let world = world().await;
    let (market, paths) = listener_who_bought(&world).await;
    let downloads = Downloads::new(&paths);

    // The line goes dead after 20 kB, every attempt: "network lost", the order is safe.
    world.proxy.set(CUT);
    let (seen, on_progress) = recorder();
    let error = downloads
        .download(&market, &world.track_id, on_progress)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Unavailable, "{error}");
    assert!(error.to_string().contains("purchase is safe"), "{error}");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|p| matches!(p, DownloadProgress::Retrying { .. })),
        "the download retried by itself before giving up"
    );
    // Nothing half-written in sight: only the hidden part file a retry resumes from.
    let left = files(downloads.music_dir());
    assert!(
        left.iter().all(|name| name.starts_with('.')
            && Path::new(name).extension().is_some_and(|e| e == "part")),
        "{left:?}"
    );
    assert!(downloads.downloaded().await.unwrap().is_empty());

    // Bytes damaged on the way: a checksum mismatch, and the bad file is thrown away.
    world.proxy.set(CORRUPT);
    for name in &left {
        std::fs::remove_file(downloads.music_dir().join(name)).unwrap();
    }
    let error = downloads
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");
    assert!(error.to_string().contains("damaged"), "{error}");
    assert!(files(downloads.music_dir()).is_empty());

    // The order is still there and paid; with the network healthy, Retry brings it home.
    let orders = market.orders().await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, OrderStatus::Paid);
    world.proxy.set(PASS);
    let track = downloads
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(&track.path).unwrap(), world.audio);
    // The retry charged nothing.
    assert_eq!(market.orders().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_full_disk_is_explained_leaves_nothing_behind_and_a_retry_succeeds() {
    let world = world().await;
    let (market, paths) = listener_who_bought(&world).await;
    // A 64 kB disk for a ~150 kB file (tmpfs: the tests run as root, as `make test` does).
    let disk = tempfile::tempdir().unwrap();
    let mount = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(mount.success(), "mounting a tiny tmpfs needs root");
    let full = Downloads::with_music_dir(&paths, disk.path().join("music"));
    let error = full
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap_err();
    let left = files(&disk.path().join("music"));
    let unmount = std::process::Command::new("umount")
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(unmount.success());
    assert_eq!(error.code(), ErrorCode::Storage, "{error}");
    assert!(error.to_string().contains("disk is full"), "{error}");
    assert!(
        left.is_empty(),
        "the full disk is given its space back: {left:?}"
    );

    // The purchase is intact; on a disk with room the same download succeeds.
    assert_eq!(market.orders().await.unwrap()[0].status, OrderStatus::Paid);
    let roomy = Downloads::new(&paths);
    let track = roomy
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(&track.path).unwrap(), world.audio);
    drop(world.server);
}

#[tokio::test]
async fn a_track_not_bought_is_refused_with_a_way_forward() {
    let world = world().await;
    let paths = AppPaths::resolve(Some(world.data_dir.clone()), None, None).unwrap();
    paths.ensure().unwrap();
    let market = Market::with_credentials(
        &paths,
        Credentials::until_quit(KeyringUnavailable::new(UnavailableKind::NoService, "test")),
    );
    market
        .register(
            &world.proxy.url,
            "browser@example.com",
            story::PASSWORD,
            "看看",
        )
        .await
        .unwrap();
    let downloads = Downloads::new(&paths);
    let error = downloads
        .download(&market, &world.track_id, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Forbidden, "{error}");
    assert!(error.to_string().contains("subscribe"), "{error}");
    assert!(files(downloads.music_dir()).is_empty());
    let error = downloads
        .download(&market, "../etc", |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
}
