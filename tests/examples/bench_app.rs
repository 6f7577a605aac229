//! App benchmark: the release desktop app with a 100,000-track library against the same app
//! with an empty library, measured in the same run, through WebDriver under a display.
//!
//! - cold start: from the app process's start (the kernel's record of it) to the shell being
//!   interactive (navigation and the store shown), and to the Library's first rows on screen;
//! - memory at idle: the app and its web processes, resident (RSS) and proportional (PSS,
//!   shared pages split between processes), after 5 s with nothing happening;
//! - the library at 100,000 tracks as a person feels it, timed inside the page: a scroll to
//!   anywhere until the rows there show their titles, and a search typed until the count and
//!   the first rows change.
//!
//! Both profiles are one demo profile seeded by a first launch, so the only difference is the
//! library. Run through `make bench-app` (part of `make bench`), which builds the release app
//! and the library generator this example finds beside itself, then runs it under a display.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)] // A benchmark binary: fail loudly, print results, one long script.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use shrimp_tests::desktop::DesktopApp;
use shrimp_tests::webdriver::Session;
use shrimp_tests::workspace;

const TRACKS: usize = 100_000;
/// Launches of each profile measured (after one that warms the page cache); more or fewer
/// through `SHRIMP_BENCH_LAUNCHES`.
const LAUNCHES: usize = 5;

fn launches() -> usize {
    std::env::var("SHRIMP_BENCH_LAUNCHES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(LAUNCHES)
        .max(1)
}

fn main() {
    let root = tempfile::tempdir().unwrap();
    let empty = root.path().join("empty");
    let big = root.path().join("big");

    println!("== app: cold start, idle memory, library scroll and search ({TRACKS} tracks) ==");
    seed_demo(&empty);
    copy_dir(&empty, &big);
    fill_library(&big, TRACKS);

    let launches = launches();
    let mut figures = [Vec::new(), Vec::new()];
    for round in 0..=launches {
        // Which profile goes first alternates too, so neither always follows the other.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for which in order {
            let dir = [&empty, &big][which];
            let launch = measure_launch(dir, &format!("bench-{which}-{round}"));
            // The first launch of each profile warms the page cache; it is not counted.
            if round > 0 {
                figures[which].push(launch);
            }
        }
    }
    let [empty_runs, big_runs] = figures;
    let row = |label: &str, pick: fn(&Launch) -> f64, unit: &str| {
        let reference = median(empty_runs.iter().map(pick).collect());
        let value = median(big_runs.iter().map(pick).collect());
        println!(
            "{label:<34} empty {reference:>8.1} {unit}  100k {value:>8.1} {unit}  ratio {:.2}",
            value / reference
        );
    };
    println!("medians of {launches} launches each, alternating:");
    row("start → shell interactive", |l| l.interactive_ms, "ms");
    row("start → library rows on screen", |l| l.library_ms, "ms");
    row("idle memory, RSS (app + web)", |l| l.rss_mib, "MiB");
    row("idle memory, PSS (app + web)", |l| l.pss_mib, "MiB");

    // Inside the page: the 1,000-track library is the reference for the 100,000-track one.
    let small = root.path().join("small");
    copy_dir(&empty, &small);
    fill_library(&small, SMALL_TRACKS);
    let reference = measure_list(&small, SMALL_TRACKS, "bench-list-1k");
    let large = measure_list(&big, TRACKS, "bench-list-100k");
    println!(
        "in the page, {SMALL_TRACKS} tracks (reference) against {TRACKS}, \
         {JUMPS} jumps and {} searches each:",
        SEARCHES.len()
    );
    let latency = |label: &str, pick: fn(&ListLatency) -> &[f64]| {
        let (p50_ref, p99_ref) = (
            percentile(pick(&reference), 0.5),
            percentile(pick(&reference), 0.99),
        );
        let (p50, p99) = (
            percentile(pick(&large), 0.5),
            percentile(pick(&large), 0.99),
        );
        println!(
            "{label:<34} 1k p50 {p50_ref:>6.1} p99 {p99_ref:>6.1} ms  \
             100k p50 {p50:>6.1} p99 {p99:>6.1} ms  ratio p50 {:.2} p99 {:.2}",
            p50 / p50_ref,
            p99 / p99_ref
        );
    };
    latency("scroll anywhere → rows painted", |l| &l.scrolls);
    latency("scroll 3 rows (drawn) → painted", |l| &l.nudges);
    latency("type a search → results painted", |l| &l.searches);
    println!(
        "a frame on this display (median interval of animation frames): 1k {:.1} ms, 100k {:.1} ms",
        reference.frame_ms, large.frame_ms
    );
}

/// Tracks in the reference library of the in-page measures.
const SMALL_TRACKS: usize = 1_000;
/// Scroll jumps per library.
const JUMPS: u64 = 100;
/// What is typed into the search, in turn; the empty text brings the whole list back.
const SEARCHES: &[&str] = &[
    "love", "", "周", "", "golden", "", "river", "", "la", "", "夜", "", "x", "",
];

/// In-page latencies of one library, in milliseconds.
struct ListLatency {
    scrolls: Vec<f64>,
    /// Scrolls of a few rows into rows already drawn: nothing to fetch, so what is left is the
    /// measuring itself (a scroll event, a check and a frame) — the floor under `scrolls`.
    nudges: Vec<f64>,
    searches: Vec<f64>,
    /// How far apart the page's animation frames are (a software-rendered display is slow).
    frame_ms: f64,
}

/// Jumps around the track list of a library of `tracks` and searches it, timed in the page.
fn measure_list(dir: &Path, tracks: usize, name: &str) -> ListLatency {
    let app = DesktopApp::launch(name, dir).unwrap();
    open_library(&app.session);
    let tracks = tracks as u64;
    // Anywhere in the list, as a dragged scrollbar would go: a spread of positions, each far
    // from the last (never a window already drawn).
    let scrolls = (1..=JUMPS)
        .map(|step| scroll_to(&app.session, (step * 7_919 * 13) % tracks))
        .collect();
    let nudges = (1..=JUMPS / 4)
        .map(|step| {
            let base = (step * 7_919 * 17) % (tracks - 20);
            scroll_to(&app.session, base);
            scroll_to(&app.session, base + 3)
        })
        .collect();
    let frame_ms = frame_interval(&app.session);
    let searches = SEARCHES
        .iter()
        .map(|text| search(&app.session, text))
        .collect();
    app.quit().unwrap();
    wait_for_exit(dir);
    ListLatency {
        scrolls,
        nudges,
        searches,
        frame_ms,
    }
}

/// The median interval between 60 consecutive animation frames of the page, in ms.
fn frame_interval(session: &Session) -> f64 {
    let script = r"
        const done = arguments[0];
        const times = [];
        const tick = (time) => {
          times.push(time);
          if (times.length <= 60) return requestAnimationFrame(tick);
          const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
          done(gaps[Math.floor(gaps.length / 2)]);
        };
        requestAnimationFrame(tick);
    ";
    elapsed(session, script, &[])
}

/// What one launch measured.
struct Launch {
    interactive_ms: f64,
    library_ms: f64,
    rss_mib: f64,
    pss_mib: f64,
}

/// The first launch seeds the demo marketplace; later launches start from it.
fn seed_demo(dir: &Path) {
    let app = DesktopApp::launch("bench-seed", dir).unwrap();
    app.session
        .wait_for_within("[data-testid=store-home]", Duration::from_mins(4))
        .unwrap();
    app.quit().unwrap();
    wait_for_exit(dir);
}

/// `tracks` tracks in the profile's library database, by the library benchmark's generator.
fn fill_library(profile: &Path, tracks: usize) {
    let bench = workspace::profile_dir().unwrap().join("examples/bench");
    assert!(
        bench.is_file(),
        "{} not built: cargo build --release -p shrimp-library --example bench",
        bench.display()
    );
    let status = Command::new(&bench)
        .args(["fill", "--tracks", &tracks.to_string(), "--dir"])
        .arg(profile)
        .status()
        .unwrap();
    assert!(status.success(), "filling the library failed");
}

fn measure_launch(dir: &Path, name: &str) -> Launch {
    let app = DesktopApp::launch(name, dir).unwrap();
    let session = &app.session;
    session.wait_for("[data-testid=nav]").unwrap();
    session
        .wait_for_within("[data-testid=store-home]", Duration::from_mins(1))
        .unwrap();
    let pid = app_pid(dir);
    let interactive_ms = since_start_ms(pid);
    open_library(session);
    let library_ms = since_start_ms(pid);
    std::thread::sleep(Duration::from_secs(5));
    let (rss_kib, pss_kib) = memory_of_tree(pid);
    app.quit().unwrap();
    wait_for_exit(dir);
    Launch {
        interactive_ms,
        library_ms,
        rss_mib: rss_kib as f64 / 1024.0,
        pss_mib: pss_kib as f64 / 1024.0,
    }
}

/// Opens the Library and waits until it shows what it holds: its count, and the first rows'
/// titles unless it is empty.
fn open_library(session: &Session) {
    session.execute("location.hash = '#/library'", &[]).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_mins(1);
    loop {
        let shown = session
            .execute(
                "const count = document.querySelector('[data-testid=library-count]');
                 const row = document.querySelector(
                   '[data-testid=library-row] [data-testid=library-row-title]');
                 return !!count && (!!row || /^0\\D/.test(count.textContent));",
                &[],
            )
            .unwrap();
        if shown == Value::Bool(true) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the library never showed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Scrolls the track list to row `target` as a scrollbar would (only `scrollTop` is set; the
/// list hears of it through the browser's own scroll event) and times, inside the page, until
/// that row shows its title (its window of rows fetched from Rust and drawn) and a frame went
/// by, so the row is painted.
fn scroll_to(session: &Session, target: u64) -> f64 {
    let script = r#"
        const [target, done] = arguments;
        const list = document.querySelector('[data-testid=library-tracks]');
        const rowHeight = list.querySelector('li[aria-posinset]')?.offsetHeight || 48;
        const started = performance.now();
        list.scrollTop = target * rowHeight;
        const shown = () => document.querySelector(
          `li[aria-posinset="${target + 1}"] [data-testid=library-row-title]`);
        const check = () => {
          if (shown()) return requestAnimationFrame(() => done(performance.now() - started));
          if (performance.now() - started < 20000) return requestAnimationFrame(check);
          const rows = [...list.querySelectorAll('li[aria-posinset]')];
          done({ target, scrollTop: list.scrollTop, scrollHeight: list.scrollHeight,
                 rows: rows.length, first: rows[0]?.getAttribute('aria-posinset'),
                 titled: list.querySelectorAll('[data-testid=library-row-title]').length });
        };
        requestAnimationFrame(check);
    "#;
    elapsed(session, script, &[json!(target)])
}

/// Types `text` into the library search and times, inside the page, until the count shows the
/// new total, the first row its title, and a frame went by.
fn search(session: &Session, text: &str) -> f64 {
    let script = r"
        const [text, done] = arguments;
        const input = document.querySelector('[data-testid=library-search]');
        const count = () => document.querySelector('[data-testid=library-count]')?.textContent;
        const title = () => document.querySelector(
          '[data-testid=library-row] [data-testid=library-row-title]')?.textContent;
        const before = [count(), title()];
        const started = performance.now();
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        setter.call(input, text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // Settled: the count or the first row changed (a search with no match shows none).
        const settled = () => {
          const [c, t] = [count(), title()];
          return (c !== before[0] || t !== before[1]) && (t !== undefined || /^0\D/.test(c ?? ''));
        };
        const check = () => {
          if (settled()) return requestAnimationFrame(() => done(performance.now() - started));
          if (performance.now() - started < 20000) return requestAnimationFrame(check);
          done({ text, before, count: count(), title: title() });
        };
        requestAnimationFrame(check);
    ";
    elapsed(session, script, &[json!(text)])
}

fn elapsed(session: &Session, script: &str, args: &[Value]) -> f64 {
    let value = session.execute_async(script, args).unwrap();
    value
        .as_f64()
        .unwrap_or_else(|| panic!("the page never showed the result: {value}"))
}

/// The app process started on `dir` (tauri-driver's WebKitWebDriver starts it).
fn app_pid(dir: &Path) -> u32 {
    *app_processes(dir).first().expect("the app's process")
}

/// Processes of the app binary started on the data folder `dir`.
fn app_processes(dir: &Path) -> Vec<u32> {
    let binary = workspace::binary("shrimp-desktop", "SHRIMP_DESKTOP_BIN")
        .unwrap()
        .canonicalize()
        .unwrap();
    let dir = dir.to_string_lossy().into_owned();
    processes()
        .into_iter()
        .filter(|&pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            let args = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            exe.as_deref() == Some(binary.as_path())
                && String::from_utf8_lossy(&args).contains(&dir)
        })
        .collect()
}

fn processes() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// Milliseconds since the kernel started process `pid` (its start is kept in clock ticks
/// since boot; Linux reports them at 100 per second to user space).
fn since_start_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command's closing parenthesis; the start time is field 22 overall.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let ticks: f64 = after.split(' ').nth(19).unwrap().parse().unwrap();
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (uptime - ticks / 100.0) * 1000.0
}

/// Resident and proportional memory, in kibibytes, of `pid` and every process below it.
fn memory_of_tree(pid: u32) -> (u64, u64) {
    let all = processes();
    let parent_of = |child: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).ok()?;
        stat[stat.rfind(')')? + 2..].split(' ').nth(1)?.parse().ok()
    };
    let mut tree = vec![pid];
    let mut grew = true;
    while grew {
        grew = false;
        for &candidate in &all {
            if !tree.contains(&candidate) && parent_of(candidate).is_some_and(|p| tree.contains(&p))
            {
                tree.push(candidate);
                grew = true;
            }
        }
    }
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    tree.iter()
        .map(|pid| {
            let rollup =
                std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            (field(&rollup, "Rss:"), field(&rollup, "Pss:"))
        })
        .fold((0, 0), |(rss, pss), (r, p)| (rss + r, pss + p))
}

/// Waits until no app process runs on `dir` (quitting the session closes the app).
fn wait_for_exit(dir: &Path) {
    for _ in 0..200 {
        if app_processes(dir).is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the app on {} did not exit", dir.display());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}
