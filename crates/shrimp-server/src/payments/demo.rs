//! The demo provider: every payment completes at once (the embedded demo and tests).

use shrimp_domain::Fen;

use super::{BoxFuture, PaymentError, PaymentProvider, PaymentRequest, PaymentStart};

/// Completes every payment at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoProvider;

impl PaymentProvider for DemoProvider {
    fn name(&self) -> &'static str {
        "demo"
    }

    fn start<'a>(
        &'a self,
        _request: PaymentRequest<'a>,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>> {
        Box::pin(async { Ok(PaymentStart::Completed) })
    }
}

/// An unsigned description of a transfer, for providers that move no real money.
pub fn transfer_request(payout_id: &str, account: &str, amount: Fen) -> String {
    let params = [
        ("provider", "demo".to_owned()),
        ("out_biz_no", payout_id.to_owned()),
        ("payee", account.to_owned()),
        ("trans_amount", super::alipay::yuan(amount)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    super::alipay::form_encode(&params)
}
