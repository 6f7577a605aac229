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
    pub published: bool,
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
