//! Reading one file: sniffing, structural checks, tags, properties and cover art, with every
//! failure (and any panic in a parser) turned into a human reason.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use lofty::config::ParseOptions;
use lofty::file::{AudioFile, FileType, TaggedFileExt};
use lofty::picture::PictureType;
use lofty::prelude::Accessor;
use lofty::probe::Probe;
use lofty::tag::{ItemKey, Tag};

use crate::cover::{Covers, hex};
use crate::integrity;
use crate::positional::PositionalFile;
use crate::sniff::{self, Sniffed};

/// Bytes hashed from each of the start, middle and end of a file for its fingerprint.
const SAMPLE: u64 = 8 * 1024;
const SAMPLE_LEN: usize = 8 * 1024;
/// The largest single tag item (text or picture) a parser may allocate.
pub(crate) const MAX_TAG_ITEM_BYTES: usize = 16 * 1024 * 1024;
/// Tag text longer than this is cut (a title is not a novel).
const MAX_TEXT_CHARS: usize = 1024;

/// What the library learnt about one file.
#[derive(Debug)]
pub(crate) struct Scanned {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i64,
    pub fingerprint: String,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub(crate) enum Outcome {
    Read(Box<TrackInfo>),
    Unreadable(String),
    /// Not audio and not named like audio: not the library's business.
    Ignored,
}

/// Tags and stream properties of a readable file.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrackInfo {
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub album_artist: Option<String>,
    pub track_no: Option<u32>,
    pub disc_no: Option<u32>,
    pub genre: Option<String>,
    pub year: Option<u16>,
    pub duration_ms: u64,
    pub sample_rate: Option<u32>,
    pub channels: Option<u8>,
    pub codec: &'static str,
    pub rg_track_gain: Option<f64>,
    pub rg_track_peak: Option<f64>,
    pub rg_album_gain: Option<f64>,
    pub rg_album_peak: Option<f64>,
    pub cover: Option<String>,
    /// No title tag: `title` is the file's name.
    pub untitled: bool,
}

/// Caps what lofty may allocate on this thread; call once per worker thread.
pub(crate) fn limit_parser_allocations() {
    lofty::config::apply_global_options(
        lofty::config::GlobalOptions::new().allocation_limit(MAX_TAG_ITEM_BYTES),
    );
}

/// Reads one file. Never panics and never fails: problems become [`Outcome::Unreadable`].
/// `named_audio` says the file's name promises audio, so non-audio content is reported rather
/// than ignored.
pub(crate) fn read_file(path: &Path, named_audio: bool, covers: Option<&Covers>) -> Scanned {
    let mut scanned = Scanned {
        path: path.to_owned(),
        size: 0,
        mtime_ns: 0,
        fingerprint: String::new(),
        outcome: Outcome::Ignored,
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        read_file_inner(path, named_audio, covers, &mut scanned)
    }));
    scanned.outcome = match result {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(reason)) => Outcome::Unreadable(reason),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::warn!(path = %path.display(), %what, "tag reader panicked");
            Outcome::Unreadable(format!("the tag reader crashed on this file ({what})"))
        }
    };
    scanned
}

fn read_file_inner(
    path: &Path,
    named_audio: bool,
    covers: Option<&Covers>,
    scanned: &mut Scanned,
) -> Result<Outcome, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    let mut file = PositionalFile::new(file, meta.len());
    scanned.size = meta.len();
    scanned.mtime_ns = mtime_ns(&meta);
    if path.to_str().is_none() {
        return Err("the file name is not valid UTF-8".to_owned());
    }
    let size = meta.len();
    let mut head = Vec::with_capacity(SAMPLE_LEN);
    (&mut file)
        .take(SAMPLE)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read: {e}"))?;
    let sniffed = sniff::sniff(&head);
    // One read of the end serves both the fingerprint and the structural checks (Ogg and FLAC
    // look for their last page or frame there).
    let tail_len = match sniffed {
        Sniffed::Audio(FileType::Flac | FileType::Vorbis | FileType::Opus | FileType::Speex) => {
            integrity::TAIL
        }
        _ => SAMPLE,
    };
    let tail = if size > SAMPLE {
        integrity::read_tail(&mut file, size, tail_len).map_err(|e| format!("cannot read: {e}"))?
    } else {
        head.clone()
    };
    scanned.fingerprint = fingerprint(size, &head, &tail);
    if size == 0 {
        return Err("the file is empty".to_owned());
    }
    let file_type = match sniffed {
        Sniffed::Audio(t) => t,
        Sniffed::NotAudio(what) if named_audio => {
            return Err(format!("not an audio file: the content is {what}"));
        }
        Sniffed::Unknown if named_audio => {
            return Err("not an audio file: the content is not a known audio format".to_owned());
        }
        _ => return Ok(Outcome::Ignored),
    };
    if let Some(reason) = integrity::check(&mut file, size, file_type, &head, &tail)
        .map_err(|e| format!("cannot read: {e}"))?
    {
        return Err(reason);
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot read: {e}"))?;
    let codec = sniff::codec_name(file_type);
    // Vorbis: the stream's properties are in the bytes already read, so lofty need not search
    // the file's end for its last page again.
    let known = match file_type {
        FileType::Vorbis => vorbis_properties(&head, &tail),
        _ => None,
    };
    let tagged = Probe::with_file_type(BufReader::new(file), file_type)
        .options(
            ParseOptions::new()
                .read_cover_art(covers.is_some())
                .read_properties(known.is_none()),
        )
        .read()
        .map_err(|e| format!("corrupt {codec} file: {e}"))?;
    let stream = known.unwrap_or_else(|| {
        let properties = tagged.properties();
        StreamProperties {
            duration_ms: u64::try_from(properties.duration().as_millis()).unwrap_or(u64::MAX),
            sample_rate: properties.sample_rate(),
            channels: properties.channels(),
        }
    });
    if stream.duration_ms == 0 && stream.sample_rate.is_none() {
        return Err(format!("corrupt {codec} file: no audio stream found"));
    }
    let mut info = TrackInfo {
        duration_ms: stream.duration_ms,
        sample_rate: stream.sample_rate,
        channels: stream.channels,
        codec,
        ..TrackInfo::default()
    };
    fill_tags(&mut info, tagged.tags());
    if info.title.is_empty() {
        info.untitled = true;
        info.title = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    if let Some(covers) = covers {
        info.cover = tagged
            .tags()
            .iter()
            .flat_map(Tag::pictures)
            .min_by_key(|p| u8::from(p.pic_type() != PictureType::CoverFront))
            .and_then(|p| covers.embedded(p.data()))
            .or_else(|| path.parent().and_then(|dir| covers.folder(dir)));
    }
    Ok(Outcome::Read(Box::new(info)))
}

/// How long a stream is and how it is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StreamProperties {
    duration_ms: u64,
    sample_rate: Option<u32>,
    channels: Option<u8>,
}

/// A Vorbis stream's properties from its identification header (in the first page, at the
/// start of `head`) and the granule position of its last page (in `tail`), computed as lofty
/// does. `None` when anything is unusual (another stream's page last, no position, a zero
/// rate), and lofty reads the file itself.
fn vorbis_properties(head: &[u8], tail: &[u8]) -> Option<StreamProperties> {
    if head.get(..5)? != b"OggS" {
        return None;
    }
    let first_granule = u64::from_le_bytes(head.get(6..14)?.try_into().ok()?);
    let serial = u32::from_le_bytes(head.get(14..18)?.try_into().ok()?);
    let packet = 27 + usize::from(*head.get(26)?);
    let ident = head.get(packet..packet + 16)?;
    if &ident[..7] != b"\x01vorbis" {
        return None;
    }
    let channels = ident[11];
    let sample_rate = u32::from_le_bytes(ident[12..16].try_into().ok()?);
    let last = integrity::last_ogg_page(tail)?;
    if last.serial != serial || last.granule == u64::MAX || sample_rate == 0 {
        return None;
    }
    let samples = u128::from(last.granule.saturating_sub(first_granule));
    if samples == 0 {
        return None;
    }
    let rate = u128::from(sample_rate);
    Some(StreamProperties {
        duration_ms: u64::try_from((samples * 1000 + rate / 2) / rate).ok()?,
        sample_rate: Some(sample_rate),
        channels: Some(channels),
    })
}

fn fill_tags(info: &mut TrackInfo, tags: &[Tag]) {
    let text = |get: &dyn Fn(&Tag) -> Option<String>| {
        tags.iter().find_map(|t| get(t).and_then(|s| clean(&s)))
    };
    info.title = text(&|t| t.title().map(std::borrow::Cow::into_owned)).unwrap_or_default();
    info.artist = text(&|t| t.artist().map(std::borrow::Cow::into_owned));
    info.album = text(&|t| t.album().map(std::borrow::Cow::into_owned));
    info.album_artist = text(&|t| t.get_string(ItemKey::AlbumArtist).map(str::to_owned));
    info.genre = text(&|t| t.genre().map(std::borrow::Cow::into_owned));
    info.track_no = tags.iter().find_map(Accessor::track);
    info.disc_no = tags.iter().find_map(Accessor::disk);
    info.year = tags
        .iter()
        .find_map(|t| t.date().map(|d| d.year))
        .or_else(|| {
            tags.iter().find_map(|t| {
                t.get_string(ItemKey::Year)
                    .and_then(|s| s.get(..4))
                    .and_then(|s| s.parse().ok())
            })
        })
        .filter(|y| *y > 0);
    let gain = |key: ItemKey| {
        tags.iter()
            .find_map(|t| t.get_string(key).and_then(parse_gain))
    };
    info.rg_track_gain = gain(ItemKey::ReplayGainTrackGain);
    info.rg_track_peak = gain(ItemKey::ReplayGainTrackPeak);
    info.rg_album_gain = gain(ItemKey::ReplayGainAlbumGain);
    info.rg_album_peak = gain(ItemKey::ReplayGainAlbumPeak);
}

/// Trims, drops empty values and caps the length of tag text.
fn clean(s: &str) -> Option<String> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if s.is_empty() {
        return None;
    }
    Some(s.chars().take(MAX_TEXT_CHARS).collect())
}

/// Parses `-6.54 dB` or `0.988` into a number.
fn parse_gain(s: &str) -> Option<f64> {
    let number = s
        .trim()
        .trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace());
    number.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Size plus the first and last 8 kB: enough to tell files apart when matching a moved file
/// with the track it was, cheap enough to compute for every file.
/// Not a cryptographic hash: a forged collision could at worst make a rescan take one file
/// for another's renamed copy, and SHA-256 here cost a fifth of the scan.
fn fingerprint(size: u64, head: &[u8], tail: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&size.to_le_bytes());
    hasher.update(head);
    let start = tail.len().saturating_sub(SAMPLE_LEN);
    hasher.update(&tail[start..]);
    hex(&hasher.digest128().to_be_bytes())
}

/// Modification time in nanoseconds since the epoch (0 when the platform has none).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_replaygain_values() {
        assert_eq!(parse_gain("-6.54 dB"), Some(-6.54));
        assert_eq!(parse_gain("0.988312"), Some(0.988_312));
        assert_eq!(parse_gain("loud"), None);
    }

    #[test]
    fn cleans_tag_text() {
        assert_eq!(clean("  Hi\0"), Some("Hi".to_owned()));
        assert_eq!(clean(" \0 "), None);
        assert_eq!(
            clean(&"x".repeat(5000)).map(|s| s.len()),
            Some(MAX_TEXT_CHARS)
        );
    }
}
