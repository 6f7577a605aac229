//! Issue 7's purchase flow in connected mode, paying with Alipay, on the real app under a
//! display through WebDriver: the listener signs in to a real server (over loopback) from the
//! settings page, buys a track, and the sheet shows the QR code and waits. Cancelling stops
//! the wait and pays nothing; Retry starts a new order whose QR code the buyer "scans and pays"
//! at a local gateway that speaks Alipay's protocol, whose signed notification reaches the
//! server; the sheet turns to "Yours now" and the track downloads. Then the server goes away:
//! the app opens offline on the library (saying so, not falling back to the demo) and the
//! bought track plays, heard through PulseAudio. Screenshots of the QR sheet in both languages
//! and of the offline app land in `target/e2e/`.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use shrimp_api::{OrderStatus, OrderView, ShopKindView};
use shrimp_client::Client;
use shrimp_domain::Fen;
use shrimp_server::{AlipayProvider, Clock};
use shrimp_tests::alipay_gateway::AlipayGateway;
use shrimp_tests::desktop::DesktopApp;
use shrimp_tests::keyring::Keyring;
use shrimp_tests::pulse::Pulse;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use shrimp_tests::webdriver::Session;

const BUYER: &str = "buyer@alipay.test";

fn click(session: &Session, css: &str) {
    let element = session.wait_for(css).unwrap();
    session.click(&element).unwrap();
}

fn row(id: &str) -> String {
    format!("[data-testid=track-row][data-track-id=\"{id}\"]")
}

/// The buyer's orders for `track`, newest first, as the server has them.
fn orders_for(runtime: &tokio::runtime::Runtime, buyer: &Client, track: &str) -> Vec<OrderView> {
    let mut orders: Vec<OrderView> = runtime
        .block_on(buyer.orders())
        .unwrap()
        .into_iter()
        .filter(|order| order.track_id == track)
        .collect();
    orders.sort_by_key(|order| std::cmp::Reverse(order.created_at_ms));
    orders
}

/// Waits until the server holds `count` orders for `track`; returns them, newest first.
fn wait_for_orders(
    runtime: &tokio::runtime::Runtime,
    buyer: &Client,
    track: &str,
    count: usize,
) -> Vec<OrderView> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let orders = orders_for(runtime, buyer, track);
        if orders.len() >= count {
            return orders;
        }
        assert!(
            Instant::now() < deadline,
            "{count} orders expected, {}",
            orders.len()
        );
        thread::sleep(Duration::from_millis(200));
    }
}

/// Opens the purchase sheet for `id` and confirms; waits for the QR code.
fn start_paying(session: &Session, id: &str) {
    click(session, &format!("{} [data-testid=buy-button]", row(id)));
    session.wait_for("[data-testid=purchase-sheet]").unwrap();
    click(session, "[data-testid=confirm-purchase]");
    session
        .wait_for_within(
            "[data-testid=payment-awaiting] [data-testid=payment-qr]",
            Duration::from_secs(30),
        )
        .unwrap();
}

#[test]
fn a_connected_listener_pays_with_the_alipay_qr_code_then_plays_it_offline() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // A real server whose payments go to the local Alipay gateway, with one shop and a track.
    let gateway = runtime.block_on(AlipayGateway::start()).unwrap();
    let provider = AlipayProvider::new(gateway.config()).unwrap();
    let server = runtime
        .block_on(TestServer::start_with(
            Backend::Sqlite,
            Clock::System,
            Arc::new(provider),
        ))
        .unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "tone.wav", 440, 3.0).unwrap()).unwrap();
    let (buyer, track, other) = runtime.block_on(async {
        let reviewer = story::account(&server, "reviewer@alipay.test")
            .await
            .unwrap();
        server.grant_reviewer("reviewer@alipay.test").await.unwrap();
        let owner = story::account(&server, "owner@alipay.test").await.unwrap();
        let shop = story::open_shop(
            &owner,
            &reviewer,
            ShopKindView::Independent,
            "山海唱片",
            &sample,
        )
        .await
        .unwrap();
        let track = story::publish_track(&owner, &shop, "扫码之歌", Some(Fen(250)), &sample)
            .await
            .unwrap();
        let other = story::publish_track(&owner, &shop, "第二首", Some(Fen(80)), &sample)
            .await
            .unwrap();
        (story::account(&server, BUYER).await.unwrap(), track, other)
    });

    // The app: first launch opens the demo; the listener signs in to the server instead.
    // The app keeps its sign-in in a real Secret Service, so it outlives the app.
    let data = tempfile::tempdir().unwrap();
    let keyring = Keyring::unlocked(data.path(), "alipay").unwrap();
    let app = DesktopApp::launch_with_env(
        "connected",
        &data.path().join("profile"),
        &[keyring.session_bus()],
    )
    .unwrap();
    let session = &app.session;
    session
        .wait_for_within("[data-testid=store-home]", Duration::from_mins(4))
        .unwrap();
    session
        .execute("location.hash = '#/settings'", &[])
        .unwrap();
    session
        .set_value("[data-testid=backend-url]", &server.base_url)
        .unwrap();
    session.set_value("input[type=email]", BUYER).unwrap();
    session
        .set_value("input[type=password]", story::PASSWORD)
        .unwrap();
    click(session, "[data-testid=connect]");
    session
        .wait_for_text_within(
            "[data-testid=connected-as]",
            Duration::from_secs(30),
            |text| text.contains(&server.base_url),
        )
        .unwrap();

    // The store is the server's: the track is there, sold by its shop, at ¥2.50.
    session.execute("location.hash = '#/store'", &[]).unwrap();
    session
        .wait_for_within(&row(&track), Duration::from_secs(30))
        .unwrap();
    let text = session.text_content(&row(&track)).unwrap();
    assert!(text.contains("扫码之歌") && text.contains("2.50"), "{text}");

    // Buy: the sheet shows the QR code for the order and waits.
    start_paying(session, &track);
    // The sheet fades in (WebDriver's visible text is empty until it is shown) and names the
    // price once the order is open.
    session
        .wait_for_text("[data-testid=payment-awaiting]", |text| {
            text.contains("2.50")
        })
        .expect("the QR sheet names the price");
    thread::sleep(Duration::from_millis(600)); // the sheet fades in
    app.screenshot("alipay-qr-en").unwrap();
    let first = wait_for_orders(&runtime, &buyer, &track, 1).remove(0);
    assert_eq!(first.status, OrderStatus::Pending);
    assert!(
        gateway.trade(&first.id).is_some(),
        "the server opened a trade at the gateway for the order"
    );

    // Cancel: the wait stops with a message and a Retry; nothing is paid.
    click(session, "[data-testid=cancel-payment]");
    session
        .wait_for_text("[data-testid=payment-stopped]", |text| !text.is_empty())
        .expect("the stopped wait says why");
    assert!(
        session.find("[data-testid=payment-qr]").unwrap().is_none(),
        "the QR code is gone after cancelling"
    );
    app.screenshot("alipay-cancelled-en").unwrap();
    assert_eq!(
        orders_for(&runtime, &buyer, &track)[0].status,
        OrderStatus::Pending,
        "cancelling pays nothing"
    );
    assert!(
        runtime.block_on(buyer.download_link(&track)).is_err(),
        "no download without a payment"
    );

    // Retry: a new order and a new QR code, which the buyer scans and pays at the gateway.
    click(session, "[data-testid=confirm-purchase]");
    session
        .wait_for_within("[data-testid=payment-qr]", Duration::from_secs(30))
        .unwrap();
    let orders = wait_for_orders(&runtime, &buyer, &track, 2);
    assert_eq!(
        orders.len(),
        2,
        "a retry after cancelling is a new order: {orders:?}"
    );
    let second = orders.iter().find(|order| order.id != first.id).unwrap();
    gateway.scan(&second.id).unwrap();
    let notification = gateway.pay(&second.id).unwrap();
    let notify_url = format!("{}/api/v1/payments/alipay/notify", server.base_url);
    let (status, body) = runtime
        .block_on(AlipayGateway::deliver(&notify_url, &notification))
        .unwrap();
    assert_eq!((status, body.as_str()), (200, "success"));

    // The sheet sees the payment, says so, and downloads the track.
    session
        .wait_for_within("[data-testid=purchase-success]", Duration::from_secs(30))
        .unwrap();
    session
        .wait_for_within(
            "[data-testid=download-panel][data-state=done]",
            Duration::from_mins(1),
        )
        .unwrap();
    app.screenshot("alipay-paid-en").unwrap();
    let orders = orders_for(&runtime, &buyer, &track);
    let paid: Vec<_> = orders
        .iter()
        .filter(|order| order.status == OrderStatus::Paid)
        .collect();
    assert_eq!(paid.len(), 1, "exactly one order paid: {orders:?}");
    assert_eq!(paid[0].id, second.id);
    assert_eq!(paid[0].amount, Fen(250));
    let music = data.path().join("profile").join("music");
    let files: Vec<_> = std::fs::read_dir(&music)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one downloaded file in {}", music.display());

    // The QR sheet in Simplified Chinese: a second track, left waiting.
    click(session, "[data-testid=purchase-done]");
    session
        .execute("location.hash = '#/settings'", &[])
        .unwrap();
    click(session, "[data-testid=language-zh-CN]");
    session.execute("location.hash = '#/store'", &[]).unwrap();
    session
        .wait_for_text("[data-testid=nav]", |text| text.contains("商店"))
        .unwrap();
    session
        .wait_for_within(&row(&other), Duration::from_secs(30))
        .unwrap();
    start_paying(session, &other);
    thread::sleep(Duration::from_millis(600));
    app.screenshot("alipay-qr-zh").unwrap();
    let waiting = session
        .text(&session.wait_for("[data-testid=payment-awaiting]").unwrap())
        .unwrap();
    assert!(waiting.contains("支付宝"), "{waiting}");
    app.quit().unwrap();

    // The server goes away. The app opens offline on the library (not the demo), says so,
    // and the bought track plays, heard through a real sound server.
    drop(server);
    let pulse = Pulse::start().unwrap();
    let mut env = pulse.env();
    env.push(keyring.session_bus());
    let app = DesktopApp::launch_with_env("offline", &data.path().join("profile"), &env).unwrap();
    let session = &app.session;
    let banner = session
        .wait_for_text_within(
            "[data-testid=offline-banner]",
            Duration::from_mins(1),
            |text| text.contains("离线"),
        )
        .unwrap();
    assert!(banner.contains("127.0.0.1"), "{banner}");
    session
        .wait_for_text("[data-testid=library-page] h1", |text| text == "音乐库")
        .unwrap();
    let title = "[data-testid=library-row-title]";
    session.wait_for(title).unwrap();
    // The shop's upload is an untagged WAV: the library names it as the store does.
    assert_eq!(session.text_content(title).unwrap().trim(), "扫码之歌");
    app.screenshot("offline-library-zh").unwrap();
    let mark = pulse.capture().frames();
    click(session, "[data-testid=library-play]");
    session
        .wait_for("[data-testid=player-toggle][data-state=playing]")
        .unwrap();
    pulse
        .wait_for_sound(mark, 0.5, 1e-3, Duration::from_secs(30))
        .expect("the bought track is heard offline");
    assert_eq!(
        session
            .text_content("[data-testid=now-playing-title]")
            .unwrap(),
        "扫码之歌"
    );
    // The store says what is wrong rather than showing another marketplace.
    session.execute("location.hash = '#/store'", &[]).unwrap();
    session
        .wait_for_text("[data-testid=store-page]", |text| text.contains("无法连接"))
        .unwrap();
    assert!(
        session
            .find("[data-testid=persona-switcher]")
            .unwrap()
            .is_none()
    );
    app.screenshot("offline-store-zh").unwrap();
    app.quit().unwrap();
}
