//! The store as the listener browses it: the front page, search, shop, release and track
//! pages, buying, and cover images (cached on disk so pages open instantly the second time).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use shrimp_api::{OrderView, Page, ReleaseDetail, ReleaseView, ShopView, StoreHome, TrackView};
use shrimp_client::TrackQuery;

use crate::CoreError;
use crate::market::Market;

/// A shop's page: who they are, their releases and tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopPage {
    pub shop: ShopView,
    pub releases: Vec<ReleaseView>,
    pub tracks: Vec<TrackView>,
}

/// One page of search results (a concrete type: the bindings generator cannot name generics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrackPage {
    pub items: Vec<TrackView>,
    pub next_cursor: Option<String>,
}

impl From<Page<TrackView>> for TrackPage {
    fn from(page: Page<TrackView>) -> Self {
        Self {
            items: page.items,
            next_cursor: page.next_cursor,
        }
    }
}

/// Which cover to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CoverOf {
    Track,
    Release,
}

impl CoverOf {
    fn as_str(self) -> &'static str {
        match self {
            Self::Track => "track",
            Self::Release => "release",
        }
    }
}

/// A cover image ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Market {
    pub async fn home(&self) -> Result<StoreHome, CoreError> {
        Ok(self.client().await?.store_home().await?)
    }

    /// Search as you type: titles, artists and shops, Chinese or Latin, newest first.
    pub async fn search(
        &self,
        text: &str,
        genre: Option<String>,
        cursor: Option<String>,
    ) -> Result<TrackPage, CoreError> {
        let query = TrackQuery {
            q: Some(text.to_owned()).filter(|text| !text.trim().is_empty()),
            genre,
            cursor,
            limit: Some(50),
            ..TrackQuery::default()
        };
        Ok(self.client().await?.tracks(&query).await?.into())
    }

    pub async fn track(&self, id: &str) -> Result<TrackView, CoreError> {
        Ok(self.client().await?.track(id).await?)
    }

    pub async fn release(&self, id: &str) -> Result<ReleaseDetail, CoreError> {
        Ok(self.client().await?.release(id).await?)
    }

    pub async fn shop_page(&self, id: &str) -> Result<ShopPage, CoreError> {
        let client = self.client().await?;
        let (shop, releases, tracks) = tokio::try_join!(
            client.shop(id),
            client.shop_releases(id),
            client.shop_tracks(id)
        )?;
        Ok(ShopPage {
            shop,
            releases,
            tracks,
        })
    }

    /// Buys a track. `attempt` is the idempotency key of this purchase attempt: retrying with
    /// the same one never charges twice.
    pub async fn buy(&self, track_id: &str, attempt: &str) -> Result<OrderView, CoreError> {
        if attempt.trim().is_empty() || attempt.len() > 100 {
            return Err(CoreError::invalid(
                "a purchase needs an attempt id of 1–100 characters",
            ));
        }
        Ok(self.client().await?.create_order(track_id, attempt).await?)
    }

    pub async fn orders(&self) -> Result<Vec<OrderView>, CoreError> {
        Ok(self.client().await?.orders().await?)
    }

    /// A cover image, from the disk cache or the backend.
    pub async fn cover(&self, of: CoverOf, id: &str) -> Result<Cover, CoreError> {
        check_id(id)?;
        let path = self.cover_path(of, id);
        if let Ok(bytes) = tokio::fs::read(&path).await
            && let Some(media_type) = media_type(&bytes)
        {
            return Ok(Cover { media_type, bytes });
        }
        let client = self.client().await?;
        let bytes = match of {
            CoverOf::Track => client.track_cover(id).await?,
            CoverOf::Release => client.release_cover(id).await?,
        }
        .to_vec();
        let media_type = media_type(&bytes)
            .ok_or_else(|| CoreError::invalid("the backend sent a cover that is not an image"))?;
        if let Some(parent) = path.parent() {
            // A cache that cannot be written only costs a download next time.
            let _ = tokio::fs::create_dir_all(parent).await;
            let _ = tokio::fs::write(&path, &bytes).await;
        }
        Ok(Cover { media_type, bytes })
    }

    /// The track's ≤ 30 s preview as a local file for the engine to play, fetched once.
    pub async fn preview_file(&self, track_id: &str) -> Result<PathBuf, CoreError> {
        check_id(track_id)?;
        let path = self
            .cache_folder()
            .join("previews")
            .join(format!("{track_id}.wav"));
        if tokio::fs::metadata(&path)
            .await
            .is_ok_and(|meta| meta.len() > 44)
        {
            return Ok(path);
        }
        let bytes = self.client().await?.preview(track_id).await?;
        if !bytes.starts_with(b"RIFF") {
            return Err(CoreError::invalid(
                "the backend sent a preview that is not audio",
            ));
        }
        write_cache_file(&path, &bytes).await?;
        Ok(path)
    }

    fn cover_path(&self, of: CoverOf, id: &str) -> PathBuf {
        self.cache_folder()
            .join("covers")
            .join(format!("{}-{id}", of.as_str()))
    }
}

/// Ids become file names in the cache: only plain characters.
pub(crate) fn check_id(id: &str) -> Result<(), CoreError> {
    if id.is_empty()
        || id.len() > 100
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(CoreError::invalid("not a valid id"));
    }
    Ok(())
}

fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Writes `bytes` to `path` in the cache, creating its folder: written aside and renamed, so
/// a half-written file is never played.
pub(crate) async fn write_cache_file(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let storage = |source| CoreError::DataDir {
        path: folder.clone(),
        source,
    };
    tokio::fs::create_dir_all(&folder).await.map_err(storage)?;
    let partial = path.with_extension("part");
    tokio::fs::write(&partial, bytes).await.map_err(storage)?;
    tokio::fs::rename(&partial, path).await.map_err(storage)?;
    Ok(())
}
