import { describe, expect, it } from "vitest";
import { format, initialLanguage } from "./index";
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
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(placeholders(chinese).sort(), key).toEqual(placeholders(english).sort());
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
