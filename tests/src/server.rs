//! A real `shrimp-server` on loopback for black-box tests, on SQLite or on a fresh database in
//! the throwaway PostgreSQL cluster that `scripts/with-services.sh` starts.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use anyhow::{Context, bail};
use shrimp_server::{AppState, Clock, DemoProvider, PaymentProvider, SigningKey, app, open_state};
use tempfile::TempDir;

/// Which database a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server listening on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub base_url: String,
    pub state: AppState,
    pub database_url: String,
    task: tokio::task::JoinHandle<()>,
    _data: TempDir,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A new, empty PostgreSQL database in the test cluster; its URL.
pub fn postgres_database() -> anyhow::Result<String> {
    let Ok(admin) = std::env::var("SHRIMP_TEST_POSTGRES_URL") else {
        bail!(
            "SHRIMP_TEST_POSTGRES_URL is not set: run the tests through `make test` or \
             scripts/with-services.sh, which start a throwaway PostgreSQL cluster"
        );
    };
    let name = format!("shrimp_test_{}_{}", std::process::id(), rand_suffix());
    let status = Command::new("psql")
        .args([admin.as_str(), "-qAtc", &format!("CREATE DATABASE {name}")])
        .status()
        .context("running psql")?;
    if !status.success() {
        bail!("could not create the test database {name}");
    }
    let (base, _) = admin
        .rsplit_once('/')
        .context("the admin URL has no database")?;
    Ok(format!("{base}/{name}"))
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % 1_000_000_000
}

impl TestServer {
    /// Starts a server on `backend` with the system clock.
    pub async fn start(backend: Backend) -> anyhow::Result<Self> {
        Self::start_with_clock(backend, Clock::System).await
    }

    pub async fn start_with_clock(backend: Backend, clock: Clock) -> anyhow::Result<Self> {
        Self::start_with(backend, clock, Arc::new(DemoProvider)).await
    }

    /// Starts a server with a given clock and payment provider.
    pub async fn start_with(
        backend: Backend,
        clock: Clock,
        payments: Arc<dyn PaymentProvider>,
    ) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", data.path().join("shrimp.db").display()),
            Backend::Postgres => postgres_database()?,
        };
        Self::start_on(&database_url, data, clock, payments).await
    }

    /// Another server instance on the same database (for scale-out tests).
    pub async fn another_on(&self) -> anyhow::Result<Self> {
        let (clock, payments) = (self.state.clock.clone(), self.state.payments.clone());
        Self::start_on(&self.database_url, tempfile::tempdir()?, clock, payments).await
    }

    async fn start_on(
        database_url: &str,
        data: TempDir,
        clock: Clock,
        payments: Arc<dyn PaymentProvider>,
    ) -> anyhow::Result<Self> {
        let signing = SigningKey::from_secret("test signing secret");
        let state = open_state(database_url, data.path(), clock, signing, payments).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let router = app(state.clone());
        let task = tokio::spawn(async move {
            if let Err(error) = shrimp_server::serve(listener, router).await {
                eprintln!("test server stopped: {error}");
            }
        });
        Ok(Self {
            base_url,
            state,
            database_url: database_url.to_owned(),
            task,
            _data: data,
        })
    }

    /// Grants a role directly, as the operator CLI would.
    pub async fn grant_reviewer(&self, email: &str) -> anyhow::Result<()> {
        shrimp_server::grant_reviewer(&self.state, email)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))
    }

    pub async fn grant_operator(&self, email: &str) -> anyhow::Result<()> {
        shrimp_server::grant_operator(&self.state, email)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))
    }
}

/// Generates audio with sox: `seconds` of a `hz` sine, stereo 44.1 kHz, in the format the
/// extension names (wav, flac, mp3, ogg).
pub fn sine_file(
    dir: &Path,
    name: &str,
    hz: u32,
    seconds: f32,
) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join(name);
    let status = Command::new("sox")
        .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
        .arg(&path)
        .args([
            "synth",
            &seconds.to_string(),
            "sine",
            &hz.to_string(),
            "vol",
            "0.5",
        ])
        .status()
        .context("running sox (make setup-test installs it)")?;
    if !status.success() {
        bail!("sox could not make {}", path.display());
    }
    Ok(path)
}

/// Actions every marketplace test needs, through the public client.
pub mod story {
    use shrimp_api::{ApplicationDraft, NewTrack, ShopKindView, TrackUpdate};
    use shrimp_client::{Client, Token};
    use shrimp_domain::Fen;

    use super::TestServer;

    /// The password every test account uses.
    pub const PASSWORD: &str = "a long password";

    /// Registers `email` and returns a client signed in as it.
    pub async fn account(server: &TestServer, email: &str) -> anyhow::Result<Client> {
        Ok(account_with_token(server, email).await?.0)
    }

    /// Registers `email`; returns a signed-in client and the raw session token.
    pub async fn account_with_token(
        server: &TestServer,
        email: &str,
    ) -> anyhow::Result<(Client, String)> {
        register_at(&server.base_url, email).await
    }

    /// Registers `email` on the server at `base_url` (one in its own process, say); returns a
    /// signed-in client and the raw session token.
    pub async fn register_at(base_url: &str, email: &str) -> anyhow::Result<(Client, String)> {
        let grant = Client::new(base_url)?
            .register(email, PASSWORD, email)
            .await?;
        let client = Client::new(base_url)?.with_token(Token::new(grant.token.clone()));
        Ok((client, grant.token))
    }

    /// A complete application with the copyright declaration made.
    pub fn draft(kind: ShopKindView, name: &str) -> ApplicationDraft {
        ApplicationDraft {
            kind,
            shop_name: name.into(),
            legal_name: "李明".into(),
            contact: "liming@example.com".into(),
            payout_account: "alipay:liming@example.com".into(),
            declares_own_copyright_no_covers: true,
        }
    }

    /// Applies with `sample`, gets approved by `reviewer`; returns the new shop's id.
    pub async fn open_shop(
        owner: &Client,
        reviewer: &Client,
        kind: ShopKindView,
        name: &str,
        sample: &[u8],
    ) -> anyhow::Result<String> {
        let application = owner.create_application(&draft(kind, name)).await?;
        owner
            .upload_sample(&application.id, sample.to_vec())
            .await?;
        owner.submit_application(&application.id).await?;
        let approved = reviewer.approve(&application.id).await?;
        approved
            .shop_id
            .ok_or_else(|| anyhow::anyhow!("approval opened no shop"))
    }

    /// Adds a track to `shop`, uploads `audio` and publishes it; returns the track's id.
    pub async fn publish_track(
        owner: &Client,
        shop: &str,
        title: &str,
        price: Option<Fen>,
        audio: &[u8],
    ) -> anyhow::Result<String> {
        let new = NewTrack {
            title: title.into(),
            artists: "Artist".into(),
            genre: "folk".into(),
            price,
            lyrics: None,
            release_id: None,
            track_number: None,
        };
        let track = owner.create_track(shop, &new).await?;
        owner.upload_audio(&track.id, audio.to_vec()).await?;
        let publish = TrackUpdate {
            published: Some(true),
            ..TrackUpdate::default()
        };
        owner.update_track(&track.id, &publish).await?;
        Ok(track.id)
    }
}
