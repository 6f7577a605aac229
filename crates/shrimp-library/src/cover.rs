//! Cover art: embedded pictures and folder images (`cover.jpg`, `folder.png`…) become small
//! JPEG thumbnails in a cache folder, named by the hash of the source image so an album's
//! cover is decoded once however many tracks carry it.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 300;
/// Source images larger than this are ignored (a hostile tag can claim anything).
pub(crate) const MAX_PICTURE_BYTES: usize = 16 * 1024 * 1024;
/// Decoding refuses images wider or taller than this.
const MAX_DIMENSION: u32 = 12_000;
/// Decoding refuses to allocate more than this.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// Names of folder images, in order of preference (matched case-insensitively).
const FOLDER_COVERS: &[&str] = &[
    "cover.jpg",
    "cover.jpeg",
    "cover.png",
    "folder.jpg",
    "folder.jpeg",
    "folder.png",
    "front.jpg",
    "front.png",
    "album.jpg",
    "album.png",
];

/// The path of the thumbnail for a cover reference, inside the cache folder.
pub fn thumbnail_path(cache_dir: &Path, cover: &str) -> PathBuf {
    cache_dir.join(format!("{cover}.jpg"))
}

/// The thumbnail cache, shared by the scan workers.
#[derive(Debug)]
pub(crate) struct Covers {
    dir: PathBuf,
    folders: Mutex<HashMap<PathBuf, Option<String>>>,
}

impl Covers {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            folders: Mutex::new(HashMap::new()),
        }
    }

    /// Thumbnails an embedded picture; `None` when it is too big or does not decode.
    pub(crate) fn embedded(&self, data: &[u8]) -> Option<String> {
        if data.is_empty() || data.len() > MAX_PICTURE_BYTES {
            return None;
        }
        let key = hex(&Sha256::digest(data)[..16]);
        self.ensure_thumbnail(&key, data).then_some(key)
    }

    /// The cover image of a folder, thumbnailed once per folder per scan.
    pub(crate) fn folder(&self, dir: &Path) -> Option<String> {
        if let Ok(cache) = self.folders.lock()
            && let Some(known) = cache.get(dir)
        {
            return known.clone();
        }
        let found = find_folder_cover(dir).and_then(|path| {
            let data = std::fs::read(&path).ok()?;
            self.embedded(&data)
        });
        if let Ok(mut cache) = self.folders.lock() {
            cache.insert(dir.to_owned(), found.clone());
        }
        found
    }

    fn ensure_thumbnail(&self, key: &str, data: &[u8]) -> bool {
        let target = thumbnail_path(&self.dir, key);
        if target.exists() {
            return true;
        }
        match write_thumbnail(data, &target) {
            Ok(()) => true,
            Err(reason) => {
                tracing::debug!(%reason, "cover art not thumbnailed");
                false
            }
        }
    }
}

fn find_folder_cover(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut best: Option<(usize, PathBuf)> = None;
    for entry in entries.flatten().take(10_000) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(rank) = FOLDER_COVERS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            && best.as_ref().is_none_or(|(r, _)| rank < *r)
        {
            let size = entry.metadata().map_or(u64::MAX, |m| m.len());
            if size <= MAX_PICTURE_BYTES as u64 {
                best = Some((rank, entry.path()));
            }
        }
    }
    best.map(|(_, path)| path)
}

fn write_thumbnail(data: &[u8], target: &Path) -> Result<(), String> {
    let mut reader = image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?;
    let thumb =
        image::DynamicImage::ImageRgb8(image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).into_rgb8());
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&thumb)
        .map_err(|e| e.to_string())?;
    // Two workers may race on the same cover: write aside, then rename over.
    let tmp = target.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, &out).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, target).map_err(|e| e.to_string())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
