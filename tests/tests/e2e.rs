//! End-to-end journeys on the real desktop app under a display, through WebDriver.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use shrimp_tests::desktop::DesktopApp;

#[test]
fn shell_shows_navigation_and_a_live_status_from_rust() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("profile");
    let app = DesktopApp::launch("shell", &data_dir).unwrap();
    let session = &app.session;

    // The main navigation, in English by default here.
    session.wait_for("[data-testid=nav]").unwrap();
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
