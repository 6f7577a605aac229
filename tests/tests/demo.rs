//! The embedded demo (issue 6): the core starts the real server in-process, seeds a
//! believable marketplace fast and the same every time, and the market simulator sells by
//! the rules while a shop owner watches the income arrive.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shrimp_api::{ErrorCode, IncomeEvent, ShopKindView};
use shrimp_client::{Client, Token};
use shrimp_core::embedded::{EmbeddedServer, SeedStatus, SeedStepView};
use shrimp_server::demo::{self, SimulatorSettings};
use sqlx::Row;

const PAUSED: SimulatorSettings = SimulatorSettings {
    paused: true,
    mean_interval_ms: 4_000,
};

async fn start(folder: &Path, simulator: SimulatorSettings) -> (EmbeddedServer, Vec<SeedStatus>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let server = EmbeddedServer::start(folder, simulator, move |status| {
        record.lock().unwrap().push(status);
    })
    .await
    .unwrap();
    let seen = seen.lock().unwrap().clone();
    (server, seen)
}

async fn sign_in(server: &EmbeddedServer, persona: demo::Persona) -> Client {
    let client = Client::new(server.url()).unwrap();
    let grant = client
        .sign_in(persona.email, demo::DEMO_PASSWORD)
        .await
        .unwrap();
    client.with_token(Token::new(grant.token))
}

/// (title, shop, price, audio sha256, duration) of every published track, in id order.
async fn catalogue(server: &EmbeddedServer) -> Vec<(String, String, i64, String, i64)> {
    sqlx::query(
        "SELECT title, shop_id, price_fen, audio_sha256, duration_ms FROM tracks \
         WHERE published = 1 ORDER BY id",
    )
    .fetch_all(&server.state().db.pool)
    .await
    .unwrap()
    .iter()
    .map(|row| {
        (
            row.get("title"),
            row.get("shop_id"),
            row.get("price_fen"),
            row.get("audio_sha256"),
            row.get("duration_ms"),
        )
    })
    .collect()
}

/// DESIGN.md §3: every entry balances, and each shop's payable from sales equals its paid sales.
async fn assert_ledger_exact(server: &EmbeddedServer) {
    let pool = &server.state().db.pool;
    let unbalanced =
        sqlx::query("SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_fen) <> 0")
            .fetch_all(pool)
            .await
            .unwrap();
    assert!(
        unbalanced.is_empty(),
        "{} unbalanced entries",
        unbalanced.len()
    );
    let sales: BTreeMap<String, i64> = sqlx::query(
        "SELECT shop_id, CAST(SUM(amount_fen) AS BIGINT) AS total FROM orders \
         WHERE status = 'paid' GROUP BY shop_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get("shop_id"), row.get("total")))
    .collect();
    for (shop, total) in &sales {
        // Sales alone (subscription shares also credit the shop, through settlements).
        let payable: i64 = sqlx::query(
            "SELECT CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) AS total FROM postings p \
             JOIN journal_entries j ON j.id = p.entry_id \
             WHERE p.account = $1 AND j.kind IN ('sale', 'refund')",
        )
        .bind(format!("shop_payable/{shop}"))
        .fetch_one(pool)
        .await
        .unwrap()
        .get("total");
        assert_eq!(
            payable.abs(),
            *total,
            "shop {shop}: payable {payable} vs sales {total}"
        );
    }
    let entitlements: i64 = sqlx::query("SELECT COUNT(*) AS n FROM entitlements")
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n");
    let paid: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE status = 'paid'")
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(entitlements, paid, "one entitlement per paid order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_launch_seeds_a_living_marketplace_fast_and_the_same_every_time() {
    let first = tempfile::tempdir().unwrap();
    let clock = Instant::now();
    let (server, progress) = start(first.path(), PAUSED).await;
    let seconds = clock.elapsed().as_secs_f64();
    println!("demo seed took {seconds:.2} s");

    // Progress moved through the music one track at a time and ended done.
    let music: Vec<_> = progress
        .iter()
        .filter(|status| status.step == SeedStepView::Music)
        .collect();
    assert!(music.len() > 60, "{} music progress updates", music.len());
    assert!(music.windows(2).all(|pair| pair[0].done <= pair[1].done));
    assert_eq!(progress.last().unwrap().step, SeedStepView::Done);

    // A store worth browsing: shops of both kinds, 60+ playable tracks with covers.
    let listener = sign_in(&server, demo::LISTENER).await;
    let shops = listener.shops().await.unwrap();
    assert!(shops.len() >= 8, "{} shops", shops.len());
    assert!(shops.iter().any(|shop| shop.kind == ShopKindView::Label));
    assert!(
        shops
            .iter()
            .any(|shop| shop.kind == ShopKindView::Independent)
    );
    assert!(shops.iter().any(|shop| {
        shop.name
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }));
    let home = listener.store_home().await.unwrap();
    assert!(home.new_releases.len() >= 8);
    assert!(home.genres.len() >= 5, "{:?}", home.genres);
    assert!(!home.selling_now.is_empty(), "the history has sales");
    assert!(home.new_releases.iter().all(|release| release.has_cover));
    let catalogue_one = catalogue(&server).await;
    assert!(catalogue_one.len() >= 60, "{} tracks", catalogue_one.len());
    for (title, _, price, _, duration) in &catalogue_one {
        assert!(
            (60_000..=150_000).contains(duration),
            "{title}: {duration} ms"
        );
        assert!((0..=5000).contains(price));
    }
    assert!(
        catalogue_one.iter().any(|track| track.2 == 0),
        "some tracks are free"
    );

    // Labels sell at the platform default; independents vary.
    for shop in &shops {
        let tracks = listener.shop_tracks(&shop.id).await.unwrap();
        assert!(!tracks.is_empty());
        if shop.kind == ShopKindView::Label {
            assert!(
                tracks.iter().all(|track| track.price.0 == 80),
                "{}",
                shop.name
            );
        }
    }

    // Real audio and art: the cover is a PNG; the preview is a ≤ 30 s WAV; lyrics are synced.
    let release = listener.release(&home.new_releases[0].id).await.unwrap();
    assert!(!release.tracks.is_empty());
    let cover = listener.release_cover(&release.release.id).await.unwrap();
    assert!(cover.starts_with(b"\x89PNG"));
    let track = &release.tracks[0];
    assert!(
        listener
            .track_cover(&track.id)
            .await
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    let preview = listener.preview(&track.id).await.unwrap();
    assert!(preview.starts_with(b"RIFF"));
    assert!(
        preview.len() <= 44 + 30 * 44_100 * 4,
        "{} bytes",
        preview.len()
    );
    let with_lyrics = listener
        .tracks(&shrimp_client::TrackQuery {
            limit: Some(200),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|track| track.lyrics.is_some())
        .count();
    assert!(with_lyrics >= 5, "{with_lyrics} tracks with lyrics");

    // The personas: a musician with a shop and income history, a label owner, a reviewer
    // with a pending application (and its playable sample) to review.
    let musician = sign_in(&server, demo::MUSICIAN).await;
    let me = musician.me().await.unwrap();
    let shop = me.shop_id.clone().expect("the demo musician owns a shop");
    let income = musician.income(&shop).await.unwrap();
    assert!(income.sales_count > 10, "{income:?}");
    assert!(income.all_time.0 > 0);
    // Last month's subscription pool was split through the real month close: the musician's
    // shop has a settled share, and the shares sum to the pool (40 subscribers × ¥10.00).
    let statements = musician.shop_subscription_statements(&shop).await.unwrap();
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(statements[0].pool.0, 40 * 1000);
    assert!(
        statements[0].downloads > 0 && statements[0].share.0 > 0,
        "{statements:?}"
    );
    // The share shows on the days it was earned: spread over last month's days by the
    // subscriber downloads on each, adding up exactly to the settled share.
    let days = musician.income_daily(&shop, 62).await.unwrap();
    let earning_days = days
        .iter()
        .filter(|day| day.subscription_share.0 > 0)
        .count();
    assert!(earning_days >= 10, "{earning_days} days with a share");
    let spread: i64 = days.iter().map(|day| day.subscription_share.0).sum();
    assert_eq!(spread, statements[0].share.0, "{days:?}");
    let shares: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM postings WHERE account LIKE 'shop_payable/%' \
         AND entry_id IN (SELECT id FROM journal_entries WHERE kind = 'settlement')",
    )
    .fetch_one(&server.state().db.pool)
    .await
    .unwrap();
    assert_eq!(shares.abs(), 40 * 1000, "the whole pool went to shops");
    assert!(
        sign_in(&server, demo::LABEL_OWNER)
            .await
            .me()
            .await
            .unwrap()
            .shop_id
            .is_some()
    );
    let reviewer = sign_in(&server, demo::REVIEWER).await;
    let inbox = reviewer.review_inbox().await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].id, demo::PENDING_APPLICATION_ID);
    let sample = reviewer.review_sample(&inbox[0].id).await.unwrap();
    assert!(sample.starts_with(b"fLaC"));
    assert_ledger_exact(&server).await;

    // Idempotent: starting again on the same folder adds nothing.
    let before = catalogue_one.len();
    drop(server);
    let (again, progress) = start(first.path(), PAUSED).await;
    assert_eq!(progress.last().unwrap().step, SeedStepView::Done);
    assert_eq!(catalogue(&again).await.len(), before);
    drop(again);

    // Deterministic: another folder gets the same catalogue, byte for byte.
    let second = tempfile::tempdir().unwrap();
    let (other, _) = start(second.path(), PAUSED).await;
    assert_eq!(catalogue(&other).await, catalogue_one);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_market_sells_by_the_rules_while_the_owner_watches() {
    let folder = tempfile::tempdir().unwrap();
    let (server, _) = start(folder.path(), PAUSED).await;
    let musician = sign_in(&server, demo::MUSICIAN).await;
    let shop = musician.me().await.unwrap().shop_id.unwrap();
    let before = musician.income(&shop).await.unwrap();
    let mut events = musician.income_events(&shop);
    events.connect().await.unwrap();

    let simulation_started_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    // Fast and busy, so the test is short; the app's default is a sale every few seconds.
    server.simulator().set(SimulatorSettings {
        paused: false,
        mean_interval_ms: 200,
    });
    let mut orders = HashSet::new();
    let mut amount = 0_i64;
    while orders.len() < 3 {
        let event = tokio::time::timeout(Duration::from_mins(1), events.next())
            .await
            .expect("the simulator sold nothing of the musician's in a minute")
            .unwrap();
        let IncomeEvent::SaleRecorded { sale, .. } = event else {
            continue;
        };
        assert!(orders.insert(sale.order_id.clone()), "a sale arrived twice");
        amount += sale.amount.0;
    }
    // The simulator counts a sale once its buyer has also asked for the download, a moment
    // after the owner's stream has it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.simulator().purchases() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(server.simulator().purchases() >= 3);

    // Simulated subscribers pay their month and download; each download counts once.
    let deadline = Instant::now() + Duration::from_mins(1);
    while server.simulator().subscriber_downloads() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(server.simulator().subscriber_downloads() >= 1);
    let pool = &server.state().db.pool;
    // Only this run's (the seed wrote last month's history).
    let counted: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM subscription_downloads WHERE created_at >= $1")
            .bind(simulation_started_ms)
            .fetch_one(pool)
            .await
            .unwrap()
            .get("n");
    assert!(counted >= 1, "no subscriber download was counted");
    // Repeats of a (subscriber, track, month) count once, so never more rows than downloads.
    assert!(
        u64::try_from(counted).unwrap() <= server.simulator().subscriber_downloads(),
        "{counted} counted for {} downloads",
        server.simulator().subscriber_downloads()
    );

    // Paused, it stops.
    server.simulator().set(PAUSED);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let paused_at = server.simulator().purchases();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(server.simulator().purchases(), paused_at);

    let after = musician.income(&shop).await.unwrap();
    assert!(after.sales_count >= before.sales_count + 3);
    assert!(after.all_time.0 >= before.all_time.0 + amount);
    assert_ledger_exact(&server).await;

    // Nobody owns a track twice, and no sale moved money to a shop other than the track's.
    let mismatched: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM orders o JOIN tracks t ON t.id = o.track_id \
         WHERE o.shop_id <> t.shop_id OR (o.status = 'paid' AND o.amount_fen <> t.price_fen)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
    .get("n");
    assert_eq!(mismatched, 0);

    // The simulated listeners are not a way in: they have no password.
    let anonymous = Client::new(server.url()).unwrap();
    let refused = anonymous
        .sign_in("listener-001@sim.shrimp.local", "!demo-no-password")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Unauthenticated);
}
