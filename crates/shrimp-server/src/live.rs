//! Live income: money events are written to the outbox in the same transaction as the money
//! movement, then fanned out to each shop's Server-Sent Events subscribers. Streams resume from
//! `Last-Event-ID`.
//!
//! On PostgreSQL a NOTIFY sent inside COMMIT (migration 0005) carries the event itself, its
//! number and the number of the shop's event before it. Each server instance LISTENs on one
//! connection and hands the event to the streams of that shop only, in memory: a stream whose
//! last event is the one before sends it on without reading the database. A stream that sees
//! a gap (a lost notification, a lagging stream, an event too large for a NOTIFY) reads the
//! outbox from where it is, so every event still arrives once and in order. On SQLite an
//! in-process signal makes the streams read the outbox.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
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

/// The NOTIFY channel (sent by the outbox trigger, migration 0005).
const CHANNEL: &str = "shrimp_outbox";
/// Outbox rows read per query; a full batch is followed at once by the next.
const BATCH: i64 = 500;
/// Signals buffered per shop; a stream further behind reads the outbox instead.
const SIGNALS: usize = 1024;
/// An idle stream reads the outbox this often anyway, in case a notification was lost.
const IDLE_READ: Duration = Duration::from_secs(5);

/// What a shop's streams on this instance are told.
#[derive(Debug, Clone)]
enum Signal {
    /// The shop's next event, the one after `previous`, ready to send.
    Next { previous: i64, event: Arc<Ready> },
    /// The shop's outbox may have grown: read it.
    Read,
}

/// An event as a stream sends it, serialised once per instance.
#[derive(Debug)]
struct Ready {
    seq: i64,
    name: &'static str,
    data: String,
}

impl Ready {
    fn new(event: &IncomeEvent) -> Option<Self> {
        let data = serde_json::to_string(event).ok()?;
        Some(Self {
            seq: event.seq(),
            name: event.name(),
            data,
        })
    }

    fn message(&self) -> Event {
        Event::default()
            .id(self.seq.to_string())
            .event(self.name)
            .data(&self.data)
    }
}

/// The shops with open streams on this instance, each with a channel to its streams.
#[derive(Debug, Clone, Default)]
pub struct LiveIncome {
    shops: Arc<Mutex<HashMap<String, broadcast::Sender<Signal>>>>,
}

impl LiveIncome {
    /// After a commit on SQLite: make this process's streams read. (PostgreSQL notifies.)
    pub fn committed(&self, dialect: Dialect) {
        if dialect == Dialect::Sqlite {
            self.tell_every_shop();
        }
    }

    fn subscribe(&self, shop_id: &str) -> Subscription {
        let mut shops = self.shops.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = shops
            .entry(shop_id.to_owned())
            .or_insert_with(|| broadcast::channel(SIGNALS).0)
            .subscribe();
        Subscription {
            live: self.clone(),
            shop_id: shop_id.to_owned(),
            receiver,
        }
    }

    fn tell(&self, shop_id: &str, signal: Signal) {
        let shops = self.shops.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = shops.get(shop_id) {
            let _ = sender.send(signal);
        }
    }

    /// Whether any stream on this instance follows `shop_id`.
    fn watches(&self, shop_id: &str) -> bool {
        let shops = self.shops.lock().unwrap_or_else(PoisonError::into_inner);
        shops.contains_key(shop_id)
    }

    fn tell_every_shop(&self) {
        let shops = self.shops.lock().unwrap_or_else(PoisonError::into_inner);
        for sender in shops.values() {
            let _ = sender.send(Signal::Read);
        }
    }

    /// On PostgreSQL: hands NOTIFYs from every instance to this one's streams, forever.
    pub fn listen_to_postgres(&self, database: &Database) {
        if database.dialect != Dialect::Postgres {
            return;
        }
        let live = self.clone();
        let url = database.url().to_owned();
        tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect(&url).await {
                    Ok(mut listener) => {
                        if let Err(error) = listener.listen(CHANNEL).await {
                            tracing::error!(%error, "cannot LISTEN for income events");
                        } else {
                            // Whatever was committed before listening is read, not heard.
                            live.tell_every_shop();
                            loop {
                                match listener.try_recv().await {
                                    Ok(Some(notification)) => live.heard(notification.payload()),
                                    // Reconnected: notifications may have been lost meanwhile.
                                    Ok(None) => live.tell_every_shop(),
                                    Err(error) => {
                                        tracing::error!(%error, "the income listener failed");
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    Err(error) => tracing::error!(%error, "cannot connect the income listener"),
                }
                live.tell_every_shop();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    /// One notification: `SEQ PREVIOUS KIND SHOP_ID`, then a newline and the event's payload
    /// unless it was too large to send.
    fn heard(&self, notification: &str) {
        let (header, payload) = match notification.split_once('\n') {
            Some((header, payload)) => (header, Some(payload)),
            None => (notification, None),
        };
        let mut fields = header.splitn(4, ' ');
        let (Some(seq), Some(previous), Some(kind), Some(shop_id)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            // Not this format (an older instance's notification, the bare shop id): read.
            self.tell(notification, Signal::Read);
            return;
        };
        let (Ok(seq), Ok(previous)) = (seq.parse::<i64>(), previous.parse::<i64>()) else {
            self.tell(shop_id, Signal::Read);
            return;
        };
        // Every instance hears every shop's sales: decode only what a stream here will send.
        if !self.watches(shop_id) {
            return;
        }
        let ready = payload
            .and_then(|payload| decode(seq, kind, payload))
            .and_then(|event| Ready::new(&event));
        let signal = match ready {
            Some(ready) => Signal::Next {
                previous,
                event: Arc::new(ready),
            },
            None => Signal::Read,
        };
        self.tell(shop_id, signal);
    }
}

/// A stream's place on its shop's channel; the last one to leave removes the channel.
struct Subscription {
    live: LiveIncome,
    shop_id: String,
    receiver: broadcast::Receiver<Signal>,
}

impl Subscription {
    async fn recv(&mut self) -> std::result::Result<Signal, broadcast::error::RecvError> {
        self.receiver.recv().await
    }

    /// Forgets the signals waiting: a read of the outbox about to start covers them all.
    fn drain(&mut self) {
        while !matches!(
            self.receiver.try_recv(),
            Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed)
        ) {}
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Under the lock `subscribe` takes too, so no stream joins while the count is read;
        // this subscription's own receiver is still counted.
        let mut shops = self
            .live
            .shops
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if shops
            .get(&self.shop_id)
            .is_some_and(|sender| sender.receiver_count() == 1)
        {
            shops.remove(&self.shop_id);
        }
    }
}

/// An outbox row as the event a stream sends.
fn decode(seq: i64, kind: &str, payload: &str) -> Option<IncomeEvent> {
    let event = match kind {
        "share_projected" => serde_json::from_str(payload)
            .map(|projection| IncomeEvent::ShareProjected { seq, projection }),
        _ => serde_json::from_str(payload).map(|sale| IncomeEvent::SaleRecorded { seq, sale }),
    };
    match event {
        Ok(event) => Some(event),
        Err(error) => {
            tracing::error!(%error, seq, "unreadable outbox payload skipped");
            None
        }
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
    // COMMIT (migrations 0004, 0005): concurrent sales of one shop then commit their events in number
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
        events.extend(decode(seq, &kind, &payload));
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
    // Subscribed before the outbox is first read, so nothing committed after that read is
    // missed; whatever is heard twice is recognised by its number.
    let mut subscription = state.live.subscribe(&shop_id);
    let resume = headers
        .get("Last-Event-ID")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let mut last = match resume {
        Some(seq) => seq,
        None => latest_seq(&state.db, &shop_id).await?,
    };
    let (sender, receiver) = mpsc::channel::<std::result::Result<Event, Infallible>>(64);
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
            // Catch up from the outbox: everything after `last` committed by now, which covers
            // every signal already waiting (one read for a burst of them).
            subscription.drain();
            let events = match read_after(&state.db, &shop_id, last).await {
                Ok(events) => events,
                Err(error) => {
                    tracing::error!(%error, "reading the outbox failed");
                    Vec::new()
                }
            };
            let backlog = events.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
            for event in events {
                let Some(ready) = Ready::new(&event) else {
                    continue;
                };
                last = ready.seq;
                if sender.send(Ok(ready.message())).await.is_err() {
                    return;
                }
            }
            if backlog {
                continue;
            }
            // Then follow the shop's signals until one needs the outbox read.
            loop {
                tokio::select! {
                    () = sender.closed() => return,
                    signal = subscription.recv() => match signal {
                        Ok(Signal::Next { previous, event }) if previous == last => {
                            last = event.seq;
                            if sender.send(Ok(event.message())).await.is_err() {
                                return;
                            }
                        }
                        // Read already (this stream started or caught up after it).
                        Ok(Signal::Next { event, .. }) if event.seq <= last => {}
                        // A gap, a wake-up, or signals lost by lagging behind.
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    () = tokio::time::sleep(IDLE_READ) => break,
                }
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(receiver)).keep_alive(KeepAlive::default()))
}
