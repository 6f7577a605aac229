//! The Shrimp marketplace backend.
//!
//! `shrimp-server` owns the marketplace's truth: accounts and sessions, shop applications and
//! their audit, the catalogue, orders paid through a payment provider onto a double-entry
//! ledger, entitlements and signed downloads, and live income streamed to shop owners. It
//! stores everything in SQLite or PostgreSQL through one layer and files in a content-addressed
//! store. The rules themselves (prices, audit transitions, ledger postings) come from
//! `shrimp-domain`; the wire shapes from `shrimp-api`. It knows nothing of the desktop app.
//!
//! [`app`] builds the whole HTTP API as a router, so tests drive it directly and the binary
//! only binds it to an address.

mod accounts;
mod applications;
mod auth;
mod catalog;
pub mod clock;
mod covers;
pub mod demo;
mod downloads;
pub mod error;
mod files;
mod income;
mod jobs;
mod json;
mod limits;
mod live;
pub mod media;
mod metrics;
mod openapi;
mod orders;
pub mod payments;
mod payouts;
mod releases;
mod secrets;
pub mod settlement;
mod state;
pub mod storage;
mod storefront;
mod streaming;
pub mod subscriptions;

use std::path::Path;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::trace::TraceLayer;

pub use accounts::{grant_operator, grant_reviewer};
pub use clock::Clock;
pub use files::FileStore;
pub use jobs::run_money_jobs;
pub use orders::expire_unpaid;
pub use payments::{
    AlipayConfig, AlipayProvider, DemoProvider, PaymentProvider, reconcile_payments,
};
pub use payouts::run_payout_schedules;
pub use secrets::SigningKey;
pub use settlement::{settle_due, settle_month};
pub use state::{AppState, Settings};
pub use storage::{Database, Dialect, StorageError};
pub use subscriptions::{expire_unpaid_periods, renew_due};

/// The router type [`app`] builds, for callers that serve it.
pub use axum::Router;

/// Serves `router` on `listener` until the task is dropped (the binary adds graceful shutdown).
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(without_nagle(listener), router).await
}

/// Serves `router` on `listener` until `shutdown` completes, finishing requests in flight.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(without_nagle(listener), router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Every accepted connection sends its writes at once (`TCP_NODELAY`, which axum 0.8 no
/// longer sets). An event stream writes small frames one after another: with Nagle's
/// algorithm on, a frame written while the previous one is unacknowledged waits for the
/// peer's delayed ACK, up to about 40 ms on Linux — seen as the tail of the purchase → live
/// event latency.
fn without_nagle(
    listener: tokio::net::TcpListener,
) -> impl axum::serve::Listener<Io = tokio::net::TcpStream, Addr = std::net::SocketAddr> {
    use axum::serve::ListenerExt;
    listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
        }
    })
}

/// JSON bodies are small; audio uploads stream past this limit on their own routes.
const JSON_BODY_LIMIT: usize = 256 * 1024;

/// Builds the HTTP API over `state`.
pub fn app(state: AppState) -> Router {
    let uploads = Router::new()
        .merge(catalog::upload_routes())
        .merge(applications::upload_routes())
        .merge(covers::upload_routes())
        .layer(DefaultBodyLimit::disable());
    let api = Router::new()
        .merge(accounts::routes())
        .merge(applications::routes())
        .merge(catalog::routes())
        .merge(releases::routes())
        .merge(covers::routes())
        .merge(storefront::routes())
        .merge(orders::routes())
        .merge(downloads::routes())
        .merge(income::routes())
        .merge(subscriptions::routes())
        .merge(settlement::routes())
        .merge(payouts::routes())
        .merge(payments::routes())
        .route("/openapi.json", get(openapi::serve))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .merge(uploads);
    let metrics = state.metrics.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::serve))
        .nest("/api/v1", api)
        .fallback(|| async { error::ServerError::NotFound("route") })
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Opens the database (migrating it) and the file store under `data_dir`, with the given
/// clock, signing key and payment provider.
pub async fn open_state(
    database_url: &str,
    data_dir: &Path,
    clock: Clock,
    signing: SigningKey,
    payments: Arc<dyn PaymentProvider>,
) -> Result<AppState, OpenError> {
    let db = Database::open(database_url).await?;
    let files = FileStore::open(data_dir.join("files")).map_err(OpenError::Files)?;
    let live = live::LiveIncome::default();
    live.listen_to_postgres(&db);
    Ok(AppState {
        db,
        clock,
        signing,
        files,
        live,
        payments,
        sign_in_limiter: Arc::default(),
        metrics: Arc::default(),
        settings: Arc::new(Settings::default()),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("cannot use the file store: {0}")]
    Files(#[source] std::io::Error),
}
