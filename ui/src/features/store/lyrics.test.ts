import { describe, expect, it } from "vitest";
import { parseLyrics } from "./lyrics";

describe("parseLyrics", () => {
  it("turns synced LRC into clean lines in time order", () => {
    const { synced, lines } = parseLyrics(
      "[ti:Rain]\n[ar:Lin]\n[00:12.50]雨落下来\n[00:05.00]Intro\n[00:20.1][00:40.10]Chorus\n",
    );
    expect(synced).toBe(true);
    expect(lines).toEqual([
      { atMs: 5000, text: "Intro" },
      { atMs: 12500, text: "雨落下来" },
      { atMs: 20100, text: "Chorus" },
      { atMs: 40100, text: "Chorus" },
    ]);
  });

  it("keeps plain lyrics as they are, blank lines between verses included", () => {
    const { synced, lines } = parseLyrics("\nfirst\n\nsecond\n");
    expect(synced).toBe(false);
    expect(lines.map((line) => line.text)).toEqual(["first", "", "second"]);
  });
});
