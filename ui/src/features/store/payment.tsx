import { useEffect, useMemo } from "react";
import { formatFen } from "../../app/format";
import { useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import { errorCode, type QrMatrix, usePaymentProgress } from "../../ipc";

/** Light modules around the code, as the QR standard asks, so phones find it. */
const QUIET_ZONE = 4;

/** A QR code drawn from its modules: one SVG path, crisp at any size. */
export function QrCode({ matrix, label }: { matrix: QrMatrix; label: string }) {
  const path = useMemo(() => {
    const parts: string[] = [];
    matrix.dark.forEach((dark, index) => {
      if (!dark) return;
      const x = (index % matrix.width) + QUIET_ZONE;
      const y = Math.floor(index / matrix.width) + QUIET_ZONE;
      parts.push(`M${x} ${y}h1v1h-1z`);
    });
    return parts.join("");
  }, [matrix]);
  const size = matrix.width + 2 * QUIET_ZONE;
  return (
    <svg
      className="qr-code"
      data-testid="payment-qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/**
 * The QR code to scan with Alipay, waiting for the payment to be confirmed. It tells its
 * owner when the order is paid or the payment has failed (timed out unpaid).
 */
export function AwaitingPayment({
  orderId,
  onPaid,
  onFailed,
  onCancel,
}: {
  orderId: string;
  onPaid: () => void;
  onFailed: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const payment = usePaymentProgress(orderId);
  const status = payment.data?.status;
  useEffect(() => {
    if (status === "paid") onPaid();
    if (status === "failed") onFailed();
  }, [status, onPaid, onFailed]);

  return (
    <div className="payment-wait" data-testid="payment-awaiting" aria-live="polite">
      {payment.data?.qr ? (
        <>
          <QrCode
            matrix={payment.data.qr}
            label={t("pay.qrLabel", { price: formatFen(payment.data.amount) })}
          />
          <p className="payment-instructions">
            {t("pay.scan", { price: formatFen(payment.data.amount) })}
          </p>
          <p className="muted payment-waiting" role="status">
            <span className="spinner" aria-hidden="true" /> {t("pay.waiting")}
          </p>
        </>
      ) : payment.isError ? (
        <p className="form-error" role="alert" data-testid="payment-error">
          {t(errorKey(errorCode(payment.error)))}
        </p>
      ) : (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> {t("pay.preparing")}
        </p>
      )}
      <div className="button-row end">
        {payment.isError && (
          <button type="button" className="button secondary" onClick={() => payment.refetch()}>
            {t("buy.retry")}
          </button>
        )}
        <button
          type="button"
          className="button secondary"
          data-testid="cancel-payment"
          onClick={onCancel}
        >
          {t("pay.cancel")}
        </button>
      </div>
    </div>
  );
}
