import { useId, useState } from "react";
import { formatDay, formatFen, formatMonth } from "../../app/format";
import { type MessageKey, useI18n } from "../../i18n";
import type { DailyIncome } from "../../ipc";
import { type Bar, type MonthShare, niceMax, type Period, toBars } from "./chart";

const periods: { period: Period; label: MessageKey }[] = [
  { period: "day", label: "chart.day" },
  { period: "week", label: "chart.week" },
  { period: "month", label: "chart.month" },
];

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 56;
const BOTTOM = 24;
const TOP = 8;

/** Income by day, week or month: hand-drawn SVG bars, with a table for screen readers. */
export function IncomeChart({
  daily,
  shares = [],
  currentMonth = null,
}: {
  daily: readonly DailyIncome[];
  /** Subscription shares by month, stacked on the bars. */
  shares?: readonly MonthShare[];
  /** The month not settled yet (`YYYY-MM`): its share is drawn as a projection. */
  currentMonth?: string | null;
}) {
  const { t, language } = useI18n();
  const [period, setPeriod] = useState<Period>("day");
  const captionId = useId();
  const bars = toBars(daily, period, shares, currentMonth);
  const max = niceMax(Math.max(0, ...bars.map((bar) => bar.sales + bar.share + bar.projected)));
  // Money earned: a projection is drawn, not counted.
  const total = bars.reduce((sum, bar) => sum + bar.sales + bar.share, 0);
  const hasShares = bars.some((bar) => bar.share > 0);
  const hasProjected = bars.some((bar) => bar.projected > 0);

  const label = (bar: Bar) =>
    period === "month"
      ? formatMonth(bar.startMs, language)
      : period === "week"
        ? `${formatDay(bar.startMs, language)} – ${formatDay(bar.lastDayMs, language)}`
        : formatDay(bar.startMs, language);
  const tick = (bar: Bar) =>
    period === "month" ? formatMonth(bar.startMs, language) : formatDay(bar.startMs, language);

  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = bars.length > 0 ? plotWidth / bars.length : plotWidth;
  const barWidth = Math.max(2, Math.min(48, slot * 0.66));
  const every = Math.max(1, Math.ceil(bars.length / 8));
  const summary = t(`chart.summary.${period}`, { total: formatFen(total), count: bars.length });

  return (
    <div className="income-chart" data-testid="income-chart" data-period={period}>
      <div className="chart-toolbar">
        <p id={captionId} className="muted">
          {summary}
        </p>
        <fieldset className="segmented small">
          <legend className="visually-hidden">{t("chart.period")}</legend>
          {periods.map((option) => (
            <button
              key={option.period}
              type="button"
              aria-pressed={period === option.period}
              data-testid={`chart-${option.period}`}
              onClick={() => setPeriod(option.period)}
            >
              {t(option.label)}
            </button>
          ))}
        </fieldset>
      </div>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={captionId}
        className="chart-svg"
      >
        <title>{summary}</title>
        {[0, 0.5, 1].map((fraction) => {
          const y = TOP + plotHeight * (1 - fraction);
          return (
            <g key={fraction} className="chart-grid">
              <line x1={LEFT} x2={WIDTH} y1={y} y2={y} />
              <text x={LEFT - 8} y={y + 4} textAnchor="end">
                {formatFen(Math.round(max * fraction))}
              </text>
            </g>
          );
        })}
        {bars.map((bar, index) => {
          const height = max > 0 ? (bar.sales / max) * plotHeight : 0;
          const shareHeight = max > 0 ? (bar.share / max) * plotHeight : 0;
          const projectedHeight = max > 0 ? (bar.projected / max) * plotHeight : 0;
          const x = LEFT + slot * index + (slot - barWidth) / 2;
          const latest = index === bars.length - 1;
          return (
            <g key={bar.startMs}>
              <rect
                className={latest ? "chart-bar latest" : "chart-bar"}
                x={x}
                y={TOP + plotHeight - height}
                width={barWidth}
                height={Math.max(height, bar.sales > 0 ? 1 : 0)}
                rx={Math.min(3, barWidth / 4)}
              >
                <title>
                  {t("chart.bar", {
                    when: label(bar),
                    amount: formatFen(bar.sales),
                    count: bar.count,
                  })}
                </title>
              </rect>
              {bar.share > 0 && (
                <rect
                  className="chart-bar share"
                  x={x}
                  y={TOP + plotHeight - height - shareHeight}
                  width={barWidth}
                  height={Math.max(shareHeight, 1)}
                  rx={Math.min(3, barWidth / 4)}
                >
                  <title>
                    {t("chart.shareBar", { when: label(bar), amount: formatFen(bar.share) })}
                  </title>
                </rect>
              )}
              {bar.projected > 0 && (
                <rect
                  className="chart-bar share projected"
                  x={x}
                  y={TOP + plotHeight - height - shareHeight - projectedHeight}
                  width={barWidth}
                  height={Math.max(projectedHeight, 1)}
                  rx={Math.min(3, barWidth / 4)}
                >
                  <title>
                    {t("chart.projectedBar", {
                      when: label(bar),
                      amount: formatFen(bar.projected),
                    })}
                  </title>
                </rect>
              )}
              {index % every === (bars.length - 1) % every && (
                <text
                  className="chart-tick"
                  x={x + barWidth / 2}
                  y={HEIGHT - 6}
                  textAnchor="middle"
                >
                  {tick(bar)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {(hasShares || hasProjected) && (
        <p className="chart-legend muted small" data-testid="chart-legend">
          <span className="legend-swatch sales" aria-hidden="true" />
          {t("chart.legend.sales")}
          {hasShares && (
            <>
              <span className="legend-swatch share" aria-hidden="true" />
              {t("chart.legend.share")}
            </>
          )}
          {hasProjected && (
            <>
              <span className="legend-swatch share projected" aria-hidden="true" />
              {t("chart.legend.projected")}
            </>
          )}
        </p>
      )}
      <table className="visually-hidden">
        <caption>{summary}</caption>
        <thead>
          <tr>
            <th scope="col">{t("chart.when")}</th>
            <th scope="col">{t("dashboard.income")}</th>
            <th scope="col">{t("dashboard.salesCount")}</th>
            <th scope="col">{t("chart.legend.share")}</th>
            <th scope="col">{t("chart.legend.projected")}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.startMs}>
              <th scope="row">{label(bar)}</th>
              <td>{formatFen(bar.sales)}</td>
              <td>{bar.count}</td>
              <td>{formatFen(bar.share)}</td>
              <td>{formatFen(bar.projected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
