import { describe, expect, it } from "vitest";
import { niceMax, toBars } from "./chart";

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 20);
const daily = Array.from({ length: 20 }, (_, index) => ({
  day_start_ms: start + index * DAY,
  sales: 80,
  count: 1,
  subscription_share: index % 2 === 0 ? 3 : 0,
}));

describe("toBars", () => {
  it("keeps the last 30 days as they are", () => {
    expect(toBars(daily, "day")).toHaveLength(20);
  });

  it("groups 7-day weeks ending today", () => {
    const weeks = toBars(daily, "week");
    expect(weeks.map((week) => week.count)).toEqual([6, 7, 7]);
    expect(weeks[2]?.lastDayMs).toBe(start + 19 * DAY);
  });

  it("groups calendar months and keeps every fen", () => {
    const months = toBars(daily, "month");
    expect(months.map((month) => new Date(month.startMs).getUTCMonth())).toEqual([0, 1]);
    expect(months.map((month) => month.sales)).toEqual([12 * 80, 8 * 80]);
  });
});

describe("subscription shares", () => {
  it("stack on their month's bar, whole, from the month statements", () => {
    const shares = [
      { month: "2026-01", share: 1_234 },
      { month: "2025-12", share: 999 },
    ];
    const months = toBars(daily, "month", shares);
    expect(months.map((month) => month.share)).toEqual([1_234, 0]);
  });

  it("stay separate from sales on each day, as Rust spread them", () => {
    const days = toBars(daily, "day");
    expect(days.map((day) => day.share).slice(0, 4)).toEqual([3, 0, 3, 0]);
    expect(days.every((day) => day.sales === 80)).toBe(true);
  });

  it("add up over each week, to the fen", () => {
    const weeks = toBars(daily, "week");
    // Days 0–5, 6–12 and 13–19: the even days carry 3 fen each.
    expect(weeks.map((week) => week.share)).toEqual([9, 12, 9]);
    expect(weeks.map((week) => week.sales)).toEqual([480, 560, 560]);
  });
});

describe("this month's projected share", () => {
  // `daily` runs from 20 January to 8 February; February is this month, not settled.
  const shares = [
    { month: "2026-01", share: 1_234 },
    { month: "2026-02", share: 56 },
  ];

  it("is kept apart from settled shares on days, weeks that span the months, and months", () => {
    const days = toBars(daily, "day", shares, "2026-02");
    // 30 January (settled) to 2 February: the even days earned 3 fen.
    expect(days.slice(10, 14).map((day) => [day.share, day.projected])).toEqual([
      [3, 0],
      [0, 0],
      [0, 3],
      [0, 0],
    ]);
    // The last week, 2–8 February, is all projection; the one before spans both months.
    const weeks = toBars(daily, "week", shares, "2026-02");
    expect(weeks.map((week) => [week.share, week.projected])).toEqual([
      [9, 0],
      [9, 3],
      [0, 9],
    ]);
    const months = toBars(daily, "month", shares, "2026-02");
    expect(months.map((month) => [month.share, month.projected])).toEqual([
      [1_234, 0],
      [0, 56],
    ]);
  });
});

describe("niceMax", () => {
  it("rounds up to 1, 2 or 5 times a power of ten, at least ¥1", () => {
    expect(niceMax(0)).toBe(100);
    expect(niceMax(130)).toBe(200);
    expect(niceMax(480)).toBe(500);
    expect(niceMax(5001)).toBe(10_000);
  });
});
