//! The marketplace as the app reaches it: which backend (the embedded demo or a remote one),
//! who is signed in, and a `shrimp-client` carrying that session. The UI never sees a token;
//! it sees a [`BackendStatus`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use shrimp_api::UserView;
use shrimp_client::{Client, Token};
use shrimp_server::demo::{self, SimulatorSettings};
use tokio::sync::{RwLock, watch};

use crate::connected::{Connection, Restored, Session as ConnectedSession, SignedIn};
use crate::credentials::{Credentials, Persistence};
use crate::embedded::{self, EmbeddedError, EmbeddedServer, SeedStatus};
use crate::{AppPaths, CoreError};

/// Which backend the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackendMode {
    Demo,
    Connected,
}

/// Where the backend is in starting up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum BackendPhase {
    Starting {
        seed: Option<SeedStatus>,
    },
    Ready,
    Failed {
        error: EmbeddedError,
        message: String,
    },
    /// Signed in to a remote backend that could not be reached at launch: the library and
    /// the player work, the store waits. The saved session is kept for the next try.
    Offline {
        backend_url: String,
        email: String,
        message: String,
    },
}

/// A demo account the app can act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonaView {
    pub key: String,
    pub display_name: String,
    pub email: String,
}

/// What the UI knows about the backend and the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackendStatus {
    pub mode: BackendMode,
    pub phase: BackendPhase,
    /// The demo persona in use.
    pub persona: Option<String>,
    pub user: Option<UserView>,
    /// The demo personas to switch between (empty when connected).
    pub personas: Vec<PersonaView>,
}

#[derive(Debug, Default)]
struct Session {
    demo: Option<EmbeddedServer>,
    client: Option<Client>,
}

/// The app's way to the marketplace.
#[derive(Debug)]
pub struct Market {
    demo_folder: PathBuf,
    cache_folder: PathBuf,
    session: RwLock<Session>,
    status: watch::Sender<BackendStatus>,
    connected: ConnectedSession,
}

/// Connected mode as the settings page shows it: the remembered backend and account (never
/// the token) and whether sign-ins are kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionView {
    pub remembered: Option<Connection>,
    pub persistence: Persistence,
}

/// The persona the demo opens as.
const FIRST_PERSONA: &str = "listener";

impl Market {
    pub fn new(paths: &AppPaths) -> Arc<Self> {
        Self::with_credentials(paths, Credentials::native())
    }

    pub fn with_credentials(paths: &AppPaths, credentials: Credentials) -> Arc<Self> {
        let personas = demo::PERSONAS
            .iter()
            .map(|persona| PersonaView {
                key: persona.key.to_owned(),
                display_name: persona.display_name.to_owned(),
                email: persona.email.to_owned(),
            })
            .collect();
        let (status, _) = watch::channel(BackendStatus {
            mode: BackendMode::Demo,
            phase: BackendPhase::Starting { seed: None },
            persona: None,
            user: None,
            personas,
        });
        Arc::new(Self {
            demo_folder: paths.demo_dir(),
            cache_folder: paths.cache_dir(),
            session: RwLock::default(),
            status,
            connected: ConnectedSession::new(paths, credentials),
        })
    }

    pub fn status(&self) -> BackendStatus {
        self.status.borrow().clone()
    }

    /// Every change of [`Self::status`], for the shell to forward as events.
    pub fn watch_status(&self) -> watch::Receiver<BackendStatus> {
        self.status.subscribe()
    }

    pub fn cache_folder(&self) -> &Path {
        &self.cache_folder
    }

    /// At launch (and on retry): back to the remote backend the person was signed in to,
    /// offline when it cannot be reached, else the demo.
    pub async fn start(&self) -> BackendStatus {
        match self.connected.restore().await {
            Restored::SignedIn { .. } => self.enter_connected().await,
            Restored::SignedOut => self.start_demo().await,
            Restored::Unreachable {
                connection,
                message,
            } => self.go_offline(connection, message).await,
            other => {
                tracing::warn!(?other, "connected session not restored; opening the demo");
                self.start_demo().await
            }
        }
    }

    /// How connected mode stands (for the settings page).
    pub fn connection(&self) -> ConnectionView {
        ConnectionView {
            remembered: self.connected.remembered(),
            persistence: self.connected.persistence(),
        }
    }

    /// Signs in to a remote backend; the token goes to the OS keyring, never to the UI.
    pub async fn connect(
        &self,
        url: &str,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, CoreError> {
        let signed_in = self
            .connected
            .sign_in(url, email, password)
            .await
            .map_err(|error| connected_error(&error))?;
        self.enter_connected().await;
        Ok(signed_in)
    }

    /// Creates an account on a remote backend and signs in to it.
    pub async fn register(
        &self,
        url: &str,
        email: &str,
        password: &str,
        display_name: &str,
    ) -> Result<SignedIn, CoreError> {
        let signed_in = self
            .connected
            .register(url, email, password, display_name)
            .await
            .map_err(|error| connected_error(&error))?;
        self.enter_connected().await;
        Ok(signed_in)
    }

    /// Signs out of the remote backend (the keyring entry is deleted) and opens the demo.
    pub async fn sign_out(&self) -> Result<BackendStatus, CoreError> {
        self.connected
            .sign_out()
            .await
            .map_err(|error| connected_error(&error))?;
        Ok(self.start_demo().await)
    }

    /// Connected mode without a server: no client, so the store's commands say the service
    /// cannot be reached, while everything local goes on.
    async fn go_offline(&self, connection: Connection, message: String) -> BackendStatus {
        tracing::warn!(url = %connection.backend_url, %message, "the backend is unreachable");
        *self.session.write().await = Session::default();
        self.status.send_modify(|status| {
            status.mode = BackendMode::Connected;
            status.phase = BackendPhase::Offline {
                backend_url: connection.backend_url,
                email: connection.email,
                message,
            };
            status.persona = None;
            status.user = None;
        });
        self.status()
    }

    async fn enter_connected(&self) -> BackendStatus {
        let mut session = self.session.write().await;
        *session = Session {
            demo: None,
            client: self.connected.client(),
        };
        let account = self.connected.current();
        self.status.send_modify(|status| {
            status.mode = BackendMode::Connected;
            status.phase = BackendPhase::Ready;
            status.persona = None;
            status.user = account.map(|account| account.user);
        });
        self.status()
    }

    /// Starts the embedded demo backend (seeding it on first launch) and signs in as the
    /// first persona. Failures land in the status with a way out (retry, reset).
    pub async fn start_demo(&self) -> BackendStatus {
        let mut session = self.session.write().await;
        *session = Session::default();
        self.status.send_modify(|status| {
            status.mode = BackendMode::Demo;
            status.phase = BackendPhase::Starting { seed: None };
            status.persona = None;
            status.user = None;
        });
        let status = self.status.clone();
        let started = EmbeddedServer::start(
            &self.demo_folder,
            SimulatorSettings::default(),
            move |seed| {
                status.send_modify(|status| {
                    status.phase = BackendPhase::Starting { seed: Some(seed) };
                });
            },
        )
        .await;
        match started {
            Ok(server) => {
                let client = Client::new(server.url());
                session.demo = Some(server);
                match client {
                    Ok(client) => {
                        session.client = Some(client);
                        drop(session);
                        if let Err(error) = self.switch_persona(FIRST_PERSONA).await {
                            tracing::error!(%error, "cannot sign in to the demo");
                        }
                    }
                    Err(error) => self.fail(EmbeddedError::Network {
                        message: error.to_string(),
                    }),
                }
            }
            Err(error) => {
                tracing::error!(%error, "the demo backend could not start");
                self.fail(error);
            }
        }
        self.status()
    }

    fn fail(&self, error: EmbeddedError) {
        self.status.send_modify(move |status| {
            status.phase = BackendPhase::Failed {
                message: error.to_string(),
                error,
            };
        });
    }

    /// Throws the demo's marketplace away and starts a fresh one. The local library stays.
    pub async fn reset_demo(&self) -> Result<BackendStatus, CoreError> {
        {
            let mut session = self.session.write().await;
            *session = Session::default();
        }
        // Let the old server finish its in-flight requests and release the database.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        embedded::reset(&self.demo_folder).map_err(|source| CoreError::DataDir {
            path: self.demo_folder.clone(),
            source,
        })?;
        Ok(self.start_demo().await)
    }

    /// Acts as another demo persona: signs in as them through the client, like anyone.
    pub async fn switch_persona(&self, key: &str) -> Result<BackendStatus, CoreError> {
        if self.status.borrow().mode != BackendMode::Demo {
            return Err(CoreError::invalid("personas exist only in the demo"));
        }
        let persona =
            demo::persona(key).ok_or_else(|| CoreError::invalid("no such demo persona"))?;
        let mut session = self.session.write().await;
        let anonymous = session
            .client
            .as_ref()
            .ok_or(CoreError::NotReady)?
            .without_token();
        let grant = anonymous
            .sign_in(persona.email, demo::DEMO_PASSWORD)
            .await?;
        session.client = Some(anonymous.with_token(Token::new(grant.token)));
        self.status.send_modify(|status| {
            status.phase = BackendPhase::Ready;
            status.persona = Some(persona.key.to_owned());
            status.user = Some(grant.user);
        });
        Ok(self.status())
    }

    /// Reads the signed-in account again (its shop appears once an application is approved).
    pub async fn refresh_account(&self) -> Result<BackendStatus, CoreError> {
        let user = self.client().await?.me().await?;
        self.status.send_modify(|status| status.user = Some(user));
        Ok(self.status())
    }

    /// The client for the current session.
    pub async fn client(&self) -> Result<Client, CoreError> {
        self.session
            .read()
            .await
            .client
            .clone()
            .ok_or(CoreError::NotReady)
    }

    /// The signed-in person's shop, if they have one.
    pub fn shop_id(&self) -> Option<String> {
        self.status
            .borrow()
            .user
            .as_ref()
            .and_then(|user| user.shop_id.clone())
    }

    pub async fn simulator(&self) -> Result<SimulatorSettings, CoreError> {
        let session = self.session.read().await;
        let demo = session.demo.as_ref().ok_or(CoreError::NotReady)?;
        Ok(demo.simulator().settings())
    }

    pub async fn set_simulator(&self, settings: SimulatorSettings) -> Result<(), CoreError> {
        let session = self.session.read().await;
        let demo = session.demo.as_ref().ok_or(CoreError::NotReady)?;
        demo.simulator().set(settings);
        Ok(())
    }
}

fn connected_error(error: &crate::connected::ConnectedError) -> CoreError {
    let api = shrimp_api::ApiError::from(error);
    CoreError::Backend {
        code: api.code,
        message: api.message,
    }
}
