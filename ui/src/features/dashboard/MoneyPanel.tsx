import { useId, useState } from "react";
import { formatDateTime, formatFen } from "../../app/format";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { useSystemDialog } from "../../components/useSystemDialog";
import { useI18n } from "../../i18n";
import { pickSavePath, useExportStatement, useShopMoney } from "../../ipc";

/**
 * Money beyond single sales: this month's projected share of the subscription pool, the
 * settled months, the balance and payouts, and the CSV statement.
 */
export function MoneyPanel({ shopId }: { shopId: string }) {
  const { t, language } = useI18n();
  const money = useShopMoney(shopId);
  if (money.isPending) return <Loading rows={3} />;
  if (money.isError) return <ErrorNotice error={money.error} onRetry={() => money.refetch()} />;
  const { share, settled, payouts } = money.data;
  const percent =
    share.total_downloads > 0
      ? Math.round((share.downloads * 1000) / share.total_downloads) / 10
      : 0;
  return (
    <div className="dashboard-columns money-panel">
      <Section title={t("money.share")} className="grow">
        <div className="share-now" data-testid="share-projection">
          <div className="share-figure">
            <span className="ticker-label">{t("money.projected", { month: share.month })}</span>
            <span className="ticker-value" data-fen={share.projected_share}>
              {formatFen(share.projected_share)}
            </span>
          </div>
          <div className="progress" role="img" aria-label={t("money.downloadShare", { percent })}>
            <div className="progress-fill" style={{ width: `${Math.min(100, percent)}%` }} />
          </div>
          <p className="hint">
            {t("money.shareDetail", {
              downloads: share.downloads,
              total: share.total_downloads,
              pool: formatFen(share.pool),
            })}
          </p>
        </div>
        {settled.length === 0 ? (
          <p className="muted">{t("money.noSettled")}</p>
        ) : (
          <table className="data-table" data-testid="settled-months">
            <caption className="visually-hidden">{t("money.settled")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("money.month")}</th>
                <th scope="col" className="num">
                  {t("money.downloads")}
                </th>
                <th scope="col" className="num">
                  {t("money.pool")}
                </th>
                <th scope="col" className="num">
                  {t("money.yourShare")}
                </th>
              </tr>
            </thead>
            <tbody>
              {settled.map((month) => (
                <tr key={month.month}>
                  <th scope="row">{month.month}</th>
                  <td className="num">
                    {month.downloads} / {month.total_downloads}
                  </td>
                  <td className="num">{formatFen(month.pool)}</td>
                  <td className="num">{formatFen(month.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={t("money.payouts")} className="side">
        <dl className="facts" data-testid="payouts">
          <dt>{t("money.balance")}</dt>
          <dd data-fen={money.data.balance}>{formatFen(money.data.balance)}</dd>
          <dt>{t("money.paidOut")}</dt>
          <dd>{formatFen(money.data.paid_out)}</dd>
          {payouts[0] && (
            <>
              <dt>{t("money.account")}</dt>
              <dd className="mono">{payouts[0].payout_account}</dd>
            </>
          )}
        </dl>
        {payouts.length === 0 ? (
          <p className="muted small">{t("money.noPayouts")}</p>
        ) : (
          <ul className="payout-list">
            {payouts.slice(0, 6).map((payout) => (
              <li key={payout.id}>
                <span>{formatFen(payout.amount)}</span>
                <span className={payout.sent ? "ok-text small" : "muted small"}>
                  {payout.sent ? t("money.sent") : t("money.requested")}
                </span>
                <time
                  className="muted small"
                  dateTime={new Date(payout.requested_at_ms).toISOString()}
                >
                  {formatDateTime(payout.requested_at_ms, language)}
                </time>
              </li>
            ))}
          </ul>
        )}
        <StatementExport />
      </Section>
    </div>
  );
}

/** The statement's file name, dated today, e.g. `shrimp-statement-2026-12-02.csv`. */
export function statementFileName(now = new Date()): string {
  const day = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map((part) => String(part).padStart(2, "0"))
    .join("-");
  return `shrimp-statement-${day}.csv`;
}

/**
 * Writes the CSV statement where the person chooses in the system's save dialog, or to a
 * path typed in the field (for scripts, and where no dialog can open).
 */
function StatementExport() {
  const { t } = useI18n();
  const exporter = useExportStatement();
  const [path, setPath] = useState("");
  const fieldId = useId();
  const dialog = useSystemDialog(
    () =>
      pickSavePath({
        title: t("money.saveTitle"),
        suggestedName: statementFileName(),
        filterName: t("money.csvFilter"),
      }),
    (chosen) => {
      if (chosen === null) return;
      setPath(chosen);
      exporter.mutate(chosen);
    },
  );

  return (
    <form
      className="statement-export"
      onSubmit={(event) => {
        event.preventDefault();
        if (path.trim()) exporter.mutate(path.trim());
      }}
    >
      <button
        type="button"
        className="button"
        data-testid="save-statement"
        disabled={exporter.isPending || dialog.open}
        onClick={dialog.choose}
      >
        {t("money.saveAs")}
      </button>
      <label htmlFor={fieldId}>{t("money.export")}</label>
      <div className="path-input">
        <input
          id={fieldId}
          type="text"
          value={path}
          placeholder="/home/me/shrimp-statement.csv"
          data-testid="statement-path"
          onChange={(event) => setPath(event.target.value)}
        />
        <button
          type="submit"
          className="button secondary"
          data-testid="export-statement"
          disabled={exporter.isPending || path.trim() === ""}
        >
          {t("money.exportButton")}
        </button>
      </div>
      {exporter.isSuccess && (
        <p className="ok-text small" role="status" data-testid="statement-exported">
          {t("money.exported", { rows: exporter.data.rows, path: exporter.data.path })}
        </p>
      )}
      {exporter.isError && <ErrorNotice error={exporter.error} />}
      {dialog.error !== null && <ErrorNotice error={dialog.error} message={t("pick.failed")} />}
    </form>
  );
}
