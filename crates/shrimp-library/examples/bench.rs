//! Library benchmarks, each printed as a figure and, where there is a reference, a ratio
//! measured in the same run:
//!
//! - `scan`: scanning N tagged files (FLAC, MP3, Ogg Vorbis, WAV, M4A generated with sox and
//!   ffmpeg) into a fresh library, against Python's `mutagen` reading the same tags and
//!   properties from the same files (page cache warmed for both).
//! - `search`: search latency p50/p99 over a synthetic library of N tracks with Latin and
//!   Chinese titles.
//!
//! - `browse`: what a virtualized list of N tracks costs: the count plus a window of 100 rows,
//!   for every sort order, scrolling at the top, middle and end and jumping to random
//!   offsets, for all tracks and while a search narrows the list; against loading the whole
//!   list at once (what a list that is not windowed would do), measured in the same run.
//!
//! `cargo run --release -p shrimp-library --example bench -- [scan|search|browse|all] [--files N]
//! [--tracks N] [--dir DIR]`
//!
//! `… --example bench -- fill --tracks N --dir DATA_DIR` only fills the library of an app data
//! folder with N synthetic tracks (for the app benchmark, `tests/examples/bench_app.rs`).

#![allow(
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::unwrap_used
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use shrimp_library::{Library, LibraryPaths, ScanOptions};

struct Args {
    what: String,
    files: usize,
    tracks: usize,
    dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        what: "all".to_owned(),
        files: 10_000,
        tracks: 100_000,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--files" => args.files = it.next().context("--files N")?.parse()?,
            "--tracks" => args.tracks = it.next().context("--tracks N")?.parse()?,
            "--dir" => args.dir = Some(it.next().context("--dir DIR")?.into()),
            "scan" | "search" | "browse" | "all" | "fill" => args.what = a,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    if args.what == "fill" {
        let dir = args
            .dir
            .context("fill needs --dir: the data folder to fill")?;
        return fill_data_folder(&dir, args.tracks).await;
    }
    let tmp = tempfile::TempDir::new()?;
    let work = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    if matches!(args.what.as_str(), "scan" | "all") {
        bench_scan(&work.join("scan"), args.files).await?;
    }
    if matches!(args.what.as_str(), "search" | "all") {
        bench_search(&work.join("search"), args.tracks).await?;
    }
    if matches!(args.what.as_str(), "browse" | "all") {
        bench_browse(&work.join("browse"), args.tracks).await?;
    }
    Ok(())
}

/// Fills the library of the data folder `dir` (the app's layout) with `tracks` synthetic
/// tracks, for measuring the app itself with a big library (`tests/examples/bench_app.rs`).
async fn fill_data_folder(dir: &Path, tracks: usize) -> Result<()> {
    let paths = LibraryPaths::in_dir(dir);
    Library::open(&paths).await?.close().await;
    fill_library(&paths.database, tracks).await?;
    let library = Library::open(&paths).await?;
    library.rebuild_search_index().await?;
    library.close().await;
    Ok(())
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

const FORMATS: &[(&str, &[&str])] = &[
    ("flac", &["-c:a", "flac"]),
    ("mp3", &["-c:a", "libmp3lame", "-b:a", "128k"]),
    ("ogg", &["-c:a", "libvorbis"]),
    ("wav", &["-c:a", "pcm_s16le"]),
    ("m4a", &["-c:a", "aac", "-b:a", "96k"]),
];

/// One tagged seed per format, copied to `files` files in album folders of 12.
fn make_files(dir: &Path, files: usize) -> Result<Vec<PathBuf>> {
    let seeds = dir.join("seeds");
    std::fs::create_dir_all(&seeds)?;
    let base = seeds.join("base.wav");
    run(Command::new("sox")
        .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
        .arg(&base)
        .args(["synth", "3", "sine", "440", "vol", "0.5"]))?;
    let mut seed_paths = Vec::new();
    for (ext, codec) in FORMATS {
        let seed = seeds.join(format!("seed.{ext}"));
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-loglevel", "error", "-y", "-i"])
            .arg(&base)
            .args(*codec);
        for m in [
            "title=晴天 Sunny Day",
            "artist=周杰伦",
            "album=叶惠美",
            "album_artist=Jay Chou",
            "track=3",
            "date=2003",
            "genre=Mandopop",
        ] {
            cmd.args(["-metadata", m]);
        }
        run(cmd.arg(&seed))?;
        seed_paths.push((ext, seed));
    }
    let library = dir.join("music");
    let mut out = Vec::with_capacity(files);
    for i in 0..files {
        let (ext, seed) = &seed_paths[i % seed_paths.len()];
        let album = library.join(format!("album-{:04}", i / 12));
        if i % 12 == 0 || i < seed_paths.len() {
            std::fs::create_dir_all(&album)?;
        }
        let path = album.join(format!("{i:05}.{ext}"));
        std::fs::copy(seed, &path)?;
        out.push(path);
    }
    Ok(out)
}

/// Each side is timed this many times and the best run kept: the machine is shared, and the
/// best run is the one least disturbed by others.
const RUNS: usize = 3;

const MUTAGEN: &str = r"
import sys, time, mutagen
RUNS = int(sys.argv[2])
paths = [l.rstrip('\n') for l in open(sys.argv[1], encoding='utf-8')]
best = None
for _ in range(RUNS):
    start = time.perf_counter()
    n = 0
    for p in paths:
        f = mutagen.File(p, easy=True)
        if f is None:
            continue
        tags = f.tags or {}
        for k in ('title', 'artist', 'album', 'albumartist', 'tracknumber', 'date', 'genre'):
            try:
                tags.get(k)
            except Exception:
                pass
        _ = (f.info.length, getattr(f.info, 'sample_rate', None), getattr(f.info, 'channels', None))
        n += 1
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(n, best)
";

async fn bench_scan(dir: &Path, files: usize) -> Result<()> {
    println!("== scan: {files} tagged files (FLAC, MP3, Ogg Vorbis, WAV, M4A; 3 s each) ==");
    let paths = make_files(dir, files)?;
    let music = dir.join("music");
    // Warm the page cache so both readers see the same, memory-speed disk.
    for p in &paths {
        std::hint::black_box(std::fs::read(p)?);
    }

    let list = dir.join("paths.txt");
    let text = paths.iter().fold(String::new(), |acc, p| {
        acc + &p.display().to_string() + "\n"
    });
    std::fs::write(&list, text)?;
    let script = dir.join("mutagen_bench.py");
    std::fs::write(&script, MUTAGEN)?;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mutagen = match run(Command::new(&python)
        .arg(&script)
        .arg(&list)
        .arg(RUNS.to_string()))
    {
        Ok(out) => {
            let mut it = out.split_whitespace();
            let n: usize = it.next().context("mutagen output")?.parse()?;
            let secs: f64 = it.next().context("mutagen output")?.parse()?;
            println!(
                "mutagen (Python, 1 thread):   {n} files in {secs:.3} s = {:>8.0} files/s (best of {RUNS})",
                n as f64 / secs
            );
            Some(secs)
        }
        Err(e) => {
            println!("mutagen unavailable ({e}); `pip install mutagen` for the ratio");
            None
        }
    };

    // The default number of readers, and one more to show the default is the better choice.
    let default = ScanOptions::default().workers;
    for workers in [default, default + 1] {
        let options = ScanOptions {
            workers,
            ..ScanOptions::default()
        };
        let mut best = f64::INFINITY;
        for run in 0..RUNS {
            let data = dir.join(format!("data-{workers}-{run}"));
            let _ = std::fs::remove_dir_all(&data);
            let library = Library::open(&LibraryPaths::in_dir(&data)).await?;
            let start = Instant::now();
            let report = library
                .scan_folders(std::slice::from_ref(&music), &options, |_| {})
                .await?;
            best = best.min(start.elapsed().as_secs_f64());
            if usize::try_from(report.added)? != files || !report.unreadable.is_empty() {
                bail!(
                    "scan read {} of {files} files: {:?}",
                    report.added,
                    report.unreadable.first()
                );
            }
            if run + 1 == RUNS {
                let start = Instant::now();
                let again = library
                    .scan_folders(std::slice::from_ref(&music), &options, |_| {})
                    .await?;
                let label = if workers == default { " (default)" } else { "" };
                print!(
                    "shrimp scan, {workers} worker(s){label}:  {files} files in {best:.3} s = {:>8.0} files/s",
                    files as f64 / best
                );
                match mutagen {
                    Some(m) => println!("  ->  {:.1}x mutagen", m / best),
                    None => println!(),
                }
                println!(
                    "  rescan, nothing changed:  {} files in {:.3} s",
                    again.unchanged,
                    start.elapsed().as_secs_f64()
                );
            }
            library.close().await;
        }
    }
    Ok(())
}

/// A small deterministic generator (`SplitMix64`), so every run builds the same library.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }
}

/// Words common in song titles; the rest of the vocabulary is made-up words, so each common
/// word is in about 1% of titles, as in a real collection, and rare words in a handful.
const LATIN: &[&str] = &[
    "love", "night", "summer", "river", "light", "dream", "heart", "fire", "rain", "blue",
    "golden", "city", "road", "home", "moon", "star", "ocean", "wild", "silver", "morning",
    "shadow", "winter", "dance", "song", "echo", "paper", "garden", "island", "glass", "forever",
    "the", "you", "baby", "girl", "time", "world", "life", "day", "sun", "away",
];
const CHINESE: &[&str] = &[
    "晴天",
    "七里香",
    "夜曲",
    "稻香",
    "青花瓷",
    "月亮",
    "故乡",
    "春天",
    "海边",
    "风筝",
    "时光",
    "梦想",
    "城市",
    "远方",
    "星空",
    "雨夜",
    "花开",
    "秋天",
    "北京",
    "上海",
    "小虾",
    "江南",
];
const HANZI: &str = "爱你我的心天夜月花风雨雪山水海星光梦情人生时间路城春秋冬夏回家远方歌声笑泪\
    美丽青红白黑金银石木火云烟雾龙凤鸟鱼草树林江河湖岛桥灯窗门船车马猫狗晨昏早晚新旧长短";
const ARTISTS: &[&str] = &[
    "周杰伦",
    "王菲",
    "陈奕迅",
    "邓紫棋",
    "The Kinks",
    "Taylor Swift",
    "Beyoncé",
    "Radiohead",
    "Sigur Rós",
    "坂本龙一",
    "Massive Attack",
    "五月天",
    "朴树",
    "Björk",
    "Daft Punk",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ne", "to", "su", "vi", "de", "ba", "xo", "pe", "lu", "zan", "mor",
    "tel", "qui", "fa", "go", "rin", "sha", "ven", "dor", "el", "an", "is", "um", "bre", "cla",
];

struct Vocabulary {
    made_up: Vec<String>,
    hanzi: Vec<char>,
}

impl Vocabulary {
    fn new(rng: &mut Rng) -> Self {
        let made_up = (0..3_000)
            .map(|_| {
                let n = 2 + rng.next() % 2;
                (0..n).map(|_| rng.pick(SYLLABLES)).collect::<String>()
            })
            .collect();
        Self {
            made_up,
            hanzi: HANZI.chars().filter(|c| !c.is_whitespace()).collect(),
        }
    }

    fn latin_word(&self, rng: &mut Rng) -> String {
        if rng.next() % 10 < 3 {
            rng.pick(LATIN).to_owned()
        } else {
            self.made_up[usize::try_from(rng.next() % self.made_up.len() as u64).unwrap_or(0)]
                .clone()
        }
    }

    fn chinese_word(&self, rng: &mut Rng) -> String {
        if rng.next() % 10 < 3 {
            rng.pick(CHINESE).to_owned()
        } else {
            (0..2 + rng.next() % 2)
                .map(|_| {
                    self.hanzi[usize::try_from(rng.next() % self.hanzi.len() as u64).unwrap_or(0)]
                })
                .collect()
        }
    }

    fn title(&self, rng: &mut Rng) -> String {
        let words = 1 + rng.next() % 3;
        if rng.next().is_multiple_of(2) {
            let mut t: Vec<String> = (0..words).map(|_| self.latin_word(rng)).collect();
            if let Some(first) = t.first_mut() {
                *first = capitalise(first);
            }
            t.join(" ")
        } else {
            (0..words).map(|_| self.chinese_word(rng)).collect()
        }
    }

    fn artist(&self, rng: &mut Rng) -> String {
        match rng.next() % 20 {
            0 => rng.pick(ARTISTS).to_owned(),
            1..=9 => format!(
                "{} {}",
                capitalise(&self.latin_word(rng)),
                capitalise(&self.latin_word(rng))
            ),
            _ => self.chinese_word(rng),
        }
    }
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn bench_search(dir: &Path, tracks: usize) -> Result<()> {
    println!("== search: {tracks} tracks (Latin and Chinese titles, artists, albums) ==");
    let _ = std::fs::remove_dir_all(dir);
    let paths = LibraryPaths::in_dir(dir);
    let library = Library::open(&paths).await?;
    library.close().await;
    let sampled = fill_library(&paths.database, tracks).await?;
    let library = Library::open(&paths).await?;
    library.rebuild_search_index().await?;

    let mut queries: Vec<String> = [
        "love",
        "golden river",
        "周杰伦",
        "七里香",
        "青花瓷",
        "night",
        "sum",
        "wint",
        "Beyonce",
        "radiohead",
        "the",
        "sigur",
        "paper garden",
        "dance",
        "forever",
        "ocean",
        "daft punk",
        "taylor swi",
        "月亮 城市",
        "晴天",
    ]
    .iter()
    .map(|q| (*q).to_owned())
    .chain(sampled)
    .collect();
    let short: Vec<String> = queries
        .iter()
        .filter(|q| q.split_whitespace().any(|t| t.chars().count() < 3))
        .cloned()
        .chain(
            ["晴", "夜", "lo", "ra", "北"]
                .iter()
                .map(|q| (*q).to_owned()),
        )
        .collect();
    queries.retain(|q| !short.contains(q));
    let mut rng = Rng(7);
    for (label, set) in [
        ("every word 3+ chars (FTS5)", &queries),
        ("a word of 1-2 chars", &short),
    ] {
        for q in set {
            library.search(q, 50).await?; // warm up
            if std::env::var_os("BENCH_VERBOSE").is_some() {
                let start = Instant::now();
                let n = library.search(q, 50).await?.len();
                println!("  {q:<14} {n:>3} hits {:>8.3} ms", ms(start.elapsed()));
            }
        }
        let mut times = Vec::new();
        let mut hits = 0usize;
        for _ in 0..2_000 {
            let q = &set[usize::try_from(rng.next() % set.len() as u64)?];
            let start = Instant::now();
            hits += library.search(q, 50).await?.len();
            times.push(start.elapsed());
        }
        times.sort();
        let pct = |p: f64| {
            let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
            times[i]
        };
        println!(
            "{label:<28} {} queries ({} distinct), {:.1} hits avg: p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
            times.len(),
            set.len(),
            hits as f64 / times.len() as f64,
            ms(pct(0.50)),
            ms(pct(0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
        );
    }
    library.close().await;
    Ok(())
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
    times[i]
}

/// One window as the Library page asks for it (`list_tracks` in shrimp-core): the total, then
/// the rows.
async fn window(
    library: &Library,
    filter: &shrimp_library::TrackFilter,
    sort: shrimp_library::TrackSort,
    descending: bool,
    offset: u64,
) -> Result<Duration> {
    let start = Instant::now();
    let total = library.count_tracks(filter).await?;
    let rows = library
        .track_window(filter, sort, descending, offset, 100)
        .await?;
    let took = start.elapsed();
    if offset < total && rows.is_empty() {
        bail!("an empty window at {offset} of {total}");
    }
    Ok(took)
}

/// Changes one row from another connection, as a scan or a download would: what the list
/// remembered is then stale and must be learnt again.
async fn touch(db: &Path) -> Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await?;
    sqlx::query("UPDATE tracks SET updated_at_ms = updated_at_ms + 1 WHERE rowid = 1")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

// One table of figures, read top to bottom like its output.
#[allow(clippy::too_many_lines)]
async fn bench_browse(dir: &Path, tracks: usize) -> Result<()> {
    use shrimp_library::{TrackFilter, TrackSort, TrackStatus};
    println!("== browse: a virtualized list of {tracks} tracks, 100 rows a window ==");
    let _ = std::fs::remove_dir_all(dir);
    let paths = LibraryPaths::in_dir(dir);
    Library::open(&paths).await?.close().await;
    fill_library(&paths.database, tracks).await?;
    let library = Library::open(&paths).await?;
    library.rebuild_search_index().await?;

    // Reference: the whole list at once.
    library.tracks(TrackStatus::Ok).await?;
    let mut whole = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let n = library.tracks(TrackStatus::Ok).await?.len();
        whole.push(start.elapsed());
        assert_eq!(n, tracks);
    }
    let whole = percentile(&mut whole, 0.5);
    println!(
        "reference: loading all {tracks} rows at once: p50 {:.3} ms",
        ms(whole)
    );
    println!("each figure: count + a window of 100 rows (p50 / p99 ms; ratio = p99 / whole list)");
    let line = |label: &str, times: &mut Vec<Duration>| {
        let p50 = percentile(times, 0.5);
        let p99 = percentile(times, 0.99);
        println!(
            "  {label:<44} p50 {:>7.3}  p99 {:>7.3}  ratio {:.4}",
            ms(p50),
            ms(p99),
            p99.as_secs_f64() / whole.as_secs_f64()
        );
    };

    let everything = TrackFilter::default();
    let filters = [
        ("all tracks", everything.clone()),
        (
            "search 'lo'",
            TrackFilter {
                text: "lo".to_owned(),
                ..TrackFilter::default()
            },
        ),
        (
            "search '夜'",
            TrackFilter {
                text: "夜".to_owned(),
                ..TrackFilter::default()
            },
        ),
    ];
    let sorts = [
        ("artist", TrackSort::Artist),
        ("title", TrackSort::Title),
        ("album", TrackSort::Album),
        ("added", TrackSort::Added),
        ("duration", TrackSort::Duration),
    ];
    let mut rng = Rng(11);
    for (filter_label, filter) in &filters {
        let total = library.count_tracks(filter).await?;
        println!("{filter_label}: {total} tracks");
        for (sort_label, sort) in sorts {
            for descending in [false, true] {
                if descending && !matches!(sort, TrackSort::Artist | TrackSort::Added) {
                    continue;
                }
                let dir = if descending { " desc" } else { "" };
                // Scrolling: 30 windows one after another from the top, the middle, the end.
                for (place, from) in [
                    ("top", 0),
                    ("middle", total / 2),
                    ("end", total.saturating_sub(3_000)),
                ] {
                    let mut times = Vec::new();
                    for i in 0..30u64 {
                        let offset = from + i * 100;
                        if offset >= total {
                            break;
                        }
                        times.push(window(&library, filter, sort, descending, offset).await?);
                    }
                    if std::env::var_os("BENCH_VERBOSE").is_some() {
                        let each: Vec<String> =
                            times.iter().map(|t| format!("{:.1}", ms(*t))).collect();
                        println!("    {}", each.join(" "));
                    }
                    if !times.is_empty() {
                        line(
                            &format!("by {sort_label}{dir}, scroll at the {place}"),
                            &mut times,
                        );
                    }
                }
                // Dragging the scrollbar: windows at random offsets.
                let mut times = Vec::new();
                for _ in 0..100 {
                    let offset = rng.next() % total.max(1);
                    times.push(window(&library, filter, sort, descending, offset).await?);
                }
                line(&format!("by {sort_label}{dir}, random jumps"), &mut times);
            }
        }
    }
    // The first jump into the middle after the library changed (a scan committed, a download
    // landed) learns the order again.
    let mut times = Vec::new();
    for round in 0..10u64 {
        for (_, sort) in sorts {
            touch(&paths.database).await?;
            let offset = tracks as u64 / 3 + round * 1_000;
            times.push(window(&library, &everything, sort, false, offset).await?);
        }
    }
    line("first jump after the library changed", &mut times);

    let mut times = Vec::new();
    for text in [
        "l",
        "lo",
        "lov",
        "love",
        "周",
        "周杰",
        "周杰伦",
        "golden river",
    ] {
        let filter = TrackFilter {
            text: text.to_owned(),
            ..TrackFilter::default()
        };
        let mut these = Vec::new();
        for _ in 0..20 {
            touch(&paths.database).await?;
            these.push(window(&library, &filter, TrackSort::Artist, false, 0).await?);
        }
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            println!(
                "    {text:<14} p50 {:>7.3} ms  max {:>7.3} ms",
                ms(percentile(&mut these, 0.5)),
                ms(percentile(&mut these, 1.0))
            );
        }
        times.extend(these);
    }
    line("search as you type, first window", &mut times);
    library.close().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Inserts synthetic tracks straight into the schema (scanning 100 000 real files would
/// measure the disk, not search): albums of 10 tracks by about 3 000 artists. Returns 30
/// queries sampled from what was inserted (a word of a title, artist or album).
async fn fill_library(db: &Path, tracks: usize) -> Result<Vec<String>> {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await?;
    let mut rng = Rng(42);
    let words = Vocabulary::new(&mut rng);
    let artists: Vec<String> = (0..3_000).map(|_| words.artist(&mut rng)).collect();
    let start = Instant::now();
    let mut sampled = Vec::new();
    let mut tx = conn.begin().await?;
    let (mut artist, mut album) = (String::new(), String::new());
    for i in 0..tracks {
        if i % 10 == 0 {
            artist = artists[usize::try_from(rng.next() % artists.len() as u64)?].clone();
            album = words.title(&mut rng);
        }
        let title = words.title(&mut rng);
        if i % (tracks / 30).max(1) == 0 {
            let pick = match rng.next() % 3 {
                0 => &title,
                1 => &artist,
                _ => &album,
            };
            sampled.push(pick.split_whitespace().next().unwrap_or("x").to_lowercase());
        }
        sqlx::query(
            "INSERT INTO tracks (id, path, size, mtime_ns, fingerprint, title, artist, album, \
             album_artist, genre, duration_ms, status, added_at_ms, updated_at_ms) \
             VALUES (?1, ?2, 1, 1, ?1, ?3, ?4, ?5, ?4, 'Pop', 200000, 'ok', 0, 0)",
        )
        .bind(format!("t_bench{i:08}"))
        .bind(format!("/music/{artist}/{album}/{i:06}.flac"))
        .bind(&title)
        .bind(&artist)
        .bind(&album)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    sqlx::query("INSERT INTO tracks_fts (tracks_fts) VALUES ('optimize')")
        .execute(&mut conn)
        .await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    conn.close().await?;
    println!("built in {:.1} s", start.elapsed().as_secs_f64());
    Ok(sampled)
}
