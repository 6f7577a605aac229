//! The monthly subscription as a listener sees it: the plan and its published limits, their
//! own months, subscribing and cancelling, and each closed month's statement of where their
//! fee went (to the shops they downloaded from, in proportion, exact to the fen).

use serde::Serialize;
use shrimp_api::{SubscriberStatement, SubscriptionPeriod, SubscriptionTerms, SubscriptionView};

use crate::CoreError;
use crate::market::Market;

/// Everything the subscription page shows, in one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubscriptionPage {
    pub terms: SubscriptionTerms,
    pub subscription: SubscriptionView,
    /// Closed months, newest first.
    pub statements: Vec<SubscriberStatement>,
}

impl Market {
    pub async fn subscription_page(&self) -> Result<SubscriptionPage, CoreError> {
        let client = self.client().await?;
        let (terms, subscription, mut statements) = tokio::try_join!(
            client.subscription_terms(),
            client.subscription(),
            client.subscriber_statements()
        )?;
        statements.sort_by(|a, b| b.month.cmp(&a.month));
        Ok(SubscriptionPage {
            terms,
            subscription,
            statements,
        })
    }

    /// Pays for this month. `attempt` is the idempotency key: a retry never charges twice.
    pub async fn subscribe(&self, attempt: &str) -> Result<SubscriptionPeriod, CoreError> {
        if attempt.trim().is_empty() || attempt.len() > 100 {
            return Err(CoreError::invalid(
                "a subscription needs an attempt id of 1–100 characters",
            ));
        }
        Ok(self.client().await?.subscribe(None, attempt).await?)
    }

    /// Stops the renewal; the paid month keeps its downloads until it ends.
    pub async fn cancel_subscription(&self) -> Result<SubscriptionView, CoreError> {
        Ok(self.client().await?.cancel_subscription().await?)
    }
}
