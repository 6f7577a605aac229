//! A shop's income series for its dashboard.

use reqwest::Method;
use shrimp_api::{DailyIncome, TrackIncome};

use crate::{Client, Result};

impl Client {
    /// The last `days` days of sales, oldest first, one entry per day.
    pub async fn income_daily(&self, shop_id: &str, days: u32) -> Result<Vec<DailyIncome>> {
        Self::json(
            self.request(Method::GET, &format!("/shops/{shop_id}/income/daily"))
                .query(&[("days", days)]),
        )
        .await
    }

    /// Sales and downloads per track, best sellers first.
    pub async fn income_tracks(&self, shop_id: &str) -> Result<Vec<TrackIncome>> {
        Self::json(self.request(Method::GET, &format!("/shops/{shop_id}/income/tracks"))).await
    }
}
