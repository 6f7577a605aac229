import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { Link } from "react-router";
import { formatFen } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { Dialog } from "../../components/Dialog";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import {
  errorCode,
  newAttemptId,
  ownedTrackIds,
  type TrackView,
  useBuyTrack,
  useMyOrders,
} from "../../ipc";
import { DownloadPanel } from "./download";
import { AwaitingPayment } from "./payment";

/** What the purchase sheet needs to know about a track. */
export type Buyable = Pick<
  TrackView,
  "id" | "title" | "artists" | "shop_name" | "shop_kind" | "has_cover" | "price"
>;

const PurchaseContext = createContext<((track: Buyable) => void) | null>(null);

/** Holds the one purchase sheet of the app; any Buy button opens it. */
export function PurchaseProvider({ children }: { children: ReactNode }) {
  const [buying, setBuying] = useState<Buyable | null>(null);
  const close = useCallback(() => setBuying(null), []);
  return (
    <PurchaseContext.Provider value={setBuying}>
      {children}
      {buying && <PurchaseSheet key={buying.id} track={buying} onClose={close} />}
    </PurchaseContext.Provider>
  );
}

function usePurchase(): (track: Buyable) => void {
  const open = useContext(PurchaseContext);
  if (!open) throw new Error("usePurchase outside PurchaseProvider");
  return open;
}

/** The tracks the signed-in person owns. */
export function useOwned(): ReadonlySet<string> {
  const orders = useMyOrders();
  return useMemo(() => ownedTrackIds(orders.data), [orders.data]);
}

/** `¥0.80`, or "Free" for a track that costs nothing. */
export function usePriceText(): (fen: number) => string {
  const { t } = useI18n();
  return useCallback((fen: number) => (fen === 0 ? t("price.free") : formatFen(fen)), [t]);
}

/** A Buy button, or an "Owned" badge once the track is yours. */
export function BuyButton({
  track,
  owned,
  size = "small",
}: {
  track: Buyable;
  owned: boolean;
  size?: "small" | "large";
}) {
  const { t } = useI18n();
  const priceText = usePriceText();
  const buy = usePurchase();
  if (owned) return <OwnedBadge />;
  return (
    <button
      type="button"
      className={`button buy ${size}`}
      data-testid="buy-button"
      aria-label={t("buy.label", { title: track.title, price: priceText(track.price) })}
      onClick={() => buy(track)}
    >
      {size === "large" ? t("buy.withPrice", { price: priceText(track.price) }) : t("buy.button")}
    </button>
  );
}

export function OwnedBadge() {
  const { t } = useI18n();
  return (
    <span className="badge badge-owned" data-testid="owned-badge">
      ✓ {t("buy.owned")}
    </span>
  );
}

/** How a payment that waited for the buyer ended, as far as this sheet knows. */
type Outcome = "paid" | "failed" | "cancelled" | null;

/**
 * Confirm → pay → "Yours now". One attempt id per payment attempt, reused by Retry, so a
 * retried payment is never charged twice. With Alipay the order waits for the buyer: the
 * sheet shows the QR code until the payment is confirmed, fails, or the buyer cancels; a new
 * try after that is a new attempt (a new order).
 */
function PurchaseSheet({ track, onClose }: { track: Buyable; onClose: () => void }) {
  const { t } = useI18n();
  const priceText = usePriceText();
  const [attempt, setAttempt] = useState(newAttemptId);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const buy = useBuyTrack();
  const order = buy.data;
  const code = buy.isError ? errorCode(buy.error) : null;
  const alreadyOwned = code === "conflict";
  const awaiting = order?.status === "pending" && outcome === null;
  const failed = outcome === "failed" || order?.status === "expired";
  const done = order?.status === "paid" || outcome === "paid" || alreadyOwned;

  const pay = () => {
    if (outcome === null && !failed) {
      buy.mutate({ trackId: track.id, attempt });
      return;
    }
    const fresh = newAttemptId();
    setAttempt(fresh);
    setOutcome(null);
    buy.mutate({ trackId: track.id, attempt: fresh });
  };
  const paid = useCallback(() => setOutcome("paid"), []);
  const stopped = useCallback(() => setOutcome("failed"), []);
  const cancel = useCallback(() => setOutcome("cancelled"), []);

  // The confirm button goes away on success: keep focus inside the sheet.
  const doneButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (done) doneButton.current?.focus();
  }, [done]);

  return (
    <Dialog
      title={done ? t("buy.success.title") : awaiting ? t("pay.title") : t("buy.confirm.title")}
      onClose={onClose}
      dismissible={!buy.isPending}
      testId="purchase-sheet"
    >
      <div className="purchase-item">
        <Cover
          kind="track"
          id={track.id}
          hasCover={track.has_cover}
          title={track.title}
          size="lg"
        />
        <div className="purchase-text">
          <div className="purchase-title">{track.title}</div>
          <div className="muted">{track.artists}</div>
          <div className="purchase-shop">
            {t("buy.soldBy", { shop: track.shop_name })} <ShopKindBadge kind={track.shop_kind} />
          </div>
        </div>
        <div className="purchase-price">{priceText(track.price)}</div>
      </div>

      {done ? (
        <div className="purchase-done" data-testid="purchase-success" role="status">
          <OwnedBadge />
          <p>{alreadyOwned ? t("buy.alreadyOwned") : t("buy.success.body")}</p>
          <DownloadPanel trackId={track.id} title={track.title} autoStart />
          <div className="button-row end">
            <Link className="button secondary" to={paths.orders} onClick={onClose}>
              {t("buy.viewPurchases")}
            </Link>
            <button
              ref={doneButton}
              type="button"
              className="button primary"
              data-testid="purchase-done"
              onClick={onClose}
            >
              {t("common.done")}
            </button>
          </div>
        </div>
      ) : awaiting && order ? (
        <AwaitingPayment orderId={order.id} onPaid={paid} onFailed={stopped} onCancel={cancel} />
      ) : (
        <>
          <p className="purchase-note">
            <span aria-hidden="true">♥ </span>
            {t("buy.note", { shop: track.shop_name })}
          </p>
          {code && (
            <p className="form-error" role="alert" data-testid="purchase-error">
              {t(errorKey(code))}
            </p>
          )}
          {!code && (outcome === "cancelled" || failed) && (
            <p className="form-error" role="alert" data-testid="payment-stopped">
              {outcome === "cancelled" ? t("pay.cancelled") : t("pay.failed")}
            </p>
          )}
          <div className="button-row end">
            <button
              type="button"
              className="button secondary"
              onClick={onClose}
              disabled={buy.isPending}
            >
              {t("common.cancel")}
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="confirm-purchase"
              data-autofocus
              disabled={buy.isPending}
              aria-busy={buy.isPending}
              onClick={pay}
            >
              {buy.isPending
                ? t("buy.paying")
                : code || outcome === "cancelled" || failed
                  ? t("buy.retry")
                  : track.price === 0
                    ? t("buy.getFree")
                    : t("buy.pay", { price: formatFen(track.price) })}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
