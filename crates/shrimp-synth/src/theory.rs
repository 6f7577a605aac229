//! Keys, scales, chords and song form.

use crate::Genre;
use crate::rng::Rng;

pub(crate) const MAJOR: [i32; 7] = [0, 2, 4, 5, 7, 9, 11];
pub(crate) const MINOR: [i32; 7] = [0, 2, 3, 5, 7, 8, 10];
pub(crate) const DORIAN: [i32; 7] = [0, 2, 3, 5, 7, 9, 10];
pub(crate) const MIXOLYDIAN: [i32; 7] = [0, 2, 4, 5, 7, 9, 10];
pub(crate) const LYDIAN: [i32; 7] = [0, 2, 4, 6, 7, 9, 11];
/// The five Chinese modes: gong, shang, zhi and yu (jiao is rarely used for melody).
pub(crate) const GONG: [i32; 5] = [0, 2, 4, 7, 9];
pub(crate) const SHANG: [i32; 5] = [0, 2, 5, 7, 10];
pub(crate) const ZHI: [i32; 5] = [0, 2, 5, 7, 9];
pub(crate) const YU: [i32; 5] = [0, 3, 5, 7, 10];

/// A key: tonic pitch class and a scale.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub(crate) tonic: i32,
    pub(crate) scale: Vec<i32>,
}

impl Key {
    pub(crate) fn len(&self) -> i32 {
        i32::try_from(self.scale.len()).unwrap_or(7)
    }

    /// Pitch (MIDI) of a scale degree counted from the tonic in octave `base` (a MIDI note
    /// of the tonic).
    pub(crate) fn pitch(&self, base: i32, degree: i32) -> i32 {
        let n = self.len();
        let octave = degree.div_euclid(n);
        let index = usize::try_from(degree.rem_euclid(n)).unwrap_or(0);
        base + 12 * octave + self.scale[index]
    }

    /// The tonic's MIDI note nearest above `low`.
    pub(crate) fn base_at_or_above(&self, low: i32) -> i32 {
        low + (self.tonic - low).rem_euclid(12)
    }

    /// Whether `degree` belongs to the chord built on `root` (given as chord-tone degrees).
    pub(crate) fn is_chord_tone(&self, degree: i32, chord: &[i32]) -> bool {
        let n = self.len();
        chord.iter().any(|c| (c - degree).rem_euclid(n) == 0)
    }

    /// The chord tone nearest to `degree` (ties go up).
    pub(crate) fn nearest_chord_tone(&self, degree: i32, chord: &[i32]) -> i32 {
        for distance in 0..self.len() {
            if self.is_chord_tone(degree + distance, chord) {
                return degree + distance;
            }
            if self.is_chord_tone(degree - distance, chord) {
                return degree - distance;
            }
        }
        degree
    }
}

/// Chooses a key for a genre.
#[allow(clippy::explicit_auto_deref)]
pub(crate) fn choose_key(genre: Genre, rng: &mut Rng) -> Key {
    let tonic = i32::try_from(rng.below(12)).unwrap_or(0);
    let scale: &[i32] = match genre {
        Genre::Folk => *rng.pick(&[&MAJOR[..], &MAJOR, &MAJOR, &MIXOLYDIAN, &DORIAN]),
        Genre::Electronic => *rng.pick(&[&MINOR[..], &MINOR, &DORIAN, &MAJOR]),
        Genre::Rock => *rng.pick(&[&MAJOR[..], &MINOR, &MIXOLYDIAN, &MAJOR]),
        Genre::Ambient => *rng.pick(&[&LYDIAN[..], &MAJOR, &DORIAN]),
        Genre::Guqin => *rng.pick(&[&GONG[..], &SHANG, &ZHI, &YU]),
        Genre::LoFi => *rng.pick(&[&MAJOR[..], &MAJOR, &DORIAN]),
        Genre::Piano => *rng.pick(&[&MAJOR[..], &MAJOR, &MINOR]),
    };
    Key {
        tonic,
        scale: scale.to_vec(),
    }
}

fn is_minorish(key: &Key) -> bool {
    key.scale.len() == 7 && key.scale[2] == 3
}

/// A progression of scale degrees, one per chord slot.
pub(crate) fn progression(genre: Genre, key: &Key, rng: &mut Rng) -> Vec<i32> {
    let five = key.scale.len() == 5;
    let options: &[&[i32]] = if five {
        &[
            &[0, 0, 3, 4],
            &[0, 3, 4, 3],
            &[0, 4, 3, 0],
            &[4, 3, 0, 0],
            &[0, 2, 3, 0],
        ]
    } else if genre == Genre::LoFi {
        &[
            &[1, 4, 0, 5],
            &[3, 2, 1, 0],
            &[0, 5, 1, 4],
            &[3, 4, 2, 5],
            &[1, 4, 0, 0],
        ]
    } else if genre == Genre::Ambient {
        &[&[0, 1, 0, 5], &[0, 3, 5, 4], &[0, 5, 3, 3], &[3, 0, 4, 5]]
    } else if is_minorish(key) {
        &[
            &[0, 5, 2, 6],
            &[0, 6, 5, 6],
            &[0, 3, 6, 2],
            &[5, 6, 0, 0],
            &[0, 3, 4, 0],
            &[0, 5, 3, 4],
        ]
    } else {
        &[
            &[0, 4, 5, 3],
            &[0, 5, 3, 4],
            &[5, 3, 0, 4],
            &[0, 3, 4, 3],
            &[0, 3, 0, 4],
            &[3, 0, 4, 5],
            &[0, 2, 3, 4],
            &[0, 3, 5, 4],
        ]
    };
    rng.pick(options).to_vec()
}

/// Chord tones (as scale degrees) of the chord on `root` for a genre.
pub(crate) fn chord_tones(genre: Genre, key: &Key, root: i32, sevenths: bool) -> Vec<i32> {
    if key.scale.len() == 5 {
        return vec![root, root + 2, root + 3];
    }
    match genre {
        Genre::LoFi => vec![root, root + 2, root + 4, root + 6, root + 8],
        Genre::Ambient => vec![root, root + 1, root + 4, root + 6],
        _ if sevenths => vec![root, root + 2, root + 4, root + 6],
        _ => vec![root, root + 2, root + 4],
    }
}

/// What part of a song a span of bars is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Intro,
    Verse,
    Chorus,
    Bridge,
    Outro,
}

impl SectionKind {
    /// A lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intro => "intro",
            Self::Verse => "verse",
            Self::Chorus => "chorus",
            Self::Bridge => "bridge",
            Self::Outro => "outro",
        }
    }
}

/// Fits the classic pop form into `bars` bars, shrinking or growing sections in phrase
/// steps. Returns (kind, bars) pairs that add up to `bars`.
pub(crate) fn form(bars: u32) -> Vec<(SectionKind, u32)> {
    use SectionKind::{Bridge, Chorus, Intro, Outro, Verse};
    let mut plan: Vec<(SectionKind, u32)> = vec![
        (Intro, 2),
        (Verse, 4),
        (Chorus, 4),
        (Verse, 4),
        (Chorus, 4),
        (Bridge, 4),
        (Chorus, 4),
        (Outro, 2),
    ];
    let total = |plan: &[(SectionKind, u32)]| plan.iter().map(|s| s.1).sum::<u32>();
    if bars < total(&plan) {
        plan.remove(3);
        plan.remove(3);
    }
    if bars < total(&plan) {
        plan.retain(|s| s.0 != Bridge);
    }
    // Grow in musical order until full size, then repeat the last chorus.
    // Choruses first (the last one most), then verses, then the rest.
    let mut growth: Vec<(usize, u32, u32)> = Vec::new();
    let n = plan.len();
    let index_of = |kind: SectionKind, nth_from_end: usize| {
        plan.iter()
            .enumerate()
            .filter(|s| s.1.0 == kind)
            .map(|s| s.0)
            .rev()
            .nth(nth_from_end)
    };
    for (kind, nth, step, cap) in [
        (Chorus, 0, 4, 8),
        (Chorus, 1, 4, 8),
        (Verse, 1, 4, 8),
        (Chorus, 2, 4, 8),
        (Verse, 0, 4, 8),
        (Intro, 0, 2, 4),
        (Bridge, 0, 4, 8),
        (Outro, 0, 2, 4),
    ] {
        if let Some(index) = index_of(kind, nth) {
            growth.push((index, step, cap));
        }
    }
    let _ = n;
    loop {
        let mut grew = false;
        for &(index, step, cap) in &growth {
            if index < plan.len() && plan[index].1 + step <= cap && total(&plan) + step <= bars {
                plan[index].1 += step;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    if plan.len() == 8 && total(&plan) + 8 <= bars {
        plan.insert(6, (Verse, 8));
    }
    // Whatever is left goes to the outro.
    let left = bars.saturating_sub(total(&plan));
    if let Some(last) = plan.last_mut() {
        last.1 += left;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fills_exactly_and_keeps_order() {
        for bars in 16..80 {
            let plan = form(bars);
            assert_eq!(plan.iter().map(|s| s.1).sum::<u32>(), bars, "{bars}");
            assert_eq!(plan[0].0, SectionKind::Intro);
            assert_eq!(plan.last().unwrap().0, SectionKind::Outro);
            assert!(plan.iter().any(|s| s.0 == SectionKind::Chorus));
        }
        let full = form(56);
        assert_eq!(full.len(), 8);
        assert!(full.iter().all(|s| s.1 >= 4));
    }

    #[test]
    fn chord_tone_snapping() {
        let key = Key {
            tonic: 0,
            scale: MAJOR.to_vec(),
        };
        let chord = [4, 6, 8];
        assert_eq!(key.nearest_chord_tone(5, &chord), 6);
        assert_eq!(key.nearest_chord_tone(11, &chord), 11);
        assert_eq!(key.pitch(60, 7), 72);
        assert_eq!(key.pitch(60, -1), 59);
    }
}
