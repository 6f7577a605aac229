//! Issue 7's listener journey on the real app under a display, through WebDriver, with its
//! sound going to a private PulseAudio server whose output is captured: browse the demo store,
//! preview a track (heard), buy it, watch it download with a progress bar, press Play now and
//! hear the downloaded file — checked against the file itself (duration and level). Then the
//! purchase history's receipt, and the same in Simplified Chinese. Screenshots of each screen
//! in both languages land in `target/e2e/`.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test.
#![allow(clippy::print_stdout)] // Measurements are printed for the record.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::json;
use shrimp_tests::desktop::DesktopApp;
use shrimp_tests::pulse::{Capture, Pulse, RATE};
use shrimp_tests::webdriver::Session;

/// A threshold above the pipe sink's silence and below any music.
const LOUD: f32 = 0.01;

/// Frames from `mark` on, as (left, right).
fn since(capture: &Capture, mark: usize) -> (Vec<f32>, Vec<f32>) {
    let left = capture.channel(0).split_off(mark.min(capture.frames()));
    let right = capture.channel(1).split_off(mark.min(capture.frames()));
    (left, right)
}

fn first_loud(samples: &[f32]) -> Option<usize> {
    samples.iter().position(|s| s.abs() > LOUD)
}

fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    #[allow(clippy::cast_precision_loss)]
    let n = samples.len().max(1) as f64;
    (sum / n).sqrt()
}

/// The first track on the front page that the listener can still buy: (id, title).
fn a_track_to_buy(session: &Session, skip: Option<&str>) -> (String, String) {
    let found = session
        .execute(
            "const skip = arguments[0];
             const row = [...document.querySelectorAll('[data-testid=track-row]')]
               .find(r => r.querySelector('[data-testid=buy-button]') && r.dataset.trackId !== skip);
             return row ? [row.dataset.trackId, row.querySelector('.track-title').textContent] : null;",
            &[json!(skip)],
        )
        .unwrap();
    let pair = found
        .as_array()
        .expect("a track the listener has not bought");
    (
        pair[0].as_str().unwrap().to_owned(),
        pair[1].as_str().unwrap().to_owned(),
    )
}

/// Closes the purchase sheet with its Done button.
fn close_sheet(session: &Session) {
    session
        .execute(
            "document.querySelector('[data-testid=purchase-done]').click()",
            &[],
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while session
        .find("[data-testid=purchase-sheet]")
        .unwrap()
        .is_some()
    {
        assert!(Instant::now() < deadline, "the purchase sheet stays open");
        thread::sleep(Duration::from_millis(100));
    }
}

fn row(id: &str) -> String {
    format!("[data-testid=track-row][data-track-id=\"{id}\"]")
}

/// Buys `id` from the front page, waits for the download to finish; returns the bar's bytes.
fn buy_and_download(app: &DesktopApp, id: &str, shot: &str) -> u64 {
    let session = &app.session;
    let buy = session
        .wait_for(&format!("{} [data-testid=buy-button]", row(id)))
        .unwrap();
    session.click(&buy).unwrap();
    session.wait_for("[data-testid=purchase-sheet]").unwrap();
    session.wait_for("[data-testid=confirm-purchase]").unwrap();
    let price = session
        .execute(
            "return document.querySelector('[data-testid=confirm-purchase]').textContent",
            &[],
        )
        .unwrap();
    let price = price.as_str().unwrap_or_default();
    assert!(
        price.contains('¥') || price.contains("free") || price.contains("免费"),
        "{price}"
    );
    app.screenshot(&format!("purchase-confirm-{shot}")).unwrap();
    let confirm = session.wait_for("[data-testid=confirm-purchase]").unwrap();
    session.click(&confirm).unwrap();
    session.wait_for("[data-testid=purchase-success]").unwrap();
    session
        .wait_for_within(
            "[data-testid=download-panel][data-state=done]",
            Duration::from_mins(1),
        )
        .unwrap();
    let bar = session.wait_for("[data-testid=download-progress]").unwrap();
    let done: u64 = session
        .attribute(&bar, "aria-valuenow")
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let total: u64 = session
        .attribute(&bar, "aria-valuemax")
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total > 100_000, "a whole track is more than {total} bytes");
    assert_eq!(done, total, "the bar reached the end");
    app.screenshot(&format!("purchase-downloaded-{shot}"))
        .unwrap();
    total
}

/// The downloaded file in the music folder whose size is `size`.
fn downloaded_file(data_dir: &Path, size: u64) -> std::path::PathBuf {
    std::fs::read_dir(data_dir.join("music"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.extension().is_some_and(|e| e == "flac")
                && std::fs::metadata(path).unwrap().len() == size
        })
        .unwrap_or_else(|| panic!("no downloaded file of {size} bytes"))
}

#[test]
fn a_listener_previews_buys_downloads_and_hears_the_track() {
    let pulse = Pulse::start().unwrap();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("profile");
    let app = DesktopApp::launch_with_env("purchase", &data_dir, &pulse.env()).unwrap();
    let session = &app.session;

    // Browse: the demo store opens (after the first launch's seed) as the demo listener.
    session
        .wait_for_within("[data-testid=store-home]", Duration::from_mins(4))
        .unwrap();
    session.wait_for("[data-testid=track-row]").unwrap();
    let (id, title) = a_track_to_buy(session, None);
    println!("buying {id} {title:?}");

    // Search as you type finds it.
    session
        .set_value("[data-testid=search-input]", &title)
        .unwrap();
    session
        .wait_for_within(&row(&id), Duration::from_secs(20))
        .unwrap();
    app.screenshot("store-search-en").unwrap();

    // Preview: the 30-second clip is heard through the engine, then paused.
    let mark = pulse.capture().frames();
    let preview = session
        .wait_for(&format!("{} [data-testid=preview-button]", row(&id)))
        .unwrap();
    session.click(&preview).unwrap();
    session
        .wait_for_within(
            &format!(
                "{} [data-testid=preview-button][data-state=playing]",
                row(&id)
            ),
            Duration::from_secs(20),
        )
        .unwrap();
    pulse
        .wait_for_sound(mark, 1.0, LOUD, Duration::from_secs(90))
        .unwrap();
    app.screenshot("store-preview-en").unwrap();
    let preview = session
        .wait_for(&format!("{} [data-testid=preview-button]", row(&id)))
        .unwrap();
    session.click(&preview).unwrap();
    session
        .wait_for(&format!(
            "{} [data-testid=preview-button][data-state=idle]",
            row(&id)
        ))
        .unwrap();
    thread::sleep(Duration::from_secs(1));

    // Buy → confirm → paid → download with its progress bar → in the library.
    let size = buy_and_download(&app, &id, "en");
    let file = downloaded_file(&data_dir, size);
    println!("downloaded {} ({size} bytes)", file.display());

    // Play now: the downloaded file, the whole track (not the preview), is heard.
    let silence_check = pulse.capture().frames();
    thread::sleep(Duration::from_millis(500));
    let (quiet, _) = since(&pulse.capture(), silence_check);
    assert!(
        first_loud(&quiet).is_none(),
        "the preview is paused before Play now"
    );
    let mark = pulse.capture().frames();
    let play = session.wait_for("[data-testid=play-now]").unwrap();
    session.click(&play).unwrap();
    let start = pulse
        .wait_for_sound(mark, 4.0, LOUD, Duration::from_secs(90))
        .unwrap();
    let shown = session
        .wait_for_within(
            "[data-testid=now-playing-duration]",
            Duration::from_secs(10),
        )
        .unwrap();
    let shown_ms: u64 = session
        .attribute(&shown, "data-ms")
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    app.screenshot("purchase-playing-en").unwrap();

    // Against the file itself: the engine's duration is the file's, and the level heard over
    // the first seconds is the file's level over the same seconds.
    let decoded = shrimp_playback::decode_f32(&file, u64::MAX).unwrap();
    let channels = decoded.info.channels;
    let file_rate = decoded.info.sample_rate;
    let file_left: Vec<f32> = decoded.samples.iter().step_by(channels).copied().collect();
    #[allow(clippy::cast_precision_loss)]
    let file_ms = file_left.len() as f64 * 1000.0 / f64::from(file_rate);
    println!("file {file_ms:.0} ms, engine says {shown_ms} ms");
    assert!(shown_ms > 30_000, "the whole track plays, not the preview");
    #[allow(clippy::cast_precision_loss)]
    let off = (shown_ms as f64 - file_ms).abs();
    assert!(off < 100.0, "engine {shown_ms} ms vs file {file_ms:.0} ms");

    let window = 3.0;
    let file_start = first_loud(&file_left).unwrap();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let file_window = &file_left[file_start..file_start + (window * f64::from(file_rate)) as usize];
    let capture = pulse.capture();
    let heard_left = capture.channel(0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let heard_window = &heard_left[start..start + (window * f64::from(RATE)) as usize];
    // The engine normalises loudness by default (the file's ReplayGain, else measured).
    let factor = if decoded.info.replay_gain.track_gain_db.is_some() {
        decoded.info.replay_gain.track_factor()
    } else {
        shrimp_playback::loudness::measure(&file)
            .unwrap()
            .replay_gain()
            .track_factor()
    };
    let (heard, expected) = (rms(heard_window), rms(file_window) * f64::from(factor));
    println!("normalisation factor {factor:.3}");
    println!("level heard {heard:.4} rms, file {expected:.4} rms");
    assert!(heard > 0.01, "the track is not silent: {heard}");
    let ratio = heard / expected;
    assert!(
        (0.7..1.4).contains(&ratio),
        "heard {heard:.4} vs file {expected:.4} rms over the first {window} s"
    );
    let (_, right) = since(&capture, start);
    assert!(rms(&right[..RATE as usize]) > 0.005, "both channels play");

    // The now-playing bar names the bought track: it plays from the library, not as a preview.
    close_sheet(session);
    session
        .wait_for_text_content_within(
            "[data-testid=now-playing-title]",
            Duration::from_secs(10),
            |playing| playing == title,
        )
        .expect("the bar names the bought track, not a preview");

    // Purchase history: the order, its receipt exact to the fen, already in the library.
    session
        .execute("location.hash = '#/store/orders'", &[])
        .unwrap();
    let order = format!("[data-testid=order-row][data-track-id=\"{id}\"]");
    session.wait_for(&order).unwrap();
    session
        .wait_for(&format!("{order} [data-testid=download-done]"))
        .unwrap();
    app.screenshot("orders-en").unwrap();
    let receipt = session
        .wait_for(&format!("{order} [data-testid=receipt-button]"))
        .unwrap();
    session.click(&receipt).unwrap();
    let amount = session
        .text_content("[data-testid=receipt-amount]")
        .unwrap();
    assert!(
        (amount.starts_with('¥') && amount.len() >= 5) || amount == "Free",
        "{amount}"
    );
    let order_id = session
        .text_content("[data-testid=receipt-order-id]")
        .unwrap();
    assert!(!order_id.is_empty());
    // The sheet fades in; let it finish before the picture.
    thread::sleep(Duration::from_millis(600));
    app.screenshot("orders-receipt-en").unwrap();
    session
        .execute("document.activeElement.click()", &[])
        .unwrap();

    // The same journey in Simplified Chinese, with a second track.
    session
        .execute("location.hash = '#/settings'", &[])
        .unwrap();
    let chinese = session.wait_for("[data-testid=language-zh-CN]").unwrap();
    session.click(&chinese).unwrap();
    session.execute("location.hash = '#/store'", &[]).unwrap();
    session
        .wait_for_text("[data-testid=nav]", |text| text.contains("商店"))
        .unwrap();
    session.wait_for("[data-testid=track-row]").unwrap();
    let (second, _) = a_track_to_buy(session, Some(&id));
    app.screenshot("store-zh").unwrap();
    buy_and_download(&app, &second, "zh");
    let panel = session.text_content("[data-testid=download-done]").unwrap();
    assert!(panel.contains("音乐库"), "{panel}");
    close_sheet(session);
    session
        .execute("location.hash = '#/store/orders'", &[])
        .unwrap();
    session
        .wait_for(&format!(
            "[data-testid=order-row][data-track-id=\"{second}\"] [data-testid=download-done]"
        ))
        .unwrap();
    app.screenshot("orders-zh").unwrap();
    let receipt = session
        .wait_for(&format!(
            "[data-testid=order-row][data-track-id=\"{second}\"] [data-testid=receipt-button]"
        ))
        .unwrap();
    session.click(&receipt).unwrap();
    session.wait_for("[data-testid=receipt-amount]").unwrap();
    thread::sleep(Duration::from_millis(600));
    app.screenshot("orders-receipt-zh").unwrap();
    app.quit().unwrap();
}
