//! Instruments. Each renders one note to a mono buffer; the mixer caches buffers by
//! [`NoteKey`], since songs repeat the same notes constantly and replaying a buffer is far
//! cheaper than synthesising it again.

use crate::dsp::{Adsr, OnePole, RATE_F, Saw, Svf, declick};
use crate::math::{self, phase_inc, sine_at, sine_table};
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Voice {
    Guitar,
    Guqin,
    GuqinHarmonic,
    EPiano,
    Piano,
    Flute,
    Bell,
    SuperSaw,
    SynthPluck,
    Pad,
    PowerChord,
    RockLead,
    SubBass,
    FingerBass,
    Kick,
    SoftKick,
    Snare,
    Clap,
    Brush,
    HatClosed,
    HatOpen,
    Shaker,
    Crash,
    Tom,
    Riser,
}

/// Everything that makes a rendered note distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NoteKey {
    pub(crate) voice: Voice,
    pub(crate) midi: u8,
    /// Gate length in samples.
    pub(crate) gate: u32,
    /// Slide into the note from this many semitones away (guqin).
    pub(crate) bend: i8,
    /// Round-robin variant: a different noise seed or brightness.
    pub(crate) variant: u8,
}

impl NoteKey {
    fn seed(self) -> u64 {
        u64::from(self.midi)
            ^ (u64::from(self.gate) << 8)
            ^ (u64::from(self.variant) << 40)
            ^ ((self.voice as u64) << 48)
            ^ ((u64::from(self.bend.cast_unsigned())) << 56)
    }
}

fn secs(samples: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (samples * RATE_F) as usize;
    n
}

/// Renders one note. The buffer includes the release tail.
pub(crate) fn render(key: NoteKey) -> Vec<f32> {
    let mut rng = Rng::new(key.seed());
    let hz = math::midi_hz(f64::from(key.midi));
    let gate = key.gate as usize;
    let mut out = match key.voice {
        Voice::Guitar => pluck(hz, gate, 0.12, 2.2, 0.55, key.variant, &mut rng),
        Voice::Guqin => guqin(hz, gate, key.bend, &mut rng),
        Voice::GuqinHarmonic => bell(hz, gate, 2.0, 0.4, 2.6),
        Voice::EPiano => epiano(hz, gate, key.variant),
        Voice::Piano => piano(hz, gate, key.variant, &mut rng),
        Voice::Flute => flute(hz, gate, &mut rng),
        Voice::Bell => bell(hz, gate, 3.5, 1.2, 3.0),
        Voice::SuperSaw => supersaw(hz, gate, key.variant),
        Voice::SynthPluck => synth_pluck(hz, gate),
        Voice::Pad => pad(hz, gate, key.variant),
        Voice::PowerChord => power_chord(hz, gate, key.variant),
        Voice::RockLead => rock_lead(hz, gate),
        Voice::SubBass => sub_bass(hz, gate),
        Voice::FingerBass => finger_bass(hz, gate, key.variant),
        Voice::Kick => kick(0.55, 52.0, 1.0, &mut rng),
        Voice::SoftKick => kick(0.32, 58.0, 0.35, &mut rng),
        Voice::Snare => snare(&mut rng, 190.0, 0.2, 1.0),
        Voice::Brush => snare(&mut rng, 170.0, 0.16, 0.25),
        Voice::Clap => clap(&mut rng),
        Voice::HatClosed => hat(&mut rng, 0.05, key.variant),
        Voice::HatOpen => hat(&mut rng, 0.35, key.variant),
        Voice::Shaker => shaker(&mut rng),
        Voice::Crash => hat(&mut rng, 1.8, 9),
        Voice::Tom => tom(hz),
        Voice::Riser => riser(gate, &mut rng),
    };
    declick(&mut out);
    out
}

/// Karplus–Strong string. `brightness` in 0..1 shapes the excitation; `decay` is the
/// 60 dB ring time of the fundamental; the note is choked `release` seconds after the gate.
fn pluck(
    hz: f64,
    gate: usize,
    release: f64,
    decay: f64,
    brightness: f32,
    variant: u8,
    rng: &mut Rng,
) -> Vec<f32> {
    let len = gate + secs(release);
    let period = RATE_F / hz;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (period - 0.5).max(2.0) as usize;
    #[allow(clippy::cast_possible_truncation)]
    let frac = ((period - 0.5) - n as f64) as f32;
    // Fractional tuning with a first-order all-pass.
    let ap = (1.0 - frac) / (1.0 + frac);
    let mut line = vec![0.0_f32; n];
    let mut lp =
        OnePole::new(f64::from(800.0 + 6000.0 * brightness) + f64::from(variant % 3) * 300.0);
    for slot in &mut line {
        *slot = lp.tick(rng.signed());
    }
    // Pick position: cancels some harmonics, like plucking away from the bridge.
    let pick = (n / 7).max(1);
    let copy = line.clone();
    for i in 0..n {
        line[i] -= 0.6 * copy[(i + n - pick) % n];
    }
    #[allow(clippy::cast_possible_truncation)]
    let loss = math::exp(-6.9 * period / (decay * RATE_F)) as f32;
    let choke = math::decay_coef(release * 0.5, RATE_F);
    let mut out = vec![0.0_f32; len];
    let mut i = 0;
    let mut prev = 0.0_f32;
    let mut ap_x1 = 0.0_f32;
    let mut ap_y1 = 0.0_f32;
    let mut g = 1.0_f32;
    for (t, slot) in out.iter_mut().enumerate() {
        let y = line[i];
        let avg = 0.5 * (y + prev) * loss;
        prev = y;
        let tuned = ap * avg + ap_x1 - ap * ap_y1;
        ap_x1 = avg;
        ap_y1 = tuned;
        line[i] = tuned;
        i += 1;
        if i == n {
            i = 0;
        }
        if t >= gate {
            g *= choke;
        }
        *slot = y * g;
    }
    let mut body = Svf::new(2400.0, 0.6);
    for sample in &mut out {
        *sample = body.tick(*sample).0 * 0.9;
    }
    out
}

/// The guqin: a long-sustaining silk string with a slide into the note and a slow,
/// widening vibrato (吟猱), read from a fractional delay line.
fn guqin(hz: f64, gate: usize, bend: i8, rng: &mut Rng) -> Vec<f32> {
    let len = gate + secs(0.6);
    let size = 4096;
    let mut line = vec![0.0_f32; size];
    let base_period = RATE_F / hz;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let excite = (base_period as usize).clamp(2, size - 8);
    let mut lp = OnePole::new(2600.0);
    for slot in line.iter_mut().take(excite) {
        *slot = lp.tick(rng.signed());
    }
    let table = sine_table();
    let mut vib_phase = 0_u32;
    let vib_inc = phase_inc(4.6, RATE_F);
    let slide_len = secs(0.16);
    #[allow(clippy::cast_possible_truncation)]
    let loss = math::exp(-6.9 * base_period / (4.5 * RATE_F)) as f32;
    let choke = math::decay_coef(0.25, RATE_F);
    let mut out = vec![0.0_f32; len];
    let mut write = excite;
    let mut prev = 0.0_f32;
    let mut g = 1.0_f32;
    let vib_start = secs(0.35);
    #[allow(clippy::cast_possible_truncation)]
    let period0 = base_period as f32;
    for (t, slot) in out.iter_mut().enumerate() {
        // Pitch offset in semitones: slide, then vibrato growing in after a moment.
        let mut semis = 0.0_f32;
        if bend != 0 && t < slide_len {
            #[allow(clippy::cast_precision_loss)]
            let x = 1.0 - t as f32 / slide_len as f32;
            semis += f32::from(bend) * x * x;
        }
        if t > vib_start {
            #[allow(clippy::cast_precision_loss)]
            let depth = (((t - vib_start) as f32) / 40_000.0).min(1.0) * 0.22;
            semis += depth * sine_at(table, vib_phase);
            vib_phase = vib_phase.wrapping_add(vib_inc);
        }
        // 2^(-s/12) ≈ 1 - 0.05776 s + 0.001668 s² for small s.
        let ratio = 1.0 - 0.057_762 * semis + 0.001_668 * semis * semis;
        let delay = (period0 * ratio - 0.5).clamp(2.0, (size - 4) as f32);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = delay as usize;
        #[allow(clippy::cast_precision_loss)]
        let frac = delay - whole as f32;
        let a = line[(write + size - whole) % size];
        let b = line[(write + size - whole - 1) % size];
        let y = a + (b - a) * frac;
        let avg = (0.62 * y + 0.38 * prev) * loss;
        prev = y;
        line[write] = avg;
        write = (write + 1) % size;
        if t >= gate {
            g *= choke;
        }
        *slot = y * g;
    }
    // A warm wooden body.
    let mut body = Svf::new(1500.0, 0.8);
    let mut low = Svf::new(220.0, 1.2);
    for sample in &mut out {
        let x = *sample;
        let (lowpassed, _) = body.tick(x);
        let (_, resonance) = low.tick(x);
        *sample = lowpassed * 0.9 + resonance * 0.35;
    }
    out
}

/// FM electric piano: a 1:1 pair for the body and a quick high tine for the attack.
fn epiano(hz: f64, gate: usize, variant: u8) -> Vec<f32> {
    let len = gate + secs(0.25);
    let table = sine_table();
    let carrier = phase_inc(hz, RATE_F);
    let modulator = phase_inc(hz * 1.0005, RATE_F);
    let tine = phase_inc(hz * 7.0, RATE_F);
    let (mut pc, mut pm, mut pt) = (0_u32, 0_u32, 0_u32);
    let decay = 2.8 - (hz.min(1000.0) / 1000.0) * 1.5;
    let mut env = Adsr::new(
        0.002,
        decay,
        0.0,
        0.12,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let index_decay = math::decay_coef(0.9, RATE_F);
    let tine_decay = math::decay_coef(0.12, RATE_F);
    let mut index = 1.6 + f32::from(variant % 3) * 0.2;
    let mut tine_amp = 0.25_f32;
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let m = sine_at(table, pm) * (index + 0.35);
        #[allow(clippy::cast_possible_truncation)]
        let offset = (m * 683_565_275.6) as i32;
        let c = sine_at(table, pc.wrapping_add_signed(offset));
        let t = sine_at(table, pt) * tine_amp;
        *slot = (c + t) * env.next() * 0.8;
        pc = pc.wrapping_add(carrier);
        pm = pm.wrapping_add(modulator);
        pt = pt.wrapping_add(tine);
        index *= index_decay;
        tine_amp *= tine_decay;
    }
    out
}

/// A piano-like tone: stretched, slightly detuned partials that decay faster the higher
/// they are, plus a felt-hammer thump.
fn piano(hz: f64, gate: usize, variant: u8, rng: &mut Rng) -> Vec<f32> {
    let len = gate + secs(0.3);
    let table = sine_table();
    let inharm = 0.000_4 * (hz / 261.6).min(4.0);
    let brightness = 0.55 + 0.1 * f64::from(variant % 3);
    let base_decay = (6.0 - (hz.min(2000.0) / 2000.0) * 4.5).max(0.8);
    let partials = if hz > 1200.0 { 4 } else { 9 };
    let mut osc: Vec<(u32, u32, f32, f32)> = Vec::new();
    for k in 1..=partials {
        let kf = f64::from(k);
        let f = hz * kf * (1.0 + inharm * kf * kf).sqrt();
        if f > 16_000.0 {
            break;
        }
        #[allow(clippy::cast_possible_truncation)]
        let amp = (1.0 / kf.powi(1) * brightness.powi(k - 1)) as f32;
        let decay = math::decay_coef(base_decay / (1.0 + 0.6 * (kf - 1.0)), RATE_F);
        osc.push((0, phase_inc(f, RATE_F), amp, decay));
        if k <= 3 {
            // A second string a hair sharp: the slow beating of a real unison.
            osc.push((0x4000_0000, phase_inc(f * 1.0009, RATE_F), amp * 0.6, decay));
        }
    }
    let mut out = vec![0.0_f32; len];
    for (phase, inc, amp, decay) in &mut osc {
        let mut a = *amp;
        let mut p = *phase;
        for sample in &mut out {
            *sample += a * sine_at(table, p);
            p = p.wrapping_add(*inc);
            a *= *decay;
        }
    }
    let mut hammer = OnePole::new(900.0);
    let thump = secs(0.012);
    for (i, sample) in out.iter_mut().take(thump).enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let g = 1.0 - i as f32 / thump as f32;
        *sample += hammer.tick(rng.signed()) * 0.5 * g;
    }
    let mut env = Adsr::new(
        0.002,
        100.0,
        1.0,
        0.12,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    for sample in &mut out {
        *sample *= env.next() * 0.42;
    }
    out
}

/// A breathy flute or whistle with delayed vibrato.
fn flute(hz: f64, gate: usize, rng: &mut Rng) -> Vec<f32> {
    let len = gate + secs(0.15);
    let table = sine_table();
    let inc = phase_inc(hz, RATE_F);
    #[allow(clippy::cast_precision_loss)]
    let inc_f = inc as f32;
    let vib_inc = phase_inc(5.2, RATE_F);
    let (mut p, mut p2, mut p3, mut pv) = (0_u32, 0_u32, 0_u32, 0_u32);
    let mut env = Adsr::new(0.07, 0.4, 0.8, 0.1, u32::try_from(gate).unwrap_or(u32::MAX));
    let mut breath = Svf::new(hz as f32 * 2.0, 2.0);
    let vib_start = secs(0.25);
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        let depth = if t > vib_start { 0.004 } else { 0.0 };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let step = (inc_f * (1.0 + depth * sine_at(table, pv))) as u32;
        let tone = sine_at(table, p) + 0.18 * sine_at(table, p2) + 0.06 * sine_at(table, p3);
        let air = breath.tick(rng.signed()).1 * 0.35;
        *slot = (tone + air) * env.next() * 0.5;
        p = p.wrapping_add(step);
        p2 = p2.wrapping_add(step.wrapping_mul(2));
        p3 = p3.wrapping_add(step.wrapping_mul(3));
        pv = pv.wrapping_add(vib_inc);
    }
    out
}

/// A soft FM bell: `ratio` sets the metallic colour, `index` the brightness.
fn bell(hz: f64, gate: usize, ratio: f64, index: f32, decay: f64) -> Vec<f32> {
    let len = gate + secs(decay.min(2.0));
    let table = sine_table();
    let ci = phase_inc(hz, RATE_F);
    let mi = phase_inc(hz * ratio, RATE_F);
    let (mut pc, mut pm) = (0_u32, 0_u32);
    let amp_decay = math::decay_coef(decay, RATE_F);
    let index_decay = math::decay_coef(decay * 0.4, RATE_F);
    let mut amp = 1.0_f32;
    let mut idx = index;
    let mut out = vec![0.0_f32; len];
    let attack = secs(0.004);
    for (t, slot) in out.iter_mut().enumerate() {
        let m = sine_at(table, pm) * idx;
        #[allow(clippy::cast_possible_truncation)]
        let offset = (m * 683_565_275.6) as i32;
        let ramp = if t < attack {
            #[allow(clippy::cast_precision_loss)]
            let r = t as f32 / attack as f32;
            r
        } else {
            1.0
        };
        *slot = sine_at(table, pc.wrapping_add_signed(offset)) * amp * ramp * 0.6;
        pc = pc.wrapping_add(ci);
        pm = pm.wrapping_add(mi);
        amp *= amp_decay;
        idx *= index_decay;
    }
    out
}

/// Seven detuned saws through a low-pass: the trance/synthwave lead and chord.
fn supersaw(hz: f64, gate: usize, variant: u8) -> Vec<f32> {
    const DETUNE: [f64; 5] = [-0.011, -0.004, 0.0, 0.005, 0.012];
    let len = gate + secs(0.25);
    let mut saws: Vec<Saw> = DETUNE
        .iter()
        .enumerate()
        .map(|(i, d)| {
            #[allow(clippy::cast_precision_loss)]
            let phase = (i as f32 * 0.37) % 1.0;
            Saw::new(hz * (1.0 + d), phase)
        })
        .collect();
    let cutoff = 2200.0 + f32::from(variant % 4) * 500.0;
    let mut filter = Svf::new(cutoff, 0.9);
    let mut env = Adsr::new(0.01, 0.6, 0.7, 0.2, u32::try_from(gate).unwrap_or(u32::MAX));
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let mut sum = 0.0;
        for saw in &mut saws {
            sum += saw.next();
        }
        *slot = filter.tick(sum * 0.2).0 * env.next() * 0.7;
    }
    out
}

/// A short saw-and-square pluck with a snappy filter envelope (arpeggios).
fn synth_pluck(hz: f64, gate: usize) -> Vec<f32> {
    let len = gate + secs(0.2);
    let mut a = Saw::new(hz, 0.0);
    let mut b = Saw::new(hz * 1.004, 0.5);
    let mut filter = Svf::new(3000.0, 1.4);
    let mut cutoff = 5000.0_f32;
    let cutoff_decay = math::decay_coef(0.35, RATE_F);
    let mut env = Adsr::new(
        0.002,
        0.35,
        0.0,
        0.08,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        if t % 32 == 0 {
            filter.set(cutoff + 250.0, 1.4);
        }
        cutoff *= cutoff_decay;
        let x = (a.next() + b.next()) * 0.5;
        *slot = filter.tick(x).0 * env.next() * 0.6;
    }
    out
}

/// Slow, warm pad: detuned saws under a filter that opens and closes over the note.
fn pad(hz: f64, gate: usize, variant: u8) -> Vec<f32> {
    let len = gate + secs(1.2);
    let mut saws = [
        Saw::new(hz * 0.996, 0.1),
        Saw::new(hz * 1.004, 0.6),
        Saw::new(hz * 2.001, 0.3),
    ];
    let mut filter = Svf::new(500.0, 0.8);
    let mut env = Adsr::new(0.9, 2.0, 0.85, 1.0, u32::try_from(gate).unwrap_or(u32::MAX));
    let table = sine_table();
    #[allow(clippy::cast_precision_loss)]
    let sweep_inc = phase_inc(RATE_F / (len.max(1) as f64) * 0.5, RATE_F);
    let base = 350.0 + f32::from(variant % 4) * 120.0;
    let mut sweep = 0xC000_0000_u32;
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        if t % 64 == 0 {
            let s = 0.5 + 0.5 * sine_at(table, sweep);
            filter.set(base + 1500.0 * s, 0.9);
        }
        sweep = sweep.wrapping_add(sweep_inc);
        let x = saws[0].next() + saws[1].next() + 0.4 * saws[2].next();
        *slot = filter.tick(x * 0.3).0 * env.next();
    }
    out
}

/// Root, fifth and octave through two drive stages and a speaker-cabinet low-pass.
/// Variant 1 is palm-muted.
fn power_chord(hz: f64, gate: usize, variant: u8) -> Vec<f32> {
    let muted = variant == 1;
    let len = gate + secs(if muted { 0.05 } else { 0.12 });
    let mut oscs = [
        Saw::new(hz, 0.0),
        Saw::new(hz * 1.003, 0.5),
        Saw::new(hz * 1.498, 0.2),
        Saw::new(hz * 2.002, 0.7),
    ];
    let mut pre = Svf::new(if muted { 900.0 } else { 2500.0 }, 0.7);
    let mut cab = Svf::new(3200.0, 0.8);
    let mut cab2 = Svf::new(5000.0, 0.6);
    let mut low_cut = Svf::new(90.0, 0.7);
    let decay = if muted { 0.18 } else { 1.6 };
    let mut env = Adsr::new(
        0.003,
        decay,
        if muted { 0.0 } else { 0.55 },
        0.05,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let x = oscs[0].next() + oscs[1].next() + 0.8 * oscs[2].next() + 0.5 * oscs[3].next();
        let x = pre.tick(x).0 * env.next();
        let driven = math::soft_clip(x * 2.5);
        let driven = math::soft_clip(driven * 2.2 + 0.1) - math::soft_clip(0.1);
        let y = cab2.tick(cab.tick(driven).0).0;
        *slot = low_cut.high(y) * 0.45;
    }
    out
}

/// A singing overdriven lead with vibrato.
fn rock_lead(hz: f64, gate: usize) -> Vec<f32> {
    let len = gate + secs(0.15);
    let table = sine_table();
    let mut saw = Saw::new(hz, 0.0);
    let base_inc = saw.inc;
    let vib_inc = phase_inc(5.5, RATE_F);
    let mut pv = 0_u32;
    let mut pre = Svf::new(1800.0, 1.0);
    let mut cab = Svf::new(2800.0, 0.9);
    let mut env = Adsr::new(
        0.005,
        1.5,
        0.75,
        0.08,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let vib_start = secs(0.2);
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        let depth = if t > vib_start { 0.006 } else { 0.0 };
        saw.inc = base_inc * (1.0 + depth * sine_at(table, pv));
        pv = pv.wrapping_add(vib_inc);
        let x = pre.tick(saw.next()).0 * env.next();
        let y = math::soft_clip(x * 4.0);
        *slot = cab.tick(y).0 * 0.4;
    }
    out
}

fn sub_bass(hz: f64, gate: usize) -> Vec<f32> {
    let len = gate + secs(0.06);
    let table = sine_table();
    let inc = phase_inc(hz, RATE_F);
    let mut p = 0_u32;
    let mut saw = Saw::new(hz, 0.0);
    let mut filter = Svf::new((hz * 3.0) as f32, 0.8);
    let mut env = Adsr::new(
        0.004,
        0.4,
        0.8,
        0.04,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let tone = sine_at(table, p) + 0.35 * filter.tick(saw.next()).0;
        *slot = tone * env.next() * 0.8;
        p = p.wrapping_add(inc);
    }
    out
}

/// A round finger-picked bass: saw through a closing low-pass plus a sine fundamental.
fn finger_bass(hz: f64, gate: usize, variant: u8) -> Vec<f32> {
    let len = gate + secs(0.07);
    let table = sine_table();
    let inc = phase_inc(hz, RATE_F);
    let mut p = 0_u32;
    let mut saw = Saw::new(hz, 0.0);
    let mut filter = Svf::new(900.0, 0.9);
    let mut cutoff = if variant == 1 { 600.0_f32 } else { 1100.0 };
    let cutoff_decay = math::decay_coef(0.5, RATE_F);
    let mut env = Adsr::new(
        0.003,
        1.4,
        0.35,
        0.05,
        u32::try_from(gate).unwrap_or(u32::MAX),
    );
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        if t % 32 == 0 {
            filter.set(cutoff + 120.0, 0.9);
        }
        cutoff *= cutoff_decay;
        let tone = 0.8 * sine_at(table, p) + 0.5 * filter.tick(saw.next()).0;
        *slot = tone * env.next() * 0.8;
        p = p.wrapping_add(inc);
    }
    out
}

fn kick(decay: f64, low_hz: f64, click: f32, rng: &mut Rng) -> Vec<f32> {
    let len = secs(decay * 1.3);
    let table = sine_table();
    let mut p = 0_u32;
    let pitch_decay = math::decay_coef(0.09, RATE_F);
    let mut sweep = 1.0_f32;
    let amp_decay = math::decay_coef(decay, RATE_F);
    let mut amp = 1.0_f32;
    let mut click_lp = OnePole::new(3000.0);
    let click_len = secs(0.004);
    let mut out = vec![0.0_f32; len];
    #[allow(clippy::cast_possible_truncation)]
    let low = low_hz as f32;
    for (t, slot) in out.iter_mut().enumerate() {
        let hz = low + 110.0 * sweep;
        sweep *= pitch_decay;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let inc = (hz / 44_100.0 * 4_294_967_296.0) as u32;
        p = p.wrapping_add(inc);
        let mut x = math::soft_clip(sine_at(table, p) * amp * 1.4);
        if t < click_len {
            x += click_lp.tick(rng.signed()) * click;
        }
        *slot = x * 0.9;
        amp *= amp_decay;
    }
    out
}

fn snare(rng: &mut Rng, tone_hz: f64, decay: f64, snap: f32) -> Vec<f32> {
    let len = secs(decay * 1.5);
    let table = sine_table();
    let inc = phase_inc(tone_hz, RATE_F);
    let mut p = 0_u32;
    let tone_decay = math::decay_coef(0.08, RATE_F);
    let noise_decay = math::decay_coef(decay, RATE_F);
    let (mut ta, mut na) = (0.6_f32, 1.0_f32);
    let mut band = Svf::new(3500.0, 0.6);
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let noise = band.tick(rng.signed());
        let n = noise.0 * (1.0 - snap) + noise.1 * snap * 1.4;
        *slot = (sine_at(table, p) * ta + n * na) * 0.6;
        p = p.wrapping_add(inc);
        ta *= tone_decay;
        na *= noise_decay;
    }
    out
}

fn clap(rng: &mut Rng) -> Vec<f32> {
    let len = secs(0.35);
    let mut band = Svf::new(1300.0, 1.3);
    let decay = math::decay_coef(0.22, RATE_F);
    let mut amp = 1.0_f32;
    let burst = secs(0.011);
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        let flutter = if t < burst * 3 {
            #[allow(clippy::cast_precision_loss)]
            let x = (t % burst) as f32 / burst as f32;
            1.0 - x
        } else {
            amp *= decay;
            amp
        };
        *slot = band.tick(rng.signed()).1 * flutter * 1.4;
    }
    out
}

fn hat(rng: &mut Rng, decay: f64, variant: u8) -> Vec<f32> {
    let len = secs((decay * 1.4).max(0.03));
    let mut high = Svf::new(7000.0 + f32::from(variant % 3) * 600.0, 0.7);
    let mut high2 = Svf::new(5000.0, 0.7);
    let coef = math::decay_coef(decay, RATE_F);
    let mut amp = 1.0_f32;
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let x = high2.high(high.high(rng.signed()));
        *slot = x * amp * 0.5;
        amp *= coef;
    }
    out
}

fn shaker(rng: &mut Rng) -> Vec<f32> {
    let len = secs(0.12);
    let mut band = Svf::new(6000.0, 1.0);
    let mut out = vec![0.0_f32; len];
    let peak = secs(0.025);
    for (t, slot) in out.iter_mut().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let env = if t < peak {
            t as f32 / peak as f32
        } else {
            1.0 - (t - peak) as f32 / (len - peak) as f32
        };
        *slot = band.tick(rng.signed()).1 * env * env * 0.5;
    }
    out
}

fn tom(hz: f64) -> Vec<f32> {
    let len = secs(0.45);
    let table = sine_table();
    let mut p = 0_u32;
    let amp_decay = math::decay_coef(0.35, RATE_F);
    let pitch_decay = math::decay_coef(0.2, RATE_F);
    let mut sweep = 1.0_f32;
    let mut amp = 1.0_f32;
    #[allow(clippy::cast_possible_truncation)]
    let base = hz as f32;
    let mut out = vec![0.0_f32; len];
    for slot in &mut out {
        let f = base * (1.0 + 0.5 * sweep);
        sweep *= pitch_decay;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let inc = (f / 44_100.0 * 4_294_967_296.0) as u32;
        p = p.wrapping_add(inc);
        *slot = sine_at(table, p) * amp * 0.8;
        amp *= amp_decay;
    }
    out
}

/// A filtered noise swell that builds into the next section.
fn riser(gate: usize, rng: &mut Rng) -> Vec<f32> {
    let len = gate;
    let mut filter = Svf::new(400.0, 2.0);
    let mut out = vec![0.0_f32; len];
    for (t, slot) in out.iter_mut().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = t as f32 / len.max(1) as f32;
        if t % 64 == 0 {
            filter.set(300.0 + 7000.0 * x * x, 2.0);
        }
        *slot = filter.tick(rng.signed()).1 * x * x * 0.5;
    }
    out
}
