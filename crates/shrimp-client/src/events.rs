//! The live income stream (Server-Sent Events), reconnecting with `Last-Event-ID` so no event
//! is lost or repeated across a dropped connection.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use shrimp_api::{ErrorCode, IncomeEvent};

use crate::{Client, ClientError, Result};

/// Income events for one shop, in order. Call [`IncomeStream::next`] in a loop.
pub struct IncomeStream {
    client: Client,
    shop_id: String,
    last_event_id: Option<i64>,
    body: Option<BoxStream<'static, reqwest::Result<bytes::Bytes>>>,
    buffer: BytesMut,
    ready: VecDeque<IncomeEvent>,
    /// Data lines of the event being read.
    data: String,
    id: Option<i64>,
}

impl std::fmt::Debug for IncomeStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomeStream")
            .field("shop_id", &self.shop_id)
            .field("last_event_id", &self.last_event_id)
            .finish_non_exhaustive()
    }
}

impl IncomeStream {
    pub(crate) fn new(client: Client, shop_id: String) -> Self {
        Self {
            client,
            shop_id,
            last_event_id: None,
            body: None,
            buffer: BytesMut::new(),
            ready: VecDeque::new(),
            data: String::new(),
            id: None,
        }
    }

    /// Resumes after `id` instead of starting from now.
    #[must_use]
    pub fn resume_after(mut self, id: i64) -> Self {
        self.last_event_id = Some(id);
        self
    }

    /// Connects now (waiting until the server says the stream is live).
    pub async fn connect(&mut self) -> Result<()> {
        let response = Client::open(
            self.client
                .events_request(&self.shop_id, self.last_event_id),
        )
        .await?;
        self.body = Some(response.bytes_stream().boxed());
        self.buffer.clear();
        self.data.clear();
        self.id = None;
        Ok(())
    }

    /// The next event. Transport failures reconnect (with a short pause) and resume; API errors
    /// such as a revoked session are returned.
    pub async fn next(&mut self) -> Result<IncomeEvent> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(event);
            }
            if self.body.is_none()
                && let Err(error) = self.connect().await
            {
                if error.code() != ErrorCode::Unavailable {
                    return Err(error);
                }
                tracing::warn!(%error, "income stream: reconnecting");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            let Some(body) = self.body.as_mut() else {
                continue;
            };
            match body.next().await {
                Some(Ok(chunk)) => {
                    self.buffer.extend_from_slice(&chunk);
                    self.parse_lines()?;
                }
                Some(Err(error)) => {
                    tracing::warn!(%error, "income stream broke; resuming");
                    self.body = None;
                }
                None => self.body = None,
            }
        }
    }

    fn parse_lines(&mut self) -> Result<()> {
        while let Some(end) = self.buffer.iter().position(|byte| *byte == b'\n') {
            let line = self.buffer.split_to(end + 1);
            let mut line = &line[..end];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            let line = std::str::from_utf8(line)
                .map_err(|_| ClientError::Protocol("the event stream is not UTF-8".into()))?;
            if line.is_empty() {
                self.dispatch()?;
            } else if let Some(value) = line.strip_prefix("data:") {
                if !self.data.is_empty() {
                    self.data.push('\n');
                }
                self.data.push_str(value.strip_prefix(' ').unwrap_or(value));
            } else if let Some(value) = line.strip_prefix("id:") {
                self.id = value.trim().parse().ok();
            }
            // `event:` names and `:` comments need nothing here.
        }
        if self.buffer.remaining() > 1024 * 1024 {
            return Err(ClientError::Protocol(
                "an event is larger than 1 MiB".into(),
            ));
        }
        Ok(())
    }

    fn dispatch(&mut self) -> Result<()> {
        if !self.data.is_empty() {
            let event: IncomeEvent = serde_json::from_str(&self.data)
                .map_err(|error| ClientError::Protocol(format!("bad income event: {error}")))?;
            self.ready.push_back(event);
        }
        if let Some(id) = self.id.take() {
            self.last_event_id = Some(id);
        }
        self.data.clear();
        Ok(())
    }
}
