use serde::{Deserialize, Serialize};
use shrimp_domain::Fen;

/// A sale credited in full to a shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SaleRecorded {
    pub order_id: String,
    pub track_id: String,
    pub track_title: String,
    pub amount: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at_ms: i64,
}

/// A subscriber downloaded one of the shop's tracks: the shop's projected share of this
/// month's pool as it stands now (other shops' downloads move it too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareProjected {
    pub month: String,
    pub track_id: String,
    pub track_title: String,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub total_downloads: i64,
    pub pool: Fen,
    /// `pool × downloads ÷ total_downloads`, rounded down; the close adds the remainders.
    pub projected_share: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at_ms: i64,
}

/// What a shop's live income stream carries; `seq` is the stream position (the SSE id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IncomeEvent {
    SaleRecorded {
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        seq: i64,
        sale: SaleRecorded,
    },
    ShareProjected {
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        seq: i64,
        projection: ShareProjected,
    },
}

impl IncomeEvent {
    /// The stream position.
    pub const fn seq(&self) -> i64 {
        match self {
            Self::SaleRecorded { seq, .. } | Self::ShareProjected { seq, .. } => *seq,
        }
    }

    /// The SSE event name (and the outbox row's kind).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::SaleRecorded { .. } => "sale_recorded",
            Self::ShareProjected { .. } => "share_projected",
        }
    }
}
