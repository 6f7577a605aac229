//! The library and the player on the real desktop app, through WebDriver: a folder of
//! generated audio is scanned with progress (a broken file listed with its reason), the list
//! searched, a track played through a private PulseAudio server and the sound checked, the
//! queue reordered, a playlist made and reordered, the OS's media controls checked over D-Bus
//! (MPRIS), and after a restart the queue and its position are back. Screenshots of each
//! screen in English and Chinese. Every wait is on a condition, sound included (the capture
//! is watched until enough of it arrived), with a minute's patience for a loaded machine.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use shrimp_tests::desktop::DesktopApp;
use shrimp_tests::process::Running;
use shrimp_tests::pulse::{Capture, Pulse, RATE};
use shrimp_tests::webdriver::{Session, is_stale};

/// The test music: (file, title, artist, album, frequency).
const TONES: &[(&str, &str, &str, &str, u32)] = &[
    ("a.flac", "Alpha Tone", "Ann Artist", "First Light", 440),
    ("b.flac", "Bravo Tone", "Ann Artist", "First Light", 660),
    ("c.flac", "Gamma Ray", "周杰伦", "叶惠美", 880),
];

/// Long enough that Alpha is still playing when the journey pauses it, however slow the
/// machine is between.
const TONE_SECONDS: u32 = 120;

fn music_folder(root: &Path) -> PathBuf {
    let dir = root.join("music");
    std::fs::create_dir_all(&dir).unwrap();
    for (index, (file, title, artist, album, frequency)) in TONES.iter().enumerate() {
        let wav = dir.join(format!("{file}.wav"));
        let status = Command::new("sox")
            .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
            .arg(&wav)
            .args(["synth", &TONE_SECONDS.to_string(), "sine"])
            .args([&frequency.to_string(), "vol", "0.5"])
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

/// How long a step may take on a loaded two-core machine before it counts as failed.
const PATIENCE: Duration = Duration::from_mins(1);

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Waits for the first element matching `css` to have text content that `wanted` accepts,
/// read through the DOM like [`texts`].
fn wait_text(
    session: &Session,
    css: &str,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<String> {
    session.wait_for_text_content_within(css, PATIENCE, wanted)
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

fn wait_for(session: &Session, css: &str) {
    session.wait_for_within(css, PATIENCE).unwrap();
}

fn click(session: &Session, css: &str) {
    click_nth(session, css, 0);
}

/// Clicks the `n`th element matching `css` once there is one, finding it again when the page
/// replaced it between the search and the click (a list re-rendering, a panel opening).
fn click_nth(session: &Session, css: &str, n: usize) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(element) = session.find_all(css).unwrap().get(n) {
            match session.click(element) {
                Ok(()) => return,
                Err(error)
                    if is_stale(&error)
                        || error.to_string().contains("element click intercepted")
                        || error.to_string().contains("element not interactable") =>
                {
                    eprintln!("clicking {css} #{n} again: {error:#}");
                }
                Err(error) => panic!("clicking {css} #{n}: {error:#}"),
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting to click {css} #{n}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Replaces a field's text as a person would: select all, delete, type (so React sees it).
fn type_into(session: &Session, css: &str, text: &str) {
    let field = session.wait_for_within(css, PATIENCE).unwrap();
    session.type_text(&field, "\u{E009}a\u{E000}").unwrap();
    session.type_text(&field, "\u{E003}").unwrap();
    if !text.is_empty() {
        session.type_text(&field, text).unwrap();
    }
}

fn frames(seconds: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let frames = (seconds * f64::from(RATE)).round() as usize;
    frames
}

/// The unbroken stretches of sound in `capture` (a sine crosses zero, but is never quiet for
/// a millisecond), in order.
fn stretches(capture: &Capture) -> Vec<Range<usize>> {
    let all = 0..capture.frames();
    let mut out = Vec::new();
    let mut from = 0;
    for gap in capture.gaps(all.clone(), 1e-3, frames(0.001)) {
        if gap.start > from {
            out.push(from..gap.start);
        }
        from = gap.end;
    }
    if all.end > from {
        out.push(from..all.end);
    }
    out
}

/// Waits until at least `seconds` of sound have been heard since frame `since`, and returns
/// the tone, in Hz, of the latest quarter second heard without a break. (Sound is heard in
/// real time: this waits on the capture, not on a clock. On a loaded machine the output may
/// underrun, so the sound need not be unbroken all along.)
fn listen(pulse: &Pulse, since: usize, seconds: f64) -> f64 {
    let mut window = None;
    wait_until(
        &format!("{seconds} s of sound since frame {since}"),
        PATIENCE,
        || {
            let capture = pulse.capture_from(since);
            let found = stretches(&capture);
            let heard: usize = found.iter().map(ExactSizeIterator::len).sum();
            if heard < frames(seconds) {
                return false;
            }
            // The edges of a stretch may be a partial block or a fade.
            let Some(last) = found.iter().rev().find(|r| r.len() >= frames(0.3)) else {
                return false;
            };
            let end = last.end - frames(0.02);
            window = Some((capture.clone(), end - frames(0.25)..end));
            true
        },
    );
    let (capture, window) = window.unwrap();
    let rms = capture.rms(0, window.clone());
    assert!(rms > 0.05, "too quiet: rms {rms}");
    capture.frequency(0, window)
}

/// Where the capture is now: sound heard after this is new.
fn mark(pulse: &Pulse) -> usize {
    pulse.frames()
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
    // The progress bar, or the summary when the scan was quicker than the look.
    wait_for(
        session,
        "[data-testid=scan-progress], [data-testid=scan-done]",
    );
    app.screenshot("library-folders-scanning-en").unwrap();
    let done = session
        .wait_for_text_content_within("[data-testid=scan-done]", Duration::from_mins(2), |t| {
            t.contains("Scan finished")
        })
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
    wait_until("the folder listed", PATIENCE, || {
        texts(session, "[data-testid=folder-list] li") == [folder.display().to_string()]
    });
    app.screenshot("library-folders-en").unwrap();
}

/// `m:ss` in seconds.
fn seconds_of(clock: &str) -> u32 {
    let (minutes, seconds) = clock.split_once(':').unwrap();
    minutes.parse::<u32>().unwrap() * 60 + seconds.parse::<u32>().unwrap()
}

fn titles(session: &Session) -> Vec<String> {
    texts(session, "[data-testid=library-row-title]")
}

fn search(app: &DesktopApp) {
    let session = &app.session;
    click(session, "[data-testid=library-tab-tracks]");
    // Rows are drawn before their page of tracks arrives: wait for the titles themselves.
    wait_until("three titled rows", PATIENCE, || {
        titles(session) == ["Alpha Tone", "Bravo Tone", "Gamma Ray"]
    });
    type_into(session, "[data-testid=library-search]", "gam");
    wait_until("one search result", PATIENCE, || {
        titles(session) == ["Gamma Ray"]
    });
    type_into(session, "[data-testid=library-search]", "周");
    wait_until("a one-character Chinese search", PATIENCE, || {
        titles(session) == ["Gamma Ray"]
    });
    app.screenshot("library-search-en").unwrap();
    type_into(session, "[data-testid=library-search]", "");
    wait_until("the whole list again", PATIENCE, || {
        titles(session) == ["Alpha Tone", "Bravo Tone", "Gamma Ray"]
    });
}

fn queue_titles(session: &Session) -> Vec<String> {
    texts(session, "[data-testid=queue-entry-title]")
}

fn play_and_listen(app: &DesktopApp, pulse: &Pulse, bus: &Bus) {
    let session = &app.session;
    click(session, "[data-testid=library-play]");
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Alpha Tone"
    })
    .unwrap();
    wait_for(session, "[data-testid=player-toggle][data-state=playing]");
    // Alpha's first sample is out: everything from here on is Alpha.
    let frequency = listen(pulse, mark(pulse), 1.0);
    assert!((frequency - 440.0).abs() < 2.0, "heard {frequency} Hz");
    app.screenshot("library-tracks-en").unwrap();

    // The OS sees what plays (MPRIS over the session bus).
    wait_until("MPRIS to name Alpha", PATIENCE, || {
        let metadata = bus.mpris_property("Metadata");
        metadata.contains("Alpha Tone") && metadata.contains("Ann Artist")
    });
    wait_until("MPRIS to say playing", PATIENCE, || {
        bus.mpris_property("PlaybackStatus").contains("Playing")
    });

    // Synced lyrics follow the position.
    click(session, "[data-testid=player-lyrics]");
    wait_text(session, "[data-testid=lyrics] [aria-current=true]", |t| {
        t == "Second line of Alpha"
    })
    .unwrap();
    app.screenshot("player-lyrics-en").unwrap();

    // The queue: the second and third entries swap; Alpha keeps playing.
    click(session, "[data-testid=player-queue]");
    wait_until("the queue", PATIENCE, || {
        queue_titles(session) == ["Alpha Tone", "Bravo Tone", "Gamma Ray"]
    });
    click_nth(
        session,
        "[data-testid=queue-entry] [data-testid=move-down]",
        1,
    );
    wait_until("the reordered queue", PATIENCE, || {
        queue_titles(session) == ["Alpha Tone", "Gamma Ray", "Bravo Tone"]
    });
    app.screenshot("player-queue-en").unwrap();
    let frequency = listen(pulse, mark(pulse), 0.5);
    assert!(
        (frequency - 440.0).abs() < 2.0,
        "after the reorder heard {frequency} Hz"
    );
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Alpha Tone"
    })
    .unwrap();
    click(session, "[data-testid=player-queue]");
    session.wait_gone("[data-testid=queue-panel]").unwrap();
}

fn playlist_titles(session: &Session) -> Vec<String> {
    texts(session, "[data-testid=playlist-entry-title]")
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
        wait_until("three rows", PATIENCE, || titles(session).len() == 3);
        click_nth(session, "[data-testid=library-add-to-playlist]", row);
        click(session, "[data-testid=add-to-existing]");
        session.wait_gone("[data-testid=add-to-playlist]").unwrap();
    }
    click(session, "[data-testid=library-tab-playlists]");
    wait_until("two entries", PATIENCE, || {
        playlist_titles(session) == ["Alpha Tone", "Gamma Ray"]
    });
    click(
        session,
        "[data-testid=playlist-entry] [data-testid=move-down]",
    );
    wait_until("the reordered playlist", PATIENCE, || {
        playlist_titles(session) == ["Gamma Ray", "Alpha Tone"]
    });
    // Read back from the library, not the page's copy.
    session.execute("location.reload()", &[]).unwrap();
    wait_until("the reordered playlist after a reload", PATIENCE, || {
        playlist_titles(session) == ["Gamma Ray", "Alpha Tone"]
    });
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
    // Each tab with its content drawn.
    for (tab, content, wanted) in [
        ("tracks", "[data-testid=library-row-title]", "Alpha Tone"),
        ("albums", "[data-testid=album-grid]", "叶惠美"),
        ("artists", "[data-testid=artist-item]", "Ann Artist"),
        ("playlists", "[data-testid=playlist-item]", "Road trip 路"),
        ("folders", "[data-testid=unreadable-list]", "broken.flac"),
    ] {
        go(session, &format!("#/library?view={tab}"));
        wait_text(session, "[data-testid=library-page] h1", |t| t == "音乐库").unwrap();
        wait_for(
            session,
            &format!("[data-testid=library-tab-{tab}][aria-selected=true]"),
        );
        wait_text(session, content, |t| t.contains(wanted)).unwrap();
        app.screenshot(&format!("library-{tab}-zh")).unwrap();
    }
    click(session, "[data-testid=player-help]");
    wait_text(session, "[data-testid=shortcuts-help]", |t| {
        t.contains("键盘快捷键")
    })
    .unwrap();
    app.screenshot("player-shortcuts-zh").unwrap();
}

#[test]
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
    wait_for(
        &app.session,
        "[data-testid=player-toggle][data-state=playing]",
    );
    bus.play_pause();
    wait_for(
        &app.session,
        "[data-testid=player-toggle][data-state=paused]",
    );
    wait_until("MPRIS to say paused", PATIENCE, || {
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
    let restored = wait_text(session, "[data-testid=now-playing-position]", |t| {
        t != "0:00"
    })
    .unwrap();
    let restored = seconds_of(&restored);
    assert!(restored > 0 && restored < TONE_SECONDS, "{restored} s");
    click(session, "[data-testid=player-queue]");
    wait_until("the restored queue", PATIENCE, || {
        queue_titles(session) == ["Alpha Tone", "Gamma Ray", "Bravo Tone"]
    });
    app.screenshot("player-restored-queue-en").unwrap();
    click(session, "[data-testid=player-queue]");
    session.wait_gone("[data-testid=queue-panel]").unwrap();

    // Play picks Alpha up where it was: heard, shown moving on, and told to the OS.
    click(session, "[data-testid=player-toggle]");
    wait_for(session, "[data-testid=player-toggle][data-state=playing]");
    let frequency = listen(&pulse, mark(&pulse), 0.5);
    assert!(
        (frequency - 440.0).abs() < 2.0,
        "resumed Alpha: heard {frequency} Hz"
    );
    wait_until("MPRIS to name Alpha after the restart", PATIENCE, || {
        bus.mpris_property("Metadata").contains("Alpha Tone")
    });
    wait_text(session, "[data-testid=now-playing-position]", |t| {
        (restored + 1..TONE_SECONDS).contains(&seconds_of(t))
    })
    .unwrap();

    // Next goes to the reordered second entry.
    click(session, "[data-testid=player-next]");
    wait_text(session, "[data-testid=now-playing-title]", |t| {
        t == "Gamma Ray"
    })
    .unwrap();
    let frequency = listen(&pulse, mark(&pulse), 0.5);
    assert!(
        (frequency - 880.0).abs() < 3.0,
        "next: heard {frequency} Hz"
    );
    wait_until("MPRIS to name Gamma", PATIENCE, || {
        bus.mpris_property("Metadata").contains("Gamma Ray")
    });
    app.screenshot("player-restored-en").unwrap();
    chinese_screens(&app);
    app.quit().unwrap();
}
