//! The seller's dashboard and the reviewer's inbox, for whoever is signed in.

use serde::Serialize;
use shrimp_api::{ApplicationView, DailyIncome, IncomeSummary, TrackIncome};
use shrimp_client::IncomeStream;

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

impl Market {
    fn own_shop(&self) -> Result<String, CoreError> {
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
