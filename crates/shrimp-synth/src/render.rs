//! The mixer and master bus: plays the composer's notes through cached instrument buffers,
//! pans them, adds delay and reverb, then levels, limits and fades the result.

use std::collections::HashMap;

use crate::Genre;
use crate::compose::{Song, TRACKS, Track};
use crate::dsp::{OnePole, RATE_F, Reverb, Svf};
use crate::math;
use crate::rng::Rng;
use crate::voice::{self, NoteKey};

/// Level, pan and sends of one track.
#[derive(Debug, Clone, Copy)]
struct Channel {
    gain: f32,
    /// -1 left … 1 right.
    pan: f32,
    reverb: f32,
    delay: f32,
    /// Haas widening: the right side hears the track a few milliseconds late.
    wide: bool,
}

const fn ch(gain: f32, pan: f32, reverb: f32, delay: f32, wide: bool) -> Channel {
    Channel {
        gain,
        pan,
        reverb,
        delay,
        wide,
    }
}

fn channel(genre: Genre, track: Track) -> Channel {
    use Track::{Arp, Bass, Chords, Counter, Fx, Hats, Kick, Lead, Pad, Perc, Snare};
    match (genre, track) {
        (_, Kick) => ch(0.9, 0.0, 0.03, 0.0, false),
        (Genre::LoFi, Snare) => ch(0.45, 0.05, 0.2, 0.0, false),
        (_, Snare) => ch(0.6, 0.05, 0.18, 0.0, false),
        (Genre::Rock, Hats) => ch(0.3, 0.3, 0.1, 0.0, false),
        (_, Hats) => ch(0.32, 0.35, 0.1, 0.0, false),
        (_, Perc) => ch(0.55, -0.25, 0.15, 0.0, false),
        (Genre::Guqin, Bass) => ch(0.55, -0.1, 0.45, 0.0, false),
        (Genre::Piano, Bass) => ch(0.75, -0.2, 0.35, 0.0, false),
        (Genre::Ambient, Bass) => ch(0.55, 0.0, 0.1, 0.0, false),
        (_, Bass) => ch(0.7, 0.0, 0.03, 0.0, false),
        (Genre::Folk, Chords) => ch(0.55, -0.3, 0.18, 0.0, true),
        (Genre::Rock, Chords) => ch(0.55, -0.15, 0.1, 0.0, true),
        (Genre::LoFi, Chords) => ch(0.5, -0.2, 0.3, 0.0, true),
        (Genre::Piano, Chords) => ch(0.6, 0.1, 0.35, 0.0, false),
        (_, Chords) => ch(0.4, 0.0, 0.25, 0.0, true),
        (Genre::Guqin, Pad) => ch(0.3, 0.0, 0.6, 0.0, true),
        (_, Pad) => ch(0.4, 0.0, 0.5, 0.0, true),
        (_, Arp) => ch(0.32, 0.25, 0.3, 0.3, true),
        (Genre::Guqin, Lead) => ch(0.85, 0.1, 0.55, 0.12, false),
        (Genre::Ambient, Lead) => ch(0.6, 0.1, 0.7, 0.3, false),
        (Genre::Piano, Lead) => ch(0.8, 0.15, 0.35, 0.0, false),
        (Genre::Rock, Lead) => ch(0.45, 0.15, 0.2, 0.2, false),
        (_, Lead) => ch(0.6, 0.1, 0.25, 0.18, false),
        (Genre::Guqin, Counter) => ch(0.35, -0.4, 0.7, 0.2, false),
        (_, Counter) => ch(0.28, -0.35, 0.3, 0.15, false),
        (_, Fx) => ch(0.35, 0.0, 0.4, 0.0, true),
    }
}

/// Reverb room size, damping and wet level per genre.
fn room(genre: Genre) -> (f32, f32, f32) {
    match genre {
        Genre::Ambient => (0.92, 0.35, 1.0),
        Genre::Guqin => (0.85, 0.45, 0.9),
        Genre::Piano => (0.75, 0.4, 0.7),
        Genre::LoFi => (0.55, 0.6, 0.6),
        Genre::Electronic => (0.7, 0.4, 0.6),
        Genre::Rock => (0.5, 0.5, 0.45),
        Genre::Folk => (0.6, 0.5, 0.55),
    }
}

/// Frames per mixing block: small enough that a block's buffers stay in cache, even for the
/// half-rate reverb, and a multiple of the limiter's window.
const BLOCK: usize = 1024;
/// The Haas delay, about 11 ms: wide without sounding like an echo.
const HAAS: usize = 480;
/// The limiter's look-ahead and smoothing window.
const WINDOW: usize = 256;

/// Renders a composed song to interleaved 16-bit stereo.
///
/// The song is mixed block by block, so the working set stays in cache and a track costs
/// nothing while it is silent. Every sample sees the same operations in the same order as
/// a whole-song pass would, so the output does not depend on the block size.
pub(crate) fn mix(genre: Genre, song: &Song, seed: u64) -> Vec<i16> {
    let n = song.frames;
    let mut cache: HashMap<NoteKey, Vec<f32>> = HashMap::new();
    for event in song.events.iter().filter(|e| e.start < n) {
        cache
            .entry(event.key)
            .or_insert_with(|| voice::render(event.key));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let delay_frames = ((song.step_frames * 3.0) as usize).max(1);
    let mut lanes: Vec<Lane> = TRACKS
        .into_iter()
        .filter_map(|track| Lane::new(genre, track, song, &cache, delay_frames))
        .collect();

    let mut left = vec![0.0_f32; n];
    let mut right = vec![0.0_f32; n];
    let mut send = vec![0.0_f32; BLOCK];
    let (size, damp, wet) = room(genre);
    let mut reverb = Reverb::new(size, damp, wet * 3.0);
    let mut bus = Bus::new(genre, seed);
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let (left_done, left_block) = left[..end].split_at_mut(start);
        let (right_done, right_block) = right[..end].split_at_mut(start);
        let send = &mut send[..end - start];
        send.fill(0.0);
        for lane in &mut lanes {
            lane.mix(start, left_block, right_block, send);
        }
        reverb.process(
            send,
            left_block,
            right_block,
            left_done.last_mut().zip(right_done.last_mut()),
        );
        // The reverb has just finished the previous block's last frame.
        if start >= BLOCK {
            bus.process(
                &mut left_done[start - BLOCK..],
                &mut right_done[start - BLOCK..],
            );
        }
    }
    reverb.finish(left.last_mut().zip(right.last_mut()));
    let last = n.saturating_sub(1) / BLOCK * BLOCK;
    bus.process(&mut left[last..], &mut right[last..]);

    // Level to the loudness target, then limit and fade.
    let loudness = bus.meter.loudness();
    #[allow(clippy::cast_possible_truncation)]
    let gain = math::db((TARGET_LOUDNESS - loudness).clamp(-20.0, 30.0)) as f32;
    master(&left, &right, gain)
}

/// One note placed on a track.
struct Note<'a> {
    start: usize,
    /// Cut off at the end of the song.
    samples: &'a [f32],
    velocity: f32,
}

impl Note<'_> {
    fn end(&self) -> usize {
        self.start + self.samples.len()
    }
}

/// One track while it is mixed: its notes, which of them sound, and its effect state.
struct Lane<'a> {
    settings: Channel,
    gl: f32,
    gr: f32,
    /// In the composer's order, which is the order they are summed in.
    notes: Vec<Note<'a>>,
    /// Indices into `notes` by start frame.
    by_start: Vec<usize>,
    next: usize,
    /// Notes sounding in the current block, in the composer's order.
    sounding: Vec<usize>,
    /// The frame from which the track is silent unless another note starts.
    quiet_from: usize,
    /// `HAAS` frames of history, then the current block's input.
    input: Vec<f32>,
    /// Whether `input` holds the previous block; otherwise its history is silence.
    continued: bool,
    echo: Option<Echo>,
}

impl<'a> Lane<'a> {
    fn new(
        genre: Genre,
        track: Track,
        song: &Song,
        cache: &'a HashMap<NoteKey, Vec<f32>>,
        delay_frames: usize,
    ) -> Option<Self> {
        let n = song.frames;
        let notes: Vec<Note<'a>> = song
            .events
            .iter()
            .filter(|e| e.track == track && e.start < n)
            .filter_map(|e| {
                let buffer = cache.get(&e.key)?;
                let len = buffer.len().min(n - e.start);
                Some(Note {
                    start: e.start,
                    samples: &buffer[..len],
                    velocity: e.velocity,
                })
            })
            .collect();
        let lo = notes.iter().map(|note| note.start).min()?;
        let hi = notes.iter().map(Note::end).max()?;
        if lo >= hi {
            return None;
        }
        let settings = channel(genre, track);
        let angle = f64::from(settings.pan + 1.0) * std::f64::consts::FRAC_PI_4;
        #[allow(clippy::cast_possible_truncation)]
        let (gl, gr) = (
            (math::cos(angle) * 1.414) as f32 * settings.gain,
            (math::sin(angle) * 1.414) as f32 * settings.gain,
        );
        let mut by_start: Vec<usize> = (0..notes.len()).collect();
        by_start.sort_by_key(|&i| notes[i].start);
        let echo = (settings.delay > 0.0).then(|| Echo {
            a: vec![0.0; delay_frames],
            b: vec![0.0; delay_frames],
            index: 0,
            tone: OnePole::new(3500.0),
            level: settings.delay * settings.gain,
            from: lo,
            until: (hi + delay_frames * 8).min(n),
        });
        Some(Self {
            settings,
            gl,
            gr,
            notes,
            by_start,
            next: 0,
            sounding: Vec::new(),
            quiet_from: 0,
            input: vec![0.0; HAAS + BLOCK],
            continued: false,
            echo,
        })
    }

    /// Adds this track's share of the block starting at `start` to the bus and the send.
    fn mix(&mut self, start: usize, left: &mut [f32], right: &mut [f32], send: &mut [f32]) {
        let len = left.len();
        let end = start + len;
        let tail = if self.settings.wide { HAAS } else { 0 };
        let mut started = false;
        while let Some(&i) = self.by_start.get(self.next) {
            if self.notes[i].start >= end {
                break;
            }
            self.sounding.push(i);
            self.quiet_from = self.quiet_from.max(self.notes[i].end() + tail);
            self.next += 1;
            started = true;
        }
        if started {
            self.sounding.sort_unstable();
        }
        let notes = &self.notes;
        self.sounding.retain(|&i| notes[i].end() > start);
        let echoing = self
            .echo
            .as_ref()
            .is_some_and(|e| e.from < end && start < e.until);
        if start >= self.quiet_from && !echoing {
            self.continued = false;
            return;
        }

        if self.continued {
            self.input.copy_within(BLOCK..BLOCK + HAAS, 0);
        } else {
            self.input[..HAAS].fill(0.0);
        }
        self.continued = true;
        let (history, input) = self.input.split_at_mut(HAAS);
        let input = &mut input[..len];
        input.fill(0.0);
        for &i in &self.sounding {
            let note = &notes[i];
            let from = note.start.max(start);
            let to = note.end().min(end);
            let gain = note.velocity;
            for (out, x) in input[from - start..to - start]
                .iter_mut()
                .zip(&note.samples[from - note.start..])
            {
                *out += x * gain;
            }
        }

        let (gl, gr, wet) = (self.gl, self.gr, self.settings.reverb);
        if start < self.quiet_from {
            if self.settings.wide {
                // The right side hears the track a few milliseconds late.
                let late = history.iter().chain(input.iter());
                for ((((&x, late), l), r), s) in input
                    .iter()
                    .zip(late)
                    .zip(left.iter_mut())
                    .zip(right.iter_mut())
                    .zip(send.iter_mut())
                {
                    *l += x * gl;
                    *r += (late * 0.85 + x * 0.15) * gr;
                    *s += x * wet;
                }
            } else {
                for (((&x, l), r), s) in input
                    .iter()
                    .zip(left.iter_mut())
                    .zip(right.iter_mut())
                    .zip(send.iter_mut())
                {
                    *l += x * gl;
                    *r += x * gr;
                    *s += x * wet;
                }
            }
        }
        if let Some(echo) = &mut self.echo {
            echo.run(start, input, left, right);
        }
    }
}

/// A ping-pong echo with darkening repeats, written straight into the stereo bus. It runs
/// from a track's first note until eight repeats after its last.
struct Echo {
    a: Vec<f32>,
    b: Vec<f32>,
    index: usize,
    tone: OnePole,
    level: f32,
    from: usize,
    until: usize,
}

impl Echo {
    fn run(&mut self, start: usize, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        const FEEDBACK: f32 = 0.42;
        let delay = self.a.len();
        let level = self.level;
        let mut tone = self.tone;
        let mut i = self.from.max(start) - start;
        let end = self.until.min(start + input.len()).saturating_sub(start);
        while i < end {
            let run = (end - i).min(delay - self.index);
            let span = self.index..self.index + run;
            for ((((&x, l), r), a), b) in input[i..i + run]
                .iter()
                .zip(&mut left[i..i + run])
                .zip(&mut right[i..i + run])
                .zip(&mut self.a[span.clone()])
                .zip(&mut self.b[span])
            {
                let out_a = *a;
                let out_b = *b;
                *a = tone.tick(x + out_b * FEEDBACK);
                *b = out_a;
                *l += out_a * level;
                *r += out_b * level;
            }
            self.index += run;
            if self.index == delay {
                self.index = 0;
            }
            i += run;
        }
        self.tone = tone;
    }
}

const CEILING: f32 = 0.87; // −1.2 dBFS
const TARGET_LOUDNESS: f64 = -13.5;

/// The first half of the master bus, run block by block behind the mixer: DC and
/// sub-sonic rumble out, vinyl for lo-fi, and the loudness meter.
struct Bus {
    high_l: Svf,
    high_r: Svf,
    vinyl: Option<Vinyl>,
    meter: Meter,
}

impl Bus {
    fn new(genre: Genre, seed: u64) -> Self {
        Self {
            high_l: Svf::new(28.0, 0.7),
            high_r: Svf::new(28.0, 0.7),
            vinyl: (genre == Genre::LoFi).then(|| Vinyl::new(seed)),
            meter: Meter::new(),
        }
    }

    fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let mut start = 0;
        while start < left.len() {
            let end = left.len().min(start + Meter::BLOCK - self.meter.count);
            self.run(&mut left[start..end], &mut right[start..end]);
            self.meter.count += end - start;
            if self.meter.count == Meter::BLOCK {
                self.meter.close_block();
            }
            start = end;
        }
    }

    /// One pass, with every filter's state in a local, so the independent recurrences
    /// overlap in the CPU instead of queueing behind stores.
    fn run(&mut self, left: &mut [f32], right: &mut [f32]) {
        let (mut high_l, mut high_r) = (self.high_l, self.high_r);
        let mut weighting = self.meter.weighting;
        let mut sum = self.meter.sum;
        if let Some(vinyl) = &mut self.vinyl {
            let mut v = vinyl.clone();
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let (a, b) = v.tick(high_l.high(*l), high_r.high(*r));
                *l = a;
                *r = b;
                sum += f64::from(weighting.power(a, b));
            }
            *vinyl = v;
        } else {
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                *l = high_l.high(*l);
                *r = high_r.high(*r);
                sum += f64::from(weighting.power(*l, *r));
            }
        }
        (self.high_l, self.high_r) = (high_l, high_r);
        self.meter.weighting = weighting;
        self.meter.sum = sum;
    }
}

/// Crackle and a little hiss, and the softened top end of a worn record.
#[derive(Clone)]
struct Vinyl {
    rng: Rng,
    tone_l: Svf,
    tone_r: Svf,
    hiss: OnePole,
    pop: f32,
}

impl Vinyl {
    fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed ^ 0x0123_4567_89AB_CDEF),
            tone_l: Svf::new(6500.0, 0.6),
            tone_r: Svf::new(6500.0, 0.6),
            hiss: OnePole::new(4000.0),
            pop: 0.0,
        }
    }

    #[inline]
    fn tick(&mut self, l: f32, r: f32) -> (f32, f32) {
        if self.rng.next_u64().is_multiple_of(6000) {
            self.pop = self.rng.signed() * 0.02;
        }
        let noise = self.hiss.tick(self.rng.signed()) * 0.0025 + self.pop;
        self.pop *= 0.6;
        (self.tone_l.tick(l).0 + noise, self.tone_r.tick(r).0 + noise)
    }
}

/// A rough integrated loudness in LUFS: high-passed mean square over 400 ms blocks with
/// absolute and relative gates, after ITU-R BS.1770 in spirit.
struct Meter {
    weighting: Weighting,
    sum: f64,
    count: usize,
    blocks: Vec<f64>,
}

/// The meter's filters: a high-pass plus a gentle presence lift, like K-weighting.
#[derive(Clone, Copy)]
struct Weighting {
    hl: OnePole,
    hr: OnePole,
    shelf_l: OnePole,
    shelf_r: OnePole,
}

impl Weighting {
    /// The weighted power of one frame.
    #[inline]
    fn power(&mut self, l: f32, r: f32) -> f32 {
        let l = l - self.hl.tick(l);
        let r = r - self.hr.tick(r);
        let l = l + 0.5 * (l - self.shelf_l.tick(l));
        let r = r + 0.5 * (r - self.shelf_r.tick(r));
        l * l + r * r
    }
}

impl Meter {
    const BLOCK: usize = (0.4 * RATE_F) as usize;

    fn new() -> Self {
        Self {
            weighting: Weighting {
                hl: OnePole::new(120.0),
                hr: OnePole::new(120.0),
                shelf_l: OnePole::new(1500.0),
                shelf_r: OnePole::new(1500.0),
            },
            sum: 0.0,
            count: 0,
            blocks: Vec::new(),
        }
    }

    fn close_block(&mut self) {
        #[allow(clippy::cast_precision_loss)]
        self.blocks.push(self.sum / self.count.max(1) as f64);
        self.sum = 0.0;
        self.count = 0;
    }

    fn loudness(&mut self) -> f64 {
        if self.count > 0 {
            self.close_block();
        }
        let absolute = math::db(-70.0) * math::db(-70.0);
        let loud: Vec<f64> = self
            .blocks
            .iter()
            .copied()
            .filter(|&p| p > absolute * 0.158)
            .collect();
        if loud.is_empty() {
            return -70.0;
        }
        #[allow(clippy::cast_precision_loss)]
        let mean = loud.iter().sum::<f64>() / loud.len() as f64;
        let gated: Vec<f64> = loud.iter().copied().filter(|&p| p > mean * 0.1).collect();
        #[allow(clippy::cast_precision_loss)]
        let power = gated.iter().sum::<f64>() / gated.len().max(1) as f64;
        -0.691 + 10.0 * log10(power)
    }
}

/// `log10` from a binary exponent and a short series; deterministic like the rest.
fn log10(x: f64) -> f64 {
    if x <= 0.0 {
        return -300.0;
    }
    let bits = x.to_bits();
    #[allow(clippy::cast_possible_wrap)]
    let exponent = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mantissa = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    // ln(m) for m in [1, 2) via atanh series.
    let y = (mantissa - 1.0) / (mantissa + 1.0);
    let y2 = y * y;
    let mut term = y;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..20 {
        sum += term / k;
        term *= y2;
        k += 2.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let ln = 2.0 * sum + exponent as f64 * std::f64::consts::LN_2;
    ln / std::f64::consts::LN_10
}

/// The second half of the master bus: gain, a look-ahead peak limiter, fades, and the
/// conversion to interleaved 16-bit, streamed one limiter window at a time.
///
/// The limiter guarantees the ceiling: the gain at each frame is the average of a windowed
/// minimum that already covers that frame, so it can never be above what the frame needs;
/// recovery is slow enough not to pump.
#[allow(clippy::float_cmp)] // the idle shortcut is valid only when values are exactly 1
fn master(left: &[f32], right: &[f32], gain: f32) -> Vec<i16> {
    let n = left.len();
    let release = 1.0 - math::decay_coef(0.25, RATE_F);
    // A short fade in, a long one out that reaches silence on the last frame.
    let fade_in = (0.6 * RATE_F) as usize;
    let fade_out = ((5.0 * RATE_F) as usize).min(n / 3);

    let mut out = vec![0_i16; n * 2];
    // Gain needs of this window and the next; the minimum over the WINDOW frames from a
    // frame is the minimum of a suffix of this one and a prefix of the next (van Herk).
    let mut this = [0.0_f32; WINDOW];
    let mut next = [0.0_f32; WINDOW];
    needs(left, right, gain, 0, &mut this);
    let mut suffix = [0.0_f32; WINDOW];
    let mut smooth = [1.0_f32; WINDOW];
    // The previous window's smoothed gains, for the moving average.
    let mut history = [1.0_f32; WINDOW];
    let mut g = 1.0_f32;
    let mut sum = 0.0_f64;
    let mut history_at_unity = false;
    for (w, frames) in out.chunks_mut(2 * WINDOW).enumerate() {
        let base = w * WINDOW;
        let len = frames.len() / 2;
        needs(left, right, gain, base + WINDOW, &mut next);
        // Most of the time nothing needs limiting: when every need here and ahead is 1 and
        // the average has settled at 1, the recurrences would leave everything at exactly
        // 1 (1 + 0 · release = 1, 256 + 1 − 1 = 256), so they are skipped.
        let idle = history_at_unity
            && g == 1.0
            && sum == WINDOW as f64
            && this.iter().chain(&next).all(|&x| x >= 1.0);
        if idle {
            smooth.fill(1.0);
        } else {
            let mut m = f32::MAX;
            for (s, &x) in suffix.iter_mut().zip(&this).rev() {
                m = m.min(x);
                *s = m;
            }
            let mut prefix = f32::MAX;
            let mut unity = true;
            for k in 0..len {
                let i = base + k;
                let minimum = suffix[k].min(prefix);
                prefix = prefix.min(next[k]);
                // Slow release, instant attack.
                g = if minimum < g {
                    minimum
                } else {
                    g + (minimum - g) * release
                };
                unity &= g == 1.0;
                // Moving average over the window, ending at this frame. Dividing by the
                // full window's 256 is the same exact scaling as multiplying by 1/256.
                sum += f64::from(g);
                if i >= WINDOW {
                    sum -= f64::from(history[k]);
                }
                history[k] = g;
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let average = if i + 1 >= WINDOW {
                    (sum * (1.0 / WINDOW as f64)) as f32
                } else {
                    (sum / (i + 1) as f64) as f32
                };
                smooth[k] = average;
            }
            history_at_unity = unity && len == WINDOW;
        }
        let (l, r) = (&left[base..base + len], &right[base..base + len]);
        for (((frame, &l), &r), &s) in frames.chunks_exact_mut(2).zip(l).zip(r).zip(&smooth) {
            // A float rounding hair above the ceiling is clamped away.
            frame[0] = to_i16((l * gain * s).clamp(-CEILING, CEILING));
            frame[1] = to_i16((r * gain * s).clamp(-CEILING, CEILING));
        }
        if base < fade_in || base + len + fade_out > n {
            for (k, (((frame, &l), &r), &s)) in frames
                .chunks_exact_mut(2)
                .zip(l)
                .zip(r)
                .zip(&smooth)
                .enumerate()
            {
                let i = base + k;
                let mut l = (l * gain * s).clamp(-CEILING, CEILING);
                let mut r = (r * gain * s).clamp(-CEILING, CEILING);
                if i < fade_in {
                    #[allow(clippy::cast_precision_loss)]
                    let f = i as f32 / fade_in as f32;
                    l *= f * f;
                    r *= f * f;
                }
                if i + fade_out >= n {
                    #[allow(clippy::cast_precision_loss)]
                    let f = (n - 1 - i) as f32 / fade_out as f32;
                    let f = f * f * (3.0 - 2.0 * f);
                    l *= f;
                    r *= f;
                }
                frame[0] = to_i16(l);
                frame[1] = to_i16(r);
            }
        }
        std::mem::swap(&mut this, &mut next);
    }
    out
}

/// The limiter's gain need of each frame of a window from `start`; beyond the end of the
/// song nothing is needed.
fn needs(left: &[f32], right: &[f32], gain: f32, start: usize, out: &mut [f32; WINDOW]) {
    let n = left.len();
    let (from, to) = (start.min(n), (start + WINDOW).min(n));
    for ((slot, &l), &r) in out.iter_mut().zip(&left[from..to]).zip(&right[from..to]) {
        let peak = (l * gain).abs().max((r * gain).abs());
        let limited = CEILING / peak;
        *slot = if peak > CEILING { limited } else { 1.0 };
    }
    out[to - from..].fill(f32::MAX);
}

fn to_i16(x: f32) -> i16 {
    // `f32::round` is a libm call on baseline x86-64; this rounds half away from zero
    // the same way with exact operations (the fraction of a value below 2^15 is exact).
    let y = (x * 32_767.0).clamp(-32_767.0, 32_767.0);
    #[allow(clippy::cast_possible_truncation)]
    let whole = y as i32;
    #[allow(clippy::cast_precision_loss)]
    let fraction = y - whole as f32;
    let rounded = whole + i32::from(fraction >= 0.5) - i32::from(fraction <= -0.5);
    #[allow(clippy::cast_possible_truncation)]
    let value = rounded as i16;
    value
}
