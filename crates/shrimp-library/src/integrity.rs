//! Cheap structural checks that catch truncated files without decoding them: each container
//! declares how long it is (a chunk size, a box size, a frame count, an end-of-stream page),
//! and a cut-off file breaks that promise. Reads at most a few header fields and the file's
//! tail, so it costs about as much as reading the tags.

use std::io::{Read, Seek, SeekFrom};

use lofty::file::FileType;

/// How much of the end of a file is read for tail checks.
pub(crate) const TAIL: u64 = 64 * 1024;
/// The most chunks or boxes walked before giving up (a hostile file could declare millions).
const MAX_CHUNKS: usize = 4096;

/// Returns why the file looks truncated, or `None` when its structure is complete (or the format
/// has no check).
pub(crate) fn check<F: Read + Seek>(
    file: &mut F,
    size: u64,
    file_type: FileType,
    head: &[u8],
    tail: &[u8],
) -> std::io::Result<Option<String>> {
    match file_type {
        FileType::Wav => walk_chunks(file, size, 12, Endian::Little, *b"data"),
        FileType::Aiff => walk_chunks(file, size, 12, Endian::Big, *b"SSND"),
        FileType::Mp4 => walk_boxes(file, size),
        FileType::Vorbis | FileType::Opus | FileType::Speex => Ok(check_ogg_tail(tail)),
        FileType::Flac => check_flac(file, size, head, tail),
        FileType::Mpeg => Ok(check_mpeg_xing(head, size)),
        _ => Ok(None),
    }
}

/// The last `want` bytes of the file (all of it when shorter).
pub(crate) fn read_tail<F: Read + Seek>(
    file: &mut F,
    size: u64,
    want: u64,
) -> std::io::Result<Vec<u8>> {
    let len = size.min(want);
    file.seek(SeekFrom::Start(size - len))?;
    let mut tail = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(len).read_to_end(&mut tail)?;
    Ok(tail)
}

#[derive(Clone, Copy)]
enum Endian {
    Little,
    Big,
}

fn walk_chunks<F: Read + Seek>(
    file: &mut F,
    size: u64,
    start: u64,
    endian: Endian,
    data_id: [u8; 4],
) -> std::io::Result<Option<String>> {
    let mut offset = start;
    for _ in 0..MAX_CHUNKS {
        if offset + 8 > size {
            return Ok(None);
        }
        file.seek(SeekFrom::Start(offset))?;
        let mut header = [0u8; 8];
        file.read_exact(&mut header)?;
        let len_bytes = [header[4], header[5], header[6], header[7]];
        let len = u64::from(match endian {
            Endian::Little => u32::from_le_bytes(len_bytes),
            Endian::Big => u32::from_be_bytes(len_bytes),
        });
        let end = offset + 8 + len;
        if header[..4] == data_id && end > size {
            // Some writers stream WAV with a placeholder size of 0xFFFFFFFF; that is not a cut.
            if len >= 0xffff_fff0 {
                return Ok(None);
            }
            return Ok(Some(format!(
                "truncated: the audio data should be {len} bytes but only {} are present",
                size.saturating_sub(offset + 8)
            )));
        }
        offset = end + (len & 1);
    }
    Ok(None)
}

fn walk_boxes<F: Read + Seek>(file: &mut F, size: u64) -> std::io::Result<Option<String>> {
    let mut offset = 0u64;
    for _ in 0..MAX_CHUNKS {
        if offset >= size {
            return Ok(None);
        }
        if offset + 8 > size {
            return Ok(Some(
                "truncated: the file ends inside a box header".to_owned(),
            ));
        }
        file.seek(SeekFrom::Start(offset))?;
        let mut header = [0u8; 16];
        let got = file.read(&mut header)?;
        let declared = u64::from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]));
        let len = match declared {
            0 => return Ok(None), // the box runs to the end of the file
            1 if got >= 16 => u64::from_be_bytes([
                header[8], header[9], header[10], header[11], header[12], header[13], header[14],
                header[15],
            ]),
            n => n,
        };
        if len < 8 {
            return Ok(Some(format!(
                "corrupt: a box declares an impossible size of {len} bytes"
            )));
        }
        if offset.saturating_add(len) > size {
            let kind = String::from_utf8_lossy(&header[4..8]).into_owned();
            return Ok(Some(format!(
                "truncated: the '{kind}' box should be {len} bytes but only {} are present",
                size - offset
            )));
        }
        offset += len;
    }
    Ok(None)
}

/// The header fields of the last Ogg page in a file's tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OggPageEnd {
    pub flags: u8,
    pub granule: u64,
    pub serial: u32,
}

/// Walks Ogg pages through the tail: the last page must be complete and end the stream.
fn check_ogg_tail(tail: &[u8]) -> Option<String> {
    match walk_ogg_tail(tail) {
        Err(reason) => Some(reason),
        Ok(None) => None,
        Ok(Some(last)) => (last.flags & 0x04 == 0)
            .then(|| "truncated: the Ogg stream has no end-of-stream page".to_owned()),
    }
}

/// The last complete Ogg page in the tail (`None` when the tail holds no page).
pub(crate) fn last_ogg_page(tail: &[u8]) -> Option<OggPageEnd> {
    walk_ogg_tail(tail).ok().flatten()
}

/// Follows Ogg pages from the first capture pattern in the tail to its end; why the file is
/// cut when the last page is incomplete.
fn walk_ogg_tail(tail: &[u8]) -> Result<Option<OggPageEnd>, String> {
    let find = |from: usize| {
        tail.get(from..)?
            .windows(4)
            .position(|w| w == b"OggS")
            .map(|p| p + from)
    };
    let Some(mut pos) = find(0) else {
        return Ok(None);
    };
    let mut last: OggPageEnd;
    loop {
        let Some(header) = tail.get(pos..pos + 27) else {
            return Err("truncated: the file ends inside an Ogg page header".to_owned());
        };
        if header[4] != 0 {
            // Not a real page (the capture pattern occurred inside data): look further.
            match find(pos + 1) {
                Some(next) => pos = next,
                None => return Ok(None),
            }
            continue;
        }
        let segments = usize::from(header[26]);
        let Some(table) = tail.get(pos + 27..pos + 27 + segments) else {
            return Err("truncated: the file ends inside an Ogg page header".to_owned());
        };
        let body: usize = table.iter().map(|b| usize::from(*b)).sum();
        let end = pos + 27 + segments + body;
        if end > tail.len() {
            return Err("truncated: the last Ogg page is cut short".to_owned());
        }
        last = OggPageEnd {
            flags: header[5],
            granule: u64::from_le_bytes(header[6..14].try_into().unwrap_or_default()),
            serial: u32::from_le_bytes(header[14..18].try_into().unwrap_or_default()),
        };
        if end == tail.len() {
            break;
        }
        if tail.get(end..end + 4) == Some(b"OggS") {
            pos = end;
        } else {
            // Trailing junk or a false capture pattern: resynchronise.
            match find(end) {
                Some(next) => pos = next,
                None => break,
            }
        }
    }
    Ok(Some(last))
}

fn check_flac<F: Read + Seek>(
    file: &mut F,
    size: u64,
    head: &[u8],
    tail: &[u8],
) -> std::io::Result<Option<String>> {
    // STREAMINFO is the first metadata block: "fLaC", a 4-byte block header, then 34 bytes.
    let Some(start) = head.windows(4).position(|w| w == b"fLaC") else {
        return Ok(None);
    };
    let Some(info) = head.get(start + 8..start + 8 + 34) else {
        return Ok(None);
    };
    let max_block = u64::from(u16::from_be_bytes([info[2], info[3]]));
    let max_frame = u64::from(u32::from_be_bytes([0, info[7], info[8], info[9]]));
    let total_samples = (u64::from(info[13] & 0x0f) << 32)
        | u64::from(u32::from_be_bytes([info[14], info[15], info[16], info[17]]));
    let want = TAIL.max(max_frame.saturating_mul(2)).min(4 * 1024 * 1024);
    let longer;
    let tail = if (tail.len() as u64) < want.min(size) {
        longer = read_tail(file, size, want)?;
        &longer[..]
    } else {
        tail
    };
    // The last frame is the one whose header checks out and whose CRC-16 covers exactly the
    // bytes up to the end of the file; a cut file has no such frame.
    let Some((first_sample, block)) = last_flac_frame(tail, max_block) else {
        return Ok(Some(
            "truncated: the last audio frame is cut short".to_owned(),
        ));
    };
    let end = first_sample + block;
    if total_samples != 0 && end < total_samples {
        return Ok(Some(format!(
            "truncated: the audio stops at sample {end} of {total_samples}"
        )));
    }
    Ok(None)
}

/// Finds the complete frame that ends `tail`: its first sample and block size.
fn last_flac_frame(tail: &[u8], stream_block: u64) -> Option<(u64, u64)> {
    (0..tail.len().saturating_sub(6)).rev().find_map(|pos| {
        let (first, block) = parse_flac_frame_header(&tail[pos..], stream_block)?;
        let (body, crc) = tail[pos..].split_at(tail.len() - pos - 2);
        (crc16(body) == u16::from_be_bytes([crc[0], crc[1]])).then_some((first, block))
    })
}

fn parse_flac_frame_header(b: &[u8], stream_block: u64) -> Option<(u64, u64)> {
    if b.len() < 6 || b[0] != 0xff || b[1] & 0xfe != 0xf8 {
        return None;
    }
    let variable = b[1] & 1 == 1;
    let bs_code = b[2] >> 4;
    let sr_code = b[2] & 0x0f;
    if bs_code == 0 || sr_code == 15 || b[3] >> 4 >= 11 || b[3] & 1 != 0 {
        return None;
    }
    let bps = (b[3] >> 1) & 7;
    if bps == 3 || bps == 7 {
        return None;
    }
    // The UTF-8-style coded frame or sample number.
    let lead = b[4];
    let extra = match lead {
        0x00..=0x7f => 0,
        0xc0..=0xdf => 1,
        0xe0..=0xef => 2,
        0xf0..=0xf7 => 3,
        0xf8..=0xfb => 4,
        0xfc..=0xfd => 5,
        0xfe => 6,
        _ => return None,
    };
    let mut number = u64::from(if extra == 0 {
        lead
    } else {
        lead & (0x7f >> (extra + 1))
    });
    let mut i = 5;
    for _ in 0..extra {
        let c = *b.get(i)?;
        if c & 0xc0 != 0x80 {
            return None;
        }
        number = (number << 6) | u64::from(c & 0x3f);
        i += 1;
    }
    let block = match bs_code {
        1 => 192,
        2..=5 => 576 << (bs_code - 2),
        6 => {
            let v = u64::from(*b.get(i)?) + 1;
            i += 1;
            v
        }
        7 => {
            let v = u64::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])) + 1;
            i += 2;
            v
        }
        _ => 256 << (bs_code - 8),
    };
    i += match sr_code {
        12 => 1,
        13 | 14 => 2,
        _ => 0,
    };
    let crc = *b.get(i)?;
    if crc8(&b[..i]) != crc {
        return None;
    }
    // Fixed-blocksize streams number frames (all but the last hold the stream's block size);
    // variable ones number samples.
    let first = if variable {
        number
    } else {
        number * stream_block
    };
    Some((first, block))
}

fn crc8(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |mut crc, byte| {
        crc ^= byte;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
        crc
    })
}

const CRC16_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)]
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x8005
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

fn crc16(data: &[u8]) -> u16 {
    data.iter().fold(0u16, |crc, byte| {
        (crc << 8) ^ CRC16_TABLE[usize::from((crc >> 8) as u8 ^ byte)]
    })
}

/// An MP3 with a Xing/Info header records its stream length; a shorter file was cut.
fn check_mpeg_xing(head: &[u8], size: u64) -> Option<String> {
    let mut start = 0usize;
    if head.starts_with(b"ID3") && head.len() >= 10 {
        let tag = head[6..10]
            .iter()
            .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7f));
        start = 10 + tag + if head[5] & 0x10 != 0 { 10 } else { 0 };
    }
    let frame = head.get(start..start + 4)?;
    if frame[0] != 0xff || frame[1] & 0xe0 != 0xe0 {
        return None;
    }
    let mpeg1 = frame[1] & 0x18 == 0x18;
    let mono = frame[3] >> 6 == 3;
    let side_info = match (mpeg1, mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let tag = head.get(start + 4 + side_info..start + 4 + side_info + 12)?;
    if &tag[..4] != b"Xing" && &tag[..4] != b"Info" {
        return None;
    }
    let flags = u32::from_be_bytes([tag[4], tag[5], tag[6], tag[7]]);
    if flags & 0b10 == 0 {
        return None;
    }
    let offset = if flags & 1 == 1 { 12 } else { 8 };
    let bytes = head.get(start + 4 + side_info + offset..start + 4 + side_info + offset + 4)?;
    let stream = u64::from(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    let present = size.saturating_sub(start as u64);
    // A few bytes of slack: some encoders count the header frame differently.
    (present + 1024 < stream).then(|| {
        format!("truncated: the MP3 stream should be {stream} bytes but only {present} are present")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_flac_reference_values() {
        // Check values of CRC-8/SMBUS and CRC-16/UMTS (FLAC's two CRCs) for "123456789".
        assert_eq!(crc8(b"123456789"), 0xf4);
        assert_eq!(crc16(b"123456789"), 0xfee8);
    }

    #[test]
    fn a_cut_ogg_page_is_truncated() {
        let mut page = b"OggS\0\x04".to_vec();
        page.extend_from_slice(&[0; 20]);
        page.push(1); // one segment
        page.push(10); // of ten bytes
        page.extend_from_slice(&[7; 10]);
        assert_eq!(check_ogg_tail(&page), None);
        assert!(check_ogg_tail(&page[..page.len() - 3]).is_some());
        let mut no_eos = page.clone();
        no_eos[5] = 0;
        assert!(check_ogg_tail(&no_eos).unwrap().contains("end-of-stream"));
        page[6..14].copy_from_slice(&88_200_u64.to_le_bytes());
        page[14..18].copy_from_slice(&7_u32.to_le_bytes());
        let last = last_ogg_page(&page).unwrap();
        assert_eq!((last.granule, last.serial, last.flags), (88_200, 7, 4));
        assert_eq!(last_ogg_page(&page[..page.len() - 1]), None, "cut short");
        assert_eq!(last_ogg_page(b"no pages here"), None);
    }
}
