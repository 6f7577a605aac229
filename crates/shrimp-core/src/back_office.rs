//! The shop's back office: its tracks (drafts and unpublished ones included), uploading new
//! ones from local files with progress, editing metadata, lyrics, price and cover, and
//! unpublishing.
//!
//! A file is decoded here in full before anything is created on the server, so a file that
//! is not audio is refused without leaving a half-made track behind; the server then checks
//! it again as the authority.

use std::path::Path;

use serde::{Deserialize, Serialize};
use shrimp_api::{NewTrack, TrackUpdate, TrackView};
use shrimp_domain::Fen;

use crate::CoreError;
use crate::market::Market;
use crate::shop::{RefusalKind, UploadRefusal, open_upload, refusal};

/// How far one file's upload has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadProgress {
    /// The file's path, as the UI gave it.
    pub file: String,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub sent: u64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub total: u64,
}

/// What happened to one file of an upload: its new track, or why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrackUpload {
    pub file: String,
    pub track: Option<TrackView>,
    pub refusal: Option<UploadRefusal>,
}

/// Changes to a track from the back office; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrackEdit {
    pub title: Option<String>,
    pub artists: Option<String>,
    pub genre: Option<String>,
    /// Independents only; a label's price is fixed by its agreement.
    pub price: Option<Fen>,
    pub lyrics: Option<String>,
    pub published: Option<bool>,
}

impl From<TrackEdit> for TrackUpdate {
    fn from(edit: TrackEdit) -> Self {
        Self {
            title: edit.title,
            artists: edit.artists,
            genre: edit.genre,
            price: edit.price,
            lyrics: edit.lyrics,
            published: edit.published,
        }
    }
}

/// The genre a new upload starts with, until the owner sets one.
const NEW_TRACK_GENRE: &str = "unsorted";

impl Market {
    /// Every track of the signed-in owner's shop, unpublished and audio-less ones too.
    pub async fn my_tracks(&self) -> Result<Vec<TrackView>, CoreError> {
        let shop_id = self.own_shop()?;
        Ok(self.client().await?.shop_tracks(&shop_id).await?)
    }

    /// Uploads each file as a new track, one after another, reporting progress per file.
    pub async fn upload_tracks(
        &self,
        files: &[String],
        on_progress: impl Fn(UploadProgress) + Clone + Send + Sync + 'static,
    ) -> Result<Vec<TrackUpload>, CoreError> {
        let shop_id = self.own_shop()?;
        let mut results = Vec::with_capacity(files.len());
        for file in files {
            let outcome = self
                .upload_track(&shop_id, file, on_progress.clone())
                .await?;
            results.push(match outcome {
                Ok(track) => TrackUpload {
                    file: file.clone(),
                    track: Some(track),
                    refusal: None,
                },
                Err(refusal) => TrackUpload {
                    file: file.clone(),
                    track: None,
                    refusal: Some(refusal),
                },
            });
        }
        Ok(results)
    }

    async fn upload_track(
        &self,
        shop_id: &str,
        file: &str,
        on_progress: impl Fn(UploadProgress) + Send + Sync + 'static,
    ) -> Result<Result<TrackView, UploadRefusal>, CoreError> {
        let path = Path::new(file);
        let opened = match open_upload(path).await {
            Ok(opened) => opened,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if let Err(refusal) = check_audio(path).await {
            return Ok(Err(refusal));
        }
        let total = opened.metadata().await.map_or(0, |meta| meta.len());
        let client = self.client().await?;
        let artists = self
            .status()
            .user
            .map(|user| user.display_name)
            .unwrap_or_default();
        let title = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().replace(['_', '-'], " "))
            .filter(|title| !title.trim().is_empty())
            .unwrap_or_else(|| "Untitled".to_owned());
        let draft = NewTrack {
            title: title.chars().take(200).collect(),
            artists,
            genre: NEW_TRACK_GENRE.to_owned(),
            price: None,
            lyrics: None,
            release_id: None,
            track_number: None,
        };
        let track = client.create_track(shop_id, &draft).await?;
        let name = file.to_owned();
        on_progress(UploadProgress {
            file: name.clone(),
            sent: 0,
            total,
        });
        let body = shrimp_client::file_body(opened, move |sent| {
            on_progress(UploadProgress {
                file: name.clone(),
                sent,
                total,
            });
        });
        match client.upload_audio(&track.id, body).await {
            Ok(track) => Ok(Ok(track)),
            Err(error) => match refusal(&error) {
                // The server disagreed with the local check: keep the draft out of the shop.
                Some(refused) => {
                    let hide = TrackUpdate {
                        published: Some(false),
                        ..TrackUpdate::default()
                    };
                    if let Err(error) = client.update_track(&track.id, &hide).await {
                        tracing::warn!(%error, "cannot unpublish a track whose audio was refused");
                    }
                    Ok(Err(refused))
                }
                None => Err(error.into()),
            },
        }
    }

    /// Changes a track's metadata, lyrics, price or visibility.
    pub async fn edit_track(&self, id: &str, edit: TrackEdit) -> Result<TrackView, CoreError> {
        Ok(self
            .client()
            .await?
            .update_track(id, &TrackUpdate::from(edit))
            .await?)
    }

    /// Sets a track's cover from a local PNG or JPEG file.
    pub async fn set_track_cover(&self, id: &str, file: &Path) -> Result<TrackView, CoreError> {
        let image = tokio::fs::read(file)
            .await
            .map_err(|error| CoreError::invalid(format!("{}: {error}", file.display())))?;
        Ok(self.client().await?.upload_track_cover(id, image).await?)
    }
}

/// Decodes all of the file with the engine's decoder; a refusal says why it is not audio.
async fn check_audio(path: &Path) -> Result<(), UploadRefusal> {
    let owned = path.to_path_buf();
    let decoded = tokio::task::spawn_blocking(move || {
        shrimp_playback::measure::decode_through_pipeline(&owned, None)
    })
    .await;
    let not_audio = |detail: String| UploadRefusal {
        kind: RefusalKind::NotAudio,
        detail,
    };
    match decoded {
        Ok(Ok(frames)) if frames > 0 => Ok(()),
        Ok(Ok(_)) => Err(not_audio("the audio has no sound in it".to_owned())),
        Ok(Err(error)) => Err(not_audio(error.to_string())),
        Err(error) => Err(not_audio(format!(
            "the decoder gave up on this file: {error}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_that_is_not_audio_is_refused_before_anything_is_sent() {
        let temp = tempfile::tempdir().unwrap();
        let notes = temp.path().join("notes.flac");
        std::fs::write(&notes, b"these are words, not sounds".repeat(100)).unwrap();
        let refusal = check_audio(&notes).await.unwrap_err();
        assert_eq!(refusal.kind, RefusalKind::NotAudio);
        assert!(!refusal.detail.is_empty());
    }

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let edit = TrackEdit {
            published: Some(false),
            ..TrackEdit::default()
        };
        let update = TrackUpdate::from(edit);
        assert_eq!(update.published, Some(false));
        assert_eq!(update.title, None);
        assert_eq!(update.price, None);
    }
}
