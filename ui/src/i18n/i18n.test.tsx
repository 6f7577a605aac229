import { describe, expect, it } from "vitest";
import { argumentsOf, format, initialLanguage } from "./index";
import { catalogs, errorKey } from "./messages";

describe("initialLanguage", () => {
  it("follows a Chinese system", () => {
    expect(initialLanguage(["zh-CN", "en"])).toBe("zh-CN");
    expect(initialLanguage(["zh"])).toBe("zh-CN");
  });

  it("falls back to English for other systems", () => {
    expect(initialLanguage(["fr-FR"])).toBe("en");
    expect(initialLanguage([])).toBe("en");
  });

  it("prefers the saved choice and ignores junk", () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    expect(initialLanguage(["en-US"])).toBe("zh-CN");
    localStorage.setItem("shrimp.language", "klingon");
    expect(initialLanguage(["en-US"])).toBe("en");
  });
});

describe("catalogs", () => {
  it("translate every message into Chinese, with the same placeholders", () => {
    for (const [key, english] of Object.entries(catalogs.en)) {
      const chinese = catalogs["zh-CN"][key as keyof typeof catalogs.en];
      expect(chinese, key).toBeTruthy();
      expect(argumentsOf(chinese), key).toEqual(argumentsOf(english));
    }
  });

  it("have a human message for every error code", () => {
    for (const code of ["storage", "internal", "unavailable"] as const) {
      expect(catalogs.en[errorKey(code)]).toMatch(/\w/);
    }
  });
});

describe("format", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(format("up {uptime} of {total}", { uptime: "3 s" })).toBe("up 3 s of {total}");
  });
});

describe("plurals", () => {
  const purchases = "{count, plural, one {# purchase} other {# purchases}} · {total}";

  it("choose the English form by number", () => {
    expect(format(purchases, { count: 1, total: "¥0.80" })).toBe("1 purchase · ¥0.80");
    expect(format(purchases, { count: 0, total: "¥0.00" })).toBe("0 purchases · ¥0.00");
    expect(format(purchases, { count: 2, total: "¥1.60" })).toBe("2 purchases · ¥1.60");
    expect(format(purchases, { count: "1", total: "¥0.80" }), "a numeric string").toBe(
      "1 purchase · ¥0.80",
    );
  });

  it("prefer an exact match, and follow the language's own categories", () => {
    const items = "{n, plural, =0 {nothing} one {one {what}} other {# {what}s}}";
    expect(format(items, { n: 0, what: "song" })).toBe("nothing");
    expect(format(items, { n: 1, what: "song" })).toBe("one song");
    expect(format(items, { n: 3, what: "song" })).toBe("3 songs");
    // Chinese has only `other`: one is not special.
    expect(format(items, { n: 1, what: "song" }, "zh-CN")).toBe("1 songs");
  });

  it("leave a choice without its number visible", () => {
    expect(format(purchases, { total: "¥0.80" })).toBe(
      "{count, plural, one {# purchase} other {# purchases}} · ¥0.80",
    );
  });

  it("name the values a message uses", () => {
    expect(argumentsOf(purchases)).toEqual(["count", "total"]);
    expect(argumentsOf("共 {count} 笔订单 · 合计 {total}")).toEqual(["count", "total"]);
    expect(argumentsOf("{n, plural, one {# {what}} other {# {what}s}}")).toEqual(["n", "what"]);
  });

  it("say one purchase in English and need nothing in Chinese", () => {
    expect(format(catalogs.en["orders.total"], { count: 1, total: "¥0.80" })).toBe(
      "1 purchase · ¥0.80 in all, every fen to the shops",
    );
    expect(format(catalogs.en["orders.total"], { count: 2, total: "¥1.60" })).toMatch(
      /^2 purchases · /,
    );
    expect(format(catalogs["zh-CN"]["orders.total"], { count: 1, total: "¥0.80" }, "zh-CN")).toBe(
      "共 1 笔订单 · 合计 ¥0.80，每一分钱都归店铺",
    );
  });
});
