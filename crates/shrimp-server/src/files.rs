//! The object store: files addressed by their SHA-256, in a local folder (the interface leaves
//! room for S3-compatible stores). Uploads stream to a temporary file while being hashed and
//! counted, and are only placed once accepted; a rejected upload leaves nothing behind.

use std::path::{Path, PathBuf};

use axum::body::Body;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::{Result, ServerError};
use crate::media;
use crate::secrets::new_id;

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// A received upload waiting to be accepted or dropped. Dropping it deletes the file.
#[derive(Debug)]
pub struct Upload {
    path: PathBuf,
    pub sha256: String,
    pub size: u64,
    placed: bool,
}

impl Upload {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl FileStore {
    pub fn open(root: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.join("objects"))?;
        std::fs::create_dir_all(root.join("incoming"))?;
        Ok(Self { root })
    }

    /// Where the object with this hash lives (whether or not it exists).
    pub fn object_path(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.root.join("objects").join(prefix).join(sha256)
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.object_path(sha256).is_file()
    }

    /// Streams `body` to a temporary file, refusing more than `limit` bytes or an empty body.
    pub async fn receive(&self, body: Body, limit: u64) -> Result<Upload> {
        let path = self.root.join("incoming").join(new_id("up"));
        let mut upload = Upload {
            path,
            sha256: String::new(),
            size: 0,
            placed: false,
        };
        let mut file = tokio::fs::File::create(&upload.path)
            .await
            .map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk
                .map_err(|error| ServerError::invalid(format!("upload interrupted: {error}")))?;
            upload.size += chunk.len() as u64;
            if upload.size > limit {
                return Err(ServerError::TooLarge);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        file.sync_all().await.map_err(io_error)?;
        if upload.size == 0 {
            return Err(ServerError::invalid("the upload is empty"));
        }
        upload.sha256 = hex::encode(hasher.finalize());
        Ok(upload)
    }

    /// Moves an accepted upload to its content address (a no-op if already stored).
    pub fn place(&self, mut upload: Upload) -> Result<String> {
        let target = self.object_path(&upload.sha256);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_error)?;
        }
        if !target.exists() {
            std::fs::rename(&upload.path, &target).map_err(io_error)?;
            upload.placed = true;
        }
        Ok(upload.sha256.clone())
    }

    /// Stores bytes made by the server itself (a preview clip), returning their hash.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let target = self.object_path(&sha256);
        if !target.exists() {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io_error)?;
            }
            let temp = self.root.join("incoming").join(new_id("put"));
            std::fs::write(&temp, bytes).map_err(io_error)?;
            std::fs::rename(&temp, &target).map_err(io_error)?;
        }
        Ok(sha256)
    }
}

/// An accepted audio upload: stored, decoded, described.
#[derive(Debug)]
pub struct AcceptedAudio {
    pub sha256: String,
    pub size: u64,
    pub info: media::AudioInfo,
    /// The stored preview clip's hash, when one was asked for.
    pub preview_sha256: Option<String>,
}

impl FileStore {
    /// Streams `body` in, decodes all of it off the async threads, and only then places it
    /// (and its preview, if `with_preview`). Anything that is not good audio leaves nothing.
    pub async fn accept_audio(
        &self,
        body: Body,
        limit: u64,
        with_preview: bool,
    ) -> Result<AcceptedAudio> {
        let upload = self.receive(body, limit).await?;
        let path = upload.path().to_path_buf();
        let (info, preview) =
            tokio::task::spawn_blocking(move || media::inspect(&path, with_preview))
                .await
                .map_err(|error| ServerError::Internal(error.to_string()))?
                .map_err(|error| ServerError::UnsupportedMedia(error.to_string()))?;
        let size = upload.size;
        let sha256 = self.place(upload)?;
        let preview_sha256 = preview.map(|bytes| self.put(&bytes)).transpose()?;
        Ok(AcceptedAudio {
            sha256,
            size,
            info,
            preview_sha256,
        })
    }
}

#[allow(clippy::needless_pass_by_value)] // Used as `map_err(io_error)`.
fn io_error(error: std::io::Error) -> ServerError {
    ServerError::Internal(format!("file store: {error}"))
}
