import { type ReactNode, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { formatFen, formatRelative } from "../../app/format";
import { paths } from "../../app/paths";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { useNow } from "../../components/useNow";
import { type MessageKey, useI18n } from "../../i18n";
import {
  type DailyIncome,
  type FeedSale,
  type IncomeSummary,
  type TrackIncome,
  useBackendStatus,
  useDashboard,
  useSalesFeed,
  useShop,
  useShopMoney,
  watchIncome,
} from "../../ipc";
import { monthOf } from "./chart";
import { IncomeChart } from "./IncomeChart";
import { MoneyPanel } from "./MoneyPanel";
import "../shop/shop.css";

/** The seller's dashboard, or what to do without a shop (reviewers are sent to their inbox). */
export function DashboardPage() {
  const { t } = useI18n();
  const status = useBackendStatus();
  const user = status.data?.user ?? null;

  if (user?.shop_id) return <SellerDashboard shopId={user.shop_id} userId={user.id} />;

  const isReviewer = user?.roles.includes("reviewer") ?? false;
  return (
    <Page title={t("dashboard.title")} lead={t("dashboard.lead")} testId="dashboard-page">
      {isReviewer ? (
        <EmptyState
          title={t("dashboard.reviewer.title")}
          action={
            <Link className="button primary" to={paths.review}>
              {t("dashboard.reviewer.action")}
            </Link>
          }
        >
          {t("dashboard.reviewer.body")}
        </EmptyState>
      ) : (
        <EmptyState
          title={t("dashboard.empty.title")}
          action={
            <Link className="button primary" to={paths.openShop} data-testid="open-shop">
              {t("dashboard.empty.action")}
            </Link>
          }
        >
          {t("dashboard.empty.body")}
        </EmptyState>
      )}
    </Page>
  );
}

function SellerDashboard({ shopId, userId }: { shopId: string; userId: string }) {
  const { t } = useI18n();
  const dashboard = useDashboard(shopId);
  const shop = useShop(shopId);
  const feed = useSalesFeed(shopId);
  const money = useShopMoney(shopId).data;
  const shares = money
    ? [
        ...money.settled.map(({ month, share }) => ({ month, share })),
        { month: money.share.month, share: money.share.projected_share },
      ]
    : [];
  const [watchError, setWatchError] = useState<unknown>(null);
  const [watchAttempt, setWatchAttempt] = useState(0);

  // Live sales start flowing once watched; again for each person and after a retry.
  // biome-ignore lint/correctness/useExhaustiveDependencies: userId and watchAttempt restart the watch
  useEffect(() => {
    let current = true;
    setWatchError(null);
    watchIncome(shopId).catch((error: unknown) => {
      if (current) setWatchError(error);
    });
    return () => {
      current = false;
    };
  }, [shopId, userId, watchAttempt]);

  const title = shop.data?.shop.name ?? t("dashboard.title");
  return (
    <Page
      title={title}
      lead={t("dashboard.seller.lead")}
      testId="dashboard-page"
      actions={
        <>
          {shop.data && <ShopKindBadge kind={shop.data.shop.kind} />}
          <Link className="button secondary" to={paths.myTracks} data-testid="manage-tracks">
            {t("tracks.manage")}
          </Link>
        </>
      }
    >
      {watchError !== null && (
        <ErrorNotice
          error={watchError}
          message={t("dashboard.liveOff")}
          onRetry={() => setWatchAttempt((n) => n + 1)}
        />
      )}
      {dashboard.isPending ? (
        <Loading rows={6} />
      ) : dashboard.isError ? (
        <ErrorNotice error={dashboard.error} onRetry={() => dashboard.refetch()} />
      ) : (
        <>
          <IncomeTicker summary={dashboard.data.summary} />
          <div className="dashboard-columns">
            <Section title={t("dashboard.chart")} className="grow">
              <IncomeChart
                daily={dashboard.data.daily}
                shares={shares}
                currentMonth={money?.share.month ?? currentMonthOf(dashboard.data.daily)}
              />
            </Section>
            <Section title={t("dashboard.feed")} className="side">
              <SalesFeed sales={feed.data ?? []} />
            </Section>
          </div>
          <MoneyPanel shopId={shopId} />
          <Section title={t("dashboard.tracks")}>
            <TrackTable tracks={dashboard.data.tracks} />
          </Section>
        </>
      )}
    </Page>
  );
}

const tickerItems: { field: keyof IncomeSummary; label: MessageKey; testId: string }[] = [
  { field: "today", label: "dashboard.today", testId: "income-today" },
  { field: "this_month", label: "dashboard.thisMonth", testId: "income-this-month" },
  { field: "all_time", label: "dashboard.allTime", testId: "income-all-time" },
  { field: "balance", label: "dashboard.balance", testId: "income-balance" },
];

/** Today, this month, all time and balance; each figure flashes when it moves. */
function IncomeTicker({ summary }: { summary: IncomeSummary }) {
  const { t } = useI18n();
  return (
    <section className="ticker" aria-label={t("dashboard.income")}>
      {tickerItems.map(({ field, label, testId }) => (
        <div key={field} className="ticker-item">
          <span className="ticker-label">{t(label)}</span>
          <span className="ticker-value" data-testid={testId} data-fen={summary[field]}>
            <FlashOnChange value={summary[field]}>{formatFen(summary[field])}</FlashOnChange>
          </span>
        </div>
      ))}
      <p className="ticker-note">
        {t("dashboard.salesTotal", { count: summary.sales_count })} · {t("dashboard.keepAll")}
      </p>
    </section>
  );
}

/** Its children, flashing briefly each time `value` moves (not on first paint). */
function FlashOnChange({ value, children }: { value: number; children: ReactNode }) {
  const first = useRef(value);
  // A new key restarts the animation.
  return (
    <span key={value} className={value === first.current ? undefined : "flash"}>
      {children}
    </span>
  );
}

/** Sales as they arrive, newest first; a new one slides in highlighted. */
function SalesFeed({ sales }: { sales: readonly FeedSale[] }) {
  const { t, language } = useI18n();
  const now = useNow(5_000);
  return (
    <div className="sales-feed-box">
      <ol
        className="sales-feed"
        data-testid="sales-feed"
        aria-label={t("dashboard.feed")}
        role="log"
      >
        {sales.map((sale) => (
          <li
            key={sale.orderId}
            className="sale-row"
            data-testid="sale-row"
            data-order-id={sale.orderId}
          >
            <span className="sale-title">{sale.trackTitle}</span>
            <span className="sale-amount">+{formatFen(sale.amount)}</span>
            <time className="muted small" dateTime={new Date(sale.atMs).toISOString()}>
              {formatRelative(sale.atMs, now, language)}
            </time>
          </li>
        ))}
      </ol>
      {sales.length === 0 && (
        <p className="muted feed-empty">
          <span className="pulse" aria-hidden="true" />
          {t("dashboard.feed.empty")}
        </p>
      )}
    </div>
  );
}

function TrackTable({ tracks }: { tracks: readonly TrackIncome[] }) {
  const { t } = useI18n();
  if (tracks.length === 0) return <p className="muted">{t("dashboard.tracks.empty")}</p>;
  const sorted = [...tracks].sort((a, b) => b.sales - a.sales || b.count - a.count);
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="track-income">
        <caption className="visually-hidden">{t("dashboard.tracks")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("dashboard.col.track")}</th>
            <th scope="col" className="num">
              {t("dashboard.col.sales")}
            </th>
            <th scope="col" className="num">
              {t("dashboard.col.revenue")}
            </th>
            <th scope="col" className="num">
              {t("dashboard.col.downloads")}
            </th>
            <th scope="col" className="num">
              {t("dashboard.col.subscriberDownloads")}
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((track) => (
            <tr key={track.track_id}>
              <th scope="row">
                <Link to={paths.track(track.track_id)}>{track.title}</Link>
              </th>
              <td className="num">{track.count}</td>
              <td className="num">{formatFen(track.sales)}</td>
              <td className="num">{track.downloads}</td>
              <td className="num">{track.subscriber_downloads}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** This month, before the shop's money says it: the month of the chart's last day (today). */
function currentMonthOf(daily: readonly DailyIncome[]): string | null {
  const today = daily[daily.length - 1];
  return today ? monthOf(today.day_start_ms) : null;
}
