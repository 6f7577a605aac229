//! The market simulator: simulated listeners buy (and download what they bought) at a varying
//! rate, through the real HTTP API in-process, so every marketplace rule applies to them as to
//! anyone — prices, idempotency, one purchase per track, the ledger and the live income stream.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::Row;
use tokio::sync::watch;
use tower::ServiceExt as _;

use super::catalogue::{Owner, SHOPS, SIMULATED_LISTENERS, simulated_listener_id};
use super::random::Random;
use crate::accounts::start_session;
use crate::state::AppState;

/// How busy the simulated market is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulatorSettings {
    pub paused: bool,
    /// The average time between two sales.
    pub mean_interval_ms: u64,
}

impl Default for SimulatorSettings {
    fn default() -> Self {
        Self {
            paused: false,
            mean_interval_ms: 4_000,
        }
    }
}

/// A running simulator; dropping it stops it.
#[derive(Debug)]
pub struct Simulator {
    settings: watch::Sender<SimulatorSettings>,
    purchases: Arc<AtomicU64>,
    subscriber_downloads: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Simulator {
    /// Starts buying on the current Tokio runtime.
    pub fn start(state: AppState, settings: SimulatorSettings) -> Self {
        let (sender, receiver) = watch::channel(settings);
        let purchases = Arc::new(AtomicU64::new(0));
        let subscriber_downloads = Arc::new(AtomicU64::new(0));
        let market = Market {
            router: crate::app(state.clone()),
            state,
            random: Random::new(
                u64::try_from(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |since| since.as_nanos()),
                )
                .unwrap_or(0),
            ),
            tokens: vec![None; SIMULATED_LISTENERS as usize],
            tracks: Vec::new(),
            purchases: purchases.clone(),
            subscriber_downloads: subscriber_downloads.clone(),
            subscribed: HashSet::new(),
        };
        let task = tokio::spawn(market.run(receiver));
        Self {
            settings: sender,
            purchases,
            subscriber_downloads,
            task,
        }
    }

    pub fn settings(&self) -> SimulatorSettings {
        *self.settings.borrow()
    }

    pub fn set(&self, settings: SimulatorSettings) {
        self.settings.send_replace(SimulatorSettings {
            mean_interval_ms: settings.mean_interval_ms.clamp(200, 600_000),
            ..settings
        });
    }

    /// Sales the simulator has made since it started.
    pub fn purchases(&self) -> u64 {
        self.purchases.load(Ordering::Relaxed)
    }

    /// Downloads by simulated subscribers since it started (each counts toward the month's
    /// split of the subscription pool).
    pub fn subscriber_downloads(&self) -> u64 {
        self.subscriber_downloads.load(Ordering::Relaxed)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Market {
    router: Router,
    state: AppState,
    random: Random,
    tokens: Vec<Option<String>>,
    /// (track id, weight): refreshed now and then so newly published tracks sell too.
    tracks: Vec<(String, u64)>,
    purchases: Arc<AtomicU64>,
    subscriber_downloads: Arc<AtomicU64>,
    /// Subscribers known to have paid (for the day in the key they paid with).
    subscribed: HashSet<(usize, i64)>,
}

/// The first simulated listeners subscribe and download; the rest buy track by track.
const SUBSCRIBERS: usize = 40;

impl Market {
    async fn run(mut self, mut settings: watch::Receiver<SimulatorSettings>) {
        let mut round = 0_u64;
        loop {
            let current = *settings.borrow_and_update();
            if current.paused {
                if settings.changed().await.is_err() {
                    return;
                }
                continue;
            }
            let wait = self.next_wait(current.mean_interval_ms);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                changed = settings.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    continue;
                }
            }
            if round.is_multiple_of(20)
                && let Err(error) = self.refresh_tracks().await
            {
                tracing::warn!(%error, "the market simulator cannot list tracks");
            }
            round += 1;
            // One listener in four is a subscriber downloading rather than a buyer.
            if self.random.below(4) == 0 {
                match self.subscriber_download().await {
                    Ok(true) => {
                        self.subscriber_downloads.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%error, "a simulated subscriber download failed"),
                }
                continue;
            }
            match self.sell_one().await {
                Ok(true) => {
                    self.purchases.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "a simulated purchase failed"),
            }
        }
    }

    /// Exponentially distributed gaps (a Poisson market), within sensible bounds.
    fn next_wait(&mut self, mean_ms: u64) -> Duration {
        #[allow(clippy::cast_precision_loss)]
        let uniform = (self.random.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        let factor = (-(1.0 - uniform).ln()).clamp(0.15, 4.0);
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let wait = (mean_ms as f64 * factor) as u64;
        Duration::from_millis(wait.max(50))
    }

    async fn refresh_tracks(&mut self) -> crate::error::Result<()> {
        let rows = sqlx::query(
            "SELECT id, shop_id FROM tracks WHERE published = 1 AND audio_sha256 IS NOT NULL",
        )
        .fetch_all(&self.state.db.pool)
        .await?;
        self.tracks = rows
            .iter()
            .map(|row| {
                let shop_id: String = row.try_get("shop_id")?;
                // The shops you can act as sell more, so their dashboards visibly move.
                let popularity = SHOPS.iter().find(|shop| shop.shop_id() == shop_id).map_or(
                    5,
                    |shop| match shop.owner {
                        Owner::Persona(_) => shop.popularity * 3,
                        Owner::Background { .. } => shop.popularity,
                    },
                );
                Ok((row.try_get("id")?, u64::from(popularity)))
            })
            .collect::<crate::error::Result<_>>()?;
        Ok(())
    }

    async fn token(&mut self, buyer: usize) -> crate::error::Result<String> {
        if let Some(Some(token)) = self.tokens.get(buyer) {
            return Ok(token.clone());
        }
        let id = simulated_listener_id(u32::try_from(buyer).unwrap_or(0));
        let token = start_session(&self.state, &id).await?.token;
        if let Some(slot) = self.tokens.get_mut(buyer) {
            *slot = Some(token.clone());
        }
        Ok(token)
    }

    /// One listener buys one track they don't own yet, then downloads it. A few tries, since
    /// the first pick may be owned already.
    async fn sell_one(&mut self) -> crate::error::Result<bool> {
        let weights: Vec<u64> = self.tracks.iter().map(|(_, weight)| *weight).collect();
        for _ in 0..8 {
            let Some((track_id, _)) = self.tracks.get(self.random.weighted(&weights)).cloned()
            else {
                return Ok(false);
            };
            let buyer =
                usize::try_from(self.random.below(u64::from(SIMULATED_LISTENERS))).unwrap_or(0);
            let token = self.token(buyer).await?;
            let key = format!("sim-{:016x}", self.random.next_u64());
            let status = self
                .call(
                    Request::post("/api/v1/orders")
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .header(shrimp_api::IDEMPOTENCY_KEY_HEADER, key)
                        .body(Body::from(
                            serde_json::json!({ "track_id": track_id }).to_string(),
                        )),
                )
                .await?;
            match status {
                StatusCode::CREATED => {
                    self.call(
                        Request::post(format!("/api/v1/tracks/{track_id}/download-link"))
                            .header(header::AUTHORIZATION, format!("Bearer {token}"))
                            .body(Body::empty()),
                    )
                    .await?;
                    return Ok(true);
                }
                // Already owned (or no longer for sale): someone else buys something else.
                StatusCode::CONFLICT | StatusCode::NOT_FOUND => {}
                StatusCode::UNAUTHORIZED => {
                    if let Some(slot) = self.tokens.get_mut(buyer) {
                        *slot = None;
                    }
                }
                other => {
                    return Err(crate::error::ServerError::Internal(format!(
                        "the store answered a simulated purchase with {other}"
                    )));
                }
            }
        }
        Ok(false)
    }

    /// A subscriber (paying this month's fee first if they have not) downloads a track; the
    /// server counts it once per subscriber, track and month, within the daily cap.
    async fn subscriber_download(&mut self) -> crate::error::Result<bool> {
        let weights: Vec<u64> = self.tracks.iter().map(|(_, weight)| *weight).collect();
        let Some((track_id, _)) = self.tracks.get(self.random.weighted(&weights)).cloned() else {
            return Ok(false);
        };
        let subscriber = usize::try_from(self.random.below(SUBSCRIBERS as u64)).unwrap_or(0);
        let token = self.token(subscriber).await?;
        let day = self.state.clock.now_ms() / 86_400_000;
        if !self.subscribed.contains(&(subscriber, day)) {
            let status = self
                .call(
                    Request::post("/api/v1/subscription")
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .header(
                            shrimp_api::IDEMPOTENCY_KEY_HEADER,
                            format!("sim-sub-{subscriber}-{day}"),
                        )
                        .body(Body::from("{}")),
                )
                .await?;
            // Paid now, replayed, or this month was paid already: subscribed either way.
            if !(status.is_success() || status == StatusCode::CONFLICT) {
                return Err(crate::error::ServerError::Internal(format!(
                    "the store answered a simulated subscription with {status}"
                )));
            }
            self.subscribed.insert((subscriber, day));
        }
        let status = self
            .call(
                Request::post(format!("/api/v1/tracks/{track_id}/download-link"))
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty()),
            )
            .await?;
        // Over the daily cap (429) the subscriber simply stops for today.
        Ok(status.is_success())
    }

    async fn call(
        &self,
        request: Result<Request<Body>, axum::http::Error>,
    ) -> crate::error::Result<StatusCode> {
        let request =
            request.map_err(|error| crate::error::ServerError::Internal(error.to_string()))?;
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .map_err(|error| crate::error::ServerError::Internal(error.to_string()))?;
        Ok(response.status())
    }
}
