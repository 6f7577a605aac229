import { useQueries } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatDateTime, formatFen } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { type MessageKey, useI18n } from "../../i18n";
import { type OrderView, trackQuery, useMyOrders } from "../../ipc";
import { BackLink } from "./BackLink";

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
  // Orders carry ids only: each track's title, artist and shop come from its page.
  const tracks = useQueries({ queries: orders.map((order) => trackQuery(order.track_id)) });
  return (
    <ol className="order-list" aria-label={t("orders.title")}>
      {orders.map((order, index) => {
        const track = tracks[index]?.data;
        return (
          <li
            key={order.id}
            className="order-row"
            data-testid="order-row"
            data-status={order.status}
          >
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
            <time className="muted small" dateTime={new Date(order.created_at_ms).toISOString()}>
              {formatDateTime(order.created_at_ms, language)}
            </time>
            <span className={`badge badge-status-${order.status}`}>
              {t(statusKeys[order.status])}
            </span>
            <span className="track-price">
              {order.amount === 0 ? t("price.free") : formatFen(order.amount)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
