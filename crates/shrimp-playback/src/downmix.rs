//! Mapping a file's channels onto the device's: mono is copied to every channel, surround is
//! downmixed (ITU-R BS.775 coefficients: centre and surrounds at −3 dB, LFE left out) and the
//! matrix is normalised so that no output can exceed full scale — the same choice as ffmpeg's
//! default rematrixing. Channel positions follow the WAV/FLAC order for the channel count
//! (L R C LFE Ls Rs, or with back channels for 7.1), which symphonia keeps.

/// −3 dB.
const MINUS_3DB: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Where each source channel goes in a stereo downmix: (left, right) gains before
/// normalisation, by source channel count.
fn stereo_gains(channels: usize) -> Option<Vec<(f32, f32)>> {
    let (l, r, c, lfe, sl, sr) = (
        (1.0, 0.0),
        (0.0, 1.0),
        (MINUS_3DB, MINUS_3DB),
        (0.0, 0.0),
        (MINUS_3DB, 0.0),
        (0.0, MINUS_3DB),
    );
    Some(match channels {
        // L R C
        3 => vec![l, r, c],
        // Quad: L R Ls Rs
        4 => vec![l, r, sl, sr],
        // 5.0: L R C Ls Rs
        5 => vec![l, r, c, sl, sr],
        // 5.1: L R C LFE Ls Rs
        6 => vec![l, r, c, lfe, sl, sr],
        // 6.1: L R C LFE Cs Ls Rs
        7 => vec![l, r, c, lfe, (0.5, 0.5), sl, sr],
        // 7.1: L R C LFE Lb Rb Ls Rs
        8 => vec![l, r, c, lfe, sl, sr, sl, sr],
        _ => return None,
    })
}

/// A channel matrix from `inputs` to `outputs` channels.
#[derive(Debug, Clone, PartialEq)]
pub struct Downmix {
    inputs: usize,
    outputs: usize,
    /// `gains[out * inputs + in]`; empty when input and output match (a copy).
    gains: Vec<f32>,
}

impl Downmix {
    pub fn new(inputs: usize, outputs: usize) -> Self {
        let inputs = inputs.max(1);
        let outputs = outputs.max(1);
        if inputs == outputs {
            return Self {
                inputs,
                outputs,
                gains: Vec::new(),
            };
        }
        let mut gains = vec![0.0f32; inputs * outputs];
        let stereo = stereo_gains(inputs);
        match (inputs, outputs) {
            // Mono everywhere.
            (1, _) => gains.iter_mut().for_each(|g| *g = 1.0),
            // Down to mono: the stereo downmix's two sides, averaged.
            (_, 1) => {
                for i in 0..inputs {
                    gains[i] = match &stereo {
                        Some(s) => f32::midpoint(s[i].0, s[i].1),
                        None if inputs == 2 => 0.5,
                        None => 1.0,
                    };
                }
            }
            // Surround to stereo, or the stereo downmix into the first two of more channels.
            (_, _) if stereo.is_some() && (2..inputs).contains(&outputs) => {
                for (i, &(left, right)) in stereo.iter().flatten().enumerate() {
                    gains[i] = left;
                    gains[inputs + i] = right;
                }
            }
            // Anything else: channel to channel, the extra ones dropped or silent.
            _ => {
                for c in 0..inputs.min(outputs) {
                    gains[c * inputs + c] = 1.0;
                }
            }
        }
        // Normalise: no output row may sum past unity.
        let loudest = gains
            .chunks_exact(inputs)
            .map(|row| row.iter().map(|g| g.abs()).sum::<f32>())
            .fold(0.0f32, f32::max);
        if loudest > 1.0 && inputs > 1 {
            for g in &mut gains {
                *g /= loudest;
            }
        }
        Self {
            inputs,
            outputs,
            gains,
        }
    }

    /// Appends `frame` (one frame of `inputs` samples) mapped to `outputs` channels.
    pub fn apply(&self, frame: &[f32], out: &mut Vec<f32>) {
        if self.gains.is_empty() {
            out.extend_from_slice(frame);
            return;
        }
        for row in self.gains.chunks_exact(self.inputs) {
            out.push(row.iter().zip(frame).map(|(g, s)| g * s).sum());
        }
    }

    /// Whether this is the matrix from `inputs` to `outputs` channels.
    pub fn maps(&self, inputs: usize, outputs: usize) -> bool {
        (self.inputs, self.outputs) == (inputs.max(1), outputs.max(1))
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(d: &Downmix, frame: &[f32]) -> Vec<f32> {
        let mut out = Vec::new();
        d.apply(frame, &mut out);
        out
    }

    #[test]
    fn same_layout_is_copied_and_mono_is_spread() {
        assert_eq!(map(&Downmix::new(2, 2), &[0.1, 0.2]), vec![0.1, 0.2]);
        assert_eq!(map(&Downmix::new(1, 2), &[0.3]), vec![0.3, 0.3]);
        assert_eq!(map(&Downmix::new(2, 1), &[0.2, 0.4]), vec![0.3]);
    }

    #[test]
    fn five_one_folds_into_stereo_without_lfe_and_never_clips() {
        let d = Downmix::new(6, 2);
        // Only the front left: only the left output.
        let out = map(&d, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert!(out[0] > 0.0 && out[1].abs() < f32::EPSILON, "{out:?}");
        // The centre: equally in both, 3 dB below a front channel.
        let centre = map(&d, &[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
        assert!((centre[0] - centre[1]).abs() < 1e-6);
        assert!((centre[0] / out[0] - MINUS_3DB).abs() < 1e-6);
        // The LFE is left out; a surround goes to its side.
        assert_eq!(map(&d, &[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]), vec![0.0, 0.0]);
        let right_surround = map(&d, &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert!(right_surround[0].abs() < f32::EPSILON && right_surround[1] > 0.0);
        // Everything at full scale at once stays within full scale.
        let all = map(&d, &[1.0; 6]);
        assert!(all.iter().all(|s| *s <= 1.0 + 1e-6), "{all:?}");
    }

    #[test]
    fn odd_layouts_map_channel_to_channel() {
        let d = Downmix::new(10, 2);
        let frame: Vec<f32> = (0..10u8).map(|i| f32::from(i) / 10.0).collect();
        assert_eq!(map(&d, &frame), vec![0.0, 0.1]);
        assert_eq!(
            map(&Downmix::new(2, 4), &[0.5, 0.25]),
            vec![0.5, 0.25, 0.0, 0.0]
        );
        assert_eq!(map(&Downmix::new(6, 6), &[0.5; 6]), vec![0.5; 6]);
        assert_eq!(Downmix::new(6, 2).outputs(), 2);
    }
}
