//! Connected mode: signing in to a Shrimp backend and staying signed in across launches.
//!
//! A [`Session`] signs in, registers and signs out through `shrimp-client`, files the token with
//! [`Credentials`] (the OS keyring, or memory until the app quits) and remembers the backend URL
//! and email — never the token — in `connected.json` in the data folder. On the next launch
//! [`Session::restore`] reads the token back and checks it with the server; an expired one is
//! removed and the person is told to sign in again. The UI never sees a token: it gets an
//! [`Account`] and, where something went wrong, a reason it can show.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use shrimp_api::{ApiError, ErrorCode, SessionGrant, UserView};
use shrimp_client::{Client, ClientError, Token};

use crate::AppPaths;
use crate::credentials::{
    CredentialKey, Credentials, CredentialsError, KeyringUnavailable, Persistence, SessionToken,
    UnavailableKind,
};

/// The file in the data folder that remembers which backend and account to sign in to.
pub const CONNECTION_FILE: &str = "connected.json";

/// Who is signed in, and where. Safe to show: it holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub backend_url: String,
    pub user: UserView,
}

/// A successful sign-in or registration: the account, and how long it will be remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub account: Account,
    /// `UntilQuit` (with the reason) when the keyring could not keep the session.
    pub persistence: Persistence,
}

/// The backend and account remembered for next time (to sign in again or prefill the form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub backend_url: String,
    pub email: String,
}

/// What [`Session::restore`] found at launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Restored {
    /// Signed in again with the saved session.
    SignedIn { account: Account },
    /// Nobody was signed in (never, or signed out since).
    SignedOut,
    /// The saved session was refused by the server; it has been removed.
    Expired {
        connection: Connection,
        message: String,
    },
    /// The keyring held something that is not a session; it has been removed.
    Damaged {
        connection: Connection,
        message: String,
    },
    /// The server could not be reached; the saved session is kept for the next try.
    Unreachable {
        connection: Connection,
        message: String,
    },
    /// The keyring cannot be read; sign-ins now last until the app quits.
    KeyringUnavailable {
        connection: Connection,
        reason: KeyringUnavailable,
    },
}

/// What connected mode can fail with. Never carries a token or a password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectedError {
    #[error("{url:?} is not a backend address: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The server said no (wrong password, email taken…) or could not be reached.
    #[error(transparent)]
    Server(#[from] ClientError),
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
}

impl ConnectedError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidUrl { .. } => ErrorCode::InvalidInput,
            Self::Server(error) => error.code(),
            Self::Credentials(error) => error.code(),
        }
    }
}

impl From<&ConnectedError> for ApiError {
    fn from(error: &ConnectedError) -> Self {
        match error {
            // The server's own words are meant for people ("wrong email or password").
            ConnectedError::Server(ClientError::Api { error, .. }) => error.clone(),
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

/// The connected-mode session: at most one signed-in account at a time.
#[derive(Debug)]
pub struct Session {
    connection_file: PathBuf,
    credentials: Arc<Credentials>,
    active: Mutex<Option<Active>>,
}

#[derive(Debug)]
struct Active {
    key: CredentialKey,
    account: Account,
    client: Client,
}

impl Session {
    /// A signed-out session keeping tokens in `credentials` and its settings under `paths`.
    pub fn new(paths: &AppPaths, credentials: Credentials) -> Self {
        Self {
            connection_file: paths.data_dir().join(CONNECTION_FILE),
            credentials: Arc::new(credentials),
            active: Mutex::new(None),
        }
    }

    /// Where sessions are kept now; `UntilQuit` carries the reason the keyring is not used.
    pub fn persistence(&self) -> Persistence {
        self.credentials.persistence()
    }

    /// Who is signed in, if anyone.
    pub fn current(&self) -> Option<Account> {
        self.lock().as_ref().map(|active| active.account.clone())
    }

    /// A client acting as the signed-in account, for the rest of the core.
    pub fn client(&self) -> Option<Client> {
        self.lock().as_ref().map(|active| active.client.clone())
    }

    /// The backend and email remembered from the last sign-in, to prefill the form.
    pub fn remembered(&self) -> Option<Connection> {
        read_connection(&self.connection_file)
    }

    /// Signs in to the backend at `backend_url`.
    ///
    /// The token goes to the keyring; if the keyring cannot take it, the session is kept until
    /// the app quits and [`SignedIn::persistence`] says why. A previous account is signed out.
    pub async fn sign_in(
        &self,
        backend_url: &str,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, ConnectedError> {
        let backend_url = backend_address(backend_url)?;
        let grant = Client::new(&backend_url)?
            .sign_in(email.trim(), password)
            .await?;
        self.begin(backend_url, email, grant).await
    }

    /// Creates an account on the backend at `backend_url` and signs in to it, as
    /// [`Session::sign_in`] does.
    pub async fn register(
        &self,
        backend_url: &str,
        email: &str,
        password: &str,
        display_name: &str,
    ) -> Result<SignedIn, ConnectedError> {
        let backend_url = backend_address(backend_url)?;
        let grant = Client::new(&backend_url)?
            .register(email.trim(), password, display_name)
            .await?;
        self.begin(backend_url, email, grant).await
    }

    /// Signs out: ends the session on the server when it can be reached (a failure there is
    /// only logged) and removes the saved token — also one left from a launch that could not
    /// be restored. The remembered backend and email stay, for the form.
    pub async fn sign_out(&self) -> Result<(), ConnectedError> {
        let active = self.lock().take();
        let (key, client) = if let Some(active) = active {
            (active.key, Some(active.client))
        } else if let Some(saved) = self.saved_session().await {
            saved
        } else {
            return Ok(());
        };
        if let Some(client) = client
            && let Err(error) = client.sign_out().await
        {
            tracing::warn!(%error, "the server did not end the session; removing it here");
        }
        self.with_credentials(move |credentials| credentials.delete(&key))
            .await?;
        Ok(())
    }

    /// The remembered account's key and, if its token can be read, a client acting with it.
    async fn saved_session(&self) -> Option<(CredentialKey, Option<Client>)> {
        let connection = self.remembered()?;
        let key = CredentialKey::new(&connection.backend_url, &connection.email);
        let saved = {
            let key = key.clone();
            self.with_credentials(move |credentials| credentials.load(&key))
                .await
        };
        let client = match saved {
            Ok(Some(token)) => Client::new(&connection.backend_url)
                .ok()
                .map(|client| client.with_token(Token::new(token.expose()))),
            _ => None,
        };
        Some((key, client))
    }

    /// At launch: signs in again with the remembered backend and the token in the keyring,
    /// after checking the token with the server.
    pub async fn restore(&self) -> Restored {
        let Some(connection) = self.remembered() else {
            return Restored::SignedOut;
        };
        let key = CredentialKey::new(&connection.backend_url, &connection.email);
        let loaded = {
            let key = key.clone();
            self.with_credentials(move |credentials| credentials.load(&key))
                .await
        };
        let token = match loaded {
            Ok(Some(token)) => token,
            Ok(None) => return Restored::SignedOut,
            Err(CredentialsError::Unavailable(reason)) => {
                self.credentials.keep_until_quit(reason.clone());
                return Restored::KeyringUnavailable { connection, reason };
            }
            Err(
                error @ (CredentialsError::Corrupted { .. } | CredentialsError::Refused { .. }),
            ) => {
                tracing::warn!(%error, "removing a damaged saved session");
                self.forget(&key).await;
                return Restored::Damaged {
                    connection,
                    message: format!("{error}. It has been removed: please sign in again."),
                };
            }
        };
        let client = match Client::new(&connection.backend_url) {
            Ok(client) => client.with_token(Token::new(token.expose())),
            Err(error) => {
                return Restored::Unreachable {
                    connection,
                    message: error.to_string(),
                };
            }
        };
        match client.me().await {
            Ok(user) => {
                let account = Account {
                    backend_url: connection.backend_url,
                    user,
                };
                *self.lock() = Some(Active {
                    key,
                    account: account.clone(),
                    client,
                });
                Restored::SignedIn { account }
            }
            Err(ClientError::Api { error, .. }) if error.code == ErrorCode::Unauthenticated => {
                tracing::info!("the saved session has expired; removing it");
                self.forget(&key).await;
                Restored::Expired {
                    message: format!(
                        "Your session at {} has expired: please sign in again.",
                        connection.backend_url
                    ),
                    connection,
                }
            }
            Err(error) => Restored::Unreachable {
                connection,
                message: error.to_string(),
            },
        }
    }

    /// Keeps a fresh grant: token to the credentials, connection to the settings file.
    async fn begin(
        &self,
        backend_url: String,
        email: &str,
        grant: SessionGrant,
    ) -> Result<SignedIn, ConnectedError> {
        let SessionGrant { token, user, .. } = grant;
        let token = SessionToken::new(token).map_err(|reason| {
            ConnectedError::Server(ClientError::Protocol(format!(
                "the server sent an unusable session token: {reason}"
            )))
        })?;
        let key = CredentialKey::new(&backend_url, email);
        let stored = {
            let (key, token) = (key.clone(), token.clone());
            self.with_credentials(move |credentials| {
                credentials.store(&key, &token).or_else(|error| {
                    // Signing in worked; only keeping it did not. Keep it for this run.
                    let reason = match error {
                        CredentialsError::Unavailable(reason) => reason,
                        other => {
                            KeyringUnavailable::new(UnavailableKind::Failed, other.to_string())
                        }
                    };
                    credentials.keep_until_quit(reason);
                    credentials.store(&key, &token)
                })
            })
            .await
        };
        stored?;

        let connection = Connection {
            backend_url: backend_url.clone(),
            email: email.trim().to_owned(),
        };
        if let Err(error) = write_connection(&self.connection_file, &connection) {
            // The session works; only the next launch will not find it.
            tracing::warn!(path = %self.connection_file.display(), %error, "could not remember the backend");
        }

        let client = Client::new(&backend_url)?.with_token(Token::new(token.expose()));
        let account = Account { backend_url, user };
        let previous = self.lock().replace(Active {
            key: key.clone(),
            account: account.clone(),
            client,
        });
        if let Some(previous) = previous.filter(|previous| previous.key != key) {
            if let Err(error) = previous.client.sign_out().await {
                tracing::warn!(%error, "the previous account's session could not be ended");
            }
            self.forget(&previous.key).await;
        }
        Ok(SignedIn {
            account,
            persistence: self.credentials.persistence(),
        })
    }

    /// Removes a saved token, logging (not failing) when the keyring will not.
    async fn forget(&self, key: &CredentialKey) {
        let key = key.clone();
        if let Err(error) = self
            .with_credentials(move |credentials| credentials.delete(&key))
            .await
        {
            tracing::warn!(%error, "could not remove a saved session from the keyring");
        }
    }

    /// Runs a keyring call off the async threads: the OS keyring answers over IPC and may block.
    async fn with_credentials<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Credentials) -> Result<T, CredentialsError> + Send + 'static,
    ) -> Result<T, CredentialsError> {
        let credentials = Arc::clone(&self.credentials);
        tokio::task::spawn_blocking(move || call(&credentials))
            .await
            .unwrap_or_else(|error| {
                Err(CredentialsError::Unavailable(KeyringUnavailable::new(
                    UnavailableKind::Failed,
                    format!("The keyring call stopped unexpectedly: {error}"),
                )))
            })
    }

    fn lock(&self) -> MutexGuard<'_, Option<Active>> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Checks and normalises a backend address: http or https, a host, nothing after the path.
fn backend_address(input: &str) -> Result<String, ConnectedError> {
    let invalid = |reason: &str| ConnectedError::InvalidUrl {
        url: input.to_owned(),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(input.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("it must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not hold a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn read_connection(path: &Path) -> Option<Connection> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot read the connection settings");
            return None;
        }
    };
    serde_json::from_slice(&bytes)
        .inspect_err(|error| {
            tracing::warn!(path = %path.display(), %error, "ignoring unreadable connection settings");
        })
        .ok()
}

/// Writes the settings whole or not at all (a temporary file renamed over the old one).
fn write_connection(path: &Path, connection: &Connection) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(connection).map_err(io::Error::other)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, json)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use keyring_core::api::CredentialStoreApi;
    use keyring_core::mock;
    use shrimp_server::{Clock, DemoProvider, SigningKey};
    use tempfile::TempDir;

    use super::*;

    const PASSWORD: &str = "a long password";
    const EMAIL: &str = "mei@example.com";

    /// A real server on loopback with a clock the test moves, and a keyring in memory.
    struct Fixture {
        url: String,
        clock: Clock,
        server: tokio::task::JoinHandle<io::Result<()>>,
        store: Arc<mock::Store>,
        data: TempDir,
        server_data: TempDir,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            self.server.abort();
        }
    }

    impl Fixture {
        async fn start() -> Self {
            let server_data = tempfile::tempdir().unwrap();
            let clock = Clock::manual(1_750_000_000_000);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let server = serve(server_data.path(), &clock, listener).await;
            Self {
                url,
                clock,
                server,
                store: mock::Store::new().unwrap(),
                data: tempfile::tempdir().unwrap(),
                server_data,
            }
        }

        /// A session as the app has it at launch: same data folder, same keyring.
        fn launch(&self) -> Session {
            let paths = AppPaths::resolve(Some(self.data.path().into()), None, None).unwrap();
            Session::new(&paths, Credentials::with_store(self.store.clone()))
        }

        fn key(&self, email: &str) -> CredentialKey {
            CredentialKey::new(&self.url, email)
        }

        /// What the keyring holds for `email`, read around the code under test.
        fn saved_token(&self, email: &str) -> Option<String> {
            let key = self.key(email);
            let entry = self.store.build(&key.service(), key.email(), None).unwrap();
            entry.get_password().ok()
        }

        fn fail_next_keyring_call(&self, email: &str) {
            let key = self.key(email);
            let entry = self.store.build(&key.service(), key.email(), None).unwrap();
            let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
            cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(
                io::Error::other("collection is locked"),
            )));
        }

        fn connection_file(&self) -> PathBuf {
            self.data.path().join(CONNECTION_FILE)
        }

        async fn stop_server(&self) {
            self.server.abort();
            while !self.server.is_finished() {
                tokio::task::yield_now().await;
            }
        }

        /// The same server (data, address) back after [`Self::stop_server`].
        async fn restart_server(&mut self) {
            let address = self.url.trim_start_matches("http://");
            let listener = tokio::net::TcpListener::bind(address).await.unwrap();
            self.server = serve(self.server_data.path(), &self.clock, listener).await;
        }
    }

    async fn serve(
        data: &Path,
        clock: &Clock,
        listener: tokio::net::TcpListener,
    ) -> tokio::task::JoinHandle<io::Result<()>> {
        let database = format!("sqlite://{}", data.join("shrimp.db").display());
        let state = shrimp_server::open_state(
            &database,
            data,
            clock.clone(),
            SigningKey::from_secret("connected tests"),
            Arc::new(DemoProvider),
        )
        .await
        .unwrap();
        tokio::spawn(shrimp_server::serve(listener, shrimp_server::app(state)))
    }

    #[tokio::test]
    async fn register_keeps_the_token_in_the_keyring_and_only_the_address_in_a_file() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        assert_eq!(session.current(), None);

        let signed_in = session
            .register(&format!("{}/", fixture.url), EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        assert_eq!(signed_in.persistence, Persistence::Persistent);
        assert_eq!(signed_in.account.backend_url, fixture.url);
        assert_eq!(signed_in.account.user.email, EMAIL);
        assert_eq!(session.current(), Some(signed_in.account.clone()));
        assert_eq!(
            session.client().unwrap().me().await.unwrap(),
            signed_in.account.user
        );

        let token = fixture
            .saved_token(EMAIL)
            .expect("the token is in the keyring");
        let file = std::fs::read_to_string(fixture.connection_file()).unwrap();
        assert!(!file.contains(&token), "{file}");
        assert_eq!(
            session.remembered(),
            Some(Connection {
                backend_url: fixture.url.clone(),
                email: EMAIL.into(),
            })
        );
        let shown = format!(
            "{session:?} {signed_in:?} {}",
            serde_json::to_string(&signed_in).unwrap()
        );
        assert!(!shown.contains(&token), "{shown}");
    }

    #[tokio::test]
    async fn the_next_launch_is_signed_in_again() {
        let fixture = Fixture::start().await;
        let first = fixture.launch();
        let signed_in = first
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        drop(first);

        let next = fixture.launch();
        let restored = next.restore().await;
        assert_eq!(
            restored,
            Restored::SignedIn {
                account: signed_in.account.clone()
            }
        );
        assert_eq!(next.current(), Some(signed_in.account));
        next.client().unwrap().me().await.unwrap();
    }

    #[tokio::test]
    async fn an_expired_session_is_removed_and_the_person_told_to_sign_in() {
        let fixture = Fixture::start().await;
        fixture
            .launch()
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        fixture.clock.advance_ms(31 * 24 * 3_600_000);

        let next = fixture.launch();
        let Restored::Expired {
            connection,
            message,
        } = next.restore().await
        else {
            panic!("expected an expired session")
        };
        assert_eq!(connection.email, EMAIL);
        assert!(message.contains("expired"), "{message}");
        assert_eq!(next.current(), None);
        assert_eq!(fixture.saved_token(EMAIL), None, "the stale token is gone");
        assert_eq!(fixture.launch().restore().await, Restored::SignedOut);
        // The address is still remembered for the sign-in form.
        assert!(next.remembered().is_some());
    }

    #[tokio::test]
    async fn a_damaged_saved_session_is_removed() {
        let fixture = Fixture::start().await;
        fixture
            .launch()
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let key = fixture.key(EMAIL);
        let entry = fixture.store.build(&key.service(), EMAIL, None).unwrap();
        entry.set_secret(&[0xff, 0x00, 0x01]).unwrap();

        let next = fixture.launch();
        let restored = next.restore().await;
        assert!(
            matches!(&restored, Restored::Damaged { message, .. } if message.contains("damaged")),
            "{restored:?}"
        );
        assert_eq!(next.current(), None);
        assert_eq!(fixture.saved_token(EMAIL), None);
    }

    #[tokio::test]
    async fn an_unreachable_server_keeps_the_saved_session_for_later() {
        let fixture = Fixture::start().await;
        fixture
            .launch()
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let token = fixture.saved_token(EMAIL).unwrap();
        fixture.stop_server().await;

        let next = fixture.launch();
        let restored = next.restore().await;
        assert!(
            matches!(restored, Restored::Unreachable { .. }),
            "{restored:?}"
        );
        assert_eq!(next.current(), None);
        assert_eq!(fixture.saved_token(EMAIL), Some(token));

        // Signing out works offline: the saved session is removed all the same.
        next.sign_out().await.unwrap();
        assert_eq!(fixture.saved_token(EMAIL), None);
    }

    #[tokio::test]
    async fn an_unreachable_server_opens_offline_and_a_retry_reconnects() {
        let mut fixture = Fixture::start().await;
        let paths = AppPaths::resolve(Some(fixture.data.path().into()), None, None).unwrap();
        let market = || {
            crate::market::Market::with_credentials(
                &paths,
                Credentials::with_store(fixture.store.clone()),
            )
        };
        market()
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        fixture.stop_server().await;

        // Not the demo: connected and offline, naming the server, with no client to use.
        let offline = market();
        let status = offline.start().await;
        assert_eq!(status.mode, crate::market::BackendMode::Connected);
        let crate::market::BackendPhase::Offline {
            backend_url, email, ..
        } = &status.phase
        else {
            panic!("{status:?}");
        };
        assert_eq!(
            (backend_url.as_str(), email.as_str()),
            (fixture.url.as_str(), EMAIL)
        );
        assert_eq!(status.user, None);
        assert_eq!(
            offline.client().await.unwrap_err().code(),
            ErrorCode::Unavailable
        );
        assert!(fixture.saved_token(EMAIL).is_some(), "the session is kept");

        // The server is back: a retry signs in again with the saved session.
        fixture.restart_server().await;
        let status = offline.start().await;
        assert_eq!(status.phase, crate::market::BackendPhase::Ready);
        assert_eq!(status.user.map(|user| user.email), Some(EMAIL.to_owned()));
        offline.client().await.unwrap().me().await.unwrap();
    }

    #[tokio::test]
    async fn a_locked_keyring_at_sign_in_keeps_the_session_until_quit() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        fixture.fail_next_keyring_call(EMAIL);

        let signed_in = session
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let Persistence::UntilQuit { reason } = &signed_in.persistence else {
            panic!("expected a session until quit: {signed_in:?}")
        };
        assert_eq!(reason.kind, UnavailableKind::Locked);
        assert!(reason.message.contains("locked"), "{}", reason.message);
        assert_eq!(session.persistence(), signed_in.persistence);
        assert_eq!(session.current(), Some(signed_in.account));
        session.client().unwrap().me().await.unwrap();
        assert_eq!(
            fixture.saved_token(EMAIL),
            None,
            "nothing reached the keyring"
        );

        // After quitting, nothing is left to restore.
        assert_eq!(fixture.launch().restore().await, Restored::SignedOut);
    }

    #[tokio::test]
    async fn an_unreadable_keyring_at_launch_is_reported() {
        let fixture = Fixture::start().await;
        fixture
            .launch()
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let next = fixture.launch();
        fixture.fail_next_keyring_call(EMAIL);

        let Restored::KeyringUnavailable { reason, .. } = next.restore().await else {
            panic!("expected the keyring to be reported")
        };
        assert_eq!(reason.kind, UnavailableKind::Locked);
        assert_eq!(next.persistence(), Persistence::UntilQuit { reason });
        assert_eq!(next.current(), None);
        assert!(
            fixture.saved_token(EMAIL).is_some(),
            "the saved session is kept"
        );
    }

    #[tokio::test]
    async fn a_wrong_password_is_the_servers_answer_and_stores_nothing() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        session
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        session.sign_out().await.unwrap();

        let error = session
            .sign_in(&fixture.url, EMAIL, "not the password")
            .await
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
        let wire = ApiError::from(&error);
        assert_eq!(wire.code, ErrorCode::Unauthenticated);
        assert!(!wire.message.contains("not the password"), "{wire:?}");
        assert_eq!(session.current(), None);
        assert_eq!(fixture.saved_token(EMAIL), None);

        let signed_in = session
            .sign_in(&fixture.url, EMAIL, PASSWORD)
            .await
            .unwrap();
        assert_eq!(signed_in.account.user.email, EMAIL);
        assert!(fixture.saved_token(EMAIL).is_some());
    }

    #[tokio::test]
    async fn sign_out_ends_the_session_on_the_server_and_forgets_the_token() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        session
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let old_client = session.client().unwrap();

        session.sign_out().await.unwrap();
        assert_eq!(session.current(), None);
        assert!(session.client().is_none());
        assert_eq!(fixture.saved_token(EMAIL), None);
        let error = old_client.me().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
        // Signing out twice is harmless.
        session.sign_out().await.unwrap();
    }

    #[tokio::test]
    async fn signing_out_before_restoring_still_ends_the_server_session() {
        let fixture = Fixture::start().await;
        let first = fixture.launch();
        first
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let old_client = first.client().unwrap();

        fixture.launch().sign_out().await.unwrap();
        assert_eq!(fixture.saved_token(EMAIL), None);
        let error = old_client.me().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Unauthenticated);
    }

    #[tokio::test]
    async fn signing_in_as_someone_else_forgets_the_first_account() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        session
            .register(&fixture.url, EMAIL, PASSWORD, "Mei")
            .await
            .unwrap();
        let first_client = session.client().unwrap();
        let other = session
            .register(&fixture.url, "li@example.com", PASSWORD, "Li")
            .await
            .unwrap();
        assert_eq!(session.current(), Some(other.account));
        assert_eq!(fixture.saved_token(EMAIL), None);
        assert!(fixture.saved_token("li@example.com").is_some());
        assert!(first_client.me().await.is_err(), "the first session ended");
        assert_eq!(session.remembered().unwrap().email, "li@example.com");
    }

    #[tokio::test]
    async fn bad_backend_addresses_are_refused_before_any_request() {
        let fixture = Fixture::start().await;
        let session = fixture.launch();
        for bad in [
            "",
            "shrimp.example",
            "ftp://shrimp.example",
            "https://user:pw@shrimp.example",
            "https://shrimp.example/?x=1",
        ] {
            let error = session.sign_in(bad, EMAIL, PASSWORD).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidInput, "{bad}: {error}");
        }
        assert!(!fixture.connection_file().exists());
        assert_eq!(
            backend_address(" HTTPS://Shrimp.Example/api/ ").unwrap(),
            "https://shrimp.example/api"
        );
        assert_eq!(
            backend_address("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
    }

    #[tokio::test]
    async fn unreadable_settings_mean_signed_out() {
        let fixture = Fixture::start().await;
        std::fs::write(fixture.connection_file(), b"{ not json").unwrap();
        let session = fixture.launch();
        assert_eq!(session.remembered(), None);
        assert_eq!(session.restore().await, Restored::SignedOut);
    }
}
