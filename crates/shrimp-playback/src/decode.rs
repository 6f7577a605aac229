//! Decoding a file into interleaved PCM with symphonia: FLAC, MP3, Ogg Vorbis, WAV, AIFF, ALAC
//! and AAC (ADTS or MP4/M4A).
//!
//! Gapless: symphonia trims the encoder delay and padding that MP3 (LAME/Xing header), Ogg
//! Vorbis and the lossless formats record; for MP4/M4A, whose edit list symphonia ignores, the
//! priming and length are read from its edit list and trimmed here.
//!
//! Safety: every call into symphonia runs under `catch_unwind`, and the stream is held to
//! limits on channels, sample rate, packet size, frames per packet and consecutive bad packets,
//! so a hostile file gives a [`DecodeError`], never a panic, a hang or an unbounded allocation.

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use symphonia::core::audio::conv::ConvertibleSample;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known::{
    FORMAT_ID_ISOMP4, FORMAT_ID_MP1, FORMAT_ID_MP2, FORMAT_ID_MP3,
};
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::{MetadataOptions, MetadataRevision, RawValue, StandardTag};
use symphonia::core::units::{TimeBase, Timestamp};

use crate::edit_list;
use crate::error::DecodeError;

/// The most channels a stream may have.
pub const MAX_CHANNELS: usize = 32;
/// The highest sample rate accepted, in Hz.
pub const MAX_SAMPLE_RATE: u32 = 768_000;
/// The largest compressed packet accepted, in bytes.
pub const MAX_PACKET_BYTES: usize = 16 * 1024 * 1024;
/// The most frames one packet may decode to.
pub const MAX_PACKET_FRAMES: usize = 1 << 18;
/// How many bad packets in a row end decoding with an error.
const MAX_CONSECUTIVE_BAD_PACKETS: u32 = 64;
/// How many packets in a row may decode to nothing before the stream counts as stuck.
const MAX_CONSECUTIVE_EMPTY_PACKETS: u32 = 100_000;
/// Decoding may fall this many frames short of the declared length before it counts as
/// truncated (containers round their lengths).
const TRUNCATION_SLACK_FRAMES: u64 = 4096;

/// What a decoder knows about the track it decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackInfo {
    /// The codec's short name (`flac`, `mp3`, `aac`, …).
    pub codec: String,
    pub sample_rate: u32,
    pub channels: usize,
    /// Bits per sample of the source, for lossless formats.
    pub bits_per_sample: Option<u32>,
    /// The number of frames after gapless trimming, when the container says.
    pub frames: Option<u64>,
    pub replay_gain: ReplayGain,
}

impl TrackInfo {
    /// The playing time, when the container says.
    pub fn duration(&self) -> Option<Duration> {
        self.frames.map(|f| frames_to_duration(f, self.sample_rate))
    }
}

/// ReplayGain values read from the file's tags.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReplayGain {
    /// Track gain in dB (`REPLAYGAIN_TRACK_GAIN`).
    pub track_gain_db: Option<f32>,
    /// Track peak as a linear amplitude (`REPLAYGAIN_TRACK_PEAK`).
    pub track_peak: Option<f32>,
}

impl ReplayGain {
    /// The linear factor for the track gain, lowered if needed so the peak does not clip.
    /// 1.0 when the file has no track gain.
    pub fn track_factor(&self) -> f32 {
        let Some(gain_db) = self.track_gain_db else {
            return 1.0;
        };
        let factor = 10f32.powf(gain_db / 20.0);
        match self.track_peak {
            Some(peak) if peak > 0.0 && factor * peak > 1.0 => 1.0 / peak,
            _ => factor,
        }
    }
}

/// A whole file decoded into memory.
#[derive(Debug, Clone)]
pub struct Decoded<S> {
    pub info: TrackInfo,
    /// Interleaved samples, `info.channels` per frame.
    pub samples: Vec<S>,
}

/// A streaming decoder over one file.
pub struct Decoder {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    codec: Box<dyn AudioDecoder>,
    track_id: u32,
    time_base: Option<TimeBase>,
    info: TrackInfo,
    /// Priming frames (in the stream's own timestamps) that the container records but
    /// symphonia does not trim (MP4 edit lists).
    edit_delay: u64,
    /// Frames still to drop before output starts (edit delay, or the overshoot of a seek).
    skip: u64,
    /// Frames still to output before the end, when the length is known.
    remaining: Option<u64>,
    /// The frame position of the next output frame.
    position: u64,
    /// Whether the declared length is exact (not an estimate), so falling short is truncation.
    length_is_exact: bool,
    failed: bool,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("path", &self.path)
            .field("info", &self.info)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// Opens `path` and prepares to decode its default audio track.
    pub fn open(path: &Path) -> Result<Self, DecodeError> {
        let mut format = probe(path)?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| DecodeError::Unsupported("no decodable audio track".into()))?
            .clone();
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| DecodeError::Unsupported("no audio codec parameters".into()))?
            .clone();
        let sample_rate = params
            .sample_rate
            .ok_or_else(|| DecodeError::Malformed("no sample rate".into()))?;
        if sample_rate == 0 || sample_rate > MAX_SAMPLE_RATE {
            return Err(DecodeError::LimitExceeded(format!(
                "sample rate {sample_rate} Hz"
            )));
        }
        // An MPEG audio file without a Xing/LAME tag has a length symphonia estimates from the
        // first frame's bitrate, and its gapless trimming would cut a VBR file at that guess:
        // decode such files untrimmed, to their real end.
        let is_mpeg_audio =
            [FORMAT_ID_MP1, FORMAT_ID_MP2, FORMAT_ID_MP3].contains(&format.format_info().format);
        let length_is_exact = !(is_mpeg_audio && track.delay.is_none());
        let codec = contained(|| {
            symphonia::default::get_codecs().make_audio_decoder(
                &params,
                &AudioDecoderOptions::default().gapless(length_is_exact),
            )
        })?
        .map_err(|e| match e {
            SymphoniaError::Unsupported(what) => DecodeError::Unsupported(what.into()),
            other => map_error(other),
        })?;
        let channels = codec
            .codec_params()
            .channels
            .as_ref()
            .or(params.channels.as_ref())
            .map_or(0, symphonia::core::audio::Channels::count);
        if channels == 0 {
            return Err(DecodeError::Malformed("no channels".into()));
        }
        if channels > MAX_CHANNELS {
            return Err(DecodeError::LimitExceeded(format!("{channels} channels")));
        }

        let replay_gain = read_replay_gain(format.as_mut());
        let mut frames = track.num_frames;
        let mut edit_delay = 0;
        let is_mp4 = format.format_info().format == FORMAT_ID_ISOMP4;
        if let Some(gapless) = (is_mp4 && track.delay.is_none())
            .then(|| edit_list::read_gapless(path, sample_rate))
            .flatten()
        {
            edit_delay = gapless.delay;
            frames = gapless
                .frames
                .or(frames.map(|f| f.saturating_sub(gapless.delay)));
        }
        let info = TrackInfo {
            codec: codec.codec_info().short_name.to_owned(),
            sample_rate,
            channels,
            bits_per_sample: params.bits_per_sample,
            frames,
            replay_gain,
        };
        Ok(Self {
            path: path.to_owned(),
            format,
            codec,
            track_id: track.id,
            time_base: track.time_base,
            edit_delay,
            skip: edit_delay,
            remaining: if edit_delay > 0 { frames } else { None },
            position: 0,
            info,
            length_is_exact,
            failed: false,
        })
    }

    pub fn info(&self) -> &TrackInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The position of the next frame [`Self::read_f32`] will return.
    pub fn position(&self) -> Duration {
        frames_to_duration(self.position, self.info.sample_rate)
    }

    /// Appends the next packet's samples to `out` as interleaved `f32` in `[-1, 1]`.
    /// Returns the number of frames appended; 0 means the end of the stream.
    pub fn read_f32(&mut self, out: &mut Vec<f32>) -> Result<usize, DecodeError> {
        self.read_into(out)
    }

    /// Appends the next packet's samples to `out` as interleaved `i32`, left-aligned (a 16-bit
    /// sample `s` becomes `s << 16`): exact for integer sources, for bit-exact comparisons.
    pub fn read_i32(&mut self, out: &mut Vec<i32>) -> Result<usize, DecodeError> {
        self.read_into(out)
    }

    /// Moves so that the next frame read is the one at `to` (clamped to the end), exactly
    /// to the frame for formats with exact seeking. Returns the new position.
    pub fn seek(&mut self, to: Duration) -> Result<Duration, DecodeError> {
        if self.failed {
            return Err(DecodeError::Seek("the decoder failed earlier".into()));
        }
        let rate = u128::from(self.info.sample_rate);
        let mut target = u64::try_from(to.as_nanos() * rate / 1_000_000_000)
            .map_err(|_| DecodeError::Seek("position out of range".into()))?;
        if let Some(frames) = self.info.frames {
            target = target.min(frames);
        }
        let stream_frame = target + self.edit_delay;
        let ts = self.frames_to_ts(stream_frame);
        let track_id = self.track_id;
        let seeked = contained(|| {
            self.format.seek(
                SeekMode::Accurate,
                SeekTo::Timestamp {
                    ts: Timestamp::new(i64::try_from(ts).unwrap_or(i64::MAX)),
                    track_id,
                },
            )
        })
        .inspect_err(|_| self.failed = true)?
        .map_err(|e| DecodeError::Seek(e.to_string()))?;
        self.codec.reset();
        let actual = u64::try_from(seeked.actual_ts.get()).unwrap_or(0);
        let required = u64::try_from(seeked.required_ts.get()).unwrap_or(0);
        let landed = self.ts_to_frames(actual);
        let wanted = self.ts_to_frames(required.max(ts));
        self.skip = wanted.saturating_sub(landed);
        self.position = target;
        self.remaining = if self.edit_delay > 0 {
            self.info.frames.map(|f| f.saturating_sub(target))
        } else {
            None
        };
        Ok(frames_to_duration(target, self.info.sample_rate))
    }

    fn frames_to_ts(&self, frames: u64) -> u64 {
        match self.time_base {
            Some(tb) => {
                let ts = u128::from(frames) * u128::from(tb.denom.get())
                    / (u128::from(tb.numer.get()) * u128::from(self.info.sample_rate));
                u64::try_from(ts).unwrap_or(u64::MAX)
            }
            None => frames,
        }
    }

    fn ts_to_frames(&self, ts: u64) -> u64 {
        match self.time_base {
            Some(tb) => {
                let frames =
                    u128::from(ts) * u128::from(tb.numer.get()) * u128::from(self.info.sample_rate)
                        / u128::from(tb.denom.get());
                u64::try_from(frames).unwrap_or(u64::MAX)
            }
            None => ts,
        }
    }

    fn read_into<S: ConvertibleSample>(&mut self, out: &mut Vec<S>) -> Result<usize, DecodeError> {
        if self.failed {
            return Err(DecodeError::Malformed("the decoder failed earlier".into()));
        }
        let result = self.read_packet(out);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn read_packet<S: ConvertibleSample>(
        &mut self,
        out: &mut Vec<S>,
    ) -> Result<usize, DecodeError> {
        let channels = self.info.channels;
        let mut bad_packets = 0u32;
        let mut empty_packets = 0u32;
        loop {
            if self.remaining == Some(0) {
                return Ok(0);
            }
            let packet = match contained(|| self.format.next_packet())? {
                Ok(Some(packet)) => packet,
                Ok(None) | Err(SymphoniaError::ResetRequired) => {
                    self.check_complete()?;
                    return Ok(0);
                }
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    self.check_complete()?;
                    return Ok(0);
                }
                Err(e) => return Err(map_error(e)),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            if packet.data.len() > MAX_PACKET_BYTES {
                return Err(DecodeError::LimitExceeded(format!(
                    "a packet of {} bytes",
                    packet.data.len()
                )));
            }
            let codec = &mut self.codec;
            let buffer = match contained(|| codec.decode(&packet))? {
                Ok(buffer) => buffer,
                Err(SymphoniaError::DecodeError(what)) => {
                    bad_packets += 1;
                    if bad_packets > MAX_CONSECUTIVE_BAD_PACKETS {
                        return Err(DecodeError::Malformed(what.into()));
                    }
                    tracing::debug!(path = %self.path.display(), what, "skipped a bad packet");
                    continue;
                }
                Err(e) => return Err(map_error(e)),
            };
            bad_packets = 0;
            let frames = buffer.frames();
            if frames > MAX_PACKET_FRAMES {
                return Err(DecodeError::LimitExceeded(format!(
                    "a packet of {frames} frames"
                )));
            }
            if frames > 0 && buffer.spec().channels().count() != channels {
                return Err(DecodeError::Malformed(
                    "the channel layout changed mid-stream".into(),
                ));
            }
            let skip = usize::try_from(self.skip).unwrap_or(usize::MAX).min(frames);
            self.skip -= skip as u64;
            let mut take = frames - skip;
            if let Some(remaining) = self.remaining.as_mut() {
                take = take.min(usize::try_from(*remaining).unwrap_or(usize::MAX));
                *remaining -= take as u64;
            }
            if take == 0 {
                empty_packets += 1;
                if empty_packets > MAX_CONSECUTIVE_EMPTY_PACKETS {
                    return Err(DecodeError::Malformed(
                        "the stream makes no progress".into(),
                    ));
                }
                continue;
            }
            let start = out.len();
            out.resize(start + take * channels, S::MID);
            if skip == 0 && take == frames {
                buffer.copy_to_slice_interleaved(&mut out[start..]);
            } else {
                buffer
                    .slice(skip..skip + take)
                    .copy_to_slice_interleaved(&mut out[start..]);
            }
            self.position += take as u64;
            return Ok(take);
        }
    }

    /// At the end of the stream: an error if it ended well short of its declared length.
    fn check_complete(&self) -> Result<(), DecodeError> {
        match self.info.frames {
            Some(frames)
                if self.length_is_exact && self.position + TRUNCATION_SLACK_FRAMES < frames =>
            {
                Err(DecodeError::Malformed(format!(
                    "truncated: the stream ends at frame {} of {frames}",
                    self.position
                )))
            }
            _ => Ok(()),
        }
    }
}

/// Opens `path` and recognises its container.
fn probe(path: &Path) -> Result<Box<dyn FormatReader>, DecodeError> {
    let file = File::open(path).map_err(|e| DecodeError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let stream = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    contained(|| {
        symphonia::default::get_probe().probe(
            &hint,
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
    })?
    .map_err(|e| match e {
        SymphoniaError::Unsupported(_) => {
            DecodeError::Unsupported("not a recognised audio file".into())
        }
        other => map_error(other),
    })
}

/// Decodes all of `path` into interleaved `f32`, refusing files longer than `max_frames`.
pub fn decode_f32(path: &Path, max_frames: u64) -> Result<Decoded<f32>, DecodeError> {
    decode_all(path, max_frames, Decoder::read_f32)
}

/// Decodes all of `path` into left-aligned interleaved `i32` (see [`Decoder::read_i32`]).
pub fn decode_i32(path: &Path, max_frames: u64) -> Result<Decoded<i32>, DecodeError> {
    decode_all(path, max_frames, Decoder::read_i32)
}

fn decode_all<S>(
    path: &Path,
    max_frames: u64,
    mut read: impl FnMut(&mut Decoder, &mut Vec<S>) -> Result<usize, DecodeError>,
) -> Result<Decoded<S>, DecodeError> {
    let mut decoder = Decoder::open(path)?;
    let channels = decoder.info().channels;
    let declared = decoder.info().frames.unwrap_or(0).min(max_frames);
    let mut samples = Vec::with_capacity(usize::try_from(declared).unwrap_or(0) * channels);
    let mut frames = 0u64;
    loop {
        let n = read(&mut decoder, &mut samples)?;
        if n == 0 {
            break;
        }
        frames += n as u64;
        if frames > max_frames {
            return Err(DecodeError::LimitExceeded(format!(
                "longer than {max_frames} frames"
            )));
        }
    }
    Ok(Decoded {
        info: decoder.info().clone(),
        samples,
    })
}

/// Runs `f`, turning a panic inside symphonia into an error.
fn contained<T>(f: impl FnOnce() -> T) -> Result<T, DecodeError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        DecodeError::DecoderPanicked(message)
    })
}

fn map_error(error: SymphoniaError) -> DecodeError {
    match error {
        SymphoniaError::IoError(e) => DecodeError::Malformed(format!("read failed: {e}")),
        SymphoniaError::DecodeError(what) => DecodeError::Malformed(what.into()),
        SymphoniaError::SeekError(kind) => DecodeError::Seek(format!("{kind:?}")),
        SymphoniaError::Unsupported(what) => DecodeError::Unsupported(what.into()),
        SymphoniaError::LimitError(what) => DecodeError::LimitExceeded(what.into()),
        SymphoniaError::ResetRequired => DecodeError::Unsupported("chained streams".into()),
        other => DecodeError::Malformed(other.to_string()),
    }
}

pub(crate) fn frames_to_duration(frames: u64, rate: u32) -> Duration {
    let nanos = u128::from(frames) * 1_000_000_000 / u128::from(rate.max(1));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// ReplayGain from every metadata revision the file carries (`ID3v2`, Vorbis comments,
/// APE, MP4 freeform atoms); the last value found wins.
fn read_replay_gain(format: &mut dyn FormatReader) -> ReplayGain {
    let mut gain = ReplayGain::default();
    let mut metadata = format.metadata();
    let mut visit = |revision: &MetadataRevision| {
        let tracks = revision.per_track.iter().map(|t| &t.metadata);
        for container in std::iter::once(&revision.media).chain(tracks) {
            for tag in &container.tags {
                match &tag.std {
                    Some(StandardTag::ReplayGainTrackGain(v)) => {
                        gain.track_gain_db = parse_decibels(v).or(gain.track_gain_db);
                    }
                    Some(StandardTag::ReplayGainTrackPeak(v)) => {
                        gain.track_peak = v.trim().parse().ok().or(gain.track_peak);
                    }
                    _ => {
                        let key = tag.raw.key.to_ascii_lowercase();
                        let RawValue::String(v) = &tag.raw.value else {
                            continue;
                        };
                        if key.ends_with("replaygain_track_gain") {
                            gain.track_gain_db = parse_decibels(v).or(gain.track_gain_db);
                        } else if key.ends_with("replaygain_track_peak") {
                            gain.track_peak = v.trim().parse().ok().or(gain.track_peak);
                        }
                    }
                }
            }
        }
    };
    while let Some(revision) = metadata.pop() {
        visit(&revision);
    }
    if let Some(revision) = metadata.current() {
        visit(revision);
    }
    gain
}

/// Parses `-6.5 dB`, `+2.10 dB` or `-6.5`.
fn parse_decibels(text: &str) -> Option<f32> {
    let text = text.trim();
    let number = text
        .strip_suffix("dB")
        .or_else(|| text.strip_suffix("db"))
        .or_else(|| text.strip_suffix("DB"))
        .unwrap_or(text)
        .trim();
    let value: f32 = number.parse().ok()?;
    (value.is_finite() && value.abs() <= 60.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_replay_gain_values() {
        assert_eq!(parse_decibels("-6.50 dB"), Some(-6.5));
        assert_eq!(parse_decibels("+2.1 dB"), Some(2.1));
        assert_eq!(parse_decibels(" -3 "), Some(-3.0));
        assert_eq!(parse_decibels("loud"), None);
        assert_eq!(parse_decibels("NaN dB"), None);
        assert_eq!(parse_decibels("-999 dB"), None);
    }

    #[test]
    fn replay_gain_never_pushes_the_peak_past_full_scale() {
        let quiet = ReplayGain {
            track_gain_db: Some(-6.0206),
            track_peak: Some(0.9),
        };
        assert!((quiet.track_factor() - 0.5).abs() < 1e-3);
        let loud = ReplayGain {
            track_gain_db: Some(6.0206),
            track_peak: Some(0.8),
        };
        assert!((loud.track_factor() - 1.25).abs() < 1e-3);
        assert!((ReplayGain::default().track_factor() - 1.0).abs() < f32::EPSILON);
    }
}
