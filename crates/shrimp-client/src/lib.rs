//! A typed client for the Shrimp marketplace API (`/api/v1`) and its live income stream.
//!
//! It speaks HTTP and JSON with the shapes from `shrimp-api` and turns every `{code, message}`
//! error into a [`ClientError::Api`]. It keeps the session token it is given and never logs
//! it; where the token comes from (the OS keyring, a test) is the caller's business.

mod events;
mod income;
mod money;
mod releases;
mod uploads;

use std::fmt;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shrimp_api::{
    ApiError, ApplicationDraft, ApplicationView, CreateOrder, DownloadLink, IDEMPOTENCY_KEY_HEADER,
    IncomeSummary, NewTrack, OrderView, Page, RegisterRequest, ReviewRejection, SessionGrant,
    ShopView, SignInRequest, TrackSort, TrackUpdate, TrackView, UserView,
};

pub use events::IncomeStream;
pub use uploads::file_body;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error.
    #[error("{status}: {error}")]
    Api { status: StatusCode, error: ApiError },
    /// The server could not be reached, or the connection broke.
    #[error("cannot reach the server: {0}")]
    Transport(#[from] reqwest::Error),
    /// The server's answer was not what the API promises.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The shared error code, for callers that branch on it.
    pub fn code(&self) -> shrimp_api::ErrorCode {
        match self {
            Self::Api { error, .. } => error.code,
            Self::Transport(_) => shrimp_api::ErrorCode::Unavailable,
            Self::Protocol(_) => shrimp_api::ErrorCode::Internal,
        }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// A session token. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A connection to one Shrimp server, optionally signed in.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<Token>,
}

/// Track list filters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrackQuery {
    pub sort: TrackSort,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: None,
        })
    }

    /// The same client acting with `token`.
    #[must_use]
    pub fn with_token(&self, token: Token) -> Self {
        Self {
            token: Some(token),
            ..self.clone()
        }
    }

    /// The same client, signed out.
    #[must_use]
    pub fn without_token(&self) -> Self {
        Self {
            token: None,
            ..self.clone()
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token.expose()),
            None => builder,
        }
    }

    async fn send(builder: RequestBuilder) -> Result<Response> {
        let response = builder.send().await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.bytes().await?;
        let error = serde_json::from_slice::<ApiError>(&body).map_err(|_| {
            ClientError::Protocol(format!("{status} with a body that is not an API error"))
        })?;
        Err(ClientError::Api { status, error })
    }

    async fn json<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T> {
        let response = Self::send(builder).await?;
        let body = response.bytes().await?;
        serde_json::from_slice(&body).map_err(|error| ClientError::Protocol(error.to_string()))
    }

    // Accounts.

    pub async fn register(
        &self,
        email: &str,
        password: &str,
        display_name: &str,
    ) -> Result<SessionGrant> {
        let body = RegisterRequest {
            email: email.into(),
            password: password.into(),
            display_name: display_name.into(),
        };
        Self::json(self.request(Method::POST, "/accounts").json(&body)).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SessionGrant> {
        let body = SignInRequest {
            email: email.into(),
            password: password.into(),
        };
        Self::json(self.request(Method::POST, "/sessions").json(&body)).await
    }

    pub async fn sign_out(&self) -> Result<()> {
        Self::send(self.request(Method::DELETE, "/sessions/current"))
            .await
            .map(drop)
    }

    pub async fn me(&self) -> Result<UserView> {
        Self::json(self.request(Method::GET, "/me")).await
    }

    // Shop applications and review.

    pub async fn create_application(&self, draft: &ApplicationDraft) -> Result<ApplicationView> {
        Self::json(self.request(Method::POST, "/applications").json(draft)).await
    }

    pub async fn my_application(&self) -> Result<ApplicationView> {
        Self::json(self.request(Method::GET, "/applications/mine")).await
    }

    pub async fn edit_application(
        &self,
        id: &str,
        draft: &ApplicationDraft,
    ) -> Result<ApplicationView> {
        Self::json(
            self.request(Method::PUT, &format!("/applications/{id}"))
                .json(draft),
        )
        .await
    }

    pub async fn upload_sample(
        &self,
        id: &str,
        audio: impl Into<reqwest::Body>,
    ) -> Result<ApplicationView> {
        Self::json(
            self.request(Method::PUT, &format!("/applications/{id}/sample"))
                .body(audio),
        )
        .await
    }

    pub async fn submit_application(&self, id: &str) -> Result<ApplicationView> {
        Self::json(self.request(Method::POST, &format!("/applications/{id}/submit"))).await
    }

    pub async fn review_inbox(&self) -> Result<Vec<ApplicationView>> {
        Self::json(self.request(Method::GET, "/review/applications")).await
    }

    pub async fn review_sample(&self, id: &str) -> Result<bytes::Bytes> {
        let response =
            Self::send(self.request(Method::GET, &format!("/review/applications/{id}/sample")))
                .await?;
        Ok(response.bytes().await?)
    }

    pub async fn approve(&self, id: &str) -> Result<ApplicationView> {
        Self::json(self.request(Method::POST, &format!("/review/applications/{id}/approve"))).await
    }

    pub async fn reject(&self, id: &str, reason: &str) -> Result<ApplicationView> {
        let body = ReviewRejection {
            reason: reason.into(),
        };
        Self::json(
            self.request(Method::POST, &format!("/review/applications/{id}/reject"))
                .json(&body),
        )
        .await
    }

    // Catalogue.

    pub async fn shops(&self) -> Result<Vec<ShopView>> {
        Self::json(self.request(Method::GET, "/shops")).await
    }

    pub async fn shop(&self, id: &str) -> Result<ShopView> {
        Self::json(self.request(Method::GET, &format!("/shops/{id}"))).await
    }

    pub async fn shop_tracks(&self, id: &str) -> Result<Vec<TrackView>> {
        Self::json(self.request(Method::GET, &format!("/shops/{id}/tracks"))).await
    }

    pub async fn tracks(&self, query: &TrackQuery) -> Result<Page<TrackView>> {
        Self::json(self.request(Method::GET, "/tracks").query(query)).await
    }

    pub async fn track(&self, id: &str) -> Result<TrackView> {
        Self::json(self.request(Method::GET, &format!("/tracks/{id}"))).await
    }

    pub async fn create_track(&self, shop_id: &str, track: &NewTrack) -> Result<TrackView> {
        Self::json(
            self.request(Method::POST, &format!("/shops/{shop_id}/tracks"))
                .json(track),
        )
        .await
    }

    pub async fn update_track(&self, id: &str, update: &TrackUpdate) -> Result<TrackView> {
        Self::json(
            self.request(Method::PATCH, &format!("/tracks/{id}"))
                .json(update),
        )
        .await
    }

    pub async fn upload_audio(
        &self,
        id: &str,
        audio: impl Into<reqwest::Body>,
    ) -> Result<TrackView> {
        Self::json(
            self.request(Method::PUT, &format!("/tracks/{id}/audio"))
                .body(audio),
        )
        .await
    }

    pub async fn preview(&self, id: &str) -> Result<bytes::Bytes> {
        let response =
            Self::send(self.request(Method::GET, &format!("/tracks/{id}/preview"))).await?;
        Ok(response.bytes().await?)
    }

    // Orders and downloads.

    /// Buys a track. Retrying with the same `idempotency_key` returns the first result.
    pub async fn create_order(&self, track_id: &str, idempotency_key: &str) -> Result<OrderView> {
        let body = CreateOrder {
            track_id: track_id.into(),
        };
        Self::json(
            self.request(Method::POST, "/orders")
                .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
                .json(&body),
        )
        .await
    }

    pub async fn orders(&self) -> Result<Vec<OrderView>> {
        Self::json(self.request(Method::GET, "/orders")).await
    }

    pub async fn refund(&self, order_id: &str) -> Result<OrderView> {
        Self::json(self.request(Method::POST, &format!("/orders/{order_id}/refund"))).await
    }

    pub async fn download_link(&self, track_id: &str) -> Result<DownloadLink> {
        Self::json(self.request(Method::POST, &format!("/tracks/{track_id}/download-link"))).await
    }

    /// Starts a download from a signed link, optionally from byte `from` (to resume).
    pub async fn download(&self, link: &DownloadLink, from: u64) -> Result<Response> {
        let mut builder = self.http.get(format!("{}{}", self.base, link.path));
        if from > 0 {
            builder = builder.header(reqwest::header::RANGE, format!("bytes={from}-"));
        }
        Self::send(builder).await
    }

    // Income.

    pub async fn income(&self, shop_id: &str) -> Result<IncomeSummary> {
        Self::json(self.request(Method::GET, &format!("/shops/{shop_id}/income"))).await
    }

    pub async fn statement_csv(&self, shop_id: &str) -> Result<String> {
        let response =
            Self::send(self.request(Method::GET, &format!("/shops/{shop_id}/statement.csv")))
                .await?;
        Ok(response.text().await?)
    }

    /// The shop's live income events, reconnecting and resuming by itself.
    pub fn income_events(&self, shop_id: &str) -> IncomeStream {
        IncomeStream::new(self.clone(), shop_id.to_owned())
    }

    pub(crate) fn events_request(
        &self,
        shop_id: &str,
        last_event_id: Option<i64>,
    ) -> RequestBuilder {
        let builder = self
            .request(Method::GET, &format!("/shops/{shop_id}/events"))
            .header(reqwest::header::ACCEPT, "text/event-stream");
        match last_event_id {
            Some(id) => builder.header("Last-Event-ID", id.to_string()),
            None => builder,
        }
    }

    pub(crate) async fn open(builder: RequestBuilder) -> Result<Response> {
        Self::send(builder).await
    }
}
