//! Playing library tracks: a queue of track ids handed to the engine as files, remembered in
//! the data folder (see [`crate::queue`]) and picked up again after a restart.

use std::sync::PoisonError;
use std::time::Duration;

use serde::Serialize;
use shrimp_library::LibraryTrackId;

use crate::library::LibraryTrackView;
use crate::player::PlayerState;
use crate::queue::SavedQueue;
use crate::{Core, CoreError};

/// The most tracks one queue holds.
pub const MAX_QUEUE: usize = 5000;

/// The play queue as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QueueView {
    pub tracks: Vec<LibraryTrackView>,
    /// The current entry, when the queue is not empty.
    pub index: Option<u32>,
    /// How far into the current entry (as last heard, or as saved before a restart).
    pub position_ms: u32,
}

impl Core {
    /// Replaces the queue with library tracks and plays from `tracks[start]`.
    pub async fn play_tracks(&self, tracks: &[String], start: u32) -> Result<(), CoreError> {
        if tracks.is_empty() || tracks.len() > MAX_QUEUE {
            return Err(CoreError::invalid(format!(
                "a queue has 1 to {MAX_QUEUE} tracks"
            )));
        }
        let start = start as usize;
        let wanted = tracks
            .get(start)
            .ok_or_else(|| CoreError::invalid("the first track is not in the queue"))?;
        let ids: Vec<LibraryTrackId> = tracks
            .iter()
            .map(|t| {
                t.parse()
                    .unwrap_or_else(|never: std::convert::Infallible| match never {})
            })
            .collect();
        let found = self.library().await?.inner().tracks_by_ids(&ids).await?;
        let found: Vec<_> = found
            .into_iter()
            .filter(|t| t.track.status == shrimp_library::TrackStatus::Ok)
            .collect();
        let index = found
            .iter()
            .position(|t| t.track.id.as_str() == wanted)
            .ok_or_else(|| CoreError::invalid(format!("track {wanted} is not playable")))?;
        let queue = SavedQueue {
            tracks: found.iter().map(|t| t.track.id.clone()).collect(),
            paths: found.iter().map(|t| t.track.path.clone()).collect(),
            index,
            position_ms: 0,
        };
        self.start_queue(queue)
    }

    /// Hands a queue to the engine from its saved entry and position, and remembers it.
    fn start_queue(&self, queue: SavedQueue) -> Result<(), CoreError> {
        let player = self.player()?;
        let (files, index, position) = (queue.paths.clone(), queue.index, queue.position_ms);
        {
            let mut saved = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            *saved = queue;
            if let Err(error) = saved.save(self.paths().data_dir()) {
                tracing::warn!(%error, "cannot save the play queue");
            }
        }
        // One command: a play and then a seek would start quietly (a seek is no track
        // change), and the window and the OS would never learn which entry plays.
        player.play_at(files, index, Duration::from_millis(u64::from(position)))?;
        Ok(())
    }

    /// Pauses or resumes; after a restart (nothing playing yet) starts the saved queue where
    /// it was left.
    pub fn toggle_playback(&self) -> Result<(), CoreError> {
        let player = self.player()?;
        let saved = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if player.status().state == PlayerState::Stopped && !saved.tracks.is_empty() {
            return self.start_queue(saved);
        }
        Ok(player.toggle()?)
    }

    /// The library's track at a file path, if it is one (for the OS's now-playing display).
    pub async fn track_at(&self, path: &std::path::Path) -> Option<shrimp_library::Track> {
        let library = self.library().await.ok()?;
        library.inner().track_at(path).await.ok().flatten()
    }

    /// The queue with its tracks, current entry and position.
    pub async fn queue_view(&self) -> Result<QueueView, CoreError> {
        let saved = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if saved.tracks.is_empty() {
            return Ok(QueueView {
                tracks: Vec::new(),
                index: None,
                position_ms: 0,
            });
        }
        let tracks = self
            .library()
            .await?
            .inner()
            .tracks_by_ids(&saved.tracks)
            .await?;
        Ok(QueueView {
            tracks: tracks.into_iter().map(LibraryTrackView::from).collect(),
            index: u32::try_from(saved.index).ok(),
            position_ms: saved.position_ms,
        })
    }

    /// Moves a queue entry; when the queue is playing, the engine gets the new order and
    /// carries on from the same point of the same track.
    pub fn move_in_queue(&self, from: u32, to: u32) -> Result<(), CoreError> {
        let player = self.player()?;
        let status = player.status();
        let mut queue = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if !queue.move_entry(from as usize, to as usize) {
            return Err(CoreError::invalid("no such queue entry"));
        }
        let playing_queue = status
            .path
            .as_deref()
            .is_some_and(|p| queue.paths.iter().any(|q| q.display().to_string() == p));
        if status.state == PlayerState::Stopped || !playing_queue {
            let mut saved = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            *saved = queue;
            if let Err(error) = saved.save(self.paths().data_dir()) {
                tracing::warn!(%error, "cannot save the play queue");
            }
            return Ok(());
        }
        queue.position_ms = status.position_ms;
        let paused = status.state == PlayerState::Paused;
        self.start_queue(queue)?;
        if paused {
            player.pause()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use shrimp_api::ErrorCode;

    use crate::{AppPaths, Core};

    #[tokio::test]
    async fn bad_queues_are_refused_with_a_clear_code_and_an_empty_queue_is_shown_as_such() {
        let temp = tempfile::tempdir().unwrap();
        let core =
            Core::open(AppPaths::resolve(Some(temp.path().into()), None, None).unwrap()).unwrap();
        let empty = core.play_tracks(&[], 0).await.unwrap_err();
        assert_eq!(empty.code(), ErrorCode::InvalidInput);
        let unknown = core
            .play_tracks(&["t_unknown".to_owned()], 0)
            .await
            .unwrap_err();
        assert_eq!(unknown.code(), ErrorCode::InvalidInput, "{unknown}");
        let outside = core.play_tracks(&["t_a".to_owned()], 3).await.unwrap_err();
        assert_eq!(outside.code(), ErrorCode::InvalidInput);
        let queue = core.queue_view().await.unwrap();
        assert!(queue.tracks.is_empty());
        assert_eq!(queue.index, None);
        assert!(
            !temp.path().join(crate::queue::QUEUE_FILE).exists(),
            "nothing was saved"
        );
    }
}
