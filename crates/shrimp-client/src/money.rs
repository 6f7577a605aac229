//! Subscriptions, month closes and statements, payments awaiting the buyer, and payouts.

use reqwest::Method;
use shrimp_api::{
    IDEMPOTENCY_KEY_HEADER, PaymentView, PayoutRequest, PayoutSchedule, PayoutStatement,
    PayoutView, PlanUpdate, SettlementView, ShareProjection, ShopMonthStatement, SubscribeRequest,
    SubscriberStatement, SubscriptionPeriod, SubscriptionTerms, SubscriptionView,
};
use shrimp_domain::Fen;

use crate::{Client, Result};

impl Client {
    // Subscription.

    /// The plan and the published limits (no sign-in needed).
    pub async fn subscription_terms(&self) -> Result<SubscriptionTerms> {
        Self::json(self.request(Method::GET, "/subscription/terms")).await
    }

    /// Operators: set the monthly price and the daily download cap.
    pub async fn update_plan(&self, update: &PlanUpdate) -> Result<SubscriptionTerms> {
        Self::json(self.request(Method::PUT, "/subscription/plan").json(update)).await
    }

    pub async fn subscription(&self) -> Result<SubscriptionView> {
        Self::json(self.request(Method::GET, "/subscription")).await
    }

    /// Pays for `month` (`YYYY-MM`; this month when `None`). Retrying with the same
    /// `idempotency_key` returns the first result.
    pub async fn subscribe(
        &self,
        month: Option<&str>,
        idempotency_key: &str,
    ) -> Result<SubscriptionPeriod> {
        let body = SubscribeRequest {
            month: month.map(str::to_owned),
        };
        Self::json(
            self.request(Method::POST, "/subscription")
                .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
                .json(&body),
        )
        .await
    }

    pub async fn cancel_subscription(&self) -> Result<SubscriptionView> {
        Self::json(self.request(Method::POST, "/subscription/cancel")).await
    }

    pub async fn subscriber_statements(&self) -> Result<Vec<SubscriberStatement>> {
        Self::json(self.request(Method::GET, "/subscription/statements")).await
    }

    pub async fn subscriber_statement(&self, month: &str) -> Result<SubscriberStatement> {
        Self::json(self.request(Method::GET, &format!("/subscription/statements/{month}"))).await
    }

    // Shop side.

    pub async fn share_projection(&self, shop_id: &str) -> Result<ShareProjection> {
        Self::json(self.request(
            Method::GET,
            &format!("/shops/{shop_id}/income/subscription"),
        ))
        .await
    }

    pub async fn shop_subscription_statements(
        &self,
        shop_id: &str,
    ) -> Result<Vec<ShopMonthStatement>> {
        Self::json(self.request(
            Method::GET,
            &format!("/shops/{shop_id}/subscription-statements"),
        ))
        .await
    }

    // Month close (operators).

    pub async fn settlements(&self) -> Result<Vec<SettlementView>> {
        Self::json(self.request(Method::GET, "/settlements")).await
    }

    pub async fn settle(&self, month: &str) -> Result<SettlementView> {
        Self::json(self.request(Method::POST, &format!("/settlements/{month}"))).await
    }

    // Payments.

    /// The payment of an order or subscription month (its id), with the QR code to show.
    pub async fn payment(&self, id: &str) -> Result<PaymentView> {
        Self::json(self.request(Method::GET, &format!("/payments/{id}"))).await
    }

    // Payouts.

    pub async fn payouts(&self, shop_id: &str) -> Result<PayoutStatement> {
        Self::json(self.request(Method::GET, &format!("/shops/{shop_id}/payouts"))).await
    }

    pub async fn request_payout(
        &self,
        shop_id: &str,
        amount: Fen,
        idempotency_key: &str,
    ) -> Result<PayoutView> {
        Self::json(
            self.request(Method::POST, &format!("/shops/{shop_id}/payouts"))
                .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
                .json(&PayoutRequest { amount }),
        )
        .await
    }

    pub async fn set_payout_schedule(
        &self,
        shop_id: &str,
        schedule: &PayoutSchedule,
    ) -> Result<PayoutSchedule> {
        Self::json(
            self.request(Method::PUT, &format!("/shops/{shop_id}/payout-schedule"))
                .json(schedule),
        )
        .await
    }

    /// Operators: payouts with `status` (`requested` or `sent`).
    pub async fn payout_queue(&self, status: &str) -> Result<Vec<PayoutView>> {
        Self::json(
            self.request(Method::GET, "/payouts")
                .query(&[("status", status)]),
        )
        .await
    }

    /// Operators: mark a payout sent.
    pub async fn mark_payout_sent(&self, payout_id: &str) -> Result<PayoutView> {
        Self::json(self.request(Method::POST, &format!("/payouts/{payout_id}/sent"))).await
    }
}
