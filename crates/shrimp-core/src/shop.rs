//! Opening a shop, for a signed-in person without one: their application (written, given a
//! sample of their music, submitted, fixed and resubmitted after a rejection), and the
//! reviewer's copy of a sample to listen to through the engine.
//!
//! Files travel from a local path straight to the server as a stream; the webview only ever
//! names the path. A file the server refuses comes back as an [`UploadRefusal`] the UI can
//! explain in the reader's language, and leaves the application as it was.

use std::path::{Path, PathBuf};

use serde::Serialize;
use shrimp_api::{ApplicationDraft, ApplicationView, ErrorCode};
use shrimp_client::ClientError;

use crate::CoreError;
use crate::market::Market;

/// Why a file was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The server decoded it and it is not audio it can read (or it is damaged).
    NotAudio,
    /// Larger than the server accepts.
    TooLarge,
    /// The file could not be read on this computer.
    Unreadable,
}

/// A file the server (or this computer) would not take, and the detail why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadRefusal {
    pub kind: RefusalKind,
    /// The server's own words, for the curious (English).
    pub detail: String,
}

/// What uploading a sample did: the application as it now stands, and the refusal if the
/// file was not taken (the application is then unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SampleUpload {
    pub application: ApplicationView,
    pub refusal: Option<UploadRefusal>,
}

/// The refusal behind a failed upload, if the failure was about the file itself.
pub(crate) fn refusal(error: &ClientError) -> Option<UploadRefusal> {
    match error {
        ClientError::Api { status, error } => {
            let kind = match status.as_u16() {
                413 => RefusalKind::TooLarge,
                415 => RefusalKind::NotAudio,
                _ => return None,
            };
            Some(UploadRefusal {
                kind,
                detail: error.message.clone(),
            })
        }
        _ => None,
    }
}

/// Opens a local file for streaming, or says why it cannot be read.
pub(crate) async fn open_upload(path: &Path) -> Result<tokio::fs::File, UploadRefusal> {
    let unreadable = |detail: String| UploadRefusal {
        kind: RefusalKind::Unreadable,
        detail,
    };
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|error| unreadable(format!("{}: {error}", path.display())))?;
    if !meta.is_file() {
        return Err(unreadable(format!("{} is not a file", path.display())));
    }
    tokio::fs::File::open(path)
        .await
        .map_err(|error| unreadable(format!("{}: {error}", path.display())))
}

impl Market {
    /// The signed-in person's latest application, if they ever applied. When it has just
    /// been approved, the signed-in account is refreshed so the new shop shows everywhere.
    pub async fn current_application(&self) -> Result<Option<ApplicationView>, CoreError> {
        let client = self.client().await?;
        let application = match client.my_application().await {
            Ok(application) => application,
            Err(error) if error.code() == ErrorCode::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        if application.shop_id.is_some() && self.shop_id().is_none() {
            self.refresh_account().await?;
        }
        Ok(Some(application))
    }

    /// Creates the application (`id` none) or changes the draft or rejected one.
    pub async fn save_application(
        &self,
        id: Option<&str>,
        draft: &ApplicationDraft,
    ) -> Result<ApplicationView, CoreError> {
        let client = self.client().await?;
        Ok(match id {
            Some(id) => client.edit_application(id, draft).await?,
            None => client.create_application(draft).await?,
        })
    }

    /// Streams the file at `path` to the server as the application's sample.
    pub async fn upload_sample(&self, id: &str, path: &Path) -> Result<SampleUpload, CoreError> {
        let client = self.client().await?;
        let file = match open_upload(path).await {
            Ok(file) => file,
            Err(refusal) => {
                return Ok(SampleUpload {
                    application: client.my_application().await?,
                    refusal: Some(refusal),
                });
            }
        };
        match client.upload_sample(id, file).await {
            Ok(application) => Ok(SampleUpload {
                application,
                refusal: None,
            }),
            Err(error) => match refusal(&error) {
                Some(refusal) => Ok(SampleUpload {
                    application: client.my_application().await?,
                    refusal: Some(refusal),
                }),
                None => Err(error.into()),
            },
        }
    }

    /// Sends the application to the reviewers (again, after fixing a rejection).
    pub async fn submit_application(&self, id: &str) -> Result<ApplicationView, CoreError> {
        Ok(self.client().await?.submit_application(id).await?)
    }

    /// A reviewer's copy of an application's sample as a local file for the engine.
    pub async fn review_sample_file(&self, id: &str) -> Result<PathBuf, CoreError> {
        crate::store::check_id(id)?;
        let bytes = self.client().await?.review_sample(id).await?;
        let extension = audio_extension(&bytes)
            .ok_or_else(|| CoreError::invalid("the sample is not a kind of audio the app plays"))?;
        let path = self
            .cache_folder()
            .join("samples")
            .join(format!("{id}.{extension}"));
        crate::store::write_cache_file(&path, &bytes).await?;
        Ok(path)
    }
}

/// The file name extension the decoder expects for these bytes.
fn audio_extension(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"fLaC") {
        Some("flac")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("wav")
    } else if at(0, b"OggS") {
        Some("ogg")
    } else if at(4, b"ftyp") {
        Some("m4a")
    } else if at(0, b"ID3") || bytes.first() == Some(&0xFF) {
        Some("mp3")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_named_for_what_they_contain() {
        assert_eq!(audio_extension(b"fLaC\0\0\0\x22"), Some("flac"));
        assert_eq!(audio_extension(b"RIFF\0\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(audio_extension(b"OggS\0\x02"), Some("ogg"));
        assert_eq!(audio_extension(b"\0\0\0\x20ftypM4A "), Some("m4a"));
        assert_eq!(audio_extension(b"ID3\x04\0"), Some("mp3"));
        assert_eq!(audio_extension(b"%PDF-1.7"), None);
        assert_eq!(audio_extension(b""), None);
    }

    #[tokio::test]
    async fn a_missing_file_is_refused_as_unreadable() {
        let temp = tempfile::tempdir().unwrap();
        let refusal = open_upload(&temp.path().join("nope.flac"))
            .await
            .unwrap_err();
        assert_eq!(refusal.kind, RefusalKind::Unreadable);
        let refusal = open_upload(temp.path()).await.unwrap_err();
        assert_eq!(refusal.kind, RefusalKind::Unreadable);
    }
}
