import type { DailyIncome } from "../../ipc";

export type Period = "day" | "week" | "month";

/** One bar of the income chart: a day, a week or a month of sales (UTC days). */
export interface Bar {
  startMs: number;
  /** The start of the bar's last day. */
  lastDayMs: number;
  sales: number;
  count: number;
  /**
   * The bar's settled subscription share: a month's, or for a day or a week the part of it
   * earned by that day's or week's subscriber downloads.
   */
  share: number;
  /** The same for this month, which is not settled yet: a projection that can still move. */
  projected: number;
}

/** A month's subscription share (`YYYY-MM`), settled or (this month's) projected. */
export interface MonthShare {
  month: string;
  share: number;
}

/** The UTC month (`YYYY-MM`) a time falls in. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Days shown in the daily view. */
export const DAYS_SHOWN = 30;

/**
 * Groups the daily figures (oldest first) into bars: the last 30 days, 7-day weeks ending
 * today, or calendar months. Days and weeks carry the subscription share Rust spread over
 * the days; months take theirs from `shares` (every settled month, whole, and this month's
 * projection), since the daily series may start mid-month. Shares of `currentMonth` are a
 * projection (the month is not settled), kept apart from the settled ones.
 */
export function toBars(
  daily: readonly DailyIncome[],
  period: Period,
  shares: readonly MonthShare[] = [],
  currentMonth: string | null = null,
): Bar[] {
  const days = daily.map((day) => {
    const projected = monthOf(day.day_start_ms) === currentMonth;
    return {
      startMs: day.day_start_ms,
      lastDayMs: day.day_start_ms,
      sales: day.sales,
      count: day.count,
      share: projected ? 0 : day.subscription_share,
      projected: projected ? day.subscription_share : 0,
    };
  });
  if (period === "day") return days.slice(-DAYS_SHOWN);
  const bars: Bar[] = [];
  if (period === "week") {
    for (let end = days.length; end > 0; end -= 7) {
      bars.unshift(merge(days.slice(Math.max(0, end - 7), end)));
    }
    return bars;
  }
  for (const day of days) {
    const date = new Date(day.startMs);
    const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const last = bars[bars.length - 1];
    if (last && last.startMs === monthStart) {
      last.sales += day.sales;
      last.count += day.count;
      last.lastDayMs = day.startMs;
    } else {
      bars.push({ ...day, startMs: monthStart, share: 0, projected: 0 });
    }
  }
  for (const bar of bars) {
    const month = monthOf(bar.startMs);
    const share = shares.find((entry) => entry.month === month)?.share ?? 0;
    bar.share = month === currentMonth ? 0 : share;
    bar.projected = month === currentMonth ? share : 0;
  }
  return bars;
}

function merge(days: Bar[]): Bar {
  const first = days[0];
  const last = days[days.length - 1];
  return {
    startMs: first?.startMs ?? 0,
    lastDayMs: last?.lastDayMs ?? 0,
    sales: days.reduce((sum, day) => sum + day.sales, 0),
    count: days.reduce((sum, day) => sum + day.count, 0),
    share: days.reduce((sum, day) => sum + day.share, 0),
    projected: days.reduce((sum, day) => sum + day.projected, 0),
  };
}

/** A round top for the value axis: 1, 2 or 5 × a power of ten fen, at least ¥1. */
export function niceMax(value: number): number {
  const target = Math.max(100, value);
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= target) return step * power;
  }
  return 10 * power;
}
