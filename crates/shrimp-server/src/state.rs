//! What every request handler can reach.

use std::sync::Arc;

use crate::clock::Clock;
use crate::files::FileStore;
use crate::limits::SignInLimiter;
use crate::live::LiveIncome;
use crate::metrics::Metrics;
use crate::payments::PaymentProvider;
use crate::secrets::SigningKey;
use crate::storage::Database;

/// Shared, cheaply cloned server state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    pub clock: Clock,
    pub signing: SigningKey,
    pub files: FileStore,
    pub live: LiveIncome,
    pub payments: Arc<dyn PaymentProvider>,
    pub sign_in_limiter: Arc<SignInLimiter>,
    pub metrics: Arc<Metrics>,
    pub settings: Arc<Settings>,
}

/// Tunables, with the production defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a sign-in lasts.
    pub session_ms: i64,
    /// How long an unpaid order stays payable.
    pub order_ttl_ms: i64,
    /// How long a download link works.
    pub download_link_ms: i64,
    /// The largest audio upload accepted.
    pub max_upload_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_ms: 30 * 24 * 3_600_000,
            order_ttl_ms: 15 * 60_000,
            download_link_ms: 10 * 60_000,
            max_upload_bytes: 200 * 1024 * 1024,
        }
    }
}
