//! The wire contract between the Shrimp app and its backend.
//!
//! This crate owns the shapes that cross a process or language boundary: the shared
//! [`ErrorCode`] and the `{code, message}` error body every boundary speaks, and the request,
//! response and event types of the `/api/v1` HTTP API. It knows nothing about HTTP frameworks,
//! databases or the desktop shell; the server, the client and the app all depend on it so that
//! a field or a code means the same thing everywhere. Money is always integer fen.

mod accounts;
mod catalog;
mod error;
mod events;
mod orders;
mod shops;
mod subscriptions;

pub use accounts::{RegisterRequest, Role, SessionGrant, SignInRequest, UserView};
pub use catalog::{
    GenreCount, NewRelease, NewTrack, Page, RecentSale, ReleaseDetail, ReleaseView, ShopView,
    StoreHome, TrackSort, TrackUpdate, TrackView,
};
pub use error::{ApiError, ErrorCode};
pub use events::{IncomeEvent, SaleRecorded, ShareProjected};
pub use orders::{
    CreateOrder, DailyIncome, DownloadLink, IncomeSummary, OrderStatus, OrderView, SHA256_HEADER,
    TrackIncome,
};
pub use shops::{ApplicationDraft, ApplicationView, AuditEventView, ReviewRejection, ShopKindView};
pub use subscriptions::{
    FeeLine, PaymentStatus, PaymentView, PayoutCadence, PayoutRequest, PayoutSchedule,
    PayoutStatement, PayoutStatus, PayoutView, PeriodStatus, PlanUpdate, SettlementView,
    ShareProjection, ShopMonthStatement, SubscribeRequest, SubscriberStatement, SubscriptionPeriod,
    SubscriptionTerms, SubscriptionView,
};

/// The header that makes a money-moving request safe to retry.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
