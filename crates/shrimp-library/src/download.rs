//! Downloading purchases into the music folder: resumable over HTTP Range into a hidden
//! `.part` file, checked against the expected size and SHA-256, then renamed into place in one
//! atomic step, so the music folder never holds a half-written or wrong file.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cover::hex;
use crate::error::{LibraryError, Result};
use crate::scan::{KnownNames, ScanOptions};
use crate::store::{Library, Provenance, Track};

/// A purchased file to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadRequest {
    /// Where the file is served (the store hands out this URL).
    pub url: String,
    /// File name to give it in the music folder (no folders).
    pub file_name: String,
    /// Expected size in bytes.
    pub size: u64,
    /// Where it came from; its `sha256` is the expected checksum.
    pub provenance: Provenance,
    /// The store's names for it, for what the file's own tags leave out.
    pub names: Option<KnownNames>,
}

/// How downloads behave.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// The folder the finished file goes into.
    pub music_dir: PathBuf,
    /// Attempts before giving up (at least 1).
    pub attempts: u32,
    /// Wait after the first failed attempt; doubled after each further one, up to 30 s.
    pub backoff: Duration,
    /// Longest a single attempt may take.
    pub attempt_timeout: Duration,
}

impl DownloadOptions {
    /// Defaults: 5 attempts, 500 ms first backoff, 10 minutes per attempt.
    pub fn new(music_dir: PathBuf) -> Self {
        Self {
            music_dir,
            attempts: 5,
            backoff: Duration::from_millis(500),
            attempt_timeout: Duration::from_mins(10),
        }
    }
}

/// What a download reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DownloadEvent {
    /// Bytes are arriving.
    DownloadProgressed {
        /// Bytes in the `.part` file so far.
        received: u64,
        /// Expected size.
        total: u64,
    },
    /// An attempt failed; another follows after `retry_in_ms`.
    AttemptFailed {
        /// Which attempt failed, from 1.
        attempt: u32,
        /// What went wrong.
        error: String,
        /// Wait before the next attempt.
        retry_in_ms: u64,
    },
    /// The file was verified and renamed into the music folder.
    DownloadPlaced {
        /// Its final path.
        path: PathBuf,
    },
}

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The bytes received do not have the expected SHA-256.
    #[error("checksum mismatch: expected sha256 {expected}, got {actual}")]
    ChecksumMismatch {
        /// Expected hex digest.
        expected: String,
        /// Digest of what arrived.
        actual: String,
    },
    /// The server sent more or fewer bytes than the purchase says.
    #[error("size mismatch: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        /// Expected size.
        expected: u64,
        /// What arrived.
        actual: u64,
    },
    /// The server answered with an error status.
    #[error("the server answered HTTP {status} for {url}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// The URL requested.
        url: String,
    },
    /// The connection failed or broke off.
    #[error("network error: {0}")]
    Network(String),
    /// The disk is full.
    #[error("the disk is full while writing {}", path.display())]
    DiskFull {
        /// The file being written.
        path: PathBuf,
    },
    /// Another local file error.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The request cannot be honoured as given (for example a file name with folders in it).
    #[error("invalid download: {0}")]
    Invalid(String),
}

impl DownloadError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::StorageFull {
            Self::DiskFull {
                path: path.to_owned(),
            }
        } else {
            Self::Io {
                action,
                path: path.to_owned(),
                source,
            }
        }
    }

    /// Whether another attempt may succeed.
    fn is_retryable(&self) -> bool {
        match self {
            Self::Network(_) | Self::ChecksumMismatch { .. } | Self::SizeMismatch { .. } => true,
            Self::Http { status, .. } => *status >= 500 || matches!(status, 408 | 429),
            Self::DiskFull { .. } | Self::Io { .. } | Self::Invalid(_) => false,
        }
    }
}

impl Library {
    /// Downloads a purchase into the music folder, adds it to the library and records its
    /// provenance. Blocking network work runs off the async threads.
    pub async fn download_purchase(
        &self,
        request: DownloadRequest,
        options: DownloadOptions,
        on_event: impl FnMut(DownloadEvent) + Send + 'static,
    ) -> Result<Track> {
        let provenance = request.provenance.clone();
        let scan = ScanOptions {
            names: request.names.clone(),
            ..ScanOptions::default()
        };
        let path = tokio::task::spawn_blocking(move || download(&request, &options, on_event))
            .await
            .map_err(|e| LibraryError::Task(e.to_string()))??;
        self.reconcile(std::slice::from_ref(&path), &scan, |_| {})
            .await?;
        self.record_purchase(&path, &provenance).await?;
        self.track_at(&path)
            .await?
            .ok_or_else(|| LibraryError::NotFound {
                kind: "track",
                id: path.display().to_string(),
            })
    }
}

/// Downloads one file (blocking). Returns its final path in the music folder.
pub fn download(
    request: &DownloadRequest,
    options: &DownloadOptions,
    mut on_event: impl FnMut(DownloadEvent),
) -> Result<PathBuf, DownloadError> {
    let name = check_file_name(&request.file_name)?;
    let expected = request.provenance.sha256.to_ascii_lowercase();
    if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DownloadError::Invalid(format!(
            "expected sha256 {expected:?} is not 64 hex digits"
        )));
    }
    std::fs::create_dir_all(&options.music_dir)
        .map_err(|e| DownloadError::io("creating folder", &options.music_dir, e))?;
    let target = options.music_dir.join(name);
    // Already there with the right bytes: downloading again would change nothing.
    if target.is_file() && sha256_file(&target).ok().as_deref() == Some(expected.as_str()) {
        on_event(DownloadEvent::DownloadPlaced {
            path: target.clone(),
        });
        return Ok(target);
    }
    let target = free_name(&target);
    let part = options
        .music_dir
        .join(format!(".{name}.{}.part", &expected[..16]));

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(options.attempt_timeout))
        .build()
        .into();

    let attempts = options.attempts.max(1);
    let mut backoff = options.backoff;
    let mut attempt = 1;
    loop {
        let result = fetch(&agent, request, &part, &mut on_event).and_then(|()| {
            let actual = sha256_file(&part).map_err(|e| DownloadError::io("reading", &part, e))?;
            if actual == expected {
                Ok(())
            } else {
                // Wrong bytes cannot be resumed from: start over next time.
                let _ = std::fs::remove_file(&part);
                Err(DownloadError::ChecksumMismatch {
                    expected: expected.clone(),
                    actual,
                })
            }
        });
        match result {
            Ok(()) => break,
            Err(e) if e.is_retryable() && attempt < attempts => {
                tracing::warn!(attempt, error = %e, url = %request.url, "download attempt failed");
                on_event(DownloadEvent::AttemptFailed {
                    attempt,
                    error: e.to_string(),
                    retry_in_ms: u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                });
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(30));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
    File::open(&part)
        .and_then(|f| f.sync_all())
        .map_err(|e| DownloadError::io("syncing", &part, e))?;
    std::fs::rename(&part, &target).map_err(|e| DownloadError::io("placing", &target, e))?;
    if let Ok(dir) = File::open(&options.music_dir) {
        let _ = dir.sync_all();
    }
    on_event(DownloadEvent::DownloadPlaced {
        path: target.clone(),
    });
    Ok(target)
}

/// One attempt: continue the `.part` file from where it stops until it holds `size` bytes.
fn fetch(
    agent: &ureq::Agent,
    request: &DownloadRequest,
    part: &Path,
    on_event: &mut impl FnMut(DownloadEvent),
) -> Result<(), DownloadError> {
    let total = request.size;
    let mut have = std::fs::metadata(part).map_or(0, |m| m.len());
    if have > total {
        have = 0;
    }
    if have == total {
        return Ok(());
    }
    let mut call = agent.get(&request.url);
    if have > 0 {
        call = call.header("Range", format!("bytes={have}-"));
    }
    let mut response = call
        .call()
        .map_err(|e| DownloadError::Network(e.to_string()))?;
    let status = response.status().as_u16();
    let append = match status {
        206 => true,
        200 => false,
        416 => {
            // Our offset is past what the server has: the part file is bad, start over.
            let _ = std::fs::remove_file(part);
            return Err(DownloadError::Network(
                "the server refused the resume range".to_owned(),
            ));
        }
        _ => {
            return Err(DownloadError::Http {
                status,
                url: request.url.clone(),
            });
        }
    };
    if append {
        let starts_at = response
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.parse::<u64>().ok());
        if starts_at != Some(have) {
            let _ = std::fs::remove_file(part);
            return Err(DownloadError::Network(
                "the server resumed from a different offset".to_owned(),
            ));
        }
    } else {
        have = 0;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .map_err(|e| DownloadError::io("creating", part, e))?;
    let mut body = response.body_mut().as_reader();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let _ = file.flush();
                return Err(DownloadError::Network(format!(
                    "the connection broke off after {have} of {total} bytes: {e}"
                )));
            }
        };
        let n64 = n as u64;
        if have + n64 > total {
            let _ = std::fs::remove_file(part);
            return Err(DownloadError::SizeMismatch {
                expected: total,
                actual: have + n64,
            });
        }
        file.write_all(&buf[..n])
            .map_err(|e| DownloadError::io("writing", part, e))?;
        have += n64;
        on_event(DownloadEvent::DownloadProgressed {
            received: have,
            total,
        });
    }
    file.flush()
        .map_err(|e| DownloadError::io("writing", part, e))?;
    if have < total {
        return Err(DownloadError::Network(format!(
            "the connection closed after {have} of {total} bytes"
        )));
    }
    Ok(())
}

fn check_file_name(name: &str) -> Result<&str, DownloadError> {
    let bad = name.is_empty()
        || name.len() > 255
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || Path::new(name).components().count() != 1;
    if bad {
        return Err(DownloadError::Invalid(format!(
            "{name:?} is not a plain file name"
        )));
    }
    Ok(name)
}

/// `song.flac`, or `song (2).flac` and so on when that name is taken by another file.
fn free_name(target: &Path) -> PathBuf {
    if !target.exists() {
        return target.to_owned();
    }
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..10_000)
        .map(|n| target.with_file_name(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| target.to_owned())
}

/// Lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match file.read(&mut buf)? {
            0 => break,
            n => hasher.update(&buf[..n]),
        }
    }
    Ok(hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_names_with_folders() {
        for bad in ["", "../x.flac", "a/b.flac", ".hidden", "a\\b"] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
        assert!(check_file_name("周杰伦 - 晴天.flac").is_ok());
    }
}
