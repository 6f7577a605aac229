//! Writes a contact sheet of covers: every genre across a row of seeds.
//!
//! `cargo run -p shrimp-synth --example covers -- /tmp/sheet.png`

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_possible_truncation
)]

use shrimp_synth::Genre;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/shrimp-synth-samples/covers.png".into());
    let tile = 256_usize;
    let seeds = 4_usize;
    let (w, h) = (tile * seeds, tile * Genre::ALL.len());
    let mut sheet = vec![0_u8; w * h * 3];
    let started = std::time::Instant::now();
    for (row, genre) in Genre::ALL.iter().enumerate() {
        for seed in 0..seeds {
            let png = shrimp_synth::cover_png(seed as u64 + 1, *genre, tile as u32).unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            reader.next_frame(&mut buf).unwrap();
            for y in 0..tile {
                let dst = ((row * tile + y) * w + seed * tile) * 3;
                sheet[dst..dst + tile * 3].copy_from_slice(&buf[y * tile * 3..(y + 1) * tile * 3]);
            }
        }
    }
    println!(
        "{} covers in {:?}",
        seeds * Genre::ALL.len(),
        started.elapsed()
    );
    let t = std::time::Instant::now();
    let _ = shrimp_synth::cover_png(9, Genre::Guqin, 512).unwrap();
    println!("one 512 px cover: {:?}", t.elapsed());
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&sheet)
        .unwrap();
}
