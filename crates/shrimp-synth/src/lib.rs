//! Shrimp's demo-catalogue generator.
//!
//! Owns everything needed to make a believable shop of music from nothing but a seed:
//! composed and synthesised tracks ([`render`]), a small FLAC encoder ([`encode_flac`]),
//! generative cover art ([`cover_png`]), titles ([`title`]) and synced lyrics
//! ([`lyrics_lrc`]). It is pure: no IO, threads, clocks or network, and the same input gives
//! the same bytes on every platform, because the signal path avoids libm transcendental
//! functions and uses its own PRNG. It knows nothing about shops, prices or storage; the
//! seeder in `shrimp-core` decides what to make and where to put it.

#![allow(
    // DSP converts between sample counts, frequencies and grid steps all the time; every
    // such value is bounded by the 150-second maximum length.
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::many_single_char_names,
    clippy::similar_names
)]

mod compose;
mod cover;
mod dsp;
mod flac;
mod lyrics;
mod math;
mod render;
mod rng;
mod theory;
mod voice;

pub use cover::cover_png;
pub use flac::{Tags, encode_flac};
pub use lyrics::{album_title, lyrics_lrc, title};
pub use theory::SectionKind;

/// Output sample rate in hertz.
pub const SAMPLE_RATE: u32 = 44_100;
/// Output channel count.
pub const CHANNELS: u16 = 2;
/// Shortest track [`render`] accepts, in milliseconds.
pub const MIN_DURATION_MS: u32 = 60_000;
/// Longest track [`render`] accepts, in milliseconds.
pub const MAX_DURATION_MS: u32 = 150_000;

/// What went wrong; every input is checked, nothing panics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("duration {0} ms is outside {MIN_DURATION_MS}..={MAX_DURATION_MS} ms")]
    DurationOutOfRange(u32),
    #[error("image size {0} px is outside 16..=4096")]
    SizeOutOfRange(u32),
    #[error("the audio is not 16-bit stereo at 44.1 kHz with whole frames")]
    UnsupportedAudio,
    #[error("metadata too large: {0}")]
    MetadataTooLarge(&'static str),
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Musical style of a generated track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Genre {
    Folk,
    Electronic,
    Rock,
    Ambient,
    /// Chinese pentatonic music on a plucked zither with slides and vibrato.
    Guqin,
    LoFi,
    Piano,
}

/// Language of generated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhHans,
}

impl Genre {
    /// Every genre, in display order.
    pub const ALL: [Self; 7] = [
        Self::Folk,
        Self::Electronic,
        Self::Rock,
        Self::Ambient,
        Self::Guqin,
        Self::LoFi,
        Self::Piano,
    ];

    /// Lowercase slug, stable for storage and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Folk => "folk",
            Self::Electronic => "electronic",
            Self::Rock => "rock",
            Self::Ambient => "ambient",
            Self::Guqin => "guqin",
            Self::LoFi => "lofi",
            Self::Piano => "piano",
        }
    }

    /// Parses a slug from [`Genre::as_str`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == slug)
    }

    /// Human name in a language.
    pub fn display_name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Folk, Lang::En) => "Folk",
            (Self::Electronic, Lang::En) => "Electronic",
            (Self::Rock, Lang::En) => "Rock",
            (Self::Ambient, Lang::En) => "Ambient",
            (Self::Guqin, Lang::En) => "Guqin",
            (Self::LoFi, Lang::En) => "Lo-fi",
            (Self::Piano, Lang::En) => "Piano",
            (Self::Folk, Lang::ZhHans) => "民谣",
            (Self::Electronic, Lang::ZhHans) => "电子",
            (Self::Rock, Lang::ZhHans) => "摇滚",
            (Self::Ambient, Lang::ZhHans) => "氛围",
            (Self::Guqin, Lang::ZhHans) => "古琴",
            (Self::LoFi, Lang::ZhHans) => "低保真",
            (Self::Piano, Lang::ZhHans) => "钢琴",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackSpec {
    pub seed: u64,
    pub genre: Genre,
    /// Exact length, `MIN_DURATION_MS..=MAX_DURATION_MS`.
    pub duration_ms: u32,
}

/// One part of a song's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub start_ms: u32,
    pub end_ms: u32,
    pub kind: SectionKind,
    pub bars: u16,
}

/// A rendered track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Always [`SAMPLE_RATE`].
    pub sample_rate: u32,
    /// Always [`CHANNELS`].
    pub channels: u16,
    /// Interleaved left/right samples.
    pub samples: Vec<i16>,
    /// The song's form, in order.
    pub sections: Vec<Section>,
}

impl Rendered {
    /// Number of stereo frames.
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    /// Length in milliseconds.
    pub fn duration_ms(&self) -> u32 {
        let ms = self.frames() as u64 * 1000 / u64::from(self.sample_rate.max(1));
        u32::try_from(ms).unwrap_or(u32::MAX)
    }
}

/// Composes and renders a track. Deterministic: the same spec gives the same samples.
/// The length is `duration_ms` rounded to the nearest frame.
pub fn render(spec: &TrackSpec) -> Result<Rendered, SynthError> {
    if !(MIN_DURATION_MS..=MAX_DURATION_MS).contains(&spec.duration_ms) {
        return Err(SynthError::DurationOutOfRange(spec.duration_ms));
    }
    let song = compose::compose(spec.genre, spec.seed, spec.duration_ms);
    let samples = render::mix(spec.genre, &song, spec.seed);
    Ok(Rendered {
        sample_rate: SAMPLE_RATE,
        channels: CHANNELS,
        samples,
        sections: song.sections,
    })
}

/// Number of frames [`render`] produces for a duration.
pub fn frames_for(duration_ms: u32) -> usize {
    let frames = (u64::from(duration_ms) * u64::from(SAMPLE_RATE) + 500) / 1000;
    usize::try_from(frames).unwrap_or(usize::MAX)
}
