//! Paying through Alipay, against a local gateway that speaks Alipay's protocol with its own
//! key pair: a good payment, a forged signature, a wrong amount, a wrong app id or seller, a
//! replayed notification, a notification before the QR code is scanned, and a lost
//! notification recovered by a trade query — for track orders and subscription months.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use std::collections::BTreeMap;
use std::sync::Arc;

use shrimp_api::{ErrorCode, OrderStatus, PaymentStatus, PeriodStatus, ShopKindView};
use shrimp_client::Client;
use shrimp_core::checkout::QrMatrix;
use shrimp_core::market::Market;
use shrimp_core::{AppPaths, Credentials, KeyringUnavailable, UnavailableKind};
use shrimp_domain::Fen;
use shrimp_server::{AlipayProvider, Clock};
use shrimp_tests::alipay_gateway::{self, AlipayGateway};
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use sqlx::Row;

struct World {
    server: TestServer,
    gateway: AlipayGateway,
    buyer: Client,
    owner: Client,
    shop: String,
    tracks: Vec<String>,
}

impl World {
    fn notify_url(&self) -> String {
        format!("{}/api/v1/payments/alipay/notify", self.server.base_url)
    }

    async fn deliver(&self, params: &BTreeMap<String, String>) -> (u16, String) {
        AlipayGateway::deliver(&self.notify_url(), params)
            .await
            .unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.server.state.db.pool)
            .await
            .unwrap()
            .get::<i64, _>("n")
    }

    async fn order_status(&self, id: &str) -> OrderStatus {
        self.buyer
            .orders()
            .await
            .unwrap()
            .into_iter()
            .find(|order| order.id == id)
            .unwrap()
            .status
    }
}

async fn world(backend: Backend) -> World {
    let gateway = AlipayGateway::start().await.unwrap();
    let provider = AlipayProvider::new(gateway.config()).unwrap();
    let server = TestServer::start_with(backend, Clock::System, Arc::new(provider))
        .await
        .unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.5).unwrap()).unwrap();
    let reviewer = story::account(&server, "reviewer@a.test").await.unwrap();
    server.grant_reviewer("reviewer@a.test").await.unwrap();
    let owner = story::account(&server, "owner@a.test").await.unwrap();
    let shop = story::open_shop(&owner, &reviewer, ShopKindView::Independent, "店", &sample)
        .await
        .unwrap();
    let mut tracks = Vec::new();
    for n in 0..8 {
        let title = format!("山歌 {n}");
        let price = Some(Fen(100 + n));
        tracks.push(
            story::publish_track(&owner, &shop, &title, price, &sample)
                .await
                .unwrap(),
        );
    }
    let buyer = story::account(&server, "buyer@a.test").await.unwrap();
    World {
        server,
        gateway,
        buyer,
        owner,
        shop,
        tracks,
    }
}

async fn payments_through_the_local_gateway(backend: Backend) {
    let w = world(backend).await;

    // A good payment: the order waits with a QR code; the notification pays it.
    let order = w.buyer.create_order(&w.tracks[0], "k0").await.unwrap();
    assert_eq!(order.status, OrderStatus::Pending);
    let payment = w.buyer.payment(&order.id).await.unwrap();
    assert_eq!(payment.status, PaymentStatus::Awaiting);
    assert_eq!(payment.amount, Fen(100));
    let qr = payment.qr_code.unwrap();
    assert!(qr.starts_with("https://qr.alipay.test/"), "{qr}");
    let trade = w.gateway.trade(&order.id).unwrap();
    assert_eq!(
        (trade.total_amount.as_str(), trade.subject.as_str()),
        ("1.00", "山歌 0")
    );
    assert_eq!(
        w.gateway.refused_requests(),
        0,
        "the gateway accepted our signatures"
    );
    let refused = w.buyer.download_link(&w.tracks[0]).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden, "not paid yet");
    w.gateway.scan(&order.id).unwrap();
    let paid = w.gateway.pay(&order.id).unwrap();
    assert_eq!(w.deliver(&paid).await, (200, "success".to_owned()));
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Paid);
    assert_eq!(
        w.buyer.payment(&order.id).await.unwrap().status,
        PaymentStatus::Paid
    );
    w.buyer.download_link(&w.tracks[0]).await.unwrap();
    assert_eq!(w.owner.income(&w.shop).await.unwrap().balance, Fen(100));

    // A replayed notification changes nothing and is still acknowledged.
    assert_eq!(w.deliver(&paid).await, (200, "success".to_owned()));
    // A second genuine notification (TRADE_FINISHED, new notify_id) for a paid trade too.
    let finished = w
        .gateway
        .notification(&order.id, "TRADE_FINISHED", &[])
        .unwrap();
    assert_eq!(w.deliver(&finished).await, (200, "success".to_owned()));
    assert_eq!(
        w.count("SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'sale'")
            .await,
        1
    );
    assert_eq!(w.count("SELECT COUNT(*) AS n FROM entitlements").await, 1);
    assert_eq!(w.owner.income(&w.shop).await.unwrap().balance, Fen(100));

    // A forged signature: signed with the merchant's own key instead of Alipay's.
    let order = w.buyer.create_order(&w.tracks[1], "k1").await.unwrap();
    w.gateway.scan(&order.id).unwrap();
    let mut forged = w.gateway.pay(&order.id).unwrap();
    forged.insert("notify_id".into(), "forged-1".into());
    let content = alipay_gateway::content(&forged, false);
    forged.insert(
        "sign".into(),
        alipay_gateway::rsa2_sign(alipay_gateway::APP_PRIVATE_KEY, &content).unwrap(),
    );
    assert_eq!(w.deliver(&forged).await.1, "failure");
    // Tampered after signing: the amount raised.
    let mut tampered = w
        .gateway
        .notification(&order.id, "TRADE_SUCCESS", &[])
        .unwrap();
    tampered.insert("total_amount".into(), "999.00".into());
    assert_eq!(w.deliver(&tampered).await.1, "failure");
    // Unsigned.
    let mut unsigned = w
        .gateway
        .notification(&order.id, "TRADE_SUCCESS", &[])
        .unwrap();
    unsigned.remove("sign");
    assert_eq!(w.deliver(&unsigned).await.1, "failure");
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Pending);

    // Genuinely signed, but the wrong amount, app id or seller.
    for overrides in [
        [("total_amount", "0.01")],
        [("app_id", "2021009999999999")],
        [("seller_id", "2088999999999999")],
        [("out_trade_no", "ord_nobody")],
    ] {
        let wrong = w
            .gateway
            .notification(&order.id, "TRADE_SUCCESS", &overrides)
            .unwrap();
        assert_eq!(w.deliver(&wrong).await.1, "failure", "{overrides:?}");
        assert_eq!(w.order_status(&order.id).await, OrderStatus::Pending);
    }
    // Nothing refused was recorded, so the genuine notification still pays.
    assert_eq!(
        w.deliver(&w.gateway.pay(&order.id).unwrap()).await.1,
        "success"
    );
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Paid);

    // A notification before the buyer scanned (or paid): acknowledged, not paid.
    let order = w.buyer.create_order(&w.tracks[2], "k2").await.unwrap();
    let waiting = w
        .gateway
        .notification(&order.id, "WAIT_BUYER_PAY", &[])
        .unwrap();
    assert_eq!(w.deliver(&waiting).await, (200, "success".to_owned()));
    let closed = w
        .gateway
        .notification(&order.id, "TRADE_CLOSED", &[])
        .unwrap();
    assert_eq!(w.deliver(&closed).await, (200, "success".to_owned()));
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Pending);
    // A query finds nothing to reconcile while nobody has scanned.
    assert_eq!(
        shrimp_server::reconcile_payments(&w.server.state, 0)
            .await
            .unwrap(),
        0
    );
    w.gateway.scan(&order.id).unwrap();
    assert_eq!(
        shrimp_server::reconcile_payments(&w.server.state, 0)
            .await
            .unwrap(),
        0
    );
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Pending);

    // A lost notification: paid at the gateway, never delivered; the trade query recovers it.
    let _lost = w.gateway.pay(&order.id).unwrap();
    assert_eq!(
        shrimp_server::reconcile_payments(&w.server.state, 0)
            .await
            .unwrap(),
        1
    );
    assert_eq!(w.order_status(&order.id).await, OrderStatus::Paid);
    assert_eq!(
        shrimp_server::reconcile_payments(&w.server.state, 0)
            .await
            .unwrap(),
        0
    );
    // The late notification then changes nothing.
    let late = w
        .gateway
        .notification(&order.id, "TRADE_SUCCESS", &[])
        .unwrap();
    assert_eq!(w.deliver(&late).await, (200, "success".to_owned()));

    // A subscription month paid through Alipay.
    let period = w.buyer.subscribe(None, "sub-1").await.unwrap();
    assert_eq!(period.status, PeriodStatus::Pending);
    assert_eq!(w.buyer.subscription().await.unwrap().active_month, None);
    let payment = w.buyer.payment(&period.id).await.unwrap();
    assert_eq!(
        (payment.amount, payment.status),
        (Fen(1000), PaymentStatus::Awaiting)
    );
    assert_eq!(w.gateway.trade(&period.id).unwrap().total_amount, "10.00");
    w.gateway.scan(&period.id).unwrap();
    assert_eq!(
        w.deliver(&w.gateway.pay(&period.id).unwrap()).await.1,
        "success"
    );
    let view = w.buyer.subscription().await.unwrap();
    assert!(view.active_month.is_some());
    w.buyer.download_link(&w.tracks[5]).await.unwrap();

    // Someone else's payment is not visible.
    let stranger = story::account(&w.server, "stranger@a.test").await.unwrap();
    let hidden = stranger.payment(&period.id).await.unwrap_err();
    assert_eq!(hidden.code(), ErrorCode::NotFound);

    // The ledger: three sales and one fee, exactly once each.
    assert_eq!(
        w.count("SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'sale'")
            .await,
        3
    );
    assert_eq!(
        w.count("SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'subscription_fee'")
            .await,
        1
    );
    assert_eq!(
        w.count("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings")
            .await,
        0
    );
    assert_eq!(
        w.owner.income(&w.shop).await.unwrap().balance,
        Fen(100 + 101 + 102)
    );
    assert_eq!(w.gateway.refused_requests(), 0);
}

/// Reads a QR code back from its modules the way a phone would: drawn as pixels with a
/// quiet zone, then found and decoded by an independent reader (rqrr).
fn read_qr(qr: &QrMatrix) -> String {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let width = qr.width as usize;
    let side = (width + 2 * QUIET) * SCALE;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = (x / SCALE, y / SCALE);
        let dark = (QUIET..QUIET + width).contains(&mx)
            && (QUIET..QUIET + width).contains(&my)
            && qr.dark[(my - QUIET) * width + (mx - QUIET)];
        if dark { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    let (_, text) = grids[0].decode().unwrap();
    text
}

/// The app's core against a server that takes Alipay: buying gives a pending order and a QR
/// code that scans as the gateway's payment address; once the buyer pays, the core sees the
/// payment as paid and the order as the buyer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_shows_the_code_to_scan_and_learns_when_it_is_paid() {
    let w = world(Backend::Sqlite).await;
    let data = tempfile::tempdir().unwrap();
    let paths = AppPaths::resolve(Some(data.path().to_path_buf()), None, None).unwrap();
    paths.ensure().unwrap();
    let market = Market::with_credentials(
        &paths,
        Credentials::until_quit(KeyringUnavailable::new(
            UnavailableKind::NoService,
            "tests keep the session in memory",
        )),
    );
    market
        .connect(&w.server.base_url, "buyer@a.test", story::PASSWORD)
        .await
        .unwrap();

    let order = market.buy(&w.tracks[3], "app-attempt-1").await.unwrap();
    assert_eq!(order.status, OrderStatus::Pending);
    let waiting = market.payment(&order.id).await.unwrap();
    assert_eq!(
        (waiting.status, waiting.amount, waiting.provider.as_str()),
        (PaymentStatus::Awaiting, Fen(103), "alipay")
    );
    let address = w.buyer.payment(&order.id).await.unwrap().qr_code.unwrap();
    assert!(address.starts_with("https://qr.alipay.test/"), "{address}");
    assert_eq!(read_qr(waiting.qr.as_ref().unwrap()), address);

    // Scanned but not paid: still waiting, still the same code.
    w.gateway.scan(&order.id).unwrap();
    let scanned = market.payment(&order.id).await.unwrap();
    assert_eq!(scanned.status, PaymentStatus::Awaiting);
    assert_eq!(scanned.qr, waiting.qr);

    let paid = w.gateway.pay(&order.id).unwrap();
    assert_eq!(w.deliver(&paid).await, (200, "success".to_owned()));
    let done = market.payment(&order.id).await.unwrap();
    assert_eq!((done.status, done.qr), (PaymentStatus::Paid, None));
    let mine = market.orders().await.unwrap();
    assert!(
        mine.iter()
            .any(|o| o.id == order.id && o.status == OrderStatus::Paid),
        "{mine:?}"
    );

    // Nobody follows another person's payment, and a malformed id never reaches the server.
    let someone = story::account(&w.server, "someone@a.test").await.unwrap();
    let theirs = someone
        .create_order(&w.tracks[4], "theirs-1")
        .await
        .unwrap();
    let refused = market.payment(&theirs.id).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotFound);
    let refused = market.payment("../orders").await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alipay_payments_on_sqlite() {
    payments_through_the_local_gateway(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alipay_payments_on_postgres() {
    payments_through_the_local_gateway(Backend::Postgres).await;
}
