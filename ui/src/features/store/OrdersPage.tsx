import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatFen } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { type MessageKey, useI18n } from "../../i18n";
import { type OrderView, type TrackView, trackQuery, useMyOrders } from "../../ipc";
import { BackLink } from "./BackLink";
import { DownloadPanel } from "./download";

const statusKeys: Record<OrderView["status"], MessageKey> = {
  paid: "orders.status.paid",
  pending: "orders.status.pending",
  expired: "orders.status.expired",
  refunded: "orders.status.refunded",
};

/** What the signed-in person bought, newest first. */
export function OrdersPage() {
  const { t } = useI18n();
  const orders = useMyOrders();
  return (
    <Page title={t("orders.title")} lead={t("orders.lead")} testId="orders-page">
      <BackLink />
      {orders.isPending ? (
        <Loading rows={4} />
      ) : orders.isError ? (
        <ErrorNotice error={orders.error} onRetry={() => orders.refetch()} />
      ) : orders.data.length === 0 ? (
        <EmptyState
          title={t("orders.empty.title")}
          action={
            <Link className="button primary" to={paths.store}>
              {t("orders.empty.action")}
            </Link>
          }
        >
          {t("orders.empty.body")}
        </EmptyState>
      ) : (
        <OrderList orders={orders.data} />
      )}
    </Page>
  );
}

function OrderList({ orders }: { orders: readonly OrderView[] }) {
  const { t, language } = useI18n();
  const [receipt, setReceipt] = useState<OrderView | null>(null);
  // Orders carry ids only: each track's title, artist and shop come from its page.
  const tracks = useQueries({ queries: orders.map((order) => trackQuery(order.track_id)) });
  const paid = orders.filter((order) => order.status === "paid");
  const total = paid.reduce((sum, order) => sum + order.amount, 0);
  const receiptTrack = receipt ? tracks[orders.indexOf(receipt)]?.data : undefined;
  return (
    <>
      <p className="muted" data-testid="orders-total">
        {t("orders.total", { count: paid.length, total: formatFen(total) })}
      </p>
      <ol className="order-list" aria-label={t("orders.title")}>
        {orders.map((order, index) => {
          const track = tracks[index]?.data;
          return (
            <li
              key={order.id}
              className="order-item"
              data-testid="order-row"
              data-status={order.status}
              data-track-id={order.track_id}
            >
              <div className="order-row">
                <Cover
                  kind="track"
                  id={order.track_id}
                  hasCover={track?.has_cover ?? false}
                  title={track?.title ?? "♪"}
                  size="sm"
                />
                <div className="track-main">
                  {track ? (
                    <Link className="track-title" to={paths.track(order.track_id)}>
                      {track.title}
                    </Link>
                  ) : (
                    <span className="track-title muted">{t("common.loading")}</span>
                  )}
                  <span className="track-artists">
                    {track ? `${track.artists} · ${track.shop_name}` : "\u00a0"}
                  </span>
                </div>
                <time
                  className="muted small"
                  dateTime={new Date(order.created_at_ms).toISOString()}
                >
                  {formatDateTime(order.created_at_ms, language)}
                </time>
                <span className={`badge badge-status-${order.status}`}>
                  {t(statusKeys[order.status])}
                </span>
                <span className="track-price">
                  {order.amount === 0 ? t("price.free") : formatFen(order.amount)}
                </span>
              </div>
              <div className="order-actions">
                {order.status === "paid" && (
                  <DownloadPanel trackId={order.track_id} title={track?.title ?? order.track_id} />
                )}
                <button
                  type="button"
                  className="button secondary small"
                  data-testid="receipt-button"
                  onClick={() => setReceipt(order)}
                >
                  {t("orders.receipt")}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      {receipt && <Receipt order={receipt} track={receiptTrack} onClose={() => setReceipt(null)} />}
    </>
  );
}

/** One order as a receipt: number, date, what, from whom, and exactly what was paid. */
function Receipt({
  order,
  track,
  onClose,
}: {
  order: OrderView;
  track: TrackView | undefined;
  onClose: () => void;
}) {
  const { t, language } = useI18n();
  const amount = order.amount === 0 ? t("price.free") : formatFen(order.amount);
  return (
    <Dialog title={t("orders.receipt.title")} onClose={onClose} testId="receipt">
      <dl className="receipt">
        <dt>{t("orders.receipt.order")}</dt>
        <dd className="mono" data-testid="receipt-order-id">
          {order.id}
        </dd>
        <dt>{t("orders.receipt.date")}</dt>
        <dd>{formatDateTime(order.created_at_ms, language)}</dd>
        <dt>{t("orders.receipt.track")}</dt>
        <dd>{track ? `${track.title} — ${track.artists}` : order.track_id}</dd>
        <dt>{t("orders.receipt.shop")}</dt>
        <dd>
          {track ? (
            <>
              {track.shop_name} <ShopKindBadge kind={track.shop_kind} />
            </>
          ) : (
            order.shop_id
          )}
        </dd>
        <dt>{t("orders.receipt.status")}</dt>
        <dd>{t(statusKeys[order.status])}</dd>
        <dt>{t("orders.receipt.paid")}</dt>
        <dd className="receipt-amount" data-testid="receipt-amount">
          {amount}
        </dd>
        <dt>{t("orders.receipt.toShop")}</dt>
        <dd>{amount}</dd>
      </dl>
      <p className="purchase-note">♥ {t("orders.receipt.note")}</p>
      <div className="button-row end">
        <button type="button" className="button primary" data-autofocus onClick={onClose}>
          {t("common.done")}
        </button>
      </div>
    </Dialog>
  );
}
