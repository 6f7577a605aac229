//! Wire types of the monthly subscription, its month close and statements, payments that wait
//! for the buyer, and payouts.

use serde::{Deserialize, Serialize};
use shrimp_domain::Fen;

/// The plan and the published limits against abuse, as the app shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubscriptionTerms {
    /// The monthly fee.
    pub price: Fen,
    /// New tracks a subscriber may download per UTC day.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub daily_download_cap: i64,
    /// The rules in words, for the app to publish as they are.
    pub rules: Vec<String>,
}

/// An operator's change to the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanUpdate {
    pub price: Fen,
    pub daily_download_cap: i64,
}

/// Which month to pay for: the current one (subscribe) or the next (renew).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SubscribeRequest {
    /// `YYYY-MM`; the current month when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    Pending,
    Paid,
    Expired,
}

/// One month of a subscription and its payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubscriptionPeriod {
    /// Also the payment's `out_trade_no`.
    pub id: String,
    pub month: String,
    pub amount: Fen,
    pub status: PeriodStatus,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at_ms: i64,
}

/// The caller's subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubscriptionView {
    /// The current month when it is paid for.
    pub active_month: Option<String>,
    pub auto_renew: bool,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads_today: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub daily_download_cap: i64,
    /// Every period, newest first.
    pub periods: Vec<SubscriptionPeriod>,
}

/// A shop's projected share of the current month's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareProjection {
    pub month: String,
    /// Fees paid for the month so far (plus money carried into it).
    pub pool: Fen,
    pub downloads: i64,
    pub total_downloads: i64,
    /// The exact largest-remainder share if the month closed now.
    pub projected_share: Fen,
}

/// A shop's statement line for a closed month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopMonthStatement {
    pub month: String,
    pub pool: Fen,
    pub total_downloads: i64,
    pub downloads: i64,
    pub share: Fen,
    pub settled_at_ms: i64,
}

/// A closed month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementView {
    pub month: String,
    /// Fees paid for the month.
    pub fees: Fen,
    /// Money from earlier empty months carried into this pool.
    pub carried_in: Fen,
    /// `fees + carried_in`, all of it split or carried over.
    pub pool: Fen,
    /// What nobody earned (the whole pool of a month without downloads).
    pub carry_over: Fen,
    pub subscribers: i64,
    pub shops: i64,
    pub downloads: i64,
    pub settled_at_ms: i64,
}

/// Where part of a subscriber's fee went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeLine {
    pub shop_id: String,
    pub shop_name: String,
    /// The subscriber's own downloads from this shop.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub your_downloads: i64,
    /// All subscribers' downloads from this shop.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub shop_downloads: i64,
    /// The part of this subscriber's fee that went to the shop.
    pub amount: Fen,
}

/// A subscriber's statement for a closed month: the fee joined the pool, and the pool went to
/// shops by their downloads, so the fee is divided the same way (largest remainder, exact).
/// `lines` + `other_shops` + `carried_over` = `fee`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubscriberStatement {
    pub month: String,
    pub fee: Fen,
    pub pool: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub total_downloads: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub your_downloads: i64,
    /// Shops the subscriber downloaded from, largest amount first.
    pub lines: Vec<FeeLine>,
    /// The part of the fee that went to shops the subscriber did not download from.
    pub other_shops: Fen,
    /// The part carried to a later month because nobody downloaded anything.
    pub carried_over: Fen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Awaiting,
    Paid,
    Failed,
}

/// A payment waiting for the buyer: show `qr_code` for the Alipay app to scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentView {
    pub out_trade_no: String,
    pub provider: String,
    pub amount: Fen,
    pub status: PaymentStatus,
    pub qr_code: Option<String>,
}

/// Ask for part of the balance to be paid out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRequest {
    pub amount: Fen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutStatus {
    /// Taken from the balance, waiting for the operator to transfer it.
    Requested,
    /// Transferred to the payout account.
    Sent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutView {
    pub id: String,
    pub shop_id: String,
    pub amount: Fen,
    pub status: PayoutStatus,
    /// `requested` by the owner or `scheduled`.
    pub origin: String,
    pub payout_account: String,
    pub requested_at_ms: i64,
    pub sent_at_ms: Option<i64>,
    /// The signed transfer request sent to the payment provider (form-encoded).
    pub transfer_request: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PayoutCadence {
    /// Only when the owner asks.
    #[default]
    Manual,
    /// The whole balance on the first day of each month, when at least the minimum.
    Monthly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutSchedule {
    pub cadence: PayoutCadence,
    pub minimum: Fen,
}

/// A shop's payouts and what is left to pay out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutStatement {
    pub balance: Fen,
    pub paid_out: Fen,
    pub schedule: PayoutSchedule,
    /// Newest first.
    pub payouts: Vec<PayoutView>,
}
