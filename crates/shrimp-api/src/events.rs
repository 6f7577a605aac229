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
}
