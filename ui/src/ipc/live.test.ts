import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { backendReady, dashboard } from "../test/fixtures";
import type { Dashboard } from "./bindings";
import { queryKeys } from "./keys";
import { applyBackendStatus, applyIncomeEvent, markWatched } from "./live";

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
