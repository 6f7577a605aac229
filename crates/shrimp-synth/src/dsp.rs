//! Small building blocks: oscillators, filters, envelopes, the reverb and the limiter.

use crate::math;

pub(crate) const RATE_F: f64 = 44_100.0;

/// A `PolyBLEP` sawtooth: bright but without the worst aliasing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Saw {
    pub(crate) phase: f32,
    pub(crate) inc: f32,
}

impl Saw {
    pub(crate) fn new(hz: f64, phase: f32) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let inc = (hz / RATE_F) as f32;
        Self { phase, inc }
    }

    #[inline]
    pub(crate) fn next(&mut self) -> f32 {
        let t = self.phase;
        let dt = self.inc;
        let mut value = 2.0 * t - 1.0;
        if t < dt {
            let x = t / dt;
            value -= x + x - x * x - 1.0;
        } else if t > 1.0 - dt {
            let x = (t - 1.0) / dt;
            value -= x * x + x + x + 1.0;
        }
        self.phase += dt;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        value
    }
}

/// `tan(pi * hz / rate)`, the TPT filter's prewarped gain.
pub(crate) fn prewarp(hz: f32) -> f32 {
    let x = f64::from(hz.clamp(10.0, 18_000.0)) * std::f64::consts::PI / RATE_F;
    #[allow(clippy::cast_possible_truncation)]
    let g = (math::sin(x) / math::cos(x)) as f32;
    g
}

/// A topology-preserving state-variable filter (Zavalishin), low- and band-pass outputs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Svf {
    ic1: f32,
    ic2: f32,
    a1: f32,
    a2: f32,
    a3: f32,
    k: f32,
}

impl Svf {
    pub(crate) fn new(hz: f32, q: f32) -> Self {
        let mut filter = Self::default();
        filter.set(hz, q);
        filter
    }

    pub(crate) fn set(&mut self, hz: f32, q: f32) {
        let g = prewarp(hz);
        self.set_g(g, q);
    }

    pub(crate) fn set_g(&mut self, g: f32, q: f32) {
        self.k = 1.0 / q;
        self.a1 = 1.0 / (1.0 + g * (g + self.k));
        self.a2 = g * self.a1;
        self.a3 = g * self.a2;
    }

    /// Returns (low, band).
    #[inline]
    pub(crate) fn tick(&mut self, x: f32) -> (f32, f32) {
        let v3 = x - self.ic2;
        let v1 = self.a1 * self.ic1 + self.a2 * v3;
        let v2 = self.ic2 + self.a2 * self.ic1 + self.a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        (v2, v1)
    }

    #[inline]
    pub(crate) fn high(&mut self, x: f32) -> f32 {
        let (low, band) = self.tick(x);
        x - self.k * band - low
    }
}

/// One-pole low-pass.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OnePole {
    pub(crate) state: f32,
    pub(crate) coef: f32,
}

impl OnePole {
    pub(crate) fn new(hz: f64) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let coef = (1.0 - math::exp(-math::TAU * hz / RATE_F)) as f32;
        Self { state: 0.0, coef }
    }

    #[inline]
    pub(crate) fn tick(&mut self, x: f32) -> f32 {
        self.state += self.coef * (x - self.state);
        self.state
    }
}

/// Attack/decay/sustain/release envelope with linear attack and exponential segments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adsr {
    attack: u32,
    decay_coef: f32,
    sustain: f32,
    release_coef: f32,
    gate: u32,
    n: u32,
    level: f32,
}

impl Adsr {
    pub(crate) fn new(
        attack_s: f64,
        decay_s: f64,
        sustain: f32,
        release_s: f64,
        gate: u32,
    ) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let attack = ((attack_s * RATE_F) as u32).max(16);
        Self {
            attack,
            decay_coef: math::decay_coef(decay_s, RATE_F),
            sustain,
            release_coef: math::decay_coef(release_s, RATE_F),
            gate,
            n: 0,
            level: 0.0,
        }
    }

    #[inline]
    pub(crate) fn next(&mut self) -> f32 {
        let n = self.n;
        self.n += 1;
        if n >= self.gate {
            self.level *= self.release_coef;
        } else if n < self.attack {
            #[allow(clippy::cast_precision_loss)]
            let ramp = (n + 1) as f32 / self.attack as f32;
            self.level = ramp;
        } else {
            self.level = self.sustain + (self.level - self.sustain) * self.decay_coef;
        }
        self.level
    }
}

/// Applies short fades to both ends so no note starts or stops with a click.
pub(crate) fn declick(buffer: &mut [f32]) {
    let len = buffer.len();
    let fade = 64.min(len / 2);
    for i in 0..fade {
        #[allow(clippy::cast_precision_loss)]
        let g = i as f32 / fade as f32;
        buffer[i] *= g;
        buffer[len - 1 - i] *= g;
    }
}

/// A Freeverb-style stereo reverb: parallel damped combs into series all-passes. It runs at
/// half the sample rate (its tail is dark anyway), which halves its cost, and streams block
/// by block: each odd frame interpolates between two half-rate outputs, so a block's last
/// frame is finished by the next block (or by [`Reverb::finish`]).
#[derive(Debug)]
pub(crate) struct Reverb {
    combs: [[Comb; 4]; 2],
    allpasses: [[(Vec<f32>, usize); 2]; 2],
    feedback: f32,
    damp: f32,
    gain: f32,
    /// Both sides' last half-rate output of the previous block, if its frame is unfinished.
    pending: Option<[f32; 2]>,
    half: Vec<f32>,
    wet: [Vec<f32>; 2],
}

#[derive(Debug, Clone)]
struct Comb {
    buffer: Vec<f32>,
    index: usize,
    store: f32,
}

// Freeverb's tunings, halved for the half rate.
const COMBS: [usize; 4] = [558, 617, 678, 778];
const ALLPASSES: [usize; 2] = [278, 221];
const SPREAD: usize = 12;

impl Reverb {
    pub(crate) fn new(room: f32, damp: f32, wet: f32) -> Self {
        let comb = |len: usize| Comb {
            buffer: vec![0.0; len],
            index: 0,
            store: 0.0,
        };
        let combs = [0, SPREAD].map(|spread| COMBS.map(|len| comb(len + spread)));
        let allpasses = [0, SPREAD].map(|spread| ALLPASSES.map(|len| (vec![0.0; len + spread], 0)));
        Self {
            combs,
            allpasses,
            feedback: 0.7 + 0.28 * room,
            damp,
            gain: 0.015 * wet,
            pending: None,
            half: Vec::new(),
            wet: [Vec::new(), Vec::new()],
        }
    }

    /// Adds the reverb of one block of `send` into `left` and `right`, finishing `previous`
    /// (the frame before the block) if the last block left it unfinished. Every block but
    /// the last must have an even length.
    pub(crate) fn process(
        &mut self,
        send: &[f32],
        left: &mut [f32],
        right: &mut [f32],
        previous: Option<(&mut f32, &mut f32)>,
    ) {
        let gain = self.gain;
        self.half.clear();
        self.half
            .extend(send.chunks(2).map(|c| c.iter().sum::<f32>() * 0.5 * gain));
        let (feedback, damp) = (self.feedback, self.damp);
        for (side, wet) in self.wet.iter_mut().enumerate() {
            wet.clear();
            wet.resize(self.half.len(), 0.0);
            comb_bank(&mut self.combs[side], &self.half, wet, feedback, damp);
            for (buffer, index) in &mut self.allpasses[side] {
                allpass(buffer, index, wet);
            }
        }
        if let (Some(pending), Some((l, r))) = (self.pending.take(), previous) {
            *l += 0.5 * (pending[0] + self.wet[0][0]);
            *r += 0.5 * (pending[1] + self.wet[1][0]);
        }
        for (out, wet) in [&mut *left, &mut *right].into_iter().zip(&self.wet) {
            for (j, pair) in out.chunks_mut(2).enumerate() {
                let a = wet[j];
                pair[0] += a;
                if let (Some(second), Some(&b)) = (pair.get_mut(1), wet.get(j + 1)) {
                    *second += 0.5 * (a + b);
                }
            }
        }
        if send.len().is_multiple_of(2) {
            self.pending = self.wet[0]
                .last()
                .copied()
                .zip(self.wet[1].last().copied())
                .map(|(a, b)| [a, b]);
        }
    }

    /// Finishes the song's last frame.
    pub(crate) fn finish(&mut self, last: Option<(&mut f32, &mut f32)>) {
        if let (Some(pending), Some((l, r))) = (self.pending.take(), last) {
            *l += 0.5 * (pending[0] + 0.0);
            *r += 0.5 * (pending[1] + 0.0);
        }
    }
}

/// Four damped combs in parallel, summed into `out`. Runs are cut where a buffer wraps, so
/// the inner loop has no index arithmetic.
fn comb_bank(combs: &mut [Comb; 4], input: &[f32], out: &mut [f32], feedback: f32, damp: f32) {
    let mut done = 0;
    while done < input.len() {
        let room = combs
            .iter()
            .map(|c| c.buffer.len() - c.index)
            .min()
            .unwrap_or(0);
        let run = room.min(input.len() - done);
        let [c0, c1, c2, c3] = combs;
        let (mut s0, mut s1, mut s2, mut s3) = (c0.store, c1.store, c2.store, c3.store);
        let b0 = &mut c0.buffer[c0.index..c0.index + run];
        let b1 = &mut c1.buffer[c1.index..c1.index + run];
        let b2 = &mut c2.buffer[c2.index..c2.index + run];
        let b3 = &mut c3.buffer[c3.index..c3.index + run];
        for (k, (&x, y)) in input[done..done + run]
            .iter()
            .zip(&mut out[done..done + run])
            .enumerate()
        {
            let (y0, y1, y2, y3) = (b0[k], b1[k], b2[k], b3[k]);
            s0 = y0 + (s0 - y0) * damp;
            s1 = y1 + (s1 - y1) * damp;
            s2 = y2 + (s2 - y2) * damp;
            s3 = y3 + (s3 - y3) * damp;
            b0[k] = x + s0 * feedback;
            b1[k] = x + s1 * feedback;
            b2[k] = x + s2 * feedback;
            b3[k] = x + s3 * feedback;
            *y = y0 + y1 + y2 + y3;
        }
        for (comb, store) in [(c0, s0), (c1, s1), (c2, s2), (c3, s3)] {
            comb.store = store;
            comb.index += run;
            if comb.index == comb.buffer.len() {
                comb.index = 0;
            }
        }
        done += run;
    }
}

fn allpass(buffer: &mut [f32], index: &mut usize, signal: &mut [f32]) {
    let len = buffer.len();
    let mut i = *index;
    for a in signal {
        let b = buffer[i];
        buffer[i] = *a + b * 0.5;
        *a = b - *a;
        i += 1;
        if i == len {
            i = 0;
        }
    }
    *index = i;
}
