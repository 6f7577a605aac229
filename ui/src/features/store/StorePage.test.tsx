import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../../ipc/testing";
import { emptyStoreHome, harbourTrack, storeHome, track } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";

describe("the store's front page", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ store_home: () => forever() });
    renderApp("/store");
    expect(await screen.findByRole("status", { name: "Loading the store…" })).toBeTruthy();
  });

  it("explains a failure and retries", async () => {
    let failing = true;
    const log = mockApp({
      store_home: () => {
        if (failing) throw new CommandFailure({ code: "unavailable", message: "down" });
        return storeHome;
      },
    });
    renderApp("/store");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The Shrimp service cannot be reached");
    failing = false;
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("store-home")).toBeTruthy();
    expect(log.count("store_home")).toBe(2);
  });

  it("says when no shop is open yet", async () => {
    mockApp({ store_home: () => emptyStoreHome });
    renderApp("/store");
    expect(await screen.findByText("No shops are open yet")).toBeTruthy();
  });

  it("shows every section, cover art first", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp("/store");
    const home = await screen.findByTestId("store-home");

    const releases = within(home).getAllByTestId("release-card");
    expect(releases).toHaveLength(2);
    expect(releases[0]?.textContent).toContain("Small Room");
    expect(releases[0]?.textContent).toContain("Rain Studio 雨声工作室");
    expect(releases[0]?.querySelector("img")?.getAttribute("src")).toBe(
      "cover://localhost/release/rel_1",
    );
    // No cover: a tinted placeholder with the title's initial.
    expect(releases[1]?.querySelector("img")).toBeNull();
    expect(releases[1]?.textContent).toContain("C");

    const rows = within(home).getAllByTestId("track-row");
    expect(rows).toHaveLength(3);
    expect(rows[0]?.textContent).toContain("Spring Rain 春雨");
    expect(rows[0]?.textContent).toContain("Independent");
    expect(rows[0]?.textContent).toContain("¥1.20");
    expect(rows[1]?.textContent).toContain("Label");
    expect(rows[1]?.textContent).toContain("¥0.80");
    expect(rows[2]?.textContent).toContain("Free");
    expect(
      within(rows[0] as HTMLElement)
        .getByTestId("buy-button")
        .getAttribute("aria-label"),
    ).toBe("Buy Spring Rain 春雨 for ¥1.20");

    expect(
      within(home)
        .getAllByTestId("genre-chip")
        .map((chip) => chip.textContent),
    ).toEqual(["folk12", "electronic9"]);
    expect(within(home).getAllByTestId("shop-card")).toHaveLength(2);
    const selling = within(home).getByTestId("selling-now");
    expect(selling.textContent).toContain("Tide Lines");
    expect(selling.textContent).toContain("3 minutes ago");
  });

  it("falls back to the placeholder when a cover fails to load", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp("/store");
    const [first] = await screen.findAllByTestId("release-card");
    const image = first?.querySelector("img");
    image?.dispatchEvent(new Event("error"));
    await waitFor(() => expect(first?.querySelector("img")).toBeNull());
  });

  it("marks the tracks you own", async () => {
    mockApp({
      store_home: () => storeHome,
      my_orders: () => [
        {
          id: "ord_1",
          track_id: "trk_1",
          shop_id: "shp_rain",
          amount: 120,
          status: "paid",
          created_at_ms: 1,
        },
      ],
    });
    renderApp("/store");
    const [first] = await screen.findAllByTestId("track-row");
    await waitFor(() => expect(first?.textContent).toContain("Owned"));
    expect(within(first as HTMLElement).queryByTestId("buy-button")).toBeNull();
  });

  it("speaks Chinese, with prices still in ¥", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ store_home: () => storeHome });
    renderApp("/store");
    const home = await screen.findByTestId("store-home");
    expect(within(home).getByRole("heading", { name: "新发行" })).toBeTruthy();
    const rows = within(home).getAllByTestId("track-row");
    expect(rows[0]?.textContent).toContain("独立音乐人");
    expect(rows[0]?.textContent).toContain("¥1.20");
    expect(rows[1]?.textContent).toContain("唱片公司");
    expect(rows[2]?.textContent).toContain("免费");
  });
});

describe("search", () => {
  it("searches as you type, after a short pause", async () => {
    const log = mockApp({
      store_home: () => storeHome,
      search_tracks: ({ text }) => ({
        items: text === "tide" ? [harbourTrack] : [],
        next_cursor: null,
      }),
    });
    renderApp("/store");
    await screen.findByTestId("store-home");
    await userEvent.type(screen.getByTestId("search-input"), "tide");
    const results = await screen.findByTestId("search-results");
    await waitFor(() => expect(within(results).getAllByTestId("track-row")).toHaveLength(1));
    expect(results.textContent).toContain("Tide Lines");
    // Debounced: one search for the settled text, not one per key.
    expect(log.argsOf("search_tracks")).toEqual([{ text: "tide", genre: null, cursor: null }]);
  });

  it("says when nothing matches", async () => {
    mockApp({
      store_home: () => storeHome,
      search_tracks: () => ({ items: [], next_cursor: null }),
    });
    renderApp("/store");
    await userEvent.type(await screen.findByTestId("search-input"), "zzz");
    expect(await screen.findByText("Nothing found")).toBeTruthy();
    expect(screen.getByText(/No tracks match “zzz”/)).toBeTruthy();
  });

  it("explains a failed search", async () => {
    mockApp({
      store_home: () => storeHome,
      search_tracks: () => {
        throw new CommandFailure({ code: "unavailable", message: "down" });
      },
    });
    renderApp("/store?q=rain");
    expect((await screen.findByRole("alert")).textContent).toContain("cannot be reached");
  });

  it("lists a genre from its chip, pages on, and clears back to the front page", async () => {
    const log = mockApp({
      store_home: () => storeHome,
      search_tracks: ({ cursor }) =>
        cursor === null
          ? { items: [track()], next_cursor: "c2" }
          : { items: [track({ id: "trk_9", title: "Second Page" })], next_cursor: null },
    });
    renderApp("/store");
    const [folk] = await screen.findAllByTestId("genre-chip");
    await userEvent.click(folk as HTMLElement);
    const results = await screen.findByTestId("search-results");
    await waitFor(() => expect(within(results).getAllByTestId("track-row")).toHaveLength(1));
    expect(log.argsOf("search_tracks")[0]).toEqual({ text: "", genre: "folk", cursor: null });

    await userEvent.click(within(results).getByRole("button", { name: "Show more" }));
    await waitFor(() => expect(within(results).getAllByTestId("track-row")).toHaveLength(2));
    expect(log.argsOf("search_tracks")[1]).toEqual({ text: "", genre: "folk", cursor: "c2" });

    await userEvent.click(within(results).getByRole("button", { name: /Show all genres/ }));
    expect(await screen.findByTestId("store-home")).toBeTruthy();
  });
});
