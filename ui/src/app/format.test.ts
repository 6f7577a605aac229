import { describe, expect, it } from "vitest";
import { formatClock, formatDay, formatDuration, formatFen, formatRelative } from "./format";

describe("formatDuration", () => {
  it("uses the largest sensible unit", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(59.9)).toBe("59 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3600 + 5 * 60 + 7)).toBe("1 h 5 min");
  });

  it("never shows negative time", () => {
    expect(formatDuration(-4)).toBe("0 s");
  });
});

describe("formatFen", () => {
  it("shows yuan with two decimals", () => {
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(80)).toBe("¥0.80");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(5000)).toBe("¥50.00");
    expect(formatFen(123_456)).toBe("¥1,234.56");
    expect(formatFen(100_000_000)).toBe("¥1,000,000.00");
  });

  it("puts the sign before the currency", () => {
    expect(formatFen(-125)).toBe("-¥1.25");
  });
});

describe("formatClock", () => {
  it("shows minutes and seconds, and hours when needed", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(65_900)).toBe("1:05");
    expect(formatClock(3_723_000)).toBe("1:02:03");
  });
});

describe("formatRelative", () => {
  it("speaks both languages", () => {
    const now = 1_000_000_000;
    expect(formatRelative(now - 3 * 60_000, now, "en")).toBe("3 minutes ago");
    expect(formatRelative(now - 3 * 60_000, now, "zh-CN")).toBe("3分钟前");
    expect(formatRelative(now, now, "en")).toBe("now");
  });
});

describe("formatDay", () => {
  it("uses the UTC day", () => {
    expect(formatDay(Date.UTC(2026, 2, 3), "en")).toBe("Mar 3");
  });
});
