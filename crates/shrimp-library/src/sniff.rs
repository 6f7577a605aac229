//! Content sniffing: what a file really is, from its first bytes, whatever its name says.

use lofty::file::FileType;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// An audio container the library reads.
    Audio(FileType),
    /// Something recognisably not audio, with a human name for it.
    NotAudio(&'static str),
    /// Nothing recognisable.
    Unknown,
}

/// Extensions of audio files: a file with one of these names is always reported, even when its
/// content turns out not to be audio.
pub(crate) const AUDIO_EXTENSIONS: &[&str] = &[
    "flac", "mp3", "mp2", "ogg", "oga", "opus", "wav", "wave", "aif", "aiff", "aifc", "m4a", "m4b",
    "mp4", "aac", "alac", "wv", "ape", "mpc", "spx",
];

/// Extensions of the companions that live in music folders (covers, playlists, logs, partial
/// downloads): ignored without opening them.
pub(crate) const IGNORED_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "txt", "nfo", "log", "cue", "m3u", "m3u8", "pls",
    "part", "db", "ini", "pdf", "md", "json", "xml", "html", "lrc", "sfv", "md5", "accurip",
];

pub(crate) fn has_extension_in(path: &std::path::Path, list: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| list.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Sniffs the first bytes of a file (at least 64 bytes should be given when the file has them).
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);

    if starts(b"fLaC") {
        return Sniffed::Audio(FileType::Flac);
    }
    if starts(b"ID3") {
        // An ID3v2 tag can sit in front of FLAC and AAC too; the body decides. The tag size is
        // a 28-bit syncsafe integer.
        if head.len() >= 10 {
            let size = head[6..10]
                .iter()
                .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7f));
            let body = 10 + size + if head[5] & 0x10 != 0 { 10 } else { 0 };
            if let Some(rest) = head.get(body..) {
                if rest.starts_with(b"fLaC") {
                    return Sniffed::Audio(FileType::Flac);
                }
                if rest.len() >= 2 && rest[0] == 0xff && rest[1] & 0xf6 == 0xf0 {
                    return Sniffed::Audio(FileType::Aac);
                }
            }
        }
        return Sniffed::Audio(FileType::Mpeg);
    }
    if starts(b"OggS") {
        if head.windows(8).take(128).any(|w| w == b"OpusHead") {
            return Sniffed::Audio(FileType::Opus);
        }
        if head.windows(8).take(128).any(|w| w == b"Speex   ") {
            return Sniffed::Audio(FileType::Speex);
        }
        if head.windows(7).take(128).any(|w| w == b"\x01vorbis") {
            return Sniffed::Audio(FileType::Vorbis);
        }
        if head.windows(5).take(128).any(|w| w == b"\x7fFLAC") {
            // Ogg FLAC: lofty does not read it, and it is rare; say so rather than guess.
            return Sniffed::NotAudio("an Ogg FLAC stream (not supported)");
        }
        return Sniffed::NotAudio("an Ogg stream without Vorbis, Opus or Speex audio");
    }
    if starts(b"RIFF") && at(8, b"WAVE") {
        return Sniffed::Audio(FileType::Wav);
    }
    if starts(b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        return Sniffed::Audio(FileType::Aiff);
    }
    if at(4, b"ftyp") {
        // Video brands still carry audio often enough; lofty reads the audio track.
        return Sniffed::Audio(FileType::Mp4);
    }
    if starts(b"wvpk") {
        return Sniffed::Audio(FileType::WavPack);
    }
    if starts(b"MAC ") {
        return Sniffed::Audio(FileType::Ape);
    }
    if starts(b"MPCK") || starts(b"MP+") {
        return Sniffed::Audio(FileType::Mpc);
    }
    if head.len() >= 2 && head[0] == 0xff {
        // ADTS AAC: sync 12 bits, layer 00.
        if head[1] & 0xf6 == 0xf0 {
            return Sniffed::Audio(FileType::Aac);
        }
        // MPEG audio frame: 11-bit sync, a valid version and layer.
        if head[1] & 0xe0 == 0xe0 && head[1] & 0x18 != 0x08 && head[1] & 0x06 != 0 {
            return Sniffed::Audio(FileType::Mpeg);
        }
    }
    not_audio(head)
}

fn not_audio(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let name = if starts(b"\xff\xd8\xff") {
        "a JPEG image"
    } else if starts(b"\x89PNG") {
        "a PNG image"
    } else if starts(b"GIF8") {
        "a GIF image"
    } else if starts(b"%PDF") {
        "a PDF document"
    } else if starts(b"PK\x03\x04") {
        "a ZIP archive"
    } else if starts(b"\x7fELF") || starts(b"MZ") {
        "a program"
    } else if starts(b"RIFF") {
        "a RIFF file that is not WAVE audio"
    } else if head.iter().all(|b| *b == 0) {
        "all zero bytes"
    } else if std::str::from_utf8(head).is_ok()
        || head
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "a text file"
    } else {
        return Sniffed::Unknown;
    };
    Sniffed::NotAudio(name)
}

/// A short codec name for the UI.
pub(crate) fn codec_name(file_type: FileType) -> &'static str {
    match file_type {
        FileType::Aac => "AAC",
        FileType::Aiff => "AIFF",
        FileType::Ape => "APE",
        FileType::Flac => "FLAC",
        FileType::Mpeg => "MP3",
        FileType::Mp4 => "M4A",
        FileType::Mpc => "Musepack",
        FileType::Opus => "Opus",
        FileType::Vorbis => "Vorbis",
        FileType::Speex => "Speex",
        FileType::Wav => "WAV",
        FileType::WavPack => "WavPack",
        FileType::Custom(name) => name,
        _ => "audio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_containers_by_content() {
        assert_eq!(sniff(b"fLaC\0\0\0\x22"), Sniffed::Audio(FileType::Flac));
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WAVEfmt "),
            Sniffed::Audio(FileType::Wav)
        );
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A "), Sniffed::Audio(FileType::Mp4));
        assert_eq!(
            sniff(&[0xff, 0xfb, 0x90, 0x00]),
            Sniffed::Audio(FileType::Mpeg)
        );
        assert_eq!(
            sniff(b"ID3\x04\0\0\0\0\0\0"),
            Sniffed::Audio(FileType::Mpeg)
        );
    }

    #[test]
    fn names_what_is_not_audio() {
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0JFIF"),
            Sniffed::NotAudio("a JPEG image")
        );
        assert_eq!(sniff(b"hello, world\n"), Sniffed::NotAudio("a text file"));
        assert_eq!(sniff(&[0; 64]), Sniffed::NotAudio("all zero bytes"));
        assert_eq!(sniff(&[0x13, 0x99, 0x02, 0xfe, 0x80]), Sniffed::Unknown);
    }
}
