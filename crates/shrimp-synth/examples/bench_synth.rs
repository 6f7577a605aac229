//! Speed of the demo-catalogue generator.
//!
//! `cargo run -p shrimp-synth --example bench_synth` prints, per genre, how many times
//! faster than real time a 90-second track renders and encodes on one core, the FLAC
//! compression ratio, and the wall time for a 60-track catalogue on two threads
//! (skipped with `-- --per-core`).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::cast_precision_loss)]

use std::time::Instant;

use shrimp_synth::{Genre, Tags, TrackSpec};

/// This thread's CPU time (Linux), so a busy shared machine does not distort per-core
/// figures; falls back to wall time elsewhere.
fn cpu_seconds(wall: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| wall.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let origin = Instant::now();
    let tags = Tags {
        title: "Bench".into(),
        ..Tags::default()
    };
    println!(
        "{:<11} {:>9} {:>9} {:>9} {:>7}",
        "genre", "render×", "encode×", "total×", "ratio"
    );
    let mut sum_audio = 0.0;
    let mut sum_time = 0.0;
    for genre in Genre::ALL {
        let mut render_s = 0.0;
        let mut encode_s = 0.0;
        let mut raw = 0;
        let mut packed = 0;
        let mut audio_s = 0.0;
        for seed in 1..=3 {
            let spec = TrackSpec {
                seed,
                genre,
                duration_ms: 90_000,
            };
            let t = cpu_seconds(origin);
            let rendered = shrimp_synth::render(&spec).unwrap();
            let u = cpu_seconds(origin);
            render_s += u - t;
            let flac = shrimp_synth::encode_flac(&rendered, &tags).unwrap();
            encode_s += cpu_seconds(origin) - u;
            raw += rendered.samples.len() * 2;
            packed += flac.len();
            audio_s += 90.0;
        }
        sum_audio += audio_s;
        sum_time += render_s + encode_s;
        println!(
            "{:<11} {:>9.0} {:>9.0} {:>9.0} {:>7.2}",
            genre.as_str(),
            audio_s / render_s,
            audio_s / encode_s,
            audio_s / (render_s + encode_s),
            raw as f64 / packed as f64
        );
    }
    println!(
        "all genres: {:.0}× real time per core (thread CPU time)",
        sum_audio / sum_time
    );

    covers(origin);

    if std::env::args().any(|a| a == "--per-core") {
        return;
    }

    // A 60-track catalogue, 60–110 s each, on two threads.
    let specs: Vec<TrackSpec> = (0..60_u64)
        .map(|i| TrackSpec {
            seed: 1000 + i,
            genre: Genre::ALL[(i % 7) as usize],
            duration_ms: 60_000 + ((i * 7919) % 50_000) as u32,
        })
        .collect();
    let audio: f64 = specs
        .iter()
        .map(|s| f64::from(s.duration_ms) / 1000.0)
        .sum();
    let t = Instant::now();
    let bytes: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .chunks(30)
            .map(|chunk| {
                let tags = &tags;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|spec| {
                            let rendered = shrimp_synth::render(spec).unwrap();
                            let cover = shrimp_synth::cover_png(spec.seed, spec.genre, 512).ok();
                            let tags = Tags {
                                cover_png: cover,
                                ..tags.clone()
                            };
                            shrimp_synth::encode_flac(&rendered, &tags).unwrap().len()
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "catalogue: 60 tracks with 512 px covers, {:.0} s of audio, {:.1} MB FLAC, {:.2} s wall on 2 threads (load average {})",
        audio,
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        load.split_whitespace().next().unwrap_or("?")
    );
}

/// Covers at the seeder's 512 px: the median of five seeds per genre, in CPU milliseconds.
fn covers(origin: Instant) {
    print!("covers 512 px, ms:");
    for genre in Genre::ALL {
        let mut times: Vec<f64> = (1..=5_u64)
            .map(|seed| {
                let t = cpu_seconds(origin);
                shrimp_synth::cover_png(seed, genre, 512).unwrap();
                (cpu_seconds(origin) - t) * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        print!(" {} {:.0}", genre.as_str(), times[2]);
    }
    println!();
}
