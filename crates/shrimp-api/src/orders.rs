use serde::{Deserialize, Serialize};
use shrimp_domain::Fen;

/// The header carrying a download's SHA-256 (lowercase hex).
pub const SHA256_HEADER: &str = "X-Content-SHA256";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrder {
    pub track_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Expired,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderView {
    pub id: String,
    pub track_id: String,
    pub shop_id: String,
    pub amount: Fen,
    pub status: OrderStatus,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at_ms: i64,
}

/// A short-lived signed address for one entitled download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadLink {
    /// Path and query on the server, e.g. `/api/v1/downloads/…?expires=…&sig=…`.
    pub path: String,
    #[serde(rename = "expires_at_ms")]
    pub expires_at_ms: i64,
    pub sha256: String,
    pub size: u64,
}

/// A shop's income at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IncomeSummary {
    pub today: Fen,
    pub this_month: Fen,
    pub all_time: Fen,
    pub balance: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub sales_count: i64,
}

/// One day of a shop's income: its sales, and its part of the subscription share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DailyIncome {
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub day_start_ms: i64,
    pub sales: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub count: i64,
    /// The day's part of its month's subscription share (settled, or this month's projection),
    /// spread over the month's days by the shop's subscriber downloads on each, so the days of
    /// a month add up to the month's share. Absent from servers that predate it.
    #[serde(default)]
    pub subscription_share: Fen,
}

/// One track's sales and downloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrackIncome {
    pub track_id: String,
    pub title: String,
    pub sales: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub count: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: i64,
    /// Downloads counted for the subscription split (once per subscriber and month), all time.
    /// Absent from servers that predate it.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub subscriber_downloads: i64,
}
