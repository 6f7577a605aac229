import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../../ipc/testing";
import { harbourShop, harbourTrack, order, rainShop, release, track } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";

describe("the shop page", () => {
  it("shows the shop, its badge, bio, releases and tracks", async () => {
    const log = mockApp({
      shop_page: () => ({ shop: rainShop, releases: [release()], tracks: [track()] }),
    });
    renderApp("/store/shop/shp_rain");
    expect(await screen.findByRole("heading", { level: 1, name: rainShop.name })).toBeTruthy();
    expect(log.argsOf("shop_page")).toEqual([{ id: "shp_rain" }]);
    const page = screen.getByTestId("shop-page");
    expect(page.textContent).toContain("Independent");
    expect(page.textContent).toContain(rainShop.bio);
    expect(page.textContent).toContain("they set their own prices");
    expect(within(page).getAllByTestId("release-card")).toHaveLength(1);
    expect(within(page).getAllByTestId("track-row")).toHaveLength(1);
  });

  it("tells a label shop apart", async () => {
    mockApp({ shop_page: () => ({ shop: harbourShop, releases: [], tracks: [harbourTrack] }) });
    renderApp("/store/shop/shp_harbour");
    await screen.findByRole("heading", { level: 1, name: harbourShop.name });
    expect(screen.getByTestId("shop-page").textContent).toContain("platform price");
  });

  it("says when a shop has nothing for sale", async () => {
    mockApp({ shop_page: () => ({ shop: rainShop, releases: [], tracks: [] }) });
    renderApp("/store/shop/shp_rain");
    expect(await screen.findByText("Nothing for sale yet")).toBeTruthy();
  });

  it("explains a missing shop", async () => {
    mockApp({
      shop_page: () => {
        throw new CommandFailure({ code: "not_found", message: "no shop" });
      },
    });
    renderApp("/store/shop/nope");
    expect((await screen.findByRole("alert")).textContent).toContain("could not be found");
  });
});

describe("the release page", () => {
  it("shows the cover, tracks in order and the total length", async () => {
    mockApp({
      release_page: () => ({
        release: release(),
        tracks: [track(), track({ id: "trk_4", title: "Night Bus", track_number: 2 })],
      }),
    });
    renderApp("/store/release/rel_1");
    expect(await screen.findByRole("heading", { level: 1, name: "Small Room" })).toBeTruthy();
    const page = screen.getByTestId("release-page");
    expect(page.querySelector("img")?.getAttribute("src")).toBe("cover://localhost/release/rel_1");
    expect(screen.getByTestId("release-length").textContent).toBe("2 tracks · 4 min");
    const rows = within(page).getAllByTestId("track-row");
    expect(rows.map((row) => row.querySelector(".track-number")?.textContent)).toEqual(["1", "2"]);
  });

  it("shows a placeholder while loading", async () => {
    mockApp({ release_page: () => forever() });
    renderApp("/store/release/rel_1");
    expect(await screen.findByRole("status")).toBeTruthy();
  });
});

describe("the track page", () => {
  it("shows credits, price and lyrics as clean lines", async () => {
    mockApp({
      track_page: () =>
        track({ lyrics: "[ti:Spring Rain]\n[00:01.00]雨落在屋檐\n[00:05.50]Rain on the roof\n" }),
    });
    renderApp("/store/track/trk_1");
    expect(await screen.findByRole("heading", { level: 1, name: "Spring Rain 春雨" })).toBeTruthy();
    const page = screen.getByTestId("track-page");
    expect(page.textContent).toContain("folk");
    expect(page.textContent).toContain("2:05");
    expect(page.textContent).toContain("¥1.20");
    expect(within(page).getByRole("link", { name: "Small Room" })).toBeTruthy();
    const lines = [...screen.getByTestId("lyrics").querySelectorAll("p")].map((p) => p.textContent);
    expect(lines).toEqual(["雨落在屋檐", "Rain on the roof"]);
    expect(within(page).getByTestId("buy-button").textContent).toBe("Buy · ¥1.20");
  });

  it("says when there are no lyrics, and shows Free", async () => {
    mockApp({ track_page: () => track({ price: 0, lyrics: null }) });
    renderApp("/store/track/trk_1");
    expect(await screen.findByText("This track has no lyrics.")).toBeTruthy();
    expect(screen.getByTestId("buy-button").textContent).toBe("Buy · Free");
  });
});

describe("the purchase history", () => {
  it("says when nothing was bought yet", async () => {
    mockApp();
    renderApp("/store/orders");
    expect(await screen.findByText("No purchases yet")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Browse the store" })).toBeTruthy();
  });

  it("lists orders newest first with their tracks", async () => {
    mockApp({
      my_orders: () => [
        order({ id: "ord_old", created_at_ms: 1_000 }),
        order({ id: "ord_new", track_id: "trk_2", amount: 80, created_at_ms: 2_000 }),
      ],
      track_page: ({ id }) => (id === "trk_2" ? harbourTrack : track()),
    });
    renderApp("/store/orders");
    await waitFor(() => expect(screen.getAllByTestId("order-row")).toHaveLength(2));
    const rows = screen.getAllByTestId("order-row");
    await waitFor(() => expect(rows[0]?.textContent).toContain("Tide Lines"));
    expect(rows[0]?.textContent).toContain("¥0.80");
    expect(rows[0]?.textContent).toContain("Paid");
    expect(rows[1]?.textContent).toContain("Spring Rain");
  });

  it("explains a failure", async () => {
    mockApp({
      my_orders: () => {
        throw new CommandFailure({ code: "unauthenticated", message: "expired" });
      },
    });
    renderApp("/store/orders");
    expect((await screen.findByRole("alert")).textContent).toContain("Please sign in again");
  });
});
