//! Decodes files and prints what the engine sees: codec, rate, channels, declared and decoded
//! length, ReplayGain. `cargo run -p shrimp-playback --example probe -- FILE...`

#![allow(clippy::print_stdout)] // A command-line tool: printing is its output.

use std::path::PathBuf;

fn main() {
    for path in std::env::args_os().skip(1).map(PathBuf::from) {
        match shrimp_playback::decode_f32(&path, u64::MAX) {
            Ok(decoded) => {
                let info = &decoded.info;
                println!(
                    "{}: {} {} Hz {} ch, declared {:?} frames, decoded {} frames, gain {:?}",
                    path.display(),
                    info.codec,
                    info.sample_rate,
                    info.channels,
                    info.frames,
                    decoded.samples.len() / info.channels,
                    info.replay_gain,
                );
            }
            Err(error) => println!("{}: error: {error}", path.display()),
        }
    }
}
