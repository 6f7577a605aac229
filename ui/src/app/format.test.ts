import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

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
