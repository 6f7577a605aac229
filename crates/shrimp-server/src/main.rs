//! `shrimp-server`: serve the marketplace API, migrate its database, grant roles.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shrimp_server::{
    Clock, DemoProvider, SigningKey, app, expire_unpaid, grant_operator, grant_reviewer, open_state,
};

#[derive(Debug, Parser)]
#[command(
    name = "shrimp-server",
    version,
    about = "The Shrimp marketplace backend"
)]
struct Cli {
    /// `sqlite://PATH` or `postgres://…` (default: a SQLite file in the data folder)
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Where the database (if SQLite) and uploaded files live.
    #[arg(
        long,
        env = "SHRIMP_DATA_DIR",
        global = true,
        default_value = "shrimp-server-data"
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (creating and migrating the database on first start).
    Serve {
        #[arg(long, env = "SHRIMP_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Secret for signing download links; random per start when absent.
        #[arg(long, env = "SHRIMP_SIGNING_SECRET", hide_env_values = true)]
        signing_secret: Option<String>,
    },
    /// Create or upgrade the database and exit.
    Migrate,
    /// Make an existing account a reviewer.
    GrantReviewer { email: String },
    /// Make an existing account an operator.
    GrantOperator { email: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    std::fs::create_dir_all(&cli.data_dir)
        .with_context(|| format!("cannot create the data folder {}", cli.data_dir.display()))?;
    let database_url = cli
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", cli.data_dir.join("shrimp.db").display()));
    let signing = match &cli.command {
        Command::Serve {
            signing_secret: Some(secret),
            ..
        } => SigningKey::from_secret(secret),
        _ => SigningKey::random(),
    };
    let state = open_state(
        &database_url,
        &cli.data_dir,
        Clock::System,
        signing,
        Arc::new(DemoProvider),
    )
    .await
    .context("cannot open the server's storage")?;
    match cli.command {
        Command::Migrate => tracing::info!("the database is up to date"),
        Command::GrantReviewer { email } => {
            grant_reviewer(&state, &email)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            tracing::info!(%email, "granted the reviewer role");
        }
        Command::GrantOperator { email } => {
            grant_operator(&state, &email)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            tracing::info!(%email, "granted the operator role");
        }
        Command::Serve { listen, .. } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(address = %listener.local_addr()?, "shrimp-server listening");
            let sweeper = state.clone();
            tokio::spawn(async move {
                let mut every_minute = tokio::time::interval(std::time::Duration::from_mins(1));
                loop {
                    every_minute.tick().await;
                    match expire_unpaid(&sweeper).await {
                        Ok(0) => {}
                        Ok(expired) => tracing::info!(expired, "unpaid orders expired"),
                        Err(error) => tracing::error!(%error, "expiring unpaid orders failed"),
                    }
                }
            });
            axum::serve(listener, app(state))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                    tracing::info!("shutting down");
                })
                .await?;
        }
    }
    Ok(())
}
