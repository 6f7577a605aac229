//! `shrimp-server`: serve the marketplace API, migrate its database, grant roles, close months.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shrimp_server::{
    AlipayConfig, AlipayProvider, Clock, DemoProvider, PaymentProvider, SigningKey, app,
    expire_unpaid, grant_operator, grant_reviewer, open_state, run_money_jobs, settle_month,
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
    /// `demo` (every payment completes at once) or `alipay`.
    #[arg(long, env = "SHRIMP_PAYMENTS", global = true, default_value = "demo")]
    payments: String,
    /// Alipay settings as a JSON file (`app_id`, `seller_id`, `gateway_url`, `notify_url`,
    /// `app_private_key`, `alipay_public_key`); without it they come from `SHRIMP_ALIPAY_*`
    /// variables.
    #[arg(long, env = "SHRIMP_ALIPAY_CONFIG", global = true)]
    alipay_config: Option<PathBuf>,
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
    /// Fill the database with the demo marketplace (shops, generated music, accounts, weeks
    /// of sales); does nothing if it is there already. Demo passwords are public: never run
    /// this against a real marketplace.
    Seed,
    /// Close a month of subscriptions: split its pool, write ledger entries and statements.
    /// Safe to rerun; a closed month is left unchanged.
    Settle {
        /// The month, `YYYY-MM` (UTC).
        #[arg(long)]
        month: String,
    },
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
    let payments = payment_provider(&cli)?;
    let state = open_state(
        &database_url,
        &cli.data_dir,
        Clock::System,
        signing,
        payments,
    )
    .await
    .context("cannot open the server's storage")?;
    match cli.command {
        Command::Migrate => tracing::info!("the database is up to date"),
        Command::Seed => seed(&state).await?,
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
        Command::Settle { month } => settle(&state, &month).await?,
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
                    run_money_jobs(&sweeper).await;
                }
            });
            shrimp_server::serve_until(listener, app(state), async {
                let _ = tokio::signal::ctrl_c().await;
                tracing::info!("shutting down");
            })
            .await?;
        }
    }
    Ok(())
}

/// Fills the database with the demo marketplace, logging progress.
async fn seed(state: &shrimp_server::AppState) -> anyhow::Result<()> {
    let progress: shrimp_server::demo::ProgressFn = Arc::new(|progress| {
        tracing::info!(step = ?progress.step, done = progress.done, total = progress.total, "seeding");
    });
    let report = shrimp_server::demo::seed(state, progress)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    if report.already_seeded {
        tracing::info!("the demo marketplace is there already");
    } else {
        tracing::info!(
            shops = report.shops,
            tracks = report.tracks,
            sales = report.sales,
            "demo marketplace seeded"
        );
    }
    Ok(())
}

/// The payment provider `--payments` names, with its configuration.
fn payment_provider(cli: &Cli) -> anyhow::Result<Arc<dyn PaymentProvider>> {
    Ok(match cli.payments.as_str() {
        "demo" => Arc::new(DemoProvider),
        "alipay" => {
            let config = match &cli.alipay_config {
                Some(path) => AlipayConfig::from_file(path),
                None => AlipayConfig::from_env(),
            }
            .context("cannot read the Alipay settings")?;
            Arc::new(AlipayProvider::new(config).context("cannot use the Alipay settings")?)
        }
        other => anyhow::bail!("--payments must be demo or alipay, not {other:?}"),
    })
}

/// `settle --month`: closes the month (or finds it closed) and logs the outcome.
async fn settle(state: &shrimp_server::AppState, month: &str) -> anyhow::Result<()> {
    let month = month
        .parse()
        .map_err(|error| anyhow::anyhow!("--month {month}: {error}"))?;
    let closed = settle_month(state, month)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let s = &closed.settlement;
    tracing::info!(
        month = %s.month,
        newly_closed = closed.newly,
        fees = %s.fees,
        carried_in = %s.carried_in,
        pool = %s.pool,
        carry_over = %s.carry_over,
        subscribers = s.subscribers,
        shops = s.shops,
        downloads = s.downloads,
        "month settled"
    );
    Ok(())
}
