//! How orders get paid. Every provider implements [`PaymentProvider`]; the demo provider
//! completes at once (Alipay arrives with its own issue).

/// The outcome of starting a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentStart {
    /// Paid already: mark the order paid in the same transaction.
    Completed,
    /// The buyer must act (scan a QR code); a notification will confirm later.
    AwaitingBuyer { qr_code: String },
}

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// A short stable name, stored on each order.
    fn name(&self) -> &'static str;
    /// Starts paying `amount_fen` for `order_id`.
    fn start(&self, order_id: &str, amount_fen: i64) -> PaymentStart;
}

/// Completes every payment at once: the embedded demo and tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoProvider;

impl PaymentProvider for DemoProvider {
    fn name(&self) -> &'static str {
        "demo"
    }

    fn start(&self, _order_id: &str, _amount_fen: i64) -> PaymentStart {
        PaymentStart::Completed
    }
}
