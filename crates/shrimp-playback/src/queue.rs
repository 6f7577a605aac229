//! The play queue as plain data: which track follows which under shuffle and repeat. No IO
//! and no clock; the shuffle seed is passed in.

use std::path::{Path, PathBuf};

/// What happens at the end of a track or of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Repeat {
    /// Stop after the last track.
    #[default]
    Off,
    /// Play the current track again and again.
    One,
    /// Start over after the last track.
    All,
}

/// The tracks to play and the order to play them in.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    tracks: Vec<PathBuf>,
    /// Track indices in playing order (the identity unless shuffled).
    order: Vec<usize>,
    /// `slot[track] = position of track in order`.
    slot: Vec<usize>,
    shuffled: bool,
    repeat: Repeat,
}

impl Queue {
    pub fn new(tracks: Vec<PathBuf>) -> Self {
        let order: Vec<usize> = (0..tracks.len()).collect();
        Self {
            slot: order.clone(),
            order,
            tracks,
            shuffled: false,
            repeat: Repeat::Off,
        }
    }

    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    pub fn path(&self, track: usize) -> Option<&Path> {
        self.tracks.get(track).map(PathBuf::as_path)
    }

    pub fn repeat(&self) -> Repeat {
        self.repeat
    }

    pub fn set_repeat(&mut self, repeat: Repeat) {
        self.repeat = repeat;
    }

    pub fn is_shuffled(&self) -> bool {
        self.shuffled
    }

    /// The first track to play.
    pub fn first(&self) -> Option<usize> {
        self.order.first().copied()
    }

    /// The track that plays when `track` ends by itself.
    pub fn following(&self, track: usize) -> Option<usize> {
        match self.repeat {
            Repeat::One if track < self.len() => Some(track),
            _ => self.after(track),
        }
    }

    /// The track a "next" command moves to from `track` (repeat-one does not hold it).
    pub fn after(&self, track: usize) -> Option<usize> {
        let slot = *self.slot.get(track)?;
        match self.order.get(slot + 1) {
            Some(&next) => Some(next),
            None if self.repeat != Repeat::Off => self.first(),
            None => None,
        }
    }

    /// The track a "previous" command moves to from `track`.
    pub fn before(&self, track: usize) -> Option<usize> {
        let slot = *self.slot.get(track)?;
        match slot.checked_sub(1) {
            Some(prev) => self.order.get(prev).copied(),
            None if self.repeat != Repeat::Off => self.order.last().copied(),
            None => None,
        }
    }

    /// Shuffles the order (with `seed`), keeping `current` first so the rest plays in a new
    /// random order after it; or restores the listed order.
    pub fn set_shuffle(&mut self, on: bool, seed: u64, current: Option<usize>) {
        self.shuffled = on;
        self.order = (0..self.tracks.len()).collect();
        if on {
            let mut state = seed;
            for i in (1..self.order.len()).rev() {
                let j = usize::try_from(splitmix64(&mut state) % (i as u64 + 1)).unwrap_or(0);
                self.order.swap(i, j);
            }
            if let Some(at) = current.and_then(|c| self.order.iter().position(|&t| t == c)) {
                self.order[..=at].rotate_right(1);
            }
        }
        for (slot, &track) in self.order.iter().enumerate() {
            self.slot[track] = slot;
        }
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(n: usize) -> Queue {
        Queue::new((0..n).map(|i| PathBuf::from(format!("{i}.flac"))).collect())
    }

    #[test]
    fn plays_in_order_and_stops_at_the_end() {
        let q = queue(3);
        assert_eq!(q.first(), Some(0));
        assert_eq!(q.following(0), Some(1));
        assert_eq!(q.following(2), None);
        assert_eq!(q.before(0), None);
        assert_eq!(q.before(2), Some(1));
    }

    #[test]
    fn repeat_one_holds_the_track_but_next_moves_on() {
        let mut q = queue(3);
        q.set_repeat(Repeat::One);
        assert_eq!(q.following(1), Some(1));
        assert_eq!(q.after(1), Some(2));
        assert_eq!(q.after(2), Some(0));
    }

    #[test]
    fn repeat_all_wraps_both_ways() {
        let mut q = queue(3);
        q.set_repeat(Repeat::All);
        assert_eq!(q.following(2), Some(0));
        assert_eq!(q.before(0), Some(2));
    }

    #[test]
    fn shuffle_visits_every_track_once_starting_with_the_current() {
        for seed in 0..50 {
            let mut q = queue(10);
            q.set_shuffle(true, seed, Some(4));
            assert_eq!(q.first(), Some(4));
            let mut seen = vec![4];
            let mut at = 4;
            while let Some(next) = q.following(at) {
                seen.push(next);
                at = next;
            }
            seen.sort_unstable();
            assert_eq!(seen, (0..10).collect::<Vec<_>>());
        }
        let mut q = queue(10);
        q.set_shuffle(true, 7, None);
        q.set_shuffle(false, 0, None);
        assert_eq!(q.following(3), Some(4));
    }

    #[test]
    fn an_empty_queue_has_nothing_to_play() {
        let q = queue(0);
        assert!(q.is_empty());
        assert_eq!(q.first(), None);
        assert_eq!(q.following(0), None);
    }
}
