import { describe, expect, it } from "vitest";
import { parseYuan, yuanText } from "./price";

describe("prices typed in yuan", () => {
  it("become exact fen", () => {
    expect(parseYuan("0.8")).toBe(80);
    expect(parseYuan("¥12.50")).toBe(1_250);
    expect(parseYuan(" 3 ")).toBe(300);
    expect(parseYuan("0")).toBe(0);
    expect(parseYuan("50.00")).toBe(5_000);
    expect(parseYuan("0.07")).toBe(7);
  });

  it("refuse what is not a price or is above ¥50.00", () => {
    expect(parseYuan("")).toBeNull();
    expect(parseYuan("-1")).toBeNull();
    expect(parseYuan("1.234")).toBeNull();
    expect(parseYuan("abc")).toBeNull();
    expect(parseYuan("50.01")).toBeNull();
  });

  it("show as the field's text", () => {
    expect(yuanText(80)).toBe("0.80");
    expect(yuanText(5_000)).toBe("50.00");
    expect(yuanText(7)).toBe("0.07");
  });
});
