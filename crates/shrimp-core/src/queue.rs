//! The play queue of library tracks, kept in the data folder so it and the position in it
//! survive a restart. The engine owns playback; this only follows its events (which entry,
//! how far) and remembers what was asked to play.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shrimp_library::LibraryTrackId;

use crate::player::{PlayerEvent, PlayerState};

/// The queue file, inside the data folder.
pub const QUEUE_FILE: &str = "queue.json";

/// How often a moving position is written while playing.
const SAVE_EVERY: Duration = Duration::from_secs(2);

/// The library tracks queued, which one is current and how far into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedQueue {
    pub tracks: Vec<LibraryTrackId>,
    /// The files as queued, in order (to tell the queue's events from a store preview's).
    pub paths: Vec<PathBuf>,
    pub index: usize,
    pub position_ms: u32,
}

impl SavedQueue {
    /// Reads the saved queue; a missing or damaged file is an empty queue (logged).
    pub fn load(data_dir: &Path) -> Self {
        let path = data_dir.join(QUEUE_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %path.display(), "ignoring a damaged queue file");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Writes the queue atomically (a crash leaves the old file or the new one).
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let path = data_dir.join(QUEUE_FILE);
        let temp = data_dir.join(format!("{QUEUE_FILE}.tmp"));
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &path)
    }

    /// Moves entry `from` to `to`, keeping the current entry current.
    pub fn move_entry(&mut self, from: usize, to: usize) -> bool {
        if from >= self.tracks.len()
            || to >= self.tracks.len()
            || self.paths.len() != self.tracks.len()
        {
            return false;
        }
        let track = self.tracks.remove(from);
        self.tracks.insert(to, track);
        let path = self.paths.remove(from);
        self.paths.insert(to, path);
        self.index = moved_index(self.index, from, to);
        true
    }

    /// Folds one engine event in; true when it is worth writing now.
    fn apply(&mut self, event: &PlayerEvent, last_save: Instant) -> bool {
        match event {
            PlayerEvent::TrackChanged { index, path, .. } => {
                let index = *index as usize;
                if self.paths.get(index).map(|p| p.display().to_string()) != Some(path.clone()) {
                    return false;
                }
                self.index = index;
                self.position_ms = 0;
                true
            }
            PlayerEvent::PositionChanged { index, position_ms } => {
                if *index as usize != self.index {
                    return false;
                }
                self.position_ms = *position_ms;
                last_save.elapsed() >= SAVE_EVERY
            }
            PlayerEvent::StateChanged { state } => *state != PlayerState::Playing,
            _ => false,
        }
    }
}

/// Where entry `index` is after moving `from` to `to`.
pub fn moved_index(index: usize, from: usize, to: usize) -> usize {
    if index == from {
        to
    } else if from < index && to >= index {
        index - 1
    } else if from > index && to <= index {
        index + 1
    } else {
        index
    }
}

/// The queue shared by the core and the thread following the engine.
pub type SharedQueue = Arc<Mutex<SavedQueue>>;

/// Follows the player's events into the queue and writes it when it changes; ends when the
/// player goes away.
pub fn follow(events: Receiver<PlayerEvent>, queue: SharedQueue, data_dir: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("shrimp-queue".into())
        .spawn(move || {
            let mut last_save = Instant::now();
            for event in events {
                let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
                if queue.apply(&event, last_save) {
                    if let Err(error) = queue.save(&data_dir) {
                        tracing::warn!(%error, "cannot save the play queue");
                    }
                    last_save = Instant::now();
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot follow the play queue");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(n: usize) -> SavedQueue {
        SavedQueue {
            tracks: (0..n).map(|i| format!("t{i}").parse().unwrap()).collect(),
            paths: (0..n)
                .map(|i| PathBuf::from(format!("/m/{i}.flac")))
                .collect(),
            index: 1,
            position_ms: 0,
        }
    }

    #[test]
    fn moving_entries_keeps_the_current_one_current() {
        let mut q = queue(4);
        assert!(q.move_entry(1, 3));
        assert_eq!(q.index, 3);
        assert_eq!(q.tracks[3].as_str(), "t1");
        assert!(q.move_entry(0, 3));
        assert_eq!(q.index, 2);
        assert_eq!(q.paths[2], PathBuf::from("/m/1.flac"));
        assert!(!q.move_entry(0, 9), "out of range is refused");
        for (index, from, to, expected) in [(2, 0, 1, 2), (2, 3, 0, 3), (2, 1, 2, 1), (0, 2, 1, 0)]
        {
            assert_eq!(
                moved_index(index, from, to),
                expected,
                "{index} {from}->{to}"
            );
        }
    }

    #[test]
    fn follows_only_its_own_tracks_and_survives_a_round_trip() {
        let temp = tempfile::tempdir().unwrap();
        let mut q = queue(3);
        let long_ago = Instant::now().checked_sub(Duration::from_secs(10)).unwrap();
        let preview = PlayerEvent::TrackChanged {
            index: 0,
            path: "/cache/previews/x.wav".into(),
            duration_ms: None,
        };
        assert!(
            !q.apply(&preview, long_ago),
            "a store preview is not the queue"
        );
        assert_eq!(q.index, 1);
        let own = PlayerEvent::TrackChanged {
            index: 2,
            path: "/m/2.flac".into(),
            duration_ms: Some(1000),
        };
        assert!(q.apply(&own, long_ago));
        let moved = PlayerEvent::PositionChanged {
            index: 2,
            position_ms: 700,
        };
        assert!(q.apply(&moved, long_ago));
        assert!(
            !q.apply(&moved, Instant::now()),
            "positions are written now and then"
        );
        q.save(temp.path()).unwrap();
        assert_eq!(SavedQueue::load(temp.path()), q);
        std::fs::write(temp.path().join(QUEUE_FILE), b"{broken").unwrap();
        assert_eq!(SavedQueue::load(temp.path()), SavedQueue::default());
    }
}
