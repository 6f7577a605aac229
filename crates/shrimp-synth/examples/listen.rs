//! Renders a few tracks and draws what they sound like, for eyes instead of ears.
//!
//! `cargo run -p shrimp-synth --example listen -- [out_dir] [genre:seed[:seconds]]...`
//! writes `<genre>-<seed>.flac`, `<genre>-<seed>.png` (spectrogram above, waveform
//! envelope and section marks below) and `<genre>-<seed>-cover.png`.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    clippy::cast_lossless
)]

use std::path::PathBuf;

use shrimp_synth::{Genre, Lang, Tags, TrackSpec};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "/tmp/shrimp-synth-samples".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    let wanted: Vec<String> = args.collect();
    let wanted = if wanted.is_empty() {
        Genre::ALL
            .iter()
            .map(|g| format!("{}:1", g.as_str()))
            .collect()
    } else {
        wanted
    };
    for item in wanted {
        let mut parts = item.split(':');
        let genre = Genre::from_slug(parts.next().unwrap()).unwrap();
        let seed: u64 = parts.next().unwrap_or("1").parse().unwrap();
        let seconds: u32 = parts.next().unwrap_or("90").parse().unwrap();
        let spec = TrackSpec {
            seed,
            genre,
            duration_ms: seconds * 1000,
        };
        let started = std::time::Instant::now();
        let rendered = shrimp_synth::render(&spec).unwrap();
        let took = started.elapsed();
        let cover = shrimp_synth::cover_png(seed, genre, 512).ok();
        let title = shrimp_synth::title(seed, genre, Lang::En);
        let tags = Tags {
            title: title.clone(),
            artist: "Shrimp Demo".into(),
            album: shrimp_synth::album_title(seed, genre, Lang::En),
            genre: genre.display_name(Lang::En).into(),
            track_number: 1,
            date: "2024".into(),
            cover_png: cover.clone(),
        };
        let flac = shrimp_synth::encode_flac(&rendered, &tags).unwrap();
        let stem = format!("{}-{seed}", genre.as_str());
        std::fs::write(out.join(format!("{stem}.flac")), &flac).unwrap();
        if let Some(cover) = cover {
            std::fs::write(out.join(format!("{stem}-cover.png")), cover).unwrap();
        }
        let lrc =
            shrimp_synth::lyrics_lrc(seed, Lang::En, &rendered.sections, spec.duration_ms, &title);
        std::fs::write(out.join(format!("{stem}.lrc")), lrc).unwrap();
        draw(&rendered, &out.join(format!("{stem}.png")));
        let peak = rendered
            .samples
            .iter()
            .map(|s| i32::from(*s).abs())
            .max()
            .unwrap_or(0);
        let rms = (rendered
            .samples
            .iter()
            .map(|&s| f64::from(s) * f64::from(s))
            .sum::<f64>()
            / rendered.samples.len() as f64)
            .sqrt();
        println!(
            "{stem}: {title:?} render {:.0} ms, peak {:.2} dBFS, rms {:.1} dBFS, flac {:.2}x, sections {:?}",
            took.as_secs_f64() * 1000.0,
            20.0 * (f64::from(peak) / 32768.0).log10(),
            20.0 * (rms / 32768.0).log10(),
            (rendered.samples.len() * 2) as f64 / flac.len() as f64,
            rendered
                .sections
                .iter()
                .map(|s| (s.kind.as_str(), s.start_ms / 1000, s.bars))
                .collect::<Vec<_>>()
        );
    }
}

fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = -2.0 * std::f64::consts::PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (angle * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * c - im[b] * s;
                let ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

fn draw(r: &shrimp_synth::Rendered, path: &std::path::Path) {
    let width = 1400_usize;
    let spec_h = 360_usize;
    let wave_h = 100_usize;
    let height = spec_h + wave_h;
    let mut img = vec![0_u8; width * height * 3];
    let frames = r.frames();
    let n = 4096;
    for x in 0..width {
        let center = x * frames / width;
        let start = center.saturating_sub(n / 2);
        let mut re = vec![0.0; n];
        let mut im = vec![0.0; n];
        for i in 0..n {
            let f = start + i;
            if f < frames {
                let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos();
                re[i] =
                    (f64::from(r.samples[2 * f]) + f64::from(r.samples[2 * f + 1])) / 65536.0 * w;
            }
        }
        fft(&mut re, &mut im);
        for y in 0..spec_h {
            // Log frequency from 30 Hz to 16 kHz, bottom to top.
            let t = (spec_h - 1 - y) as f64 / spec_h as f64;
            let hz = 30.0 * (16_000.0_f64 / 30.0).powf(t);
            let bin = (hz / 44_100.0 * n as f64) as usize;
            let mag = (re[bin] * re[bin] + im[bin] * im[bin]).sqrt();
            let db = 20.0 * (mag / (n as f64 / 4.0) + 1e-9).log10();
            let v = ((db + 85.0) / 75.0).clamp(0.0, 1.0);
            let p = (y * width + x) * 3;
            img[p] = (255.0 * v.powf(0.8)) as u8;
            img[p + 1] = (255.0 * v.powf(2.0)) as u8;
            img[p + 2] = (255.0 * (0.4 + 0.6 * v) * (1.0 - v).max(0.2)) as u8;
        }
        // Waveform envelope.
        let lo = x * frames / width;
        let hi = ((x + 1) * frames / width).min(frames);
        let peak = (lo..hi)
            .map(|f| {
                i32::from(r.samples[2 * f])
                    .abs()
                    .max(i32::from(r.samples[2 * f + 1]).abs())
            })
            .max()
            .unwrap_or(0);
        let bar = (peak as f64 / 32768.0 * wave_h as f64) as usize;
        for y in 0..wave_h {
            let p = ((spec_h + wave_h - 1 - y) * width + x) * 3;
            let on = y < bar;
            img[p] = if on { 120 } else { 20 };
            img[p + 1] = if on { 220 } else { 20 };
            img[p + 2] = if on { 160 } else { 20 };
        }
    }
    let duration = frames as f64 / 44_100.0;
    for s in &r.sections {
        let x = ((f64::from(s.start_ms) / 1000.0 / duration) * width as f64) as usize;
        let color = match s.kind {
            shrimp_synth::SectionKind::Chorus => [255, 80, 80],
            shrimp_synth::SectionKind::Verse => [80, 160, 255],
            shrimp_synth::SectionKind::Bridge => [255, 220, 60],
            _ => [255, 255, 255],
        };
        for y in spec_h..height {
            let p = (y * width + x.min(width - 1)) * 3;
            img[p..p + 3].copy_from_slice(&color);
        }
    }
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&img)
        .unwrap();
}
