//! The marketplace story through the real server over loopback, driven by `shrimp-client`:
//! apply → review → approve → upload → buy → download → live income → statement, on SQLite
//! and on PostgreSQL, plus the rules and the bad input around it.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use std::fmt::Write as _;
use std::time::Duration;

use sqlx::Row;

use sha2::{Digest, Sha256};
use shrimp_api::{ApplicationDraft, ErrorCode, IncomeEvent, NewTrack, ShopKindView, TrackUpdate};
use shrimp_client::{Client, ClientError, Token, TrackQuery};
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};

fn code(error: &ClientError) -> ErrorCode {
    error.code()
}

async fn signed_up(server: &TestServer, email: &str) -> Client {
    story::account(server, email).await.unwrap()
}

fn draft(kind: ShopKindView, name: &str) -> ApplicationDraft {
    story::draft(kind, name)
}

/// Applies, gets approved by `reviewer`, and returns the new shop's id.
async fn open_shop(
    owner: &Client,
    reviewer: &Client,
    kind: ShopKindView,
    name: &str,
    sample: &[u8],
) -> String {
    story::open_shop(owner, reviewer, kind, name, sample)
        .await
        .unwrap()
}

async fn story(backend: Backend) {
    let server = TestServer::start(backend).await.unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "sample.wav", 440, 1.5).unwrap()).unwrap();
    let song = std::fs::read(sine_file(audio.path(), "song.flac", 330, 40.0).unwrap()).unwrap();

    let reviewer = signed_up(&server, "reviewer@shrimp.test").await;
    server.grant_reviewer("reviewer@shrimp.test").await.unwrap();
    let musician = signed_up(&server, "musician@shrimp.test").await;

    // Apply: a sample is required, and it must be real audio.
    let application = musician
        .create_application(&draft(ShopKindView::Independent, "山风 Mountain Wind"))
        .await
        .unwrap();
    assert_eq!(application.state, "draft");
    let refused = musician
        .submit_application(&application.id)
        .await
        .unwrap_err();
    assert_eq!(code(&refused), ErrorCode::InvalidInput);
    let not_audio = musician
        .upload_sample(&application.id, b"this is a text file, not music".to_vec())
        .await
        .unwrap_err();
    assert_eq!(code(&not_audio), ErrorCode::InvalidInput, "{not_audio}");
    let incoming = std::fs::read_dir(
        server
            .state
            .files
            .object_path("00")
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("incoming"),
    )
    .unwrap()
    .count();
    assert_eq!(incoming, 0, "a rejected upload leaves nothing behind");
    musician
        .upload_sample(&application.id, sample.clone())
        .await
        .unwrap();
    let submitted = musician.submit_application(&application.id).await.unwrap();
    assert_eq!(submitted.state, "submitted");

    // Review: nobody approves their own application; a rejection needs a reason.
    let self_review = musician.approve(&application.id).await.unwrap_err();
    assert_eq!(code(&self_review), ErrorCode::Forbidden);
    let inbox = reviewer.review_inbox().await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        reviewer
            .review_sample(&application.id)
            .await
            .unwrap()
            .as_ref(),
        sample.as_slice()
    );
    let blank = reviewer.reject(&application.id, "  ").await.unwrap_err();
    assert_eq!(code(&blank), ErrorCode::InvalidInput);
    let rejected = reviewer
        .reject(&application.id, "The sample is too short")
        .await
        .unwrap();
    assert_eq!(rejected.state, "rejected");
    assert_eq!(
        rejected.rejection_reason.as_deref(),
        Some("The sample is too short")
    );

    // Fix and resubmit; then approval opens the shop.
    musician
        .edit_application(
            &application.id,
            &draft(ShopKindView::Independent, "山风 Mountain Wind"),
        )
        .await
        .unwrap();
    musician.submit_application(&application.id).await.unwrap();
    let approved = reviewer.approve(&application.id).await.unwrap();
    assert_eq!(approved.state, "approved");
    let actions: Vec<_> = approved
        .history
        .iter()
        .map(|event| event.action.as_str())
        .collect();
    assert_eq!(actions, ["submit", "reject", "submit", "approve"]);
    let shop_id = approved.shop_id.unwrap();
    assert_eq!(
        musician.me().await.unwrap().shop_id.as_deref(),
        Some(shop_id.as_str())
    );

    // Back office: prices follow the rules; audio is validated by decoding.
    let too_dear = NewTrack {
        title: "Too dear".into(),
        artists: "山风".into(),
        genre: "folk".into(),
        price: Some(Fen(5001)),
        lyrics: None,
        release_id: None,
        track_number: None,
    };
    assert_eq!(
        code(
            &musician
                .create_track(&shop_id, &too_dear)
                .await
                .unwrap_err()
        ),
        ErrorCode::InvalidInput
    );
    let track = musician
        .create_track(
            &shop_id,
            &NewTrack {
                title: "溪水 Creek".into(),
                price: Some(Fen(150)),
                ..too_dear.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(track.price, Fen(150));
    let early = musician
        .update_track(
            &track.id,
            &TrackUpdate {
                published: Some(true),
                ..TrackUpdate::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        code(&early),
        ErrorCode::InvalidInput,
        "no publishing before the audio"
    );
    let truncated = &song[..song.len() / 3];
    assert_eq!(
        code(
            &musician
                .upload_audio(&track.id, truncated.to_vec())
                .await
                .unwrap_err()
        ),
        ErrorCode::InvalidInput
    );
    let uploaded = musician
        .upload_audio(&track.id, song.clone())
        .await
        .unwrap();
    assert!(
        (39_900..=40_100).contains(&uploaded.duration_ms),
        "{}",
        uploaded.duration_ms
    );
    musician
        .update_track(
            &track.id,
            &TrackUpdate {
                published: Some(true),
                ..TrackUpdate::default()
            },
        )
        .await
        .unwrap();

    // The store lists it, and search works in Chinese and English.
    let anonymous = Client::new(&server.base_url).unwrap();
    for q in ["溪水", "creek", "山风"] {
        let found = anonymous
            .tracks(&TrackQuery {
                q: Some(q.into()),
                ..TrackQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1, "search {q}");
    }
    let preview = anonymous.preview(&track.id).await.unwrap();
    // A WAV clip of exactly 30 s out of the 40 s track: it cannot rebuild the whole.
    assert!(preview.starts_with(b"RIFF"));
    let data_bytes = u32::from_le_bytes(preview[40..44].try_into().unwrap());
    assert_eq!(data_bytes, 30 * 44_100 * 2 * 2);

    // The owner watches income live while a listener buys.
    let mut stream = musician.income_events(&shop_id);
    stream.connect().await.unwrap();
    let listener = signed_up(&server, "listener@shrimp.test").await;
    let order = listener.create_order(&track.id, "key-1").await.unwrap();
    assert_eq!(order.amount, Fen(150));
    assert_eq!(order.status, shrimp_api::OrderStatus::Paid);
    let replayed = listener.create_order(&track.id, "key-1").await.unwrap();
    assert_eq!(replayed.id, order.id, "a replay returns the first result");
    let again = listener.create_order(&track.id, "key-2").await.unwrap_err();
    assert_eq!(
        code(&again),
        ErrorCode::Conflict,
        "no paying twice for one track"
    );
    let event = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let IncomeEvent::SaleRecorded { sale, .. } = event else {
        panic!("expected a sale, got {event:?}");
    };
    assert_eq!(
        (sale.order_id.as_str(), sale.amount),
        (order.id.as_str(), Fen(150))
    );

    // Downloads: entitled only, signed, resumable, checksummed.
    let link = listener.download_link(&track.id).await.unwrap();
    let response = listener.download(&link, 0).await.unwrap();
    assert_eq!(
        response.headers()[shrimp_api::SHA256_HEADER],
        link.sha256.as_str()
    );
    let body = response.bytes().await.unwrap();
    assert_eq!(hex_sha256(&body), link.sha256);
    assert_eq!(body.as_ref(), song.as_slice());
    let tail = listener.download(&link, 100).await.unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &song[100..]);
    let stranger = signed_up(&server, "stranger@shrimp.test").await;
    assert_eq!(
        code(&stranger.download_link(&track.id).await.unwrap_err()),
        ErrorCode::Forbidden
    );
    let mut forged = link.clone();
    forged.path = forged.path.replace("sig=", "sig=x");
    assert_eq!(
        code(&listener.download(&forged, 0).await.unwrap_err()),
        ErrorCode::Forbidden
    );

    // Income: exact to the fen, owner-only.
    let income = musician.income(&shop_id).await.unwrap();
    assert_eq!(
        (
            income.today,
            income.this_month,
            income.all_time,
            income.balance
        ),
        (Fen(150), Fen(150), Fen(150), Fen(150))
    );
    assert_eq!(
        code(&listener.income(&shop_id).await.unwrap_err()),
        ErrorCode::Forbidden
    );
    let csv = musician.statement_csv(&shop_id).await.unwrap();
    assert!(
        csv.contains(&order.id) && csv.contains(",150,1.50"),
        "{csv}"
    );

    // A label sells at the platform default and cannot change it.
    let label_owner = signed_up(&server, "label@shrimp.test").await;
    let label = open_shop(
        &label_owner,
        &reviewer,
        ShopKindView::Label,
        "Red Brick Records",
        &sample,
    )
    .await;
    let fixed = label_owner
        .create_track(
            &label,
            &NewTrack {
                title: "Hit".into(),
                artists: "Band".into(),
                genre: "rock".into(),
                price: Some(Fen(120)),
                lyrics: None,
                release_id: None,
                track_number: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code(&fixed), ErrorCode::InvalidInput);
    let hit = label_owner
        .create_track(
            &label,
            &NewTrack {
                title: "Hit".into(),
                artists: "Band".into(),
                genre: "rock".into(),
                price: None,
                lyrics: None,
                release_id: None,
                track_number: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(hit.price, Fen(80));
    assert_eq!(
        code(&musician.create_track(&label, &too_dear).await.unwrap_err()),
        ErrorCode::Forbidden
    );

    assert_ledger_balances(&server).await;
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// DESIGN.md §3: all postings sum to zero; every paid order has exactly one entitlement.
async fn assert_ledger_balances(server: &TestServer) {
    let pool = &server.state.db.pool;
    let total: i64 =
        sqlx::query("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS t FROM postings")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("t");
    assert_eq!(total, 0);
    let unmatched: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM orders o WHERE o.status = 'paid' AND \
         (SELECT COUNT(*) FROM entitlements e WHERE e.order_id = o.id) <> 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
    .get("n");
    assert_eq!(unmatched, 0);
    let sales: i64 = sqlx::query("SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'sale'")
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n");
    let paid: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE status IN ('paid', 'refunded')")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("n");
    assert_eq!(sales, paid, "exactly one sale entry per paid order");
}

#[tokio::test]
async fn the_whole_story_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_whole_story_on_postgres() {
    story(Backend::Postgres).await;
}

#[tokio::test]
async fn bad_requests_get_clear_codes_and_change_nothing() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/accounts", server.base_url);
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            http.post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "invalid_input",
        ),
        (http.post(&url).body("{}"), 415, "invalid_input"),
        (
            http.post(&url)
                .header("content-type", "application/json")
                .body(vec![b' '; 1024 * 1024]),
            413,
            "invalid_input",
        ),
        (
            http.get(format!("{}/api/v1/me", server.base_url))
                .bearer_auth("forged"),
            401,
            "unauthenticated",
        ),
        (
            http.get(format!("{}/api/v1/nowhere", server.base_url)),
            404,
            "not_found",
        ),
    ];
    for (request, status, expected) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], expected, "{body}");
    }
    let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(users, 0);
}

#[tokio::test]
async fn sign_in_is_rate_limited_and_sign_out_ends_the_session() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let client = signed_up(&server, "who@shrimp.test").await;
    let anonymous = Client::new(&server.base_url).unwrap();
    for _ in 0..5 {
        let wrong = anonymous
            .sign_in("who@shrimp.test", "wrong password")
            .await
            .unwrap_err();
        assert_eq!(code(&wrong), ErrorCode::Unauthenticated);
    }
    let limited = anonymous
        .sign_in("who@shrimp.test", "a long password")
        .await
        .unwrap_err();
    assert_eq!(code(&limited), ErrorCode::RateLimited);
    client.sign_out().await.unwrap();
    assert_eq!(
        code(&client.me().await.unwrap_err()),
        ErrorCode::Unauthenticated
    );
}

#[tokio::test]
async fn a_sale_through_one_instance_reaches_a_stream_on_another() {
    let first = TestServer::start(Backend::Postgres).await.unwrap();
    let second = first.another_on().await.unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 1.0).unwrap()).unwrap();
    let reviewer = signed_up(&first, "r@shrimp.test").await;
    first.grant_reviewer("r@shrimp.test").await.unwrap();
    let owner = signed_up(&first, "o@shrimp.test").await;
    let shop = open_shop(
        &owner,
        &reviewer,
        ShopKindView::Independent,
        "Two Rooms",
        &sample,
    )
    .await;
    let track = story::publish_track(&owner, &shop, "Echo", Some(Fen(333)), &sample)
        .await
        .unwrap();

    let on_second = Client::new(&second.base_url).unwrap();
    let owner_token = owner
        .sign_in("o@shrimp.test", "a long password")
        .await
        .unwrap()
        .token;
    let mut stream = on_second
        .with_token(Token::new(owner_token))
        .income_events(&shop);
    stream.connect().await.unwrap();
    let buyer = signed_up(&first, "b@shrimp.test").await;
    buyer.create_order(&track, "only").await.unwrap();
    let event = tokio::time::timeout(Duration::from_secs(3), stream.next())
        .await
        .unwrap()
        .unwrap();
    let IncomeEvent::SaleRecorded { sale, .. } = event else {
        panic!("expected a sale, got {event:?}");
    };
    assert_eq!(sale.amount, Fen(333));
}

#[tokio::test]
async fn every_documented_route_exists_and_health_and_metrics_answer() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let http = reqwest::Client::new();
    let document: serde_json::Value = http
        .get(format!("{}/api/v1/openapi.json", server.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 25, "{}", paths.len());
    for (path, operations) in paths {
        let concrete = path.replace("{id}", "nope");
        for method in operations.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = http
                .request(
                    method.clone(),
                    format!("{}/api/v1{concrete}", server.base_url),
                )
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            // The router's fallback says "route not found"; 405 means the verb is wrong.
            assert!(
                status != 405 && !body.contains("route not found"),
                "{method} {path}: {status} {body}"
            );
        }
    }
    let health = http
        .get(format!("{}/healthz", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let metrics = http
        .get(format!("{}/metrics", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("shrimp_http_responses_total{class=\"2xx\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("shrimp_http_request_duration_seconds_count"),
        "{metrics}"
    );
}

/// A provider whose buyers never pay: orders stay pending.
#[derive(Debug)]
struct NeverPaid;

impl shrimp_server::PaymentProvider for NeverPaid {
    fn name(&self) -> &'static str {
        "never"
    }

    fn start<'a>(
        &'a self,
        _request: shrimp_server::payments::PaymentRequest<'a>,
    ) -> shrimp_server::payments::BoxFuture<
        'a,
        Result<shrimp_server::payments::PaymentStart, shrimp_server::payments::PaymentError>,
    > {
        Box::pin(async {
            Ok(shrimp_server::payments::PaymentStart::AwaitingBuyer {
                qr_code: "https://qr.test/x".into(),
            })
        })
    }
}

/// A published track at `price` in a fresh shop; returns (owner, shop, track).
async fn shop_with_track(server: &TestServer, price: Fen) -> (Client, String, String) {
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 1.0).unwrap()).unwrap();
    let reviewer = signed_up(server, "rv@shrimp.test").await;
    server.grant_reviewer("rv@shrimp.test").await.unwrap();
    let owner = signed_up(server, "ow@shrimp.test").await;
    let shop = open_shop(
        &owner,
        &reviewer,
        ShopKindView::Independent,
        "Refunds",
        &sample,
    )
    .await;
    let track = story::publish_track(&owner, &shop, "R", Some(price), &sample)
        .await
        .unwrap();
    (owner, shop, track)
}

#[tokio::test]
async fn unpaid_orders_expire_and_grant_nothing() {
    let clock = shrimp_server::Clock::manual(1_795_597_200_000);
    let server = TestServer::start_with(
        Backend::Sqlite,
        clock.clone(),
        std::sync::Arc::new(NeverPaid),
    )
    .await
    .unwrap();
    let (owner, shop, track) = shop_with_track(&server, Fen(200)).await;
    let buyer = signed_up(&server, "slow@shrimp.test").await;
    let order = buyer.create_order(&track, "k").await.unwrap();
    assert_eq!(order.status, shrimp_api::OrderStatus::Pending);
    assert_eq!(
        code(&buyer.download_link(&track).await.unwrap_err()),
        ErrorCode::Forbidden
    );
    assert_eq!(
        shrimp_server::expire_unpaid(&server.state).await.unwrap(),
        0,
        "not yet"
    );
    clock.advance_ms(16 * 60_000);
    assert_eq!(
        shrimp_server::expire_unpaid(&server.state).await.unwrap(),
        1
    );
    let orders = buyer.orders().await.unwrap();
    assert_eq!(orders[0].status, shrimp_api::OrderStatus::Expired);
    assert_eq!(owner.income(&shop).await.unwrap().balance, Fen(0));
    assert_ledger_balances(&server).await;
}

#[tokio::test]
async fn an_operator_refund_reverses_the_sale_exactly() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let (owner, shop, track) = shop_with_track(&server, Fen(4999)).await;
    let buyer = signed_up(&server, "regret@shrimp.test").await;
    let order = buyer.create_order(&track, "k").await.unwrap();
    assert_eq!(owner.income(&shop).await.unwrap().balance, Fen(4999));
    let operator = signed_up(&server, "op@shrimp.test").await;
    server.grant_operator("op@shrimp.test").await.unwrap();
    assert_eq!(
        code(&owner.refund(&order.id).await.unwrap_err()),
        ErrorCode::Forbidden
    );
    let refunded = operator.refund(&order.id).await.unwrap();
    assert_eq!(refunded.status, shrimp_api::OrderStatus::Refunded);
    assert_eq!(
        code(&operator.refund(&order.id).await.unwrap_err()),
        ErrorCode::Conflict,
        "only once"
    );
    assert_eq!(owner.income(&shop).await.unwrap().balance, Fen(0));
    assert_eq!(
        code(&buyer.download_link(&track).await.unwrap_err()),
        ErrorCode::Forbidden
    );
    assert_ledger_balances(&server).await;
}

#[tokio::test]
async fn a_resumed_stream_delivers_a_long_backlog_in_order_without_gaps() {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let (owner, shop, first_track) = shop_with_track(&server, Fen(1)).await;
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.2).unwrap()).unwrap();
    let mut tracks = vec![first_track];
    for n in 0..19 {
        let title = format!("B{n}");
        let track = story::publish_track(&owner, &shop, &title, Some(Fen(1)), &sample);
        tracks.push(track.await.unwrap());
    }
    // More sales than one outbox read returns (500), all before the stream connects.
    for n in 0..32 {
        let buyer = signed_up(&server, &format!("backlog{n}@shrimp.test")).await;
        for track in &tracks {
            buyer.create_order(track, track).await.unwrap();
        }
    }
    let mut stream = owner.income_events(&shop).resume_after(0);
    let mut last = 0;
    for _ in 0..640 {
        let event = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .unwrap()
            .unwrap();
        let IncomeEvent::SaleRecorded { seq, .. } = event else {
            panic!("expected a sale, got {event:?}");
        };
        assert!(seq > last, "events arrive in order, once");
        last = seq;
    }
    assert_eq!(owner.income(&shop).await.unwrap().sales_count, 640);
}
