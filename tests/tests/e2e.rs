//! End-to-end journeys on the real desktop app under a display, through WebDriver.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use shrimp_tests::desktop::DesktopApp;

#[test]
fn shell_shows_navigation_and_a_live_status_from_rust() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("profile");
    let app = DesktopApp::launch("shell", &data_dir).unwrap();
    let session = &app.session;

    // The main navigation, in English by default here (after the first launch's demo seed).
    session
        .wait_for_within("[data-testid=nav]", std::time::Duration::from_mins(4))
        .unwrap();
    let links = session.find_all("[data-testid=nav] a").unwrap();
    let labels: Vec<String> = links
        .iter()
        .map(|link| session.text(link).unwrap())
        .collect();
    assert_eq!(labels, ["Store", "Library", "Dashboard", "Settings"]);

    // The status line comes from a real command round-trip into the Rust core.
    let status = session
        .wait_for_text("[data-testid=status-line][data-state=ready]", |text| {
            text.contains(env!("CARGO_PKG_VERSION"))
        })
        .unwrap();
    assert!(status.contains("Rust core"), "{status}");
    app.screenshot("store-en").unwrap();

    // Settings shows the data folder the app was started on: the core really used it.
    let settings = &links[3];
    session.click(settings).unwrap();
    let shown = session
        .wait_for_text("[data-testid=data-dir]", |text| !text.is_empty())
        .unwrap();
    assert_eq!(shown, data_dir.display().to_string());
    assert!(data_dir.is_dir(), "the core created its data folder");
    app.screenshot("settings-en").unwrap();

    // Switching to Simplified Chinese relabels the whole shell.
    let chinese = session.wait_for("[data-testid=language-zh-CN]").unwrap();
    session.click(&chinese).unwrap();
    session
        .wait_for_text("[data-testid=nav]", |text| text.contains("音乐库"))
        .unwrap();
    let labels: Vec<String> = session
        .find_all("[data-testid=nav] a")
        .unwrap()
        .iter()
        .map(|link| session.text(link).unwrap())
        .collect();
    assert_eq!(labels, ["商店", "音乐库", "店铺后台", "设置"]);
    app.screenshot("settings-zh").unwrap();

    // The language choice survives a reload of the page.
    session.execute("location.reload()", &[]).unwrap();
    session
        .wait_for_text("[data-testid=nav]", |text| text.contains("商店"))
        .unwrap();
    app.screenshot("settings-zh-reloaded").unwrap();
    app.quit().unwrap();
}

/// Issue 6's first impression: the first launch seeds the demo and shows a populated store
/// with cover art; the demo musician's dashboard income rises with nobody touching anything.
#[test]
fn first_launch_shows_a_living_store_and_the_musician_sees_income_arrive() {
    use std::time::Duration;

    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("profile");
    let app = DesktopApp::launch("demo", &data_dir).unwrap();
    let session = &app.session;

    // The seed runs with a progress bar, then the store opens populated.
    session
        .wait_for_within("[data-testid=store-home]", Duration::from_mins(4))
        .unwrap();
    session.wait_for("[data-testid=release-card]").unwrap();
    let releases = session.find_all("[data-testid=release-card]").unwrap();
    assert!(
        releases.len() >= 8,
        "{} releases on the front page",
        releases.len()
    );
    let rows = session.find_all("[data-testid=track-row]").unwrap();
    assert!(rows.len() >= 5, "{} top tracks", rows.len());
    let prices = session.text(&rows[0]).unwrap();
    assert!(prices.contains('¥') || prices.contains("Free"), "{prices}");

    // Cover art really loaded (through the core's cover: scheme, not the network).
    let loaded = |session: &shrimp_tests::webdriver::Session| {
        session
            .execute(
                "return [...document.querySelectorAll('[data-testid=release-card] img')]\
                 .filter(i => i.complete && i.naturalWidth >= 64).length",
                &[],
            )
            .unwrap()
            .as_u64()
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while loaded(session) < 8 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        loaded(session) >= 8,
        "only {} covers loaded",
        loaded(session)
    );
    // Loaded images are painted a moment later; give the screenshot that moment.
    std::thread::sleep(Duration::from_secs(2));
    app.screenshot("demo-store-en").unwrap();

    // Act as the demo musician: the dashboard shows income, and it rises by itself.
    let switcher = session.wait_for("[data-testid=persona-switcher]").unwrap();
    session.click(&switcher).unwrap();
    let musician = session
        .wait_for("[data-testid=persona-option-musician]")
        .unwrap();
    session.click(&musician).unwrap();
    session
        .execute("location.hash = '#/dashboard'", &[])
        .unwrap();
    let before = session
        .wait_for_text_within(
            "[data-testid=income-all-time]",
            Duration::from_secs(30),
            |text| text.contains('¥'),
        )
        .unwrap();
    app.screenshot("demo-dashboard-en").unwrap();
    let after = session
        .wait_for_text_within(
            "[data-testid=income-all-time]",
            Duration::from_mins(4),
            |text| text.contains('¥') && text != before,
        )
        .unwrap();
    assert_ne!(before, after);
    session.wait_for("[data-testid=sale-row]").unwrap();
    app.screenshot("demo-dashboard-live-en").unwrap();
    app.quit().unwrap();
}
