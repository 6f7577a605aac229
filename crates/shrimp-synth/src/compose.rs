//! The composer: turns a seed and a genre into a list of timed notes on mixer tracks.
//!
//! Everything happens on a sixteenth-note grid. A song is a form (intro, verses, choruses,
//! bridge, outro), one chord progression per section type, two-bar melodic motifs that are
//! stated, answered and cadenced in eight-bar periods, a bass line on the chord roots, a
//! genre-specific accompaniment and a drum groove with fills at section ends.

use crate::dsp::RATE_F;
use crate::rng::Rng;
use crate::theory::{self, Key, SectionKind};
use crate::voice::{NoteKey, Voice};
use crate::{Genre, Section};

/// Mixer channels; each has its own level, pan and effect sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Track {
    Kick,
    Snare,
    Hats,
    Perc,
    Bass,
    Chords,
    Pad,
    Arp,
    Lead,
    Counter,
    Fx,
}

pub(crate) const TRACKS: [Track; 11] = [
    Track::Kick,
    Track::Snare,
    Track::Hats,
    Track::Perc,
    Track::Bass,
    Track::Chords,
    Track::Pad,
    Track::Arp,
    Track::Lead,
    Track::Counter,
    Track::Fx,
];

#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) track: Track,
    pub(crate) start: usize,
    pub(crate) key: NoteKey,
    pub(crate) velocity: f32,
}

/// A composed song, ready for the mixer.
#[derive(Debug)]
pub(crate) struct Song {
    pub(crate) events: Vec<Event>,
    pub(crate) sections: Vec<Section>,
    pub(crate) step_frames: f64,
    pub(crate) frames: usize,
}

/// Instrument choices for one song.
#[derive(Debug, Clone, Copy)]
struct Palette {
    lead: Voice,
    counter: Option<Voice>,
    drums: bool,
    /// Folk fingerpicks verses instead of strumming; Electronic uses 16th-note bass.
    alt: bool,
}

struct Composer {
    genre: Genre,
    key: Key,
    rng: Rng,
    beats: u32,
    step_frames: f64,
    swing: f64,
    humanize: f64,
    events: Vec<Event>,
    palette: Palette,
}

/// Pieces of melody: (step within two bars, length in steps, degree relative to anchor).
type Motif = Vec<(u32, u32, i32)>;

#[allow(clippy::too_many_lines)]
pub(crate) fn compose(genre: Genre, seed: u64, duration_ms: u32) -> Song {
    let root_rng = Rng::new(seed ^ (genre as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut rng = root_rng.fork(1);
    let key = theory::choose_key(genre, &mut rng);
    let beats = match genre {
        Genre::Folk | Genre::Piano if rng.chance(0.3) => 3,
        _ => 4,
    };
    let (lo, hi) = match genre {
        Genre::Folk => (84.0, 112.0),
        Genre::Electronic => (118.0, 128.0),
        Genre::Rock => (112.0, 148.0),
        Genre::Ambient => (62.0, 80.0),
        Genre::Guqin => (58.0, 74.0),
        Genre::LoFi => (72.0, 88.0),
        Genre::Piano => (68.0, 100.0),
    };
    let mut bpm = f64::from(rng.range(lo, hi)).floor();
    let duration = f64::from(duration_ms) / 1000.0;
    let tail = 3.0;
    // At least sixteen bars, so even a one-minute slow piece gets a full form.
    let min_bpm = 16.0 * f64::from(beats) * 60.0 / (duration - tail);
    if bpm < min_bpm {
        bpm = min_bpm.ceil();
    }
    let step_frames = 60.0 / bpm / 4.0 * RATE_F;
    let bar_seconds = 60.0 / bpm * f64::from(beats);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bars = ((duration - tail) / bar_seconds).floor() as u32;
    let plan = theory::form(bars);

    let palette = choose_palette(genre, &mut rng);
    let swing = match genre {
        Genre::LoFi => f64::from(rng.range(0.28, 0.42)),
        Genre::Folk => 0.08,
        _ => 0.0,
    };
    let humanize = match genre {
        Genre::Electronic => 0.0,
        Genre::Guqin | Genre::Piano => 0.012,
        _ => 0.006,
    };
    let mut composer = Composer {
        genre,
        key,
        rng: root_rng.fork(2),
        beats,
        step_frames,
        swing,
        humanize,
        events: Vec::new(),
        palette,
    };

    let mut prog_rng = root_rng.fork(3);
    let verse_prog = theory::progression(genre, &composer.key, &mut prog_rng);
    let mut chorus_prog = theory::progression(genre, &composer.key, &mut prog_rng);
    if chorus_prog == verse_prog {
        chorus_prog.rotate_left(2);
    }
    let mut bridge_prog = theory::progression(genre, &composer.key, &mut prog_rng);
    bridge_prog.rotate_left(1);
    let sevenths = genre == Genre::Piano && prog_rng.chance(0.4) || genre == Genre::Electronic;
    // Slow genres hold each chord for two bars.
    let bars_per_chord = if matches!(genre, Genre::Ambient | Genre::Guqin) {
        2
    } else {
        1
    };

    let mut motif_rng = root_rng.fork(4);
    let verse_motifs = (
        composer.motif(&mut motif_rng, 0.0),
        composer.motif(&mut motif_rng, 0.0),
    );
    let chorus_motifs = (
        composer.motif(&mut motif_rng, 0.25),
        composer.motif(&mut motif_rng, 0.25),
    );
    let bridge_motifs = (
        composer.motif(&mut motif_rng, -0.2),
        composer.motif(&mut motif_rng, -0.2),
    );

    let steps_per_bar = beats * 4;
    let mut sections = Vec::new();
    let mut bar = 0_u32;
    let mut verse_count = 0;
    let mut chorus_count = 0;
    let chorus_total = plan.iter().filter(|s| s.0 == SectionKind::Chorus).count();
    let mut previous_melody = 7;
    for (index, &(kind, length)) in plan.iter().enumerate() {
        let next = plan.get(index + 1).map(|s| s.0);
        let prog = match kind {
            SectionKind::Chorus => &chorus_prog,
            SectionKind::Bridge => &bridge_prog,
            _ => &verse_prog,
        };
        let chords: Vec<Vec<i32>> = (0..length)
            .map(|b| {
                let slot = (b / bars_per_chord) as usize % prog.len();
                theory::chord_tones(genre, &composer.key, prog[slot], sevenths)
            })
            .collect();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let start_ms = (composer.time(bar, 0.0) as f64 / RATE_F * 1000.0).round() as u32;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let end_ms = (composer.time(bar + length, 0.0) as f64 / RATE_F * 1000.0).round() as u32;
        sections.push(Section {
            start_ms,
            end_ms,
            kind,
            bars: u16::try_from(length).unwrap_or(u16::MAX),
        });
        let intensity = match kind {
            SectionKind::Intro | SectionKind::Outro => 0,
            SectionKind::Verse | SectionKind::Bridge => 1,
            SectionKind::Chorus => 2,
        };
        composer.accompany(bar, length, &chords, kind, bars_per_chord);
        composer.bass(bar, length, &chords, kind, bars_per_chord);
        if composer.palette.drums {
            composer.drums(bar, length, kind, next);
        }
        let (motifs, lift) = match kind {
            SectionKind::Chorus => {
                chorus_count += 1;
                (Some(&chorus_motifs), 2)
            }
            SectionKind::Verse => {
                verse_count += 1;
                (Some(&verse_motifs), 0)
            }
            SectionKind::Bridge => (Some(&bridge_motifs), 1),
            // Quiet genres have no drums to carry an intro, so the lead opens alone.
            SectionKind::Intro if matches!(genre, Genre::Guqin | Genre::Piano | Genre::Ambient) => {
                (Some(&bridge_motifs), 0)
            }
            SectionKind::Intro => (None, 0),
            SectionKind::Outro => (Some(&chorus_motifs), 0),
        };
        if let Some((call, answer)) = motifs {
            let melody_bars = if kind == SectionKind::Outro {
                length.min(4)
            } else {
                length
            };
            let variation = if kind == SectionKind::Verse && verse_count > 1 {
                7
            } else {
                0
            };
            let notes = composer.melody(bar, melody_bars, &chords, call, answer, lift, variation);
            let last_chorus = kind == SectionKind::Chorus && chorus_count == chorus_total;
            let velocity = if matches!(kind, SectionKind::Outro | SectionKind::Intro) {
                0.7
            } else {
                0.9 + 0.05 * f32::from(u8::from(intensity == 2))
            };
            for &(start, gate, midi, bend) in &notes {
                composer.push_note(
                    Track::Lead,
                    composer.palette.lead,
                    start,
                    gate,
                    midi,
                    velocity,
                    bend,
                );
                previous_melody = midi;
            }
            if let Some(counter) = composer.palette.counter
                && (kind == SectionKind::Chorus && (chorus_count > 1 || last_chorus))
            {
                for &(start, gate, midi, _) in &notes {
                    let degree_shifted = composer.shift_degrees(midi, -2);
                    composer.push_note(
                        Track::Counter,
                        counter,
                        start,
                        gate,
                        degree_shifted,
                        0.6,
                        0,
                    );
                }
            }
        }
        bar += length;
        let _ = steps_per_bar;
    }
    // A final tonic chord rings out over the tail.
    let end = composer.time(bar, 0.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let frames = crate::frames_for(duration_ms);
    let ring = frames
        .saturating_sub(end + (0.4 * RATE_F) as usize)
        .max(1000);
    composer.final_chord(end, ring);
    let _ = previous_melody;
    composer.events.sort_by_key(|e| (e.track, e.start));
    Song {
        events: composer.events,
        sections,
        step_frames,
        frames,
    }
}

fn choose_palette(genre: Genre, rng: &mut Rng) -> Palette {
    match genre {
        Genre::Folk => Palette {
            lead: *rng.pick(&[Voice::Flute, Voice::Guitar, Voice::Flute]),
            counter: Some(Voice::Flute),
            drums: rng.chance(0.75),
            alt: rng.chance(0.5),
        },
        Genre::Electronic => Palette {
            lead: *rng.pick(&[Voice::SuperSaw, Voice::SynthPluck, Voice::SuperSaw]),
            counter: Some(Voice::Bell),
            drums: true,
            alt: rng.chance(0.5),
        },
        Genre::Rock => Palette {
            lead: Voice::RockLead,
            counter: Some(Voice::RockLead),
            drums: true,
            alt: rng.chance(0.5),
        },
        Genre::Ambient => Palette {
            lead: *rng.pick(&[Voice::Bell, Voice::EPiano, Voice::Piano]),
            counter: None,
            drums: false,
            alt: rng.chance(0.5),
        },
        Genre::Guqin => Palette {
            lead: Voice::Guqin,
            counter: None,
            drums: false,
            alt: rng.chance(0.5),
        },
        Genre::LoFi => Palette {
            lead: *rng.pick(&[Voice::Piano, Voice::Bell, Voice::Flute]),
            counter: None,
            drums: true,
            alt: rng.chance(0.5),
        },
        Genre::Piano => Palette {
            lead: Voice::Piano,
            counter: None,
            drums: false,
            alt: rng.chance(0.5),
        },
    }
}

impl Composer {
    /// Frame of a grid position: `step` sixteenths into bar `bar`, with swing.
    fn time(&self, bar: u32, step: f64) -> usize {
        let whole = f64::from(bar * self.beats * 4) + step;
        let within_beat = step.rem_euclid(4.0);
        let swung = if (within_beat - 2.0).abs() < 1e-9 {
            whole + self.swing
        } else if (within_beat - 1.0).abs() < 1e-9 || (within_beat - 3.0).abs() < 1e-9 {
            whole + self.swing * 0.5
        } else {
            whole
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let frame = (swung * self.step_frames).round().max(0.0) as usize;
        frame
    }

    fn jitter(&mut self) -> isize {
        if self.humanize == 0.0 {
            return 0;
        }
        #[allow(clippy::cast_possible_truncation)]
        let offset = (f64::from(self.rng.signed()) * self.humanize * RATE_F) as isize;
        offset
    }

    fn steps(&self, steps: f64) -> u32 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let frames = (steps * self.step_frames) as u32;
        frames
    }

    #[allow(clippy::too_many_arguments)]
    fn push_note(
        &mut self,
        track: Track,
        voice: Voice,
        start: usize,
        gate: u32,
        midi: i32,
        velocity: f32,
        bend: i8,
    ) {
        self.push(track, voice, start, gate, midi, velocity, bend, 0);
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        track: Track,
        voice: Voice,
        start: usize,
        gate: u32,
        midi: i32,
        velocity: f32,
        bend: i8,
        variant: u8,
    ) {
        let start = start.saturating_add_signed(self.jitter());
        // Quantise gates so repeated notes share one cached buffer.
        let gate = (gate / 64).max(2) * 64;
        let spread = 0.9 + 0.1 * self.rng.unit();
        self.events.push(Event {
            track,
            start,
            key: NoteKey {
                voice,
                midi: u8::try_from(midi.clamp(12, 115)).unwrap_or(60),
                gate,
                bend,
                variant,
            },
            velocity: velocity * spread,
        });
    }

    fn hit(&mut self, track: Track, voice: Voice, bar: u32, step: f64, velocity: f32, midi: i32) {
        let start = self.time(bar, step);
        let variant = u8::try_from(self.rng.below(3)).unwrap_or(0);
        self.push(track, voice, start, 128, midi, velocity, 0, variant);
    }

    /// MIDI note shifted by scale steps (snapping into the scale first).
    fn shift_degrees(&self, midi: i32, by: i32) -> i32 {
        let base = self.key.base_at_or_above(0);
        let relative = midi - base;
        let octave = relative.div_euclid(12);
        let pc = relative.rem_euclid(12);
        let index = self.key.scale.iter().rposition(|&s| s <= pc).unwrap_or(0);
        let degree = octave * self.key.len() + i32::try_from(index).unwrap_or(0);
        self.key.pitch(base, degree + by)
    }

    /// A two-bar motif. `energy` > 0 is busier (chorus), < 0 sparser (bridge).
    fn motif(&self, rng: &mut Rng, energy: f32) -> Motif {
        // Rhythm cells of one beat: (offset, length) in sixteenths.
        const CELLS: [&[(u32, u32)]; 8] = [
            &[(0, 4)],
            &[(0, 2), (2, 2)],
            &[(0, 3), (3, 1)],
            &[],
            &[(2, 2)],
            &[(0, 1), (1, 1), (2, 2)],
            &[(0, 8)],
            &[(0, 6), (6, 2)],
        ];
        let weights: [f32; 8] = match self.genre {
            Genre::Guqin => [4.0, 1.0, 1.0, 2.5, 0.5, 0.3, 3.0, 2.0],
            Genre::Ambient => [3.0, 0.8, 0.3, 2.5, 0.5, 0.0, 4.0, 1.5],
            Genre::Electronic => [1.5, 3.0, 1.5, 1.0, 2.0, 1.5, 0.5, 1.0],
            Genre::Rock => [2.0, 3.0, 1.5, 1.0, 1.5, 1.0, 1.0, 1.0],
            Genre::Folk => [3.0, 3.0, 1.5, 0.8, 0.8, 0.4, 1.0, 1.5],
            Genre::LoFi => [2.0, 2.0, 1.5, 2.0, 2.0, 0.6, 1.0, 1.0],
            Genre::Piano => [2.5, 3.0, 1.5, 0.7, 0.5, 1.0, 1.5, 1.5],
        };
        let span = self.beats * 2;
        let mut rhythm: Vec<(u32, u32)> = Vec::new();
        let mut beat = 0;
        while beat < span {
            let last = beat == span - 1;
            let mut w = weights;
            w[1] *= 1.0 + energy;
            w[5] *= 1.0 + 2.0 * energy;
            w[3] *= (1.0 - energy).max(0.1);
            if beat == 0 {
                w[3] = 0.0;
                w[4] = 0.0;
            }
            if beat + 1 >= span {
                w[6] = 0.0;
                w[7] = 0.0;
            }
            if last {
                // Leave room to breathe at the end of a phrase.
                w = [1.0, 0.3, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0];
            }
            let total: f32 = w.iter().sum();
            let mut pick = rng.unit() * total;
            let mut chosen = 0;
            for (i, weight) in w.iter().enumerate() {
                if pick < *weight {
                    chosen = i;
                    break;
                }
                pick -= weight;
            }
            for &(offset, length) in CELLS[chosen] {
                rhythm.push((beat * 4 + offset, length));
            }
            beat += if chosen >= 6 { 2 } else { 1 };
        }
        if rhythm.len() < 2 {
            rhythm = vec![(0, 4), (4, 4), (8, 8)];
        }
        // Pitches: an arch-shaped walk, mostly steps, with leaps recovered by a step back.
        let mut degree = 0_i32;
        let mut last_leap = 0_i32;
        let count = rhythm.len();
        let mut motif = Vec::with_capacity(count);
        for (i, &(step, length)) in rhythm.iter().enumerate() {
            if i > 0 {
                let rising = i * 2 < count;
                let r = rng.unit();
                let mut interval = if last_leap != 0 {
                    -last_leap.signum()
                } else if r < 0.5 {
                    1
                } else if r < 0.62 {
                    0
                } else if r < 0.85 {
                    2
                } else {
                    3 + i32::from(rng.chance(0.3))
                };
                last_leap = if interval.abs() >= 3 { interval } else { 0 };
                let up = if rising {
                    rng.chance(0.68)
                } else {
                    rng.chance(0.32)
                };
                if !up && last_leap == 0 {
                    interval = -interval;
                } else if !up {
                    interval = -interval;
                    last_leap = interval;
                }
                degree = (degree + interval).clamp(-3, 6);
            }
            motif.push((step, length, degree));
        }
        motif
    }

    /// Realises motifs over a section: call, answer, call, cadence in each eight bars.
    /// Returns (start frame, gate frames, midi, bend).
    #[allow(clippy::too_many_arguments)]
    fn melody(
        &mut self,
        bar0: u32,
        bars: u32,
        chords: &[Vec<i32>],
        call: &Motif,
        answer: &Motif,
        lift: i32,
        variation: u64,
    ) -> Vec<(usize, u32, i32, i8)> {
        let n = self.key.len();
        let (low, center) = match self.genre {
            Genre::Guqin => (55, 0),
            Genre::Piano => (67, 0),
            _ => (62, 0),
        };
        let base = self.key.base_at_or_above(low - 7) + center;
        let mut var_rng = Rng::new(variation ^ 0xA11CE);
        let mut out = Vec::new();
        let steps_per_bar = f64::from(self.beats * 4);
        let mut pair = 0;
        let mut b = 0;
        while b < bars {
            let remaining = bars - b;
            let position = if remaining <= 2 { 3 } else { pair % 4 };
            let motif = if position % 2 == 0 { call } else { answer };
            let chord = &chords[b as usize];
            // Anchor on a chord tone; the answer of a period sits a step lower.
            let anchor_target = n + lift - i32::from(position == 1);
            let anchor = self.key.nearest_chord_tone(anchor_target, chord);
            let mut notes: Vec<(u32, u32, i32)> = motif
                .iter()
                .filter(|&&(step, _, _)| remaining >= 2 || f64::from(step) < steps_per_bar)
                .map(|&(step, length, rel)| (step, length, anchor + rel))
                .collect();
            if variation != 0 && var_rng.chance(0.6) && notes.len() > 2 {
                let i = 1 + var_rng.below(notes.len() - 2);
                notes[i].2 += if var_rng.chance(0.5) { 1 } else { -1 };
            }
            // Strong beats land on chord tones.
            let strong = if self.beats == 3 { 12 } else { 8 };
            for note in &mut notes {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let bar_in = (note.0 / (self.beats * 4)) as usize;
                let chord = &chords[(b as usize + bar_in).min(chords.len() - 1)];
                if note.0 % strong == 0 {
                    note.2 = self.key.nearest_chord_tone(note.2, chord);
                }
            }
            // Phrase endings: the answer hangs on the second or fifth, the cadence resolves.
            if let Some(last) = notes.last_mut() {
                let target = match position {
                    1 => *[1, 4].get(usize::from(pair % 3 == 0)).unwrap_or(&1),
                    3 => 0,
                    _ => last.2,
                };
                if position == 1 || position == 3 {
                    let octave = (last.2 - target + n / 2).div_euclid(n);
                    last.2 = target + octave * n;
                }
                if position == 3 {
                    let span = if remaining >= 2 { 2 } else { 1 } * self.beats * 4;
                    last.1 = span.saturating_sub(last.0).max(last.1);
                }
            }
            for (i, &(step, length, degree)) in notes.iter().enumerate() {
                let degree = degree.clamp(n - 3, 2 * n + 3);
                let midi = self.key.pitch(base, degree);
                let start = self.time(bar0 + b, f64::from(step));
                // Legato up to the next onset for sustaining instruments.
                let next = notes.get(i + 1).map_or(step + length, |n| n.0);
                let held = match self.palette.lead {
                    Voice::Guqin | Voice::Piano | Voice::Bell | Voice::Guitar => next - step,
                    _ => length.min(next - step),
                };
                let gate = self.steps(f64::from(held) - 0.25);
                let bend = if self.genre == Genre::Guqin && held >= 4 && self.rng.chance(0.4) {
                    if self.rng.chance(0.7) { -2 } else { 1 }
                } else {
                    0
                };
                out.push((start, gate, midi, bend));
                // The guqin answers itself with a harmonic an octave up, now and then.
                if self.genre == Genre::Guqin && held >= 8 && self.rng.chance(0.3) {
                    let echo = self.time(bar0 + b, f64::from(step) + f64::from(held) * 0.5);
                    self.push_note(
                        Track::Counter,
                        Voice::GuqinHarmonic,
                        echo,
                        self.steps(6.0),
                        midi + 12,
                        0.5,
                        0,
                    );
                }
            }
            b += 2.min(remaining);
            pair += 1;
        }
        out
    }

    /// Chords, pads and arpeggios for a section.
    #[allow(clippy::too_many_lines)]
    fn accompany(
        &mut self,
        bar0: u32,
        bars: u32,
        chords: &[Vec<i32>],
        kind: SectionKind,
        per_chord: u32,
    ) {
        let beats = self.beats;
        let steps_per_bar = f64::from(beats * 4);
        for b in 0..bars {
            let chord = &chords[b as usize];
            let new_chord = b % per_chord == 0;
            let bar = bar0 + b;
            match self.genre {
                Genre::Folk => {
                    let voicing = self.voicing(chord, 52, 5, true);
                    let picking = self.palette.alt && kind != SectionKind::Chorus
                        || kind == SectionKind::Intro;
                    if picking {
                        let order = [0, 2, 3, 1, 4, 2, 3, 1];
                        for (i, &string) in order.iter().take((beats * 2) as usize).enumerate() {
                            #[allow(clippy::cast_precision_loss)]
                            let step = i as f64 * 2.0;
                            let start = self.time(bar, step);
                            let gate = self.steps(steps_per_bar - step);
                            let midi = voicing[string.min(voicing.len() - 1)];
                            self.push_note(
                                Track::Chords,
                                Voice::Guitar,
                                start,
                                gate,
                                midi,
                                0.55,
                                0,
                            );
                        }
                    } else {
                        let strums: &[(f64, bool)] = if beats == 3 {
                            &[
                                (0.0, true),
                                (4.0, true),
                                (6.0, false),
                                (8.0, true),
                                (10.0, false),
                            ]
                        } else {
                            &[
                                (0.0, true),
                                (4.0, true),
                                (6.0, false),
                                (10.0, false),
                                (12.0, true),
                                (14.0, false),
                            ]
                        };
                        for (i, &(step, down)) in strums.iter().enumerate() {
                            let next = strums.get(i + 1).map_or(steps_per_bar, |s| s.0);
                            self.strum(
                                bar,
                                step,
                                next - step,
                                &voicing,
                                down,
                                if down { 0.5 } else { 0.32 },
                            );
                        }
                    }
                }
                Genre::Electronic => {
                    if new_chord {
                        let voicing = self.voicing(chord, 57, 4, false);
                        let gate = self.steps(steps_per_bar * f64::from(per_chord));
                        let start = self.time(bar, 0.0);
                        for &midi in &voicing {
                            self.push(Track::Pad, Voice::Pad, start, gate, midi, 0.55, 0, 1);
                        }
                    }
                    if kind != SectionKind::Intro {
                        // A sixteenth-note arpeggio over two octaves.
                        let voicing = self.voicing(chord, 64, 3, false);
                        let pattern = [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1];
                        for step in 0..(beats * 4) {
                            let index = pattern[step as usize % 16];
                            let midi =
                                voicing[index % 3] + 12 * i32::try_from(index / 3).unwrap_or(0);
                            let velocity = if step % 4 == 0 { 0.55 } else { 0.38 };
                            let start = self.time(bar, f64::from(step));
                            self.push_note(
                                Track::Arp,
                                Voice::SynthPluck,
                                start,
                                self.steps(0.9),
                                midi,
                                velocity,
                                0,
                            );
                        }
                    }
                    if kind == SectionKind::Chorus {
                        let voicing = self.voicing(chord, 62, 4, false);
                        for step in [0.0, 3.0, 6.0, 10.0, 12.0] {
                            let start = self.time(bar, step);
                            for &midi in &voicing {
                                self.push_note(
                                    Track::Chords,
                                    Voice::SuperSaw,
                                    start,
                                    self.steps(1.6),
                                    midi,
                                    0.32,
                                    0,
                                );
                            }
                        }
                    }
                }
                Genre::Rock => {
                    let root = self.key.pitch(self.key.base_at_or_above(40), chord[0]);
                    let root = if root > 50 { root - 12 } else { root };
                    if kind == SectionKind::Chorus || kind == SectionKind::Outro {
                        let hits: &[(f64, f64)] =
                            &[(0.0, 6.0), (6.0, 2.0), (8.0, 6.0), (14.0, 2.0)];
                        for &(step, length) in hits {
                            let start = self.time(bar, step);
                            self.push(
                                Track::Chords,
                                Voice::PowerChord,
                                start,
                                self.steps(length - 0.2),
                                root,
                                0.8,
                                0,
                                0,
                            );
                        }
                    } else if kind != SectionKind::Intro || b >= bars / 2 {
                        for step in (0..16).step_by(2) {
                            let start = self.time(bar, f64::from(step));
                            let velocity = if step % 8 == 0 { 0.85 } else { 0.6 };
                            self.push(
                                Track::Chords,
                                Voice::PowerChord,
                                start,
                                self.steps(1.6),
                                root,
                                velocity,
                                0,
                                1,
                            );
                        }
                    } else {
                        let start = self.time(bar, 0.0);
                        self.push(
                            Track::Chords,
                            Voice::PowerChord,
                            start,
                            self.steps(15.0),
                            root,
                            0.6,
                            0,
                            0,
                        );
                    }
                }
                Genre::Ambient => {
                    if new_chord {
                        let voicing = self.voicing(chord, 55, 4, false);
                        let gate = self.steps(steps_per_bar * f64::from(per_chord) + 2.0);
                        let start = self.time(bar, 0.0);
                        for (i, &midi) in voicing.iter().enumerate() {
                            let variant = u8::try_from(i).unwrap_or(0);
                            self.push(Track::Pad, Voice::Pad, start, gate, midi, 0.5, 0, variant);
                        }
                    }
                    if kind != SectionKind::Intro && self.palette.alt {
                        let voicing = self.voicing(chord, 72, 4, false);
                        for (i, step) in [0.0, 6.0, 10.0].iter().enumerate() {
                            if self.rng.chance(0.7) {
                                let start = self.time(bar, *step);
                                let midi = voicing[(i + b as usize) % voicing.len()];
                                self.push_note(
                                    Track::Arp,
                                    Voice::GuqinHarmonic,
                                    start,
                                    self.steps(4.0),
                                    midi,
                                    0.35,
                                    0,
                                );
                            }
                        }
                    }
                }
                Genre::Guqin => {
                    if new_chord && kind != SectionKind::Intro {
                        let voicing = self.voicing(&chord[..2], 50, 2, false);
                        let gate = self.steps(steps_per_bar * f64::from(per_chord));
                        let start = self.time(bar, 0.0);
                        for &midi in &voicing {
                            self.push(Track::Pad, Voice::Pad, start, gate, midi, 0.22, 0, 0);
                        }
                    }
                }
                Genre::LoFi => {
                    let voicing = self.voicing(chord, 58, 4, false);
                    let hits: &[(f64, f64)] = if b % 2 == 0 {
                        &[(0.0, 6.0), (6.0, 2.0), (10.0, 6.0)]
                    } else {
                        &[(0.0, 8.0), (14.0, 2.0)]
                    };
                    for &(step, length) in hits {
                        let start = self.time(bar, step);
                        let velocity = if step == 0.0 { 0.5 } else { 0.38 };
                        for (i, &midi) in voicing.iter().enumerate() {
                            // A slightly rolled chord, lowest note first.
                            let start = start + i * 90;
                            self.push_note(
                                Track::Chords,
                                Voice::EPiano,
                                start,
                                self.steps(length - 0.3),
                                midi,
                                velocity,
                                0,
                            );
                        }
                    }
                }
                Genre::Piano => {
                    // Right-hand chord tones under the melody in the chorus.
                    if kind == SectionKind::Chorus {
                        let voicing = self.voicing(chord, 60, 3, false);
                        let start = self.time(bar, 0.0);
                        for &midi in &voicing {
                            self.push_note(
                                Track::Chords,
                                Voice::Piano,
                                start,
                                self.steps(steps_per_bar - 1.0),
                                midi,
                                0.3,
                                0,
                            );
                        }
                    }
                }
            }
        }
    }

    /// A guitar strum: strings a few milliseconds apart, down or up.
    fn strum(
        &mut self,
        bar: u32,
        step: f64,
        length: f64,
        voicing: &[i32],
        down: bool,
        velocity: f32,
    ) {
        let start = self.time(bar, step);
        let gate = self.steps(length);
        let strings: Vec<i32> = if down {
            voicing.to_vec()
        } else {
            voicing.iter().rev().take(3).copied().collect()
        };
        for (i, &midi) in strings.iter().enumerate() {
            let at = start + i * 260;
            self.push(
                Track::Chords,
                Voice::Guitar,
                at,
                gate.saturating_sub(u32::try_from(i * 260).unwrap_or(0)),
                midi,
                velocity,
                0,
                u8::from(!down),
            );
        }
    }

    /// Chord tones placed nearest to `center`, `count` voices; with `bass`, a root below.
    fn voicing(&self, chord: &[i32], center: i32, count: usize, bass: bool) -> Vec<i32> {
        let base = self.key.base_at_or_above(0);
        let mut notes: Vec<i32> = Vec::new();
        for (i, &degree) in chord.iter().enumerate().take(count) {
            let pc = self.key.pitch(base, degree).rem_euclid(12);
            let mut midi = center - 6 + (pc - (center - 6)).rem_euclid(12);
            if notes.contains(&midi) || (i >= 3 && count > 3) {
                midi += 12;
            }
            notes.push(midi);
        }
        notes.sort_unstable();
        if bass {
            let root = self.key.pitch(base, chord[0]).rem_euclid(12);
            let low = 40 + (root - 40).rem_euclid(12);
            notes.insert(0, low);
        }
        notes
    }

    #[allow(clippy::too_many_lines)]
    fn bass(
        &mut self,
        bar0: u32,
        bars: u32,
        chords: &[Vec<i32>],
        kind: SectionKind,
        per_chord: u32,
    ) {
        if kind == SectionKind::Intro
            && !matches!(self.genre, Genre::Guqin | Genre::Piano | Genre::Ambient)
        {
            return;
        }
        let beats = self.beats;
        for b in 0..bars {
            let chord = &chords[b as usize];
            let bar = bar0 + b;
            let root_degree = chord[0];
            let base = self.key.base_at_or_above(33);
            let mut root = self.key.pitch(base, root_degree);
            while root > 45 {
                root -= 12;
            }
            let fifth = root + 7;
            let next_root = chords.get(b as usize + 1).map_or(root, |c| {
                let mut r = self.key.pitch(base, c[0]);
                while r > 45 {
                    r -= 12;
                }
                r
            });
            // (step, length in steps, midi)
            let notes: Vec<(f64, f64, i32)> = match self.genre {
                Genre::Folk => {
                    if beats == 3 {
                        vec![(0.0, 4.0, root)]
                    } else {
                        vec![(0.0, 6.0, root), (8.0, 6.0, fifth - 12)]
                    }
                }
                Genre::Rock => (0..8)
                    .map(|i| {
                        (
                            f64::from(i) * 2.0,
                            1.7,
                            if kind == SectionKind::Chorus && i % 4 == 3 {
                                root + 12
                            } else {
                                root
                            },
                        )
                    })
                    .collect(),
                Genre::Electronic => {
                    if self.palette.alt {
                        (0..16)
                            .filter(|s| s % 4 != 0)
                            .map(|s| (f64::from(s), 0.8, if s % 4 == 3 { root + 12 } else { root }))
                            .collect()
                    } else {
                        (0..4)
                            .map(|i| (f64::from(i) * 4.0 + 2.0, 1.6, root))
                            .collect()
                    }
                }
                Genre::LoFi => {
                    let approach = if next_root > root {
                        next_root - 1
                    } else {
                        next_root + 1
                    };
                    vec![
                        (0.0, 5.0, root),
                        (6.0, 2.0, fifth - 12),
                        (10.0, 3.5, root),
                        (14.0, 1.8, approach),
                    ]
                }
                Genre::Ambient => {
                    if b % per_chord == 0 && kind != SectionKind::Intro {
                        vec![(0.0, f64::from(beats * 4 * per_chord) - 1.0, root)]
                    } else {
                        vec![]
                    }
                }
                Genre::Guqin => {
                    if b % per_chord == 0 {
                        vec![(0.0, f64::from(beats * 4) * 1.5, root + 12)]
                    } else if self.rng.chance(0.5) {
                        vec![(8.0, 8.0, fifth)]
                    } else {
                        vec![]
                    }
                }
                Genre::Piano => {
                    // The left hand: Alberti in 4/4, oom-pah-pah in 3/4, or broken chords.
                    let lh = root + 12;
                    let third = self.key.pitch(base, root_degree + 2)
                        - (self.key.pitch(base, root_degree) - lh);
                    let five = self.key.pitch(base, root_degree + 4)
                        - (self.key.pitch(base, root_degree) - lh);
                    if beats == 3 {
                        vec![(0.0, 4.0, lh), (4.0, 4.0, third + 12), (8.0, 4.0, five)]
                    } else if self.palette.alt {
                        [lh, five, third + 12, five, lh, five, third + 12, five]
                            .iter()
                            .enumerate()
                            .map(|(i, &m)| (f64::from(u32::try_from(i).unwrap_or(0)) * 2.0, 2.0, m))
                            .collect()
                    } else {
                        [lh, five, lh + 12, third + 12]
                            .iter()
                            .enumerate()
                            .map(|(i, &m)| (f64::from(u32::try_from(i).unwrap_or(0)) * 4.0, 4.0, m))
                            .collect()
                    }
                }
            };
            let (voice, track) = match self.genre {
                Genre::Electronic | Genre::Ambient => (Voice::SubBass, Track::Bass),
                Genre::Guqin => (Voice::Guqin, Track::Bass),
                Genre::Piano => (Voice::Piano, Track::Bass),
                _ => (Voice::FingerBass, Track::Bass),
            };
            for (step, length, midi) in notes {
                let start = self.time(bar, step);
                let velocity = if step == 0.0 { 0.85 } else { 0.7 };
                let gate = self.steps(length);
                let variant = u8::from(self.genre == Genre::LoFi);
                self.push(track, voice, start, gate, midi, velocity, 0, variant);
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn drums(&mut self, bar0: u32, bars: u32, kind: SectionKind, next: Option<SectionKind>) {
        // Patterns on sixteenths: X accent, x normal, o ghost.
        let three = self.beats == 3;
        let (kick, snare, hats, kick_voice, snare_voice, hat_voice): (
            &str,
            &str,
            &str,
            Voice,
            Voice,
            Voice,
        ) = match self.genre {
            Genre::Electronic => (
                "x...x...x...x...",
                "....x.......x...",
                if kind == SectionKind::Chorus {
                    "o.x.o.x.o.x.o.xo"
                } else {
                    "..x...x...x...x."
                },
                Voice::Kick,
                Voice::Clap,
                Voice::HatClosed,
            ),
            Genre::Rock => (
                if self.palette.alt {
                    "x.....x.x.x....."
                } else {
                    "x.......x.x....."
                },
                "....X.......X...",
                "x.x.x.x.x.x.x.x.",
                Voice::Kick,
                Voice::Snare,
                Voice::HatClosed,
            ),
            Genre::LoFi => (
                "x.........x.....",
                "....x.......x..o",
                "X.o.x.o.X.o.x.o.",
                Voice::SoftKick,
                Voice::Brush,
                Voice::HatClosed,
            ),
            _ if three => (
                "x...........",
                "........o...",
                "x.o.x.o.x.o.",
                Voice::SoftKick,
                Voice::Brush,
                Voice::Shaker,
            ),
            _ => (
                "x.......x.......",
                "....x.......x...",
                "xoxoxoxoxoxoxoxo",
                Voice::SoftKick,
                Voice::Brush,
                Voice::Shaker,
            ),
        };
        let velocity_of = |c: u8| match c {
            b'X' => Some(1.0),
            b'x' => Some(0.78),
            b'o' => Some(0.42),
            _ => None,
        };
        for b in 0..bars {
            let bar = bar0 + b;
            let last = b + 1 == bars;
            let (use_kick, use_snare, use_hats) = match kind {
                SectionKind::Intro => (
                    self.genre == Genre::Electronic && b >= bars / 2,
                    false,
                    b >= bars / 2 || self.genre == Genre::LoFi,
                ),
                SectionKind::Verse | SectionKind::Chorus => (true, true, true),
                SectionKind::Bridge => (
                    self.genre != Genre::Electronic,
                    self.genre != Genre::Electronic || b >= bars / 2,
                    true,
                ),
                SectionKind::Outro => (b < bars / 2, b < bars / 2, b + 1 < bars),
            };
            let level = if kind == SectionKind::Chorus {
                1.0
            } else {
                0.85
            };
            if b == 0 && kind == SectionKind::Chorus {
                self.hit(Track::Hats, Voice::Crash, bar, 0.0, 0.7, 60);
            }
            let fill = last
                && matches!(next, Some(SectionKind::Chorus))
                && matches!(self.genre, Genre::Rock | Genre::Electronic | Genre::Folk);
            let steps = self.beats * 4;
            for step in 0..steps {
                let s = step as usize;
                let in_fill = fill && step >= steps - 4;
                if use_kick && let Some(v) = velocity_of(kick.as_bytes()[s]) {
                    self.hit(Track::Kick, kick_voice, bar, f64::from(step), v * level, 36);
                }
                if in_fill {
                    let (voice, track, midi) = if self.genre == Genre::Rock {
                        (
                            Voice::Tom,
                            Track::Perc,
                            50 - i32::try_from(step % 4).unwrap_or(0) * 3,
                        )
                    } else {
                        (snare_voice, Track::Snare, 38)
                    };
                    #[allow(clippy::cast_precision_loss)]
                    let rise = 0.5 + 0.12 * (step % 4) as f32;
                    self.hit(track, voice, bar, f64::from(step), rise, midi);
                    continue;
                }
                if use_snare && let Some(v) = velocity_of(snare.as_bytes()[s]) {
                    self.hit(
                        Track::Snare,
                        snare_voice,
                        bar,
                        f64::from(step),
                        v * level,
                        38,
                    );
                }
                if use_hats && let Some(v) = velocity_of(hats.as_bytes()[s]) {
                    let open = self.genre == Genre::Electronic
                        && kind == SectionKind::Chorus
                        && step % 4 == 2;
                    let voice = if open { Voice::HatOpen } else { hat_voice };
                    self.hit(
                        Track::Hats,
                        voice,
                        bar,
                        f64::from(step),
                        v * if open { 0.6 } else { 0.8 },
                        42,
                    );
                }
            }
        }
        // A riser into the last chorus after an electronic breakdown.
        if self.genre == Genre::Electronic && kind == SectionKind::Bridge && bars >= 2 {
            let start = self.time(bar0 + bars - 2, 0.0);
            let gate = self.steps(f64::from(self.beats * 8));
            self.push(Track::Fx, Voice::Riser, start, gate, 60, 0.8, 0, 0);
        }
    }

    fn final_chord(&mut self, start: usize, length: usize) {
        let tonic = vec![0, 2, 4];
        let gate = u32::try_from(length).unwrap_or(u32::MAX);
        let (voice, track, center) = match self.genre {
            Genre::Folk => (Voice::Guitar, Track::Chords, 52),
            Genre::Electronic | Genre::Ambient => (Voice::Pad, Track::Pad, 57),
            Genre::Rock => (Voice::PowerChord, Track::Chords, 0),
            Genre::Guqin => (Voice::Guqin, Track::Lead, 55),
            Genre::LoFi => (Voice::EPiano, Track::Chords, 58),
            Genre::Piano => (Voice::Piano, Track::Chords, 55),
        };
        if voice == Voice::PowerChord {
            let root = self.key.pitch(self.key.base_at_or_above(40), 0);
            self.push(
                track,
                voice,
                start,
                gate,
                if root > 50 { root - 12 } else { root },
                0.8,
                0,
                0,
            );
        } else {
            let chord = if self.key.scale.len() == 5 {
                vec![0, 3]
            } else {
                tonic
            };
            let voicing = self.voicing(&chord, center, 4, true);
            for (i, &midi) in voicing.iter().enumerate() {
                self.push(track, voice, start + i * 300, gate, midi, 0.55, 0, 0);
            }
        }
        let base = self.key.base_at_or_above(33);
        let root = self.key.pitch(base, 0);
        let bass_voice = match self.genre {
            Genre::Electronic | Genre::Ambient => Voice::SubBass,
            Genre::Guqin => Voice::Guqin,
            Genre::Piano => Voice::Piano,
            _ => Voice::FingerBass,
        };
        self.push(
            Track::Bass,
            bass_voice,
            start,
            gate,
            if root > 45 { root - 12 } else { root },
            0.7,
            0,
            0,
        );
    }
}
