import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { backendReady, dashboard } from "../test/fixtures";
import type { Dashboard } from "./bindings";
import { NOTHING_PLAYING, queryKeys } from "./keys";
import {
  applyBackendStatus,
  applyIncomeEvent,
  applyPlayerEvent,
  markWatched,
  previewTrackId,
} from "./live";

const sale = (orderId: string, amount: number) => ({
  type: "sale_recorded" as const,
  seq: 7,
  sale: { order_id: orderId, track_id: "trk_1", track_title: "Spring Rain", amount, at_ms: 1 },
});

function setUp() {
  const client = new QueryClient();
  client.setQueryData(queryKeys.backendStatus, backendReady("musician"));
  client.setQueryData(queryKeys.dashboard("shp_rain"), dashboard());
  const today = () =>
    client.getQueryData<Dashboard>(queryKeys.dashboard("shp_rain"))?.summary.today;
  return { client, today };
}

describe("applyIncomeEvent", () => {
  it("adds a sale of the watched shop to its totals, its day and its track", () => {
    const { client, today } = setUp();
    markWatched("shp_rain");
    applyIncomeEvent(client, sale("ord_1", 80));
    const cached = client.getQueryData<Dashboard>(queryKeys.dashboard("shp_rain"));
    expect(today()).toBe(320);
    expect(cached?.summary.sales_count).toBe(322);
    expect(cached?.daily.at(-1)?.sales).toBe((dashboard().daily.at(-1)?.sales ?? 0) + 80);
    expect(cached?.tracks[0]?.sales).toBe(6_080);
    expect(client.getQueryData(queryKeys.salesFeed("shp_rain"))).toHaveLength(1);
  });

  it("ignores a stream that is not the signed-in owner's", () => {
    const { client, today } = setUp();
    markWatched("shp_other");
    applyIncomeEvent(client, sale("ord_1", 80));
    expect(today()).toBe(240);

    // Another person signs in: nothing counts until their own shop is watched.
    markWatched("shp_rain");
    applyBackendStatus(client, backendReady("listener"));
    applyBackendStatus(client, backendReady("musician"));
    applyIncomeEvent(client, sale("ord_2", 80));
    expect(today()).toBe(240);
  });
});

describe("player events", () => {
  it("know a store preview by its cached file and follow its state and position", () => {
    expect(previewTrackId("/data/cache/previews/trk_demo_xiaoyu_1_01.wav")).toBe(
      "trk_demo_xiaoyu_1_01",
    );
    expect(previewTrackId("C:\\data\\cache\\previews\\trk_1.wav")).toBe("trk_1");
    expect(previewTrackId("/music/song.flac")).toBeNull();
    let now = applyPlayerEvent(NOTHING_PLAYING, {
      type: "trackChanged",
      index: 0,
      path: "/d/cache/previews/trk_1.wav",
      durationMs: 30_000,
    });
    now = applyPlayerEvent(now, { type: "stateChanged", state: "playing" });
    now = applyPlayerEvent(now, { type: "positionChanged", index: 0, positionMs: 1200 });
    expect(now).toEqual({
      trackId: "trk_1",
      index: 0,
      path: "/d/cache/previews/trk_1.wav",
      state: "playing",
      positionMs: 1200,
      durationMs: 30_000,
      error: null,
    });
    now = applyPlayerEvent(now, {
      type: "failed",
      path: null,
      code: "unavailable",
      reason: "no_audio_device",
      message: "No sound device",
    });
    expect(now.error).toBe("No sound device");
    expect(applyPlayerEvent(now, { type: "stateChanged", state: "stopped" }).positionMs).toBe(0);
  });
});
