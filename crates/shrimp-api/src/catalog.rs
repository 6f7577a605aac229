use serde::{Deserialize, Serialize};
use shrimp_domain::Fen;

use crate::ShopKindView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopView {
    pub id: String,
    pub name: String,
    pub kind: ShopKindView,
    pub bio: String,
}

/// A track as the store shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrackView {
    pub id: String,
    pub shop_id: String,
    pub shop_name: String,
    pub shop_kind: ShopKindView,
    pub title: String,
    pub artists: String,
    pub genre: String,
    pub price: Fen,
    /// Zero until the audio is uploaded.
    pub duration_ms: u32,
    pub has_audio: bool,
    /// The track's own cover or, failing that, its release's.
    pub has_cover: bool,
    pub release_id: Option<String>,
    pub release_title: Option<String>,
    pub track_number: Option<u32>,
    pub published: bool,
    /// Plain text or synced LRC (`[mm:ss.xx]line`).
    pub lyrics: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at_ms: i64,
}

/// A shop owner's new track (its audio is uploaded separately, streamed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTrack {
    pub title: String,
    pub artists: String,
    pub genre: String,
    /// `None` takes the platform default; labels must leave it empty.
    pub price: Option<Fen>,
    pub lyrics: Option<String>,
    /// The owner's release this track belongs to, if any.
    #[serde(default)]
    pub release_id: Option<String>,
    #[serde(default)]
    pub track_number: Option<u32>,
}

/// Changes to a track; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackUpdate {
    pub title: Option<String>,
    pub artists: Option<String>,
    pub genre: Option<String>,
    pub price: Option<Fen>,
    pub lyrics: Option<String>,
    pub published: Option<bool>,
}

/// How a track list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSort {
    #[default]
    New,
    Top,
}

/// One page of a list, with the cursor of the next page if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A release (album, EP or single) as the store shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReleaseView {
    pub id: String,
    pub shop_id: String,
    pub shop_name: String,
    pub shop_kind: ShopKindView,
    pub title: String,
    pub artists: String,
    pub genre: String,
    pub description: String,
    pub has_cover: bool,
    /// Published tracks with audio.
    pub track_count: u32,
    pub duration_ms: u32,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at_ms: i64,
}

/// A release with its tracks in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReleaseDetail {
    pub release: ReleaseView,
    pub tracks: Vec<TrackView>,
}

/// A shop owner's new release; tracks join it with [`NewTrack::release_id`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRelease {
    pub title: String,
    pub artists: String,
    pub genre: String,
    #[serde(default)]
    pub description: String,
}

/// How many published tracks a genre has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GenreCount {
    pub genre: String,
    pub tracks: u32,
}

/// A sale as the public "selling right now" feed shows it: what sold, never who bought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecentSale {
    pub track_id: String,
    pub track_title: String,
    pub artists: String,
    pub shop_id: String,
    pub shop_name: String,
    pub has_cover: bool,
    pub price: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at_ms: i64,
}

/// Everything the store's home page shows, in one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoreHome {
    pub new_releases: Vec<ReleaseView>,
    pub top_tracks: Vec<TrackView>,
    pub genres: Vec<GenreCount>,
    pub featured_shops: Vec<ShopView>,
    pub selling_now: Vec<RecentSale>,
}
