//! Following a payment that waits for the buyer: with Alipay an order is created pending and
//! the buyer scans a QR code with the Alipay app; the server learns of the payment from
//! Alipay's signed notification (or its trade query) and the app asks until it knows. The QR
//! code is drawn from its modules, computed here, so the UI needs no image and no network.

use qrcode::{EcLevel, QrCode};
use serde::Serialize;
use shrimp_api::{PaymentStatus, PaymentView};
use shrimp_domain::Fen;

use crate::CoreError;
use crate::market::Market;
use crate::store::check_id;

/// The longest text a payment QR code may carry; Alipay's are short addresses.
const MAX_QR_TEXT: usize = 1_000;

/// A QR code as rows of modules for the UI to draw, with no quiet zone (the UI adds it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QrMatrix {
    /// Modules per side.
    pub width: u32,
    /// Row by row, `true` where a module is dark: `width × width` of them.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` at the medium error-correction level payment apps expect.
    pub fn encode(text: &str) -> Result<Self, CoreError> {
        if text.is_empty() || text.len() > MAX_QR_TEXT {
            return Err(CoreError::invalid("the payment code is empty or too long"));
        }
        let code = QrCode::with_error_correction_level(text, EcLevel::M)
            .map_err(|error| CoreError::invalid(format!("the payment code: {error}")))?;
        let width = u32::try_from(code.width())
            .map_err(|_| CoreError::invalid("the payment code is too large"))?;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|color| color == qrcode::Color::Dark)
            .collect();
        Ok(Self { width, dark })
    }
}

/// A payment as the buyer follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentProgress {
    /// The order's (or subscription month's) id: the trade number the provider knows.
    pub id: String,
    /// `alipay`, `demo`…
    pub provider: String,
    pub amount: Fen,
    pub status: PaymentStatus,
    /// What to scan, while the payment waits for the buyer.
    pub qr: Option<QrMatrix>,
}

impl PaymentProgress {
    fn from_view(view: PaymentView) -> Result<Self, CoreError> {
        let qr = match (&view.status, &view.qr_code) {
            (PaymentStatus::Awaiting, Some(text)) => Some(QrMatrix::encode(text)?),
            _ => None,
        };
        Ok(Self {
            id: view.out_trade_no,
            provider: view.provider,
            amount: view.amount,
            status: view.status,
            qr,
        })
    }
}

impl Market {
    /// Where the payment of order or subscription month `id` stands, with the QR code to
    /// scan while it waits for the buyer.
    pub async fn payment(&self, id: &str) -> Result<PaymentProgress, CoreError> {
        check_id(id)?;
        let view = self.client().await?.payment(id).await?;
        PaymentProgress::from_view(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(status: PaymentStatus, qr_code: Option<&str>) -> PaymentView {
        PaymentView {
            out_trade_no: "ord_1".to_owned(),
            provider: "alipay".to_owned(),
            amount: Fen(150),
            status,
            qr_code: qr_code.map(ToOwned::to_owned),
        }
    }

    #[test]
    fn a_waiting_payment_carries_a_square_code_with_finder_patterns() {
        let progress = PaymentProgress::from_view(view(
            PaymentStatus::Awaiting,
            Some("https://qr.alipay.com/bax01234"),
        ))
        .unwrap();
        let qr = progress.qr.unwrap();
        let width = qr.width as usize;
        assert!(
            (21..=177).contains(&width) && (width - 17).is_multiple_of(4),
            "{width}"
        );
        assert_eq!(qr.dark.len(), width * width);
        // The top-left finder pattern: a dark 7×7 ring around a light ring around a dark 3×3.
        let at = |x: usize, y: usize| qr.dark[y * width + x];
        assert!((0..7).all(|i| at(i, 0) && at(0, i) && at(i, 6) && at(6, i)));
        assert!((1..6).all(|i| !at(i, 1) && !at(1, i)));
        assert!((2..5).all(|x| (2..5).all(|y| at(x, y))));
    }

    #[test]
    fn a_settled_payment_has_nothing_to_scan() {
        for status in [PaymentStatus::Paid, PaymentStatus::Failed] {
            let progress =
                PaymentProgress::from_view(view(status, Some("https://qr.alipay.com/x"))).unwrap();
            assert_eq!(progress.qr, None);
            assert_eq!(progress.status, status);
        }
    }

    #[test]
    fn an_empty_or_huge_code_is_refused() {
        assert!(QrMatrix::encode("").is_err());
        assert!(QrMatrix::encode(&"x".repeat(MAX_QR_TEXT + 1)).is_err());
    }
}
