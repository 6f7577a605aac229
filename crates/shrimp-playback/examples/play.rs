//! Plays files through the engine and prints every event, one per line, until the queue ends.
//!
//! `cargo run --release -p shrimp-playback --example play -- FILE...`

#![allow(clippy::print_stdout)] // A command-line tool: printing is its output.

use std::path::PathBuf;
use std::time::Instant;

use shrimp_playback::{Engine, EngineSettings, PlaybackEvent, PlaybackState};

fn main() -> anyhow::Result<()> {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    anyhow::ensure!(!files.is_empty(), "usage: play FILE...");
    for device in shrimp_playback::list_devices().unwrap_or_default() {
        println!(
            "device {:?} ({}){}",
            device.id,
            device.name,
            if device.is_default { " default" } else { "" }
        );
    }
    let (engine, events) = Engine::start(EngineSettings::default())?;
    let started = Instant::now();
    engine.play(files, 0)?;
    for event in events {
        println!("{:>8.3}s {event:?}", started.elapsed().as_secs_f64());
        match event {
            PlaybackEvent::PlaybackStateChanged {
                state: PlaybackState::Stopped,
            } => break,
            PlaybackEvent::PlaybackFailed {
                error: shrimp_playback::PlaybackError::NoDevice,
                ..
            } => {
                anyhow::bail!("no audio output device")
            }
            _ => {}
        }
    }
    Ok(())
}
