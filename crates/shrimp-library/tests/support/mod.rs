//! Test fixtures: real audio generated with sox and ffmpeg (cached per machine), and a tiny
//! HTTP server with Range support and scripted failures.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The formats every scan test covers, with the ffmpeg codec arguments.
pub const FORMATS: &[(&str, &[&str])] = &[
    ("flac", &["-c:a", "flac"]),
    ("mp3", &["-c:a", "libmp3lame", "-b:a", "128k"]),
    ("ogg", &["-c:a", "libvorbis"]),
    ("wav", &["-c:a", "pcm_s16le"]),
    ("m4a", &["-c:a", "aac", "-b:a", "96k"]),
];

/// Tags written into the fixtures.
pub struct Tags<'a> {
    pub title: &'a str,
    pub artist: &'a str,
    pub album: &'a str,
    pub album_artist: &'a str,
    pub track: u32,
    pub year: u32,
    pub genre: &'a str,
}

pub const SUNNY: Tags<'static> = Tags {
    title: "晴天 Sunny",
    artist: "周杰伦",
    album: "叶惠美",
    album_artist: "Jay Chou",
    track: 3,
    year: 2003,
    genre: "Mandopop",
};

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 2-second 440 Hz stereo sine at 44.1 kHz, cached under the system temp folder.
pub fn base_wav() -> PathBuf {
    let dir = fixtures_dir();
    let path = dir.join("base.wav");
    if !path.exists() {
        let tmp = dir.join(format!("base.{}.wav", std::process::id()));
        run(Command::new("sox")
            .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
            .arg(&tmp)
            .args(["synth", "2", "sine", "440", "vol", "0.5"]));
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn fixtures_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("shrimp-library-fixtures-v1");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A tagged file of the given format, generated once per machine and copied to `dest`.
pub fn tagged(ext: &str, tags: &Tags<'_>, dest: &Path) {
    let key = format!(
        "{}-{}-{}-{}-{}",
        tags.title, tags.artist, tags.album, tags.track, tags.genre
    );
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let cached = fixtures_dir().join(format!("{hash:016x}.{ext}"));
    if !cached.exists() {
        let codec = FORMATS.iter().find(|(e, _)| *e == ext).unwrap().1;
        let tmp = fixtures_dir().join(format!("{hash:016x}.{}.{ext}", std::process::id()));
        let meta = [
            format!("title={}", tags.title),
            format!("artist={}", tags.artist),
            format!("album={}", tags.album),
            format!("album_artist={}", tags.album_artist),
            format!("track={}", tags.track),
            format!("date={}", tags.year),
            format!("genre={}", tags.genre),
        ];
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-loglevel", "error", "-y", "-i"])
            .arg(base_wav())
            .args(codec);
        for m in &meta {
            cmd.args(["-metadata", m]);
        }
        run(cmd.arg(&tmp));
        std::fs::rename(&tmp, &cached).unwrap();
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::copy(&cached, dest).unwrap();
}

/// Keeps the first `fraction` of a file.
pub fn truncate(path: &Path, fraction: f64) {
    let len = std::fs::metadata(path).unwrap().len();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let keep = (len as f64 * fraction) as u64;
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(keep)
        .unwrap();
}

/// Overwrites `len` bytes at `offset` with `byte`.
pub fn overwrite(path: &Path, offset: usize, len: usize, byte: u8) {
    let mut data = std::fs::read(path).unwrap();
    let end = (offset + len).min(data.len());
    data[offset..end].fill(byte);
    std::fs::write(path, data).unwrap();
}

/// How the test server misbehaves.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// For the first N requests, send only this many body bytes and then drop the connection.
    pub drop_after: Option<(usize, usize)>,
    /// Flip every byte of the body (for checksum failures).
    pub wrong_bytes: bool,
    /// Answer every request with this status and no body.
    pub status: Option<u16>,
    /// Ignore Range headers (answer 200 with the whole body).
    pub ignore_range: bool,
}

/// A one-file HTTP/1.1 server on loopback. Records the Range header of each request.
pub struct Server {
    pub url: String,
    pub ranges: Arc<Mutex<Vec<Option<String>>>>,
}

pub fn serve(body: Vec<u8>, script: Script) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/track.flac", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let _ = handle(stream, &body, &script, n, &seen);
        }
    });
    Server { url, ranges }
}

fn handle(
    mut stream: TcpStream,
    body: &[u8],
    script: &Script,
    n: usize,
    seen: &Mutex<Vec<Option<String>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut range = None;
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("range")
        {
            range = Some(v.trim().to_owned());
        }
    }
    seen.lock().unwrap().push(range.clone());
    if let Some(status) = script.status {
        write!(
            stream,
            "HTTP/1.1 {status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        return Ok(());
    }
    let start = range
        .as_deref()
        .filter(|_| !script.ignore_range)
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok());
    let payload: Vec<u8> = if script.wrong_bytes {
        body.iter().map(|b| !b).collect()
    } else {
        body.to_vec()
    };
    let (status, from) = match start {
        Some(s) if s >= payload.len() => {
            write!(
                stream,
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n\r\n"
            )?;
            return Ok(());
        }
        Some(s) => (206, s),
        None => (200, 0),
    };
    let slice = &payload[from..];
    let range_line = if status == 206 {
        format!(
            "Content-Range: bytes {from}-{}/{}\r\n",
            payload.len() - 1,
            payload.len()
        )
    } else {
        String::new()
    };
    let head = format!(
        "HTTP/1.1 {status} OK\r\nContent-Length: {}\r\nConnection: close\r\n\
         Accept-Ranges: bytes\r\n{range_line}\r\n",
        slice.len()
    );
    stream.write_all(head.as_bytes())?;
    match script.drop_after {
        Some((requests, bytes)) if n < requests => {
            stream.write_all(&slice[..bytes.min(slice.len())])?;
            stream.flush()?;
            // Dropping the stream mid-body: the client sees a short read.
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        _ => {
            stream.write_all(slice)?;
            stream.flush()?;
        }
    }
    Ok(())
}

/// A red 640x480 JPEG written to `dest` (made with ffmpeg's colour source).
pub fn cover_jpeg(dest: &Path, colour: &str) {
    run(Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("color=c={colour}:s=640x480"))
        .args(["-frames:v", "1"])
        .arg(dest));
}

/// A FLAC with an embedded front cover and ReplayGain tags.
pub fn flac_with_cover_and_replaygain(dest: &Path, cover: &Path) {
    run(Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(base_wav())
        .arg("-i")
        .arg(cover)
        .args([
            "-map",
            "0:a",
            "-map",
            "1:v",
            "-c:a",
            "flac",
            "-c:v",
            "copy",
            "-disposition:v",
            "attached_pic",
            "-metadata",
            "title=Covered",
            "-metadata",
            "album=Art",
            "-metadata",
            "REPLAYGAIN_TRACK_GAIN=-6.50 dB",
            "-metadata",
            "REPLAYGAIN_TRACK_PEAK=0.988",
        ])
        .arg(dest));
}
