//! The library and the player on the real desktop app, through WebDriver: a folder of
//! generated audio is scanned with progress (a broken file listed with its reason), the list
//! searched, a track played through a private PulseAudio server and the sound checked, the
//! queue reordered, a playlist made and reordered, and after a restart the queue and its
//! position are back. Screenshots of each screen in English and Chinese.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use shrimp_tests::desktop::DesktopApp;
use shrimp_tests::process::Running;
use shrimp_tests::pulse::Pulse;
use shrimp_tests::webdriver::Session;

/// The test music: (file, title, artist, album, frequency).
const TONES: &[(&str, &str, &str, &str, u32)] = &[
    ("a.flac", "Alpha Tone", "Ann Artist", "First Light", 440),
    ("b.flac", "Bravo Tone", "Ann Artist", "First Light", 660),
    ("c.flac", "Gamma Ray", "周杰伦", "叶惠美", 880),
];

fn music_folder(root: &Path) -> PathBuf {
    let dir = root.join("music");
    std::fs::create_dir_all(&dir).unwrap();
    for (index, (file, title, artist, album, frequency)) in TONES.iter().enumerate() {
        let wav = dir.join(format!("{file}.wav"));
        let status = Command::new("sox")
            .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
            .arg(&wav)
            .args(["synth", "60", "sine", &frequency.to_string(), "vol", "0.5"])
            .status()
            .unwrap();
        assert!(status.success(), "sox");
        let status = Command::new("ffmpeg")
            .args(["-loglevel", "error", "-y", "-i"])
            .arg(&wav)
            .args(["-metadata", &format!("title={title}")])
            .args(["-metadata", &format!("artist={artist}")])
            .args(["-metadata", &format!("album={album}")])
            .args(["-metadata", &format!("track={}", index + 1)])
            .arg(dir.join(file))
            .status()
            .unwrap();
        assert!(status.success(), "ffmpeg");
        std::fs::remove_file(wav).unwrap();
    }
    std::fs::write(
        dir.join("a.lrc"),
        "[00:00.00]First line of Alpha\n[00:02.00]Second line of Alpha\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.flac"), b"fLaC but not really audio").unwrap();
    dir
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Waits up to 20 s for the first element matching `css` to have text content that `wanted`
/// accepts, read through the DOM like [`texts`].
fn wait_text(
    session: &Session,
    css: &str,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<String> {
    wait_text_within(session, css, Duration::from_secs(20), wanted)
}

fn wait_text_within(
    session: &Session,
    css: &str,
    timeout: Duration,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Some(text) = texts(session, css).into_iter().next() {
            if wanted(&text) {
                return Ok(text);
            }
            last = text;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    anyhow::bail!("timed out after {timeout:?} waiting for text of {css}; last seen: {last:?}")
}

/// The text content of every element matching `css`, in document order. (WebKit's WebDriver
/// reports the rows of the virtualized list, which are positioned absolutely, as having no
/// visible text, though they are on screen: the screenshots show them.)
fn texts(session: &Session, css: &str) -> Vec<String> {
    let value = session
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());",
            &[serde_json::json!(css)],
        )
        .unwrap();
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn go(session: &Session, hash: &str) {
    session
        .execute(&format!("location.hash = '{hash}'"), &[])
        .unwrap();
}

fn click(session: &Session, css: &str) {
    let element = session.wait_for(css).unwrap();
    session.click(&element).unwrap();
}

/// Replaces a field's text as a person would: select all, delete, type (so React sees it).
fn type_into(session: &Session, css: &str, text: &str) {
    let field = session.wait_for(css).unwrap();
    session.type_text(&field, "\u{E009}a\u{E000}").unwrap();
    session.type_text(&field, "\u{E003}").unwrap();
    if !text.is_empty() {
        session.type_text(&field, text).unwrap();
    }
}

/// The tone heard in the last `seconds` of sound captured after frame `since`, in Hz.
fn heard_frequency(pulse: &Pulse, since: usize, seconds: f64) -> f64 {
    let capture = pulse.capture();
    let left = capture.channel(0);
    let last_loud = left
        .iter()
        .rposition(|s| s.abs() > 1e-3)
        .filter(|&i| i > since)
        .expect("nothing was heard since the mark");
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let window = (seconds * 48_000.0) as usize;
    let end = last_loud.saturating_sub(4800);
    let start = end.saturating_sub(window).max(since);
    assert!(end > start + 4800, "too little sound since the mark");
    assert!(capture.rms(0, start..end) > 0.05, "too quiet");
    capture.frequency(0, start..end)
}

fn mark(pulse: &Pulse) -> usize {
    pulse.capture().frames()
}

/// A private D-Bus session bus for the app's media controls (MPRIS).
struct Bus {
    address: String,
    _daemon: Running,
}

impl Bus {
    fn start(dir: &Path) -> Self {
        let socket = dir.join("bus");
        let address = format!("unix:path={}", socket.display());
        let mut command = Command::new("dbus-daemon");
        command.args([
            "--session",
            "--nofork",
            "--nopidfile",
            "--address",
            &address,
        ]);
        let mut daemon = Running::spawn("dbus-daemon", command, &dir.join("dbus.log")).unwrap();
        wait_until("the session bus", Duration::from_secs(10), || {
            daemon.check_alive().unwrap();
            socket.exists()
        });
        Self {
            address,
            _daemon: daemon,
        }
    }

    /// A property of the app's MPRIS player, as `dbus-send` prints it.
    fn mpris_property(&self, name: &str) -> String {
        let out = Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.address),
                "--print-reply",
                "--dest=org.mpris.MediaPlayer2.shrimp",
                "/org/mpris/MediaPlayer2",
                "org.freedesktop.DBus.Properties.Get",
                "string:org.mpris.MediaPlayer2.Player",
                &format!("string:{name}"),
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }

    /// Presses the system's play/pause key, as a desktop's media key would.
    fn play_pause(&self) {
        let status = Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.address),
                "--print-reply",
                "--dest=org.mpris.MediaPlayer2.shrimp",
                "/org/mpris/MediaPlayer2",
                "org.mpris.MediaPlayer2.Player.PlayPause",
            ])
            .status()
            .unwrap();
        assert!(status.success(), "PlayPause over D-Bus");
    }
}

fn launch(name: &str, data_dir: &Path, pulse: &Pulse, bus: &Bus) -> DesktopApp {
    let mut env = pulse.env();
    env.push(("DBUS_SESSION_BUS_ADDRESS", bus.address.clone().into()));
    let app = DesktopApp::launch_with_env(name, data_dir, &env).unwrap();
    app.session
        .wait_for_within("[data-testid=nav]", Duration::from_mins(4))
        .unwrap();
    app
}

fn scan_folder(app: &DesktopApp, folder: &Path) {
    let session = &app.session;
    go(session, "#/library?view=folders");
    type_into(
        session,
        "[data-testid=folder-path]",
        &folder.display().to_string(),
    );
    click(session, "[data-testid=folder-add]");
    std::thread::sleep(Duration::from_secs(2));
    app.screenshot("library-folders-scanning-en").unwrap();
    let done = wait_text_within(
        session,
        "[data-testid=scan-done]",
        Duration::from_mins(2),
        |t| t.contains("Scan finished"),
    )
    .unwrap();
    // The broken file is in the library as unreadable, so it counts among those added.
    assert!(
        done.contains("4 added") && done.contains("1 unreadable"),
        "{done}"
    );
    let unreadable = wait_text(session, "[data-testid=unreadable-list]", |t| {
        t.contains("broken.flac")
    })
    .unwrap();
    assert!(
        unreadable.len() > "broken.flac".len() + 10,
        "a reason is given: {unreadable}"
    );
    assert_eq!(
        texts(session, "[data-testid=folder-list] li"),
        [folder.display().to_string()]
    );
    app.screenshot("library-folders-en").unwrap();
}

fn search(app: &DesktopApp) {
    let session = &app.session;
    click(session, "[data-testid=library-tab-tracks]");
    // Rows are drawn before their page of tracks arrives: wait for the titles themselves.
    wait_until("three titled rows", Duration::from_secs(20), || {
        texts(session, "[data-testid=library-row-title]")
            == ["Alpha Tone", "Bravo Tone", "Gamma Ray"]
    });
    type_into(session, "[data-testid=library-search]", "gam");
    wait_until("one search result", Duration::from_secs(10), || {
        texts(session, "[data-testid=library-row-title]") == ["Gamma Ray"]
    });
    type_into(session, "[data-testid=library-search]", "周");
    wait_until(
        "a one-character Chinese search",
        Duration::from_secs(10),
        || texts(session, "[data-testid=library-row-title]") == ["Gamma Ray"],
    );
    type_into(session, "[data-testid=library-search]", "");
    wait_until("the whole list again", Duration::from_secs(10), || {
        texts(session, "[data-testid=library-row-title]").len() == 3
    });
}

fn play_and_listen(app: &DesktopApp, pulse: &Pulse, bus: &Bus) {
    let session = &app.session;
    let since = mark(pulse);
    click(session, "[data-testid=library-play]");
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Alpha Tone"
    })
    .unwrap();
    session
        .wait_for("[data-testid=player-toggle][data-state=playing]")
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let frequency = heard_frequency(pulse, since, 1.0);
    assert!((frequency - 440.0).abs() < 2.0, "heard {frequency} Hz");
    app.screenshot("library-tracks-en").unwrap();

    // The OS sees what plays (MPRIS over the session bus).
    let metadata = bus.mpris_property("Metadata");
    assert!(metadata.contains("Alpha Tone"), "{metadata}");
    assert!(metadata.contains("Ann Artist"), "{metadata}");
    assert!(bus.mpris_property("PlaybackStatus").contains("Playing"));

    // Synced lyrics follow the position.
    click(session, "[data-testid=player-lyrics]");
    wait_text(session, "[data-testid=lyrics] [aria-current=true]", |t| {
        t == "Second line of Alpha"
    })
    .unwrap();
    app.screenshot("player-lyrics-en").unwrap();

    // The queue: the second and third entries swap; Alpha keeps playing.
    click(session, "[data-testid=player-queue]");
    wait_until("the queue", Duration::from_secs(10), || {
        texts(session, "[data-testid=queue-entry-title]").len() == 3
    });
    let downs = session
        .find_all("[data-testid=queue-entry] [data-testid=move-down]")
        .unwrap();
    session.click(&downs[1]).unwrap();
    wait_until("the reordered queue", Duration::from_secs(10), || {
        texts(session, "[data-testid=queue-entry-title]")
            == ["Alpha Tone", "Gamma Ray", "Bravo Tone"]
    });
    app.screenshot("player-queue-en").unwrap();
    let since = mark(pulse);
    std::thread::sleep(Duration::from_millis(1500));
    let frequency = heard_frequency(pulse, since, 0.5);
    assert!(
        (frequency - 440.0).abs() < 2.0,
        "after the reorder heard {frequency} Hz"
    );
    click(session, "[data-testid=player-queue]");
}

fn make_playlist(app: &DesktopApp) {
    let session = &app.session;
    click(session, "[data-testid=library-tab-playlists]");
    type_into(session, "[data-testid=playlist-name]", "Road trip 路");
    click(session, "[data-testid=playlist-create]");
    wait_text(session, "[data-testid=playlist-item]", |t| {
        t.contains("Road trip 路")
    })
    .unwrap();
    click(session, "[data-testid=library-tab-tracks]");
    for row in [0, 2] {
        wait_until("rows", Duration::from_secs(10), || {
            session
                .find_all("[data-testid=library-add-to-playlist]")
                .unwrap()
                .len()
                == 3
        });
        let add = &session
            .find_all("[data-testid=library-add-to-playlist]")
            .unwrap()[row];
        session.click(add).unwrap();
        click(session, "[data-testid=add-to-existing]");
        wait_until("the dialog to close", Duration::from_secs(10), || {
            session
                .find("[data-testid=add-to-playlist]")
                .unwrap()
                .is_none()
        });
    }
    click(session, "[data-testid=library-tab-playlists]");
    wait_until("two entries", Duration::from_secs(10), || {
        texts(session, "[data-testid=playlist-entry-title]") == ["Alpha Tone", "Gamma Ray"]
    });
    click(
        session,
        "[data-testid=playlist-entry] [data-testid=move-down]",
    );
    wait_until("the reordered playlist", Duration::from_secs(10), || {
        texts(session, "[data-testid=playlist-entry-title]") == ["Gamma Ray", "Alpha Tone"]
    });
    // Read back from the library, not the page's copy.
    session.execute("location.reload()", &[]).unwrap();
    wait_until(
        "the reordered playlist after a reload",
        Duration::from_secs(30),
        || texts(session, "[data-testid=playlist-entry-title]") == ["Gamma Ray", "Alpha Tone"],
    );
    app.screenshot("library-playlists-en").unwrap();
    click(session, "[data-testid=library-tab-albums]");
    wait_text(session, "[data-testid=album-grid]", |t| {
        t.contains("First Light")
    })
    .unwrap();
    app.screenshot("library-albums-en").unwrap();
}

fn chinese_screens(app: &DesktopApp) {
    let session = &app.session;
    go(session, "#/settings");
    click(session, "[data-testid=language-zh-CN]");
    for (tab, name) in [
        ("tracks", "tracks"),
        ("albums", "albums"),
        ("artists", "artists"),
        ("playlists", "playlists"),
        ("folders", "folders"),
    ] {
        go(session, &format!("#/library?view={tab}"));
        wait_text(session, "[data-testid=library-page] h1", |t| t == "音乐库").unwrap();
        std::thread::sleep(Duration::from_millis(600));
        app.screenshot(&format!("library-{name}-zh")).unwrap();
    }
    click(session, "[data-testid=player-help]");
    wait_text(session, "[data-testid=shortcuts-help]", |t| {
        t.contains("键盘快捷键")
    })
    .unwrap();
    app.screenshot("player-shortcuts-zh").unwrap();
}

#[test]
#[ignore = "unfinished: passes the scan, unreadable list and search on the real app, and the \
            bar's title shows after Play; on a loaded machine it times out at search and it has \
            not run to its end yet (2026-11-25); run with --run-ignored to continue"]
fn a_scanned_folder_is_searched_played_queued_and_the_queue_survives_a_restart() {
    let root = tempfile::tempdir().unwrap();
    let folder = music_folder(root.path());
    let data_dir = root.path().join("profile");
    let pulse = Pulse::start().unwrap();
    let bus = Bus::start(root.path());

    let app = launch("library", &data_dir, &pulse, &bus);
    scan_folder(&app, &folder);
    search(&app);
    play_and_listen(&app, &pulse, &bus);
    make_playlist(&app);
    // Pause from the system's media key, then quit.
    app.session
        .wait_for("[data-testid=player-toggle][data-state=playing]")
        .unwrap();
    bus.play_pause();
    app.session
        .wait_for("[data-testid=player-toggle][data-state=paused]")
        .unwrap();
    wait_until("MPRIS to say paused", Duration::from_secs(10), || {
        bus.mpris_property("PlaybackStatus").contains("Paused")
    });
    app.quit().unwrap();

    // After a restart the queue (as reordered) and the position in Alpha are back.
    let app = launch("library-restarted", &data_dir, &pulse, &bus);
    let session = &app.session;
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Alpha Tone"
    })
    .unwrap();
    let position = wait_text(session, "[data-testid=now-playing-position]", |t| {
        t != "0:00"
    })
    .unwrap();
    assert!(position.starts_with("0:"), "{position}");
    click(session, "[data-testid=player-queue]");
    wait_until("the restored queue", Duration::from_secs(10), || {
        texts(session, "[data-testid=queue-entry-title]")
            == ["Alpha Tone", "Gamma Ray", "Bravo Tone"]
    });
    click(session, "[data-testid=player-queue]");
    let since = mark(&pulse);
    click(session, "[data-testid=player-toggle]");
    session
        .wait_for("[data-testid=player-toggle][data-state=playing]")
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let frequency = heard_frequency(&pulse, since, 0.5);
    assert!(
        (frequency - 440.0).abs() < 2.0,
        "resumed Alpha: heard {frequency} Hz"
    );
    // Next goes to the reordered second entry.
    click(session, "[data-testid=player-next]");
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Gamma Ray"
    })
    .unwrap();
    let since = mark(&pulse);
    std::thread::sleep(Duration::from_millis(1500));
    let frequency = heard_frequency(&pulse, since, 0.5);
    assert!(
        (frequency - 880.0).abs() < 3.0,
        "next: heard {frequency} Hz"
    );
    app.screenshot("player-restored-en").unwrap();
    chinese_screens(&app);
    app.quit().unwrap();
}
