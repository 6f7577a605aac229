//! Deterministic maths: only IEEE add, multiply, divide and sqrt, which every platform
//! rounds the same way. libm's `sin`, `exp` and `powf` may differ by an ulp between systems,
//! so the audio and image paths use these instead.

use std::sync::OnceLock;

pub(crate) const TAU: f64 = std::f64::consts::TAU;
const LN2: f64 = std::f64::consts::LN_2;

/// `e^x` by range reduction and a Taylor series; exact to about 1e-15 relative.
pub(crate) fn exp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    let x = x.min(700.0);
    let k = round(x / LN2);
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=18 {
        term = term * r / f64::from(n);
        sum += term;
    }
    #[allow(clippy::cast_possible_truncation)]
    let k = k as i64;
    #[allow(clippy::cast_sign_loss)]
    let scale = f64::from_bits(((k + 1023) as u64) << 52);
    sum * scale
}

/// `2^x`.
pub(crate) fn exp2(x: f64) -> f64 {
    exp(x * LN2)
}

/// Rounds half away from zero using only well-defined operations.
pub(crate) fn round(x: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let t = (x + if x < 0.0 { -0.5 } else { 0.5 }) as i64 as f64;
    t
}

/// `sin(x)` by reduction to `[-pi, pi]` and a Taylor series.
pub(crate) fn sin(x: f64) -> f64 {
    let r = x - round(x / TAU) * TAU;
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    let mut n = 1.0;
    for _ in 0..12 {
        term = -term * r2 / ((n + 1.0) * (n + 2.0));
        sum += term;
        n += 2.0;
    }
    sum
}

pub(crate) fn cos(x: f64) -> f64 {
    sin(x + TAU / 4.0)
}

/// Frequency in hertz of a (possibly fractional) MIDI note.
pub(crate) fn midi_hz(note: f64) -> f64 {
    440.0 * exp2((note - 69.0) / 12.0)
}

/// Per-sample multiplier that decays by 60 dB in `seconds`.
pub(crate) fn decay_coef(seconds: f64, rate: f64) -> f32 {
    #[allow(clippy::cast_possible_truncation)]
    let coef = exp(-6.907_755_278_982_137 / (seconds.max(1e-4) * rate)) as f32;
    coef
}

/// Linear gain of a level in decibels.
pub(crate) fn db(level: f64) -> f64 {
    exp(level * 0.115_129_254_649_702_28)
}

pub(crate) const SINE_BITS: u32 = 12;
pub(crate) const SINE_LEN: usize = 1 << SINE_BITS;

/// One sine cycle with a guard point for interpolation.
pub(crate) type SineTable = [f32; SINE_LEN + 1];

pub(crate) fn sine_table() -> &'static SineTable {
    static TABLE: OnceLock<SineTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            let value = sin(TAU * i as f64 / SINE_LEN as f64) as f32;
            value
        })
    })
}

/// Sine of a 32-bit phase (a full turn is 2^32), linearly interpolated. The table's fixed
/// size lets the compiler see that both reads are in bounds.
#[inline]
pub(crate) fn sine_at(table: &SineTable, phase: u32) -> f32 {
    let index = (phase >> (32 - SINE_BITS)) as usize;
    #[allow(clippy::cast_precision_loss)]
    let frac =
        (phase & ((1 << (32 - SINE_BITS)) - 1)) as f32 * (1.0 / (1 << (32 - SINE_BITS)) as f32);
    let a = table[index];
    a + (table[index + 1] - a) * frac
}

/// Phase increment for a frequency at a sample rate.
pub(crate) fn phase_inc(hz: f64, rate: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let inc = ((hz / rate).clamp(0.0, 0.5) * 4_294_967_296.0) as u32;
    inc
}

/// A smooth saturator, odd and bounded to ±1.
#[inline]
pub(crate) fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-3.0, 3.0);
    x * (27.0 + x * x) / (27.0 + 9.0 * x * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_functions_match_libm() {
        for i in -200..200 {
            let x = f64::from(i) * 0.173;
            assert!((exp(x / 10.0) - (x / 10.0).exp()).abs() < 1e-12 * (x / 10.0).exp().max(1.0));
            assert!((sin(x) - x.sin()).abs() < 1e-12);
        }
        assert!((midi_hz(69.0) - 440.0).abs() < 1e-9);
        assert!((midi_hz(81.0) - 880.0).abs() < 1e-9);
        assert!((db(-6.0) - 0.501_187).abs() < 1e-5);
    }

    #[test]
    fn soft_clip_is_bounded_and_continuous() {
        assert!((soft_clip(3.0) - 1.0).abs() < 1e-6);
        assert!(soft_clip(10.0) <= 1.0);
        assert!((soft_clip(0.1) - 0.1).abs() < 0.01);
    }
}
