import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { DownloadedTrack, DownloadProgress } from "../../ipc";
import { CommandFailure, emitTrackStarted } from "../../ipc/testing";
import { harbourTrack, order, storeHome, track } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";
import { libraryTrack } from "../library/fixtures";

/** The channel the app hands `download_track`, as the Rust side would use it. */
type ProgressChannel = { onmessage: (progress: DownloadProgress) => void };

function downloaded(overrides: Partial<DownloadedTrack> = {}): DownloadedTrack {
  return {
    track_id: "trk_1",
    library_track_id: "lib_1",
    path: "/data/music/Rain - Spring Rain 春雨.flac",
    title: "Spring Rain 春雨",
    shop_id: "shop_rain",
    order_id: "ord_1",
    sha256: "a".repeat(64),
    duration_ms: 184_000,
    ...overrides,
  };
}

async function buyFirst() {
  const [first] = await screen.findAllByTestId("track-row");
  await userEvent.click(within(first as HTMLElement).getByTestId("buy-button"));
  const sheet = screen.getByRole("dialog");
  await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
  await screen.findByTestId("purchase-success");
  return sheet;
}

describe("after buying: download with progress, then Play now", () => {
  it("downloads at once with a progress bar, then plays it as a library track", async () => {
    let progress: ProgressChannel | null = null;
    const send = (message: DownloadProgress) => progress?.onmessage(message);
    let finish: (track: DownloadedTrack) => void = () => {};
    let played = false;
    const boughtInLibrary = libraryTrack(1, {
      id: "lib_1",
      title: "Spring Rain 春雨",
      artist: "Rain",
      path: "/data/music/Rain - Spring Rain 春雨.flac",
    });
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => order(),
      download_track: (args) => {
        progress = args.progress as ProgressChannel;
        return new Promise<DownloadedTrack>((resolve) => {
          finish = resolve;
        });
      },
      player_play_tracks: () => {
        played = true;
        return null;
      },
      // The queue as the core keeps it: empty until Play now makes it the bought track.
      player_queue: () =>
        played
          ? { tracks: [boughtInLibrary], index: 0, positionMs: 0 }
          : { tracks: [], index: null, positionMs: 0 },
    });
    renderApp("/store");
    const sheet = await buyFirst();
    await waitFor(() => expect(log.count("download_track")).toBe(1));
    expect(log.argsOf("download_track")[0]?.trackId).toBe("trk_1");

    const panel = within(sheet).getByTestId("download-panel");
    expect(panel.dataset.state).toBe("downloading");
    send({ kind: "started", total: 4_000_000 });
    send({ kind: "progressed", received: 1_000_000, total: 4_000_000 });
    const bar = await within(sheet).findByRole("progressbar", { name: "Download progress" });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("1000000"));
    expect(bar.getAttribute("aria-valuemax")).toBe("4000000");
    expect(panel.textContent).toContain("1.0 MB of 4.0 MB");
    expect((bar.firstChild as HTMLElement).style.width).toBe("25%");

    send({ kind: "retrying", attempt: 1, retry_in_ms: 500 });
    await waitFor(() => expect(panel.textContent).toContain("trying again"));

    send({ kind: "progressed", received: 4_000_000, total: 4_000_000 });
    send({ kind: "placed" });
    finish(downloaded());
    await waitFor(() => expect(panel.dataset.state).toBe("done"));
    expect(panel.textContent).toContain("In your library");
    expect(panel.textContent).toContain("Downloaded and checked");
    expect(within(panel).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("4000000");

    await userEvent.click(within(panel).getByRole("button", { name: "▶ Play now" }));
    // The library's track, so the bar names it and the queue holds it.
    expect(log.argsOf("player_play_tracks")[0]).toEqual({ trackIds: ["lib_1"], start: 0 });

    // The engine starts it: the panel says so, and the bar names it (not "Store preview").
    await emitTrackStarted(0, "/data/music/Rain - Spring Rain 春雨.flac", 184_000);
    await waitFor(() =>
      expect(within(panel).getByTestId("now-playing").textContent).toContain("Playing"),
    );
    expect(screen.getByTestId("now-playing-title").textContent).toBe("Spring Rain 春雨");
  });

  it("does not download again what is already in the library", async () => {
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => {
        throw new CommandFailure({ code: "conflict", message: "already entitled" });
      },
      downloaded_tracks: () => [downloaded()],
    });
    renderApp("/store");
    const sheet = await buyFirst();
    const panel = within(sheet).getByTestId("download-panel");
    await waitFor(() => expect(panel.dataset.state).toBe("done"));
    expect(log.count("download_track")).toBe(0);
    expect(within(panel).getByTestId("play-now")).toBeTruthy();
  });

  it.each([
    ["storage", "The disk is full"],
    ["conflict", "checksum did not match"],
    ["unavailable", "The connection was lost. Your purchase is safe"],
  ] as const)("explains a %s failure and retries", async (code, text) => {
    let failing = true;
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => order(),
      download_track: () => {
        if (failing) throw new CommandFailure({ code, message: "detail" });
        return downloaded();
      },
    });
    renderApp("/store");
    const sheet = await buyFirst();
    const error = await within(sheet).findByTestId("download-error");
    expect(error.textContent).toContain(text);
    expect(within(sheet).getByTestId("download-panel").dataset.state).toBe("failed");

    failing = false;
    await userEvent.click(within(sheet).getByRole("button", { name: "Retry download" }));
    await within(sheet).findByTestId("play-now");
    expect(log.count("download_track")).toBe(2);
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({
      store_home: () => storeHome,
      buy_track: () => order(),
      download_track: () => {
        throw new CommandFailure({ code: "storage", message: "full" });
      },
    });
    renderApp("/store");
    const sheet = await buyFirst();
    expect((await within(sheet).findByTestId("download-error")).textContent).toContain("磁盘已满");
    expect(within(sheet).getByRole("button", { name: "重新下载" })).toBeTruthy();
  });
});

describe("the purchase history's receipts and re-downloads", () => {
  it("shows each order's receipt exact to the fen and what is in the library", async () => {
    mockApp({
      my_orders: () => [
        order({ id: "ord_a", created_at_ms: 1_000 }),
        order({ id: "ord_b", track_id: "trk_2", amount: 80, created_at_ms: 2_000 }),
        order({ id: "ord_c", track_id: "trk_9", status: "pending", created_at_ms: 500 }),
      ],
      track_page: ({ id }) => (id === "trk_2" ? harbourTrack : track()),
      downloaded_tracks: () => [downloaded({ track_id: "trk_2" })],
    });
    renderApp("/store/orders");
    await waitFor(() => expect(screen.getAllByTestId("order-row")).toHaveLength(3));
    expect(screen.getByTestId("orders-total").textContent).toContain("¥2.00");
    const rows = screen.getAllByTestId("order-row");
    const harbour = rows[0] as HTMLElement;
    const rain = rows[1] as HTMLElement;
    const pending = rows[2] as HTMLElement;
    await within(harbour).findByTestId("play-now");
    expect(within(rain).getByTestId("download-button").textContent).toContain(
      "Download to your library",
    );
    expect(within(pending).queryByTestId("download-panel")).toBeNull();

    await userEvent.click(within(harbour).getByTestId("receipt-button"));
    const receipt = screen.getByRole("dialog", { name: "Receipt" });
    expect(within(receipt).getByTestId("receipt-order-id").textContent).toBe("ord_b");
    expect(within(receipt).getByTestId("receipt-amount").textContent).toBe("¥0.80");
    expect(receipt.textContent).toContain("Tide Lines");
    expect(receipt.textContent).toContain("100% of this payment went to the shop");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("re-downloads an order from the history", async () => {
    const log = mockApp({
      my_orders: () => [order()],
      track_page: () => track(),
      download_track: () => downloaded(),
    });
    renderApp("/store/orders");
    const button = await screen.findByTestId("download-button");
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(button);
    await screen.findByTestId("play-now");
    expect(log.argsOf("download_track")[0]?.trackId).toBe("trk_1");
  });

  it("shows loading while the orders load", async () => {
    mockApp({ my_orders: () => forever() });
    renderApp("/store/orders");
    expect(await screen.findByTestId("orders-page")).toBeTruthy();
    expect(screen.queryByTestId("order-row")).toBeNull();
    expect(screen.getByRole("status", { name: "Loading…" })).toBeTruthy();
  });
});
