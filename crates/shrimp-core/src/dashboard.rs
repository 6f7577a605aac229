//! The seller's dashboard and the reviewer's inbox, for whoever is signed in.

use std::path::Path;

use serde::Serialize;
use shrimp_api::{
    ApplicationView, DailyIncome, IncomeSummary, PayoutStatement, PayoutStatus, ShareProjection,
    ShopMonthStatement, TrackIncome,
};
use shrimp_client::IncomeStream;
use shrimp_domain::Fen;

use crate::CoreError;
use crate::market::Market;

/// Everything the dashboard shows at first paint; live events keep it current after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub shop_id: String,
    pub summary: IncomeSummary,
    /// The last 90 days, oldest first.
    pub daily: Vec<DailyIncome>,
    pub tracks: Vec<TrackIncome>,
}

/// This month's subscription pool as it stands, and the shop's projected share of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareNow {
    pub month: String,
    pub pool: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub total_downloads: i64,
    pub projected_share: Fen,
}

/// A closed month's subscription share, as settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettledMonth {
    pub month: String,
    pub pool: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: i64,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub total_downloads: i64,
    pub share: Fen,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub settled_at_ms: i64,
}

/// One payout to the shop's payout account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayoutLine {
    pub id: String,
    pub amount: Fen,
    /// Taken from the balance and waiting to be transferred, or sent.
    pub sent: bool,
    pub payout_account: String,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub requested_at_ms: i64,
}

/// The shop's subscription share (projected and settled) and its payouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopMoney {
    pub share: ShareNow,
    /// Newest first.
    pub settled: Vec<SettledMonth>,
    pub balance: Fen,
    pub paid_out: Fen,
    /// Newest first.
    pub payouts: Vec<PayoutLine>,
}

impl ShopMoney {
    fn from_parts(
        projection: ShareProjection,
        mut statements: Vec<ShopMonthStatement>,
        payouts: PayoutStatement,
    ) -> Self {
        statements.sort_by_key(|statement| std::cmp::Reverse(statement.month.clone()));
        Self {
            share: ShareNow {
                month: projection.month,
                pool: projection.pool,
                downloads: projection.downloads,
                total_downloads: projection.total_downloads,
                projected_share: projection.projected_share,
            },
            settled: statements
                .into_iter()
                .map(|statement| SettledMonth {
                    month: statement.month,
                    pool: statement.pool,
                    downloads: statement.downloads,
                    total_downloads: statement.total_downloads,
                    share: statement.share,
                    settled_at_ms: statement.settled_at_ms,
                })
                .collect(),
            balance: payouts.balance,
            paid_out: payouts.paid_out,
            payouts: payouts
                .payouts
                .into_iter()
                .map(|payout| PayoutLine {
                    id: payout.id,
                    amount: payout.amount,
                    sent: payout.status == PayoutStatus::Sent,
                    payout_account: payout.payout_account,
                    requested_at_ms: payout.requested_at_ms,
                })
                .collect(),
        }
    }
}

/// A statement written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportedStatement {
    pub path: String,
    /// Lines after the header.
    pub rows: u32,
}

impl Market {
    pub(crate) fn own_shop(&self) -> Result<String, CoreError> {
        self.shop_id()
            .ok_or_else(|| CoreError::invalid("the signed-in account has no shop"))
    }

    pub async fn dashboard(&self) -> Result<Dashboard, CoreError> {
        let shop_id = self.own_shop()?;
        let client = self.client().await?;
        let (summary, daily, tracks) = tokio::try_join!(
            client.income(&shop_id),
            client.income_daily(&shop_id, 90),
            client.income_tracks(&shop_id)
        )?;
        Ok(Dashboard {
            shop_id,
            summary,
            daily,
            tracks,
        })
    }

    /// The subscription share (this month's projection and the settled months) and payouts.
    pub async fn shop_money(&self) -> Result<ShopMoney, CoreError> {
        let shop_id = self.own_shop()?;
        let client = self.client().await?;
        let (projection, statements, payouts) = tokio::try_join!(
            client.share_projection(&shop_id),
            client.shop_subscription_statements(&shop_id),
            client.payouts(&shop_id)
        )?;
        Ok(ShopMoney::from_parts(projection, statements, payouts))
    }

    /// Writes the shop's CSV statement to `path` (written aside, then renamed into place).
    pub async fn export_statement(&self, path: &Path) -> Result<ExportedStatement, CoreError> {
        let shop_id = self.own_shop()?;
        let csv = self.client().await?.statement_csv(&shop_id).await?;
        let storage = |source| CoreError::DataDir {
            path: path.to_path_buf(),
            source,
        };
        let partial = path.with_extension("csv.part");
        tokio::fs::write(&partial, csv.as_bytes())
            .await
            .map_err(storage)?;
        tokio::fs::rename(&partial, path).await.map_err(storage)?;
        let rows = csv.lines().skip(1).filter(|line| !line.is_empty()).count();
        Ok(ExportedStatement {
            path: path.display().to_string(),
            rows: u32::try_from(rows).unwrap_or(u32::MAX),
        })
    }

    /// The signed-in owner's live income stream (reconnects and resumes by itself).
    pub async fn income_events(&self) -> Result<IncomeStream, CoreError> {
        let shop_id = self.own_shop()?;
        Ok(self.client().await?.income_events(&shop_id))
    }

    /// Applications waiting for a reviewer.
    pub async fn review_inbox(&self) -> Result<Vec<ApplicationView>, CoreError> {
        Ok(self.client().await?.review_inbox().await?)
    }

    pub async fn approve(&self, application_id: &str) -> Result<ApplicationView, CoreError> {
        Ok(self.client().await?.approve(application_id).await?)
    }

    pub async fn reject(
        &self,
        application_id: &str,
        reason: &str,
    ) -> Result<ApplicationView, CoreError> {
        Ok(self.client().await?.reject(application_id, reason).await?)
    }

    /// The signed-in person's own latest application.
    pub async fn my_application(&self) -> Result<ApplicationView, CoreError> {
        Ok(self.client().await?.my_application().await?)
    }
}
