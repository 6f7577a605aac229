//! DESIGN.md §3 under load: ≥ 10,000 purchases from 50 concurrent clients on PostgreSQL,
//! with replayed idempotency keys and reused keys with other bodies — zero lost or
//! duplicated fen.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use shrimp_api::{ErrorCode, ShopKindView};
use shrimp_client::Client;
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use sqlx::Row;

const BUYERS: usize = 50;
const TRACKS: usize = 200;

async fn account(server: &TestServer, email: &str) -> Client {
    story::account(server, email).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_concurrent_purchases_keep_the_ledger_exact() {
    let server = TestServer::start(Backend::Postgres).await.unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.5).unwrap()).unwrap();
    let reviewer = account(&server, "r@l.test").await;
    server.grant_reviewer("r@l.test").await.unwrap();

    // Two shops; prices vary per track so sums would show any mix-up.
    let mut tracks = Vec::new();
    let mut owners = Vec::new();
    for (index, email) in ["a@l.test", "b@l.test"].iter().enumerate() {
        let owner = account(&server, email).await;
        let kind = ShopKindView::Independent;
        let name = format!("Shop {index}");
        let shop = story::open_shop(&owner, &reviewer, kind, &name, &sample)
            .await
            .unwrap();
        for n in 0..TRACKS / 2 {
            let price = Fen(i64::try_from(n % 37).unwrap() * 13 + 1);
            let title = format!("T{n}");
            let track = story::publish_track(&owner, &shop, &title, Some(price), &sample);
            tracks.push((shop.clone(), track.await.unwrap(), price));
        }
        owners.push((owner, shop));
    }

    // The first shop's owner watches every sale arrive live, none missing, none twice.
    let (first_owner, first_shop) = owners.remove(0);
    let mut stream = first_owner.income_events(&first_shop);
    stream.connect().await.unwrap();
    let expected_live = BUYERS * TRACKS / 2;
    let watcher = tokio::spawn(async move {
        let mut orders = std::collections::HashSet::new();
        let mut last = 0;
        while orders.len() < expected_live {
            let event = tokio::time::timeout(std::time::Duration::from_secs(30), stream.next())
                .await
                .expect("a sale never reached the live stream")
                .unwrap();
            let shrimp_api::IncomeEvent::SaleRecorded { seq, sale } = event else {
                panic!("only sales happen here, got {event:?}");
            };
            assert!(seq > last, "events arrive in order");
            last = seq;
            assert!(orders.insert(sale.order_id), "an event arrived twice");
        }
        orders.len()
    });
    let mut buyers = Vec::new();
    for n in 0..BUYERS {
        buyers.push(account(&server, &format!("buyer{n}@l.test")).await);
    }
    let tracks = std::sync::Arc::new(tracks);
    let mut tasks = Vec::new();
    for (n, buyer) in buyers.into_iter().enumerate() {
        let tracks = tracks.clone();
        tasks.push(tokio::spawn(async move {
            let mut paid = 0_i64;
            for (index, (_, track, price)) in tracks.iter().enumerate() {
                let key = format!("{n}-{index}");
                let order = buyer.create_order(track, &key).await.unwrap();
                assert_eq!(order.amount, *price);
                if index % 10 == 0 {
                    let replay = buyer.create_order(track, &key).await.unwrap();
                    assert_eq!(replay.id, order.id);
                }
                if index % 20 == 1 {
                    let other = &tracks[(index + 1) % tracks.len()].1;
                    let reuse = buyer.create_order(other, &key).await.unwrap_err();
                    assert_eq!(reuse.code(), ErrorCode::Conflict);
                }
                paid += price.0;
            }
            paid
        }));
    }
    let mut expected_total = 0_i64;
    for task in tasks {
        expected_total += task.await.unwrap();
    }

    assert_eq!(watcher.await.unwrap(), expected_live);

    let pool = &server.state.db.pool;
    let one = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(pool)
            .await
            .unwrap()
            .get::<i64, _>("n")
    };
    assert_eq!(
        one("SELECT COUNT(*) AS n FROM orders WHERE status = 'paid'").await,
        i64::try_from(BUYERS * TRACKS).unwrap()
    );
    assert_eq!(
        one("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings").await,
        0
    );
    assert_eq!(
        one("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings WHERE account LIKE 'shop_payable/%'").await,
        expected_total,
        "every fen paid is credited to a shop"
    );
    assert_eq!(
        one("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM orders WHERE status = 'paid'").await,
        expected_total
    );
    assert_eq!(
        one("SELECT COUNT(*) AS n FROM entitlements").await,
        i64::try_from(BUYERS * TRACKS).unwrap()
    );
    assert_eq!(
        one("SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'sale'").await,
        i64::try_from(BUYERS * TRACKS).unwrap()
    );
    assert_eq!(
        one("SELECT COUNT(*) AS n FROM outbox").await,
        i64::try_from(BUYERS * TRACKS).unwrap(),
        "one income event per sale"
    );
    // Each shop's balance equals its sales.
    let balances = sqlx::query(
        "SELECT o.shop_id, CAST(SUM(o.amount_fen) AS BIGINT) AS sales, \
         (SELECT CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) FROM postings p WHERE p.account = 'shop_payable/' || o.shop_id) AS balance \
         FROM orders o WHERE o.status = 'paid' GROUP BY o.shop_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(balances.len(), 2);
    for row in balances {
        assert_eq!(row.get::<i64, _>("sales"), row.get::<i64, _>("balance"));
    }
}
