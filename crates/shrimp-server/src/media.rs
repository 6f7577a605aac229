//! Uploaded audio is checked by decoding all of it before it is accepted, and a short preview
//! clip is cut from it. Hostile files give an error, never a panic, a hang or a huge allocation.

use std::fs::File;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use symphonia::core::audio::GenericAudioBufferRef;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

/// The longest preview a listener can hear before buying.
pub const PREVIEW_SECONDS: u32 = 30;
const MAX_CHANNELS: usize = 8;
const MAX_SAMPLE_RATE: u32 = 384_000;
/// Four hours of audio is more than any track.
const MAX_DURATION_SECONDS: u64 = 4 * 3600;

/// What a decodable audio file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioInfo {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub frames: u64,
}

impl AudioInfo {
    pub fn duration_ms(&self) -> u64 {
        self.frames * 1000 / u64::from(self.sample_rate.max(1))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("this is not an audio file Shrimp can read ({0})")]
    NotAudio(String),
    #[error("the audio format is not supported ({0})")]
    Unsupported(String),
    #[error("the audio file is damaged or cut short ({0})")]
    Corrupt(String),
    #[error("the audio has no sound in it")]
    Empty,
    #[error("the audio is out of range: {0}")]
    OutOfRange(String),
    #[error("could not read the upload: {0}")]
    Io(String),
}

/// Decodes the whole file; on success says what it is and, if asked, keeps up to
/// `PREVIEW_SECONDS` of interleaved 16-bit samples from about a third of the way in.
pub fn inspect(
    path: &Path,
    want_preview: bool,
) -> Result<(AudioInfo, Option<Vec<u8>>), MediaError> {
    catch_unwind(AssertUnwindSafe(|| decode_all(path, want_preview))).unwrap_or_else(|_| {
        Err(MediaError::Corrupt(
            "the decoder gave up on this file".into(),
        ))
    })
}

fn decode_all(path: &Path, want_preview: bool) -> Result<(AudioInfo, Option<Vec<u8>>), MediaError> {
    let file = File::open(path).map_err(|error| MediaError::Io(error.to_string()))?;
    let stream = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let mut format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|error| match error {
            SymphoniaError::Unsupported(what) => MediaError::NotAudio(what.to_owned()),
            other => MediaError::NotAudio(other.to_string()),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| MediaError::NotAudio("no audio track".into()))?;
    let track_id = track.id;
    let declared_frames = track.num_frames;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|params| params.audio())
        .ok_or_else(|| MediaError::Unsupported("not an audio codec".into()))?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|error| MediaError::Unsupported(error.to_string()))?;
    let codec = format!("{:?}", params.codec).to_lowercase();

    let mut frames: u64 = 0;
    let mut rate = 0_u32;
    let mut channels = 0_usize;
    let mut preview = PreviewWindow::default();

    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(SymphoniaError::IoError(error))
                if error.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                if declared_frames.is_some_and(|declared| frames < declared) {
                    return Err(MediaError::Corrupt("the file ends early".into()));
                }
                break;
            }
            Err(error) => return Err(MediaError::Corrupt(error.to_string())),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buffer = decoder
            .decode(&packet)
            .map_err(|error| MediaError::Corrupt(error.to_string()))?;
        if rate == 0 {
            rate = buffer.spec().rate();
            channels = buffer.spec().channels().count();
            if channels == 0 || channels > MAX_CHANNELS {
                return Err(MediaError::OutOfRange(format!("{channels} channels")));
            }
            if rate == 0 || rate > MAX_SAMPLE_RATE {
                return Err(MediaError::OutOfRange(format!("{rate} Hz")));
            }
            preview = PreviewWindow::new(declared_frames.unwrap_or(0), rate, channels);
        }
        let buffer_frames = buffer.frames() as u64;
        if want_preview {
            preview.take(&buffer, frames);
        }
        frames += buffer_frames;
        if frames / u64::from(rate) > MAX_DURATION_SECONDS {
            return Err(MediaError::OutOfRange("longer than four hours".into()));
        }
    }
    if frames == 0 {
        return Err(MediaError::Empty);
    }
    if declared_frames.is_some_and(|declared| frames + u64::from(rate) < declared) {
        return Err(MediaError::Corrupt("the file ends early".into()));
    }
    let info = AudioInfo {
        codec,
        sample_rate: rate,
        channels: u16::try_from(channels).unwrap_or(u16::MAX),
        frames,
    };
    let preview = want_preview.then(|| wav_file(&preview.bytes, rate, info.channels));
    Ok((info, preview))
}

/// The preview clip of audio the server made itself (the demo seed): the same window an
/// upload's preview takes, from interleaved 16-bit samples.
pub fn preview_from_pcm(samples: &[i16], rate: u32, channels: u16) -> Vec<u8> {
    let channels_usize = usize::from(channels.max(1));
    let total_frames = (samples.len() / channels_usize) as u64;
    let window = PreviewWindow::new(total_frames, rate, channels_usize);
    let start = usize::try_from(window.start_frame)
        .unwrap_or(usize::MAX)
        .saturating_mul(channels_usize)
        .min(samples.len());
    let take = (window.max_bytes / 2).min(samples.len() - start);
    let mut bytes = Vec::with_capacity(take * 2);
    for sample in &samples[start..start + take] {
        bytes.extend_from_slice(&sample.to_le_bytes());
    }
    wav_file(&bytes, rate, channels)
}

/// Collects up to `PREVIEW_SECONDS` of 16-bit samples from about a third of the way in.
#[derive(Debug, Default)]
struct PreviewWindow {
    start_frame: u64,
    max_bytes: usize,
    channels: usize,
    bytes: Vec<u8>,
    scratch: Vec<i16>,
}

impl PreviewWindow {
    fn new(total_frames: u64, rate: u32, channels: usize) -> Self {
        let frames = u64::from(PREVIEW_SECONDS * rate);
        Self {
            start_frame: (total_frames / 3).min(total_frames.saturating_sub(frames)),
            max_bytes: usize::try_from(frames)
                .unwrap_or(usize::MAX)
                .saturating_mul(channels * 2),
            channels,
            bytes: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Takes what it needs from a decoded buffer that starts at frame `at`.
    fn take(&mut self, buffer: &GenericAudioBufferRef<'_>, at: u64) {
        let end = at + buffer.frames() as u64;
        if end <= self.start_frame || self.bytes.len() >= self.max_bytes {
            return;
        }
        self.scratch.resize(buffer.samples_interleaved(), 0);
        buffer.copy_to_slice_interleaved(&mut self.scratch[..]);
        let skip = usize::try_from(self.start_frame.saturating_sub(at))
            .unwrap_or(usize::MAX)
            .saturating_mul(self.channels);
        let room = (self.max_bytes - self.bytes.len()) / 2;
        for sample in self.scratch.iter().skip(skip).take(room) {
            self.bytes.extend_from_slice(&sample.to_le_bytes());
        }
    }
}

/// A 16-bit PCM WAV file around interleaved little-endian samples.
fn wav_file(samples: &[u8], rate: u32, channels: u16) -> Vec<u8> {
    let data_len = u32::try_from(samples.len()).unwrap_or(u32::MAX);
    let block_align = channels * 2;
    let mut out = Vec::with_capacity(samples.len() + 44);
    let _ = out.write_all(b"RIFF");
    let _ = out.write_all(&(36 + data_len).to_le_bytes());
    let _ = out.write_all(b"WAVEfmt ");
    let _ = out.write_all(&16_u32.to_le_bytes());
    let _ = out.write_all(&1_u16.to_le_bytes());
    let _ = out.write_all(&channels.to_le_bytes());
    let _ = out.write_all(&rate.to_le_bytes());
    let _ = out.write_all(&(rate * u32::from(block_align)).to_le_bytes());
    let _ = out.write_all(&block_align.to_le_bytes());
    let _ = out.write_all(&16_u16.to_le_bytes());
    let _ = out.write_all(b"data");
    let _ = out.write_all(&data_len.to_le_bytes());
    out.extend_from_slice(samples);
    out
}
