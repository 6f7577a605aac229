//! The gapless information an MP4/M4A file keeps in its edit list (`moov/trak/edts/elst`):
//! how many priming frames the encoder put in front (AAC encoders add 1024 or 2112) and how
//! many frames are meant to be heard. Symphonia's MP4 reader does not apply edit lists, so
//! the decoder trims by what this module reads. Apple's `iTunSMPB` tag is not read.
//!
//! The parser is bounded: it reads at most [`MAX_MOOV_BYTES`] of `moov` into memory, walks a
//! fixed depth, and gives up (returns `None`) on anything it does not understand.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The largest `moov` box read into memory; real music files have a few hundred kilobytes.
const MAX_MOOV_BYTES: u64 = 32 * 1024 * 1024;
/// The most top-level boxes walked before giving up.
const MAX_TOP_LEVEL_BOXES: usize = 4096;

/// Priming and playable length, in frames at the track's sample rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gapless {
    /// Frames to drop at the start (encoder delay).
    pub delay: u64,
    /// Frames to keep after the delay, when the file says.
    pub frames: Option<u64>,
}

/// Reads the first sound track's edit list from the MP4 file at `path`, converted to frames at
/// `sample_rate`. `None` when the file has no usable edit list (or is not MP4 at all).
pub fn read_gapless(path: &Path, sample_rate: u32) -> Option<Gapless> {
    let mut file = File::open(path).ok()?;
    let moov = read_moov(&mut file)?;
    let movie_timescale = find_box(&moov, *b"mvhd").and_then(timescale)?;
    for trak in children(&moov).filter(|(kind, _)| kind == b"trak") {
        let trak = trak.1;
        let Some(mdia) = find_box(trak, *b"mdia") else {
            continue;
        };
        let is_sound = find_box(mdia, *b"hdlr").is_some_and(|h| h.get(8..12) == Some(b"soun"));
        if !is_sound {
            continue;
        }
        let media_timescale = find_box(mdia, *b"mdhd").and_then(timescale)?;
        let elst = find_box(trak, *b"edts").and_then(|edts| find_box(edts, *b"elst"))?;
        let edit = first_media_edit(elst)?;
        let rate = u128::from(sample_rate);
        let delay = u128::from(edit.media_time) * rate / u128::from(media_timescale);
        let frames = (edit.segment_duration > 0)
            .then(|| u128::from(edit.segment_duration) * rate / u128::from(movie_timescale));
        return Some(Gapless {
            delay: u64::try_from(delay).ok()?,
            frames: frames.and_then(|f| u64::try_from(f).ok()),
        });
    }
    None
}

/// One edit: a stretch of media (from `media_time`, in media timescale) shown for
/// `segment_duration` (in movie timescale).
struct Edit {
    segment_duration: u64,
    media_time: u64,
}

fn read_moov(file: &mut File) -> Option<Vec<u8>> {
    let len = file.metadata().ok()?.len();
    let mut offset = 0u64;
    for _ in 0..MAX_TOP_LEVEL_BOXES {
        if offset + 8 > len {
            return None;
        }
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut header = [0u8; 16];
        file.read_exact(&mut header[..8]).ok()?;
        let mut size = u64::from(u32::from_be_bytes(header[..4].try_into().ok()?));
        let kind: [u8; 4] = header[4..8].try_into().ok()?;
        let mut header_len = 8;
        if size == 1 {
            file.read_exact(&mut header[8..16]).ok()?;
            size = u64::from_be_bytes(header[8..16].try_into().ok()?);
            header_len = 16;
        } else if size == 0 {
            size = len - offset;
        }
        if size < header_len || offset.checked_add(size)? > len {
            return None;
        }
        if &kind == b"moov" {
            let body = size - header_len;
            if body > MAX_MOOV_BYTES {
                return None;
            }
            let mut moov = vec![0; usize::try_from(body).ok()?];
            file.read_exact(&mut moov).ok()?;
            return Some(moov);
        }
        offset += size;
    }
    None
}

/// The boxes directly inside `body`, as (type, contents). Stops at the first malformed one.
fn children(body: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let size = usize::try_from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let (header_len, size) = match size {
            0 => (8, rest.len()),
            1 => {
                let large = u64::from_be_bytes(rest.get(8..16)?.try_into().ok()?);
                (16, usize::try_from(large).ok()?)
            }
            n => (8, n),
        };
        if size < header_len || size > rest.len() {
            return None;
        }
        let contents = &rest[header_len..size];
        rest = &rest[size..];
        Some((kind, contents))
    })
}

fn find_box(body: &[u8], kind: [u8; 4]) -> Option<&[u8]> {
    children(body).find(|(k, _)| *k == kind).map(|(_, b)| b)
}

/// The timescale of an `mvhd` or `mdhd` full box.
fn timescale(full_box: &[u8]) -> Option<u32> {
    let at = if *full_box.first()? == 1 { 20 } else { 12 };
    let scale = u32::from_be_bytes(full_box.get(at..at + 4)?.try_into().ok()?);
    (scale > 0).then_some(scale)
}

/// The first edit that shows media (an "empty edit" has `media_time == -1`).
fn first_media_edit(elst: &[u8]) -> Option<Edit> {
    let version = *elst.first()?;
    let count = u32::from_be_bytes(elst.get(4..8)?.try_into().ok()?);
    let entry_len = if version == 1 { 20 } else { 12 };
    let mut at = 8usize;
    for _ in 0..count.min(64) {
        let entry = elst.get(at..at + entry_len)?;
        let (segment_duration, media_time) = if version == 1 {
            (
                u64::from_be_bytes(entry[..8].try_into().ok()?),
                i64::from_be_bytes(entry[8..16].try_into().ok()?),
            )
        } else {
            (
                u64::from(u32::from_be_bytes(entry[..4].try_into().ok()?)),
                i64::from(i32::from_be_bytes(entry[4..8].try_into().ok()?)),
            )
        };
        if let Ok(media_time) = u64::try_from(media_time) {
            return Some(Edit {
                segment_duration,
                media_time,
            });
        }
        at += entry_len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: [u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(&kind);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn reads_priming_and_length_from_a_v0_edit_list() {
        let mut movie_header = vec![0u8; 20];
        movie_header[12..16].copy_from_slice(&1000u32.to_be_bytes());
        let mut media_header = vec![0u8; 20];
        media_header[12..16].copy_from_slice(&44100u32.to_be_bytes());
        let mut hdlr = vec![0u8; 12];
        hdlr[8..12].copy_from_slice(b"soun");
        let mut elst = vec![0u8, 0, 0, 0];
        elst.extend_from_slice(&1u32.to_be_bytes());
        elst.extend_from_slice(&2000u32.to_be_bytes()); // 2 s in movie timescale
        elst.extend_from_slice(&1024i32.to_be_bytes());
        elst.extend_from_slice(&0x0001_0000i32.to_be_bytes());
        let mdia = [boxed(*b"mdhd", &media_header), boxed(*b"hdlr", &hdlr)].concat();
        let trak = [
            boxed(*b"edts", &boxed(*b"elst", &elst)),
            boxed(*b"mdia", &mdia),
        ]
        .concat();
        let moov = [boxed(*b"mvhd", &movie_header), boxed(*b"trak", &trak)].concat();
        let file = [boxed(*b"ftyp", b"M4A \0\0\0\0"), boxed(*b"moov", &moov)].concat();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.m4a");
        std::fs::write(&path, file).unwrap();
        assert_eq!(
            read_gapless(&path, 44100),
            Some(Gapless {
                delay: 1024,
                frames: Some(88200)
            })
        );
    }

    #[test]
    fn gives_up_on_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.m4a");
        std::fs::write(&path, [0xffu8; 64]).unwrap();
        assert_eq!(read_gapless(&path, 44100), None);
        std::fs::write(&path, []).unwrap();
        assert_eq!(read_gapless(&path, 44100), None);
    }
}
