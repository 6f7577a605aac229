import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { emitEvent, emitTrackStarted } from "../../ipc/testing";
import { mockApp, renderApp } from "../../test/render";
import { libraryTrack } from "../library/fixtures";

const queue = () => ({
  tracks: [libraryTrack(1), libraryTrack(2, { title: "晴天" })],
  index: 1,
  positionMs: 0,
});

describe("the mini player window", () => {
  it("shows only the player, follows the engine and steers it", async () => {
    const user = userEvent.setup();
    const log = mockApp({
      player_queue: queue,
      player_toggle: () => null,
      player_next: () => null,
      player_previous: () => null,
    });
    renderApp("/mini");
    await waitFor(() => expect(screen.getByTestId("mini-title").textContent).toBe("晴天"));
    expect(screen.queryByTestId("nav")).toBeNull();
    expect(screen.queryByTestId("now-playing")).toBeNull();

    await emitTrackStarted(0, "/music/1.flac", 200_000);
    await emitEvent("player-event-received", {
      type: "positionChanged",
      index: 0,
      positionMs: 50_000,
    });
    await waitFor(() => expect(screen.getByTestId("mini-title").textContent).toBe("Song 1"));
    const progress = screen.getByRole("progressbar", { name: "Position in the track" });
    expect(progress.getAttribute("aria-valuetext")).toBe("0:50 / 3:20");
    const toggle = screen.getByTestId("mini-toggle");
    expect(toggle.getAttribute("aria-label")).toBe("Pause");

    await user.click(toggle);
    await user.click(screen.getByRole("button", { name: "Next track" }));
    await user.click(screen.getByRole("button", { name: "Previous track" }));
    expect([
      log.count("player_toggle"),
      log.count("player_next"),
      log.count("player_previous"),
    ]).toEqual([1, 1, 1]);
    // The window only uses what its capability grants: the player, nothing else.
    const used = new Set(log.calls.map((call) => call.command));
    for (const command of used) expect(command.startsWith("player_")).toBe(true);
  });

  it("is quiet with nothing queued, in Chinese too", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp();
    renderApp("/mini");
    await waitFor(() => expect(screen.getByTestId("mini-title").textContent).toBe("没有在播放"));
    expect((screen.getByTestId("mini-toggle") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole("main", { name: "迷你播放器" })).toBeTruthy();
  });

  it("opens from the now-playing bar", async () => {
    const user = userEvent.setup();
    const log = mockApp({ open_mini_player: () => null });
    renderApp("/store/orders");
    await user.click(await screen.findByRole("button", { name: "Open the mini player" }));
    expect(log.count("open_mini_player")).toBe(1);
  });
});
