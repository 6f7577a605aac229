//! The engine's decode path without an output, for benchmarks: symphonia, gapless trim,
//! interleaved `f32`, and optionally resampling to a device rate.

use std::path::Path;

use crate::resample::Resampler;
use crate::{Decoder, PlaybackError};

/// Decodes all of `file` as the engine does (resampled to `resample_to` when given and
/// different); returns the frames decoded.
pub fn decode_through_pipeline(
    file: &Path,
    resample_to: Option<u32>,
) -> Result<u64, PlaybackError> {
    let decode_error = |source| PlaybackError::Decode {
        path: file.to_path_buf(),
        source,
    };
    let mut decoder = Decoder::open(file).map_err(decode_error)?;
    let info = decoder.info().clone();
    let mut resampler = match resample_to {
        Some(rate) if rate != info.sample_rate => {
            Some(Resampler::new(info.sample_rate, rate, info.channels)?)
        }
        _ => None,
    };
    let mut pcm = Vec::with_capacity(1 << 16);
    let mut at_device_rate = Vec::with_capacity(1 << 16);
    let mut frames = 0u64;
    loop {
        pcm.clear();
        let n = decoder.read_f32(&mut pcm).map_err(decode_error)?;
        if n == 0 {
            break;
        }
        frames += n as u64;
        if let Some(resampler) = resampler.as_mut() {
            at_device_rate.clear();
            resampler.process(&pcm, &mut at_device_rate)?;
        }
        std::hint::black_box(&at_device_rate);
        std::hint::black_box(&pcm);
    }
    if let Some(resampler) = resampler.as_mut() {
        resampler.finish(&mut at_device_rate)?;
    }
    Ok(frames)
}
