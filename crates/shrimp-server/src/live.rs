//! Live income: money events are written to the outbox in the same transaction as the money
//! movement, then fanned out to each shop's Server-Sent Events subscribers. On PostgreSQL a
//! NOTIFY (delivered at commit) wakes every server instance, which then reads the outbox; on
//! SQLite an in-process signal does. Streams resume from `Last-Event-ID`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use shrimp_api::IncomeEvent;
use sqlx::{Any, Row, Transaction};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{Database, Dialect};

/// The NOTIFY channel (sent by the outbox trigger, migration 0004).
const CHANNEL: &str = "shrimp_outbox";
/// Outbox rows read per query; a full batch is followed at once by the next.
const BATCH: i64 = 500;

/// Wakes stream tasks when the outbox may have grown.
#[derive(Debug, Clone)]
pub struct LiveIncome {
    wake: broadcast::Sender<()>,
}

impl Default for LiveIncome {
    fn default() -> Self {
        Self {
            wake: broadcast::channel(64).0,
        }
    }
}

impl LiveIncome {
    /// After a commit on SQLite: wake this process's streams. (PostgreSQL wakes through NOTIFY.)
    pub fn committed(&self, dialect: Dialect) {
        if dialect == Dialect::Sqlite {
            let _ = self.wake.send(());
        }
    }

    /// On PostgreSQL: forwards NOTIFYs from every instance to this one's streams, forever.
    pub fn listen_to_postgres(&self, database: &Database) {
        if database.dialect != Dialect::Postgres {
            return;
        }
        let wake = self.wake.clone();
        let url = database.url().to_owned();
        tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect(&url).await {
                    Ok(mut listener) => {
                        if let Err(error) = listener.listen(CHANNEL).await {
                            tracing::error!(%error, "cannot LISTEN for income events");
                        } else {
                            while listener.recv().await.is_ok() {
                                let _ = wake.send(());
                            }
                        }
                    }
                    Err(error) => tracing::error!(%error, "cannot connect the income listener"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

/// Writes an event for `shop_id` inside the money transaction `tx`.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    shop_id: &str,
    kind: &str,
    payload: &str,
    now_ms: i64,
) -> Result<()> {
    // On PostgreSQL the row is numbered, under the shop's lock, and announced by NOTIFY inside
    // COMMIT (migration 0004): concurrent sales of one shop then commit their events in number
    // order without holding a lock across round trips. SQLite has one writer at a time.
    sqlx::query("INSERT INTO outbox (shop_id, kind, payload, created_at) VALUES ($1, $2, $3, $4)")
        .bind(shop_id)
        .bind(kind)
        .bind(payload)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Events for `shop_id` after `after_seq`, oldest first.
pub async fn read_after(db: &Database, shop_id: &str, after_seq: i64) -> Result<Vec<IncomeEvent>> {
    let rows = sqlx::query(
        "SELECT seq, kind, payload FROM outbox WHERE shop_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(shop_id)
    .bind(after_seq)
    .bind(BATCH)
    .fetch_all(&db.pool)
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let seq: i64 = row.try_get("seq")?;
        let payload: String = row.try_get("payload")?;
        let kind: String = row.try_get("kind")?;
        let event = match kind.as_str() {
            "share_projected" => serde_json::from_str(&payload)
                .map(|projection| IncomeEvent::ShareProjected { seq, projection }),
            _ => serde_json::from_str(&payload).map(|sale| IncomeEvent::SaleRecorded { seq, sale }),
        };
        match event {
            Ok(event) => events.push(event),
            Err(error) => tracing::error!(%error, seq, "unreadable outbox payload skipped"),
        }
    }
    Ok(events)
}

async fn latest_seq(db: &Database, shop_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox WHERE shop_id = $1")
        .bind(shop_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>("seq")?)
}

/// `GET /shops/{id}/events`: the owner's live income stream.
pub async fn stream(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(shop_id): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    user.require_shop(&shop_id)?;
    let resume = headers
        .get("Last-Event-ID")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let mut last = match resume {
        Some(seq) => seq,
        None => latest_seq(&state.db, &shop_id).await?,
    };
    let (sender, receiver) = mpsc::channel::<std::result::Result<Event, Infallible>>(64);
    let mut wake = state.live.wake.subscribe();
    tokio::spawn(async move {
        // Say hello at once so clients know the stream is live.
        if sender
            .send(Ok(Event::default().comment("ready")))
            .await
            .is_err()
        {
            return;
        }
        loop {
            let mut backlog = false;
            match read_after(&state.db, &shop_id, last).await {
                Ok(events) => {
                    backlog = events.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
                    for event in events {
                        let seq = event.seq();
                        last = seq;
                        let Ok(data) = serde_json::to_string(&event) else {
                            continue;
                        };
                        let message = Event::default()
                            .id(seq.to_string())
                            .event(event.name())
                            .data(data);
                        if sender.send(Ok(message)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(error) => tracing::error!(%error, "reading the outbox failed"),
            }
            if backlog {
                continue;
            }
            // Wait for a wake-up; poll now and then anyway in case one was missed.
            tokio::select! {
                () = sender.closed() => return,
                _ = wake.recv() => {}
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(receiver)).keep_alive(KeepAlive::default()))
}
