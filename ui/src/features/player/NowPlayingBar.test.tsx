import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure, emitEvent, emitTrackStarted } from "../../ipc/testing";
import { backendReady as backendReadyStatus } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";
import { libraryTrack } from "../library/fixtures";
import { shortcutFor } from "./shortcuts";

const restored = () => ({
  tracks: [libraryTrack(1), libraryTrack(2, { title: "晴天" })],
  index: 1,
  positionMs: 65_000,
});

/** The engine's status while Song 1 (queue entry 0) plays, `positionMs` in. */
const playingSong1 = (positionMs: number) => ({
  state: "playing",
  index: 0,
  path: "/music/1.flac",
  durationMs: 181_000,
  positionMs,
  device: "pulse",
});

describe("the now-playing bar", () => {
  it("is quiet while the queue loads and when nothing is queued", async () => {
    mockApp({ player_queue: () => forever() });
    renderApp("/store/orders");
    expect((await screen.findByTestId("now-playing-title")).textContent).toBe("Nothing playing");
    expect((screen.getByTestId("player-toggle") as HTMLButtonElement).disabled).toBe(true);
    // The empty cover shows a note, not the "N" of "Nothing playing".
    const initial = screen.getByTestId("now-playing").querySelector(".cover-initial");
    expect(initial?.textContent).toBe("♪");
  });

  it("shows the queue restored after a restart, where it was left", async () => {
    const user = userEvent.setup();
    const log = mockApp({ player_queue: restored, player_toggle: () => null });
    renderApp("/store/orders");
    await waitFor(() => expect(screen.getByTestId("now-playing-title").textContent).toBe("晴天"));
    expect(screen.getByTestId("now-playing-position").textContent).toBe("1:05");
    await user.click(screen.getByTestId("player-toggle"));
    expect(log.count("player_toggle")).toBe(1);
  });

  it("shows what plays in a window reloaded mid-track, though the engine's events came first", async () => {
    // The app listens to the engine from its first moment, but the bar mounts only once the
    // backend answers: position events arrive in between. They must not stand in for the
    // player's status (the bar said "stopped" at 0:04 for a track playing on).
    let backendReady: (status: unknown) => void = () => {};
    const backend = new Promise((resolve) => {
      backendReady = resolve;
    });
    const log = mockApp({
      backend_status: () => backend,
      player_queue: restored,
      player_status: () => playingSong1(40_000),
    });
    renderApp("/store/orders");
    await waitFor(() => expect(log.count("backend_status")).toBe(1));
    await emitEvent("player-event-received", {
      type: "positionChanged",
      index: 0,
      positionMs: 40_200,
    });
    backendReady(backendReadyStatus());
    await waitFor(() => expect(screen.getByTestId("now-playing-title").textContent).toBe("Song 1"));
    expect(screen.getByTestId("player-toggle").dataset.state).toBe("playing");
    expect(screen.getByTestId("now-playing-position").textContent).toBe("0:40");
  });

  it("follows the engine's events", async () => {
    mockApp({ player_queue: restored });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    await emitTrackStarted(0, "/music/1.flac", 181_000);
    await emitEvent("player-event-received", {
      type: "positionChanged",
      index: 0,
      positionMs: 3000,
    });
    await waitFor(() => expect(screen.getByTestId("now-playing-title").textContent).toBe("Song 1"));
    await waitFor(() =>
      expect(screen.getByTestId("now-playing-position").textContent).toBe("0:03"),
    );
    expect(screen.getByTestId("player-toggle").getAttribute("aria-label")).toBe("Pause");
  });

  it("keeps showing the track heard after the queue is reordered around it", async () => {
    // Song 1 plays at entry 0; the queue is then reordered so it is entry 1 (saved index),
    // before the engine announces its new place.
    mockApp({
      player_queue: () => ({
        tracks: [libraryTrack(2, { title: "晴天" }), libraryTrack(1)],
        index: 1,
        positionMs: 0,
      }),
      player_status: () => playingSong1(42_000),
    });
    renderApp("/store/orders");
    await waitFor(() => expect(screen.getByTestId("now-playing-title").textContent).toBe("Song 1"));
    expect(screen.getByTestId("now-playing-position").textContent).toBe("0:42");
  });

  it("shows what plays in a window opened late (asked from Rust, not waited for)", async () => {
    mockApp({
      player_queue: restored,
      player_status: () => playingSong1(42_000),
    });
    renderApp("/store/orders");
    await waitFor(() => expect(screen.getByTestId("now-playing-title").textContent).toBe("Song 1"));
    expect(screen.getByTestId("now-playing-position").textContent).toBe("0:42");
    expect(screen.getByTestId("player-toggle").getAttribute("data-state")).toBe("playing");
  });

  it("shows the queue and moves an entry", async () => {
    const user = userEvent.setup();
    let queue = restored();
    const log = mockApp({
      player_queue: () => queue,
      player_move_in_queue: () => {
        queue = { ...queue, tracks: [...queue.tracks].reverse(), index: 0 };
        return null;
      },
    });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    await user.click(screen.getByTestId("player-queue"));
    const [down] = await screen.findAllByRole("button", { name: "Move down" });
    await user.click(down as HTMLElement);
    expect(log.argsOf("player_move_in_queue")[0]).toEqual({ from: 0, to: 1 });
    await waitFor(() =>
      expect(screen.getAllByTestId("queue-entry-title").map((e) => e.textContent)).toEqual([
        "晴天",
        "Song 1",
      ]),
    );
  });

  it("shows synced lyrics at the position, or says there are none", async () => {
    const user = userEvent.setup();
    mockApp({
      player_queue: restored,
      library_lyrics: () => "[00:10.00]early\n[01:00.00]now\n[02:00.00]later",
    });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    await user.click(screen.getByTestId("player-lyrics"));
    const current = await screen.findByText("now");
    expect(current.getAttribute("aria-current")).toBe("true");
  });

  it("explains a failed command", async () => {
    const user = userEvent.setup();
    mockApp({
      player_queue: restored,
      player_toggle: () => {
        throw new CommandFailure({ code: "unavailable", message: "no audio device" });
      },
    });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    await user.click(screen.getByTestId("player-toggle"));
    expect((await screen.findByRole("alert")).textContent).toContain("cannot be reached");
  });

  it("draws every control as an icon with a spoken name, never a font glyph", async () => {
    mockApp({ player_queue: restored });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    const names: Record<string, string> = {
      "player-shuffle": "Shuffle",
      "player-previous": "Previous track",
      "player-toggle": "Play",
      "player-next": "Next track",
      "player-repeat": "Repeat: off",
      "player-mute": "Mute",
      "player-lyrics": "Lyrics",
      "player-queue": "Queue",
      "player-help": "Keyboard shortcuts",
    };
    for (const [testId, name] of Object.entries(names)) {
      const button = screen.getByTestId(testId);
      expect(screen.getByRole("button", { name })).toBe(button);
      const icon = button.querySelector("svg");
      expect(icon, testId).not.toBeNull();
      expect(icon?.getAttribute("aria-hidden"), testId).toBe("true");
      // Nothing but the icon: Unicode symbols show as boxes where the fonts lack them.
      expect(button.textContent, testId).toBe("");
    }
  });

  it("shows pause while playing and a repeat-one icon apart from repeat-all", async () => {
    const user = userEvent.setup();
    mockApp({ player_queue: restored, player_set_repeat: () => null });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    const toggle = screen.getByTestId("player-toggle");
    const playShape = toggle.innerHTML;
    await emitEvent("player-event-received", { type: "stateChanged", state: "playing" });
    await waitFor(() => expect(toggle.getAttribute("aria-label")).toBe("Pause"));
    expect(toggle.innerHTML).not.toBe(playShape);
    const repeat = screen.getByTestId("player-repeat");
    await user.click(repeat);
    const all = repeat.innerHTML;
    await user.click(repeat);
    expect(repeat.getAttribute("aria-label")).toBe("Repeat: this track");
    expect(repeat.innerHTML).not.toBe(all);
  });

  it("mutes and unmutes to the volume it had", async () => {
    const user = userEvent.setup();
    localStorage.setItem("shrimp.volume", "0.6");
    const log = mockApp({ player_queue: restored, player_set_volume: () => null });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    const mute = screen.getByTestId("player-mute");
    await user.click(mute);
    expect(mute.getAttribute("aria-pressed")).toBe("true");
    await user.click(mute);
    expect(mute.getAttribute("aria-pressed")).toBe("false");
    expect(log.argsOf("player_set_volume")).toEqual([{ volume: 0 }, { volume: 0.6 }]);
    expect((screen.getByTestId("player-volume") as HTMLInputElement).value).toBe("0.6");
    localStorage.removeItem("shrimp.volume");
  });

  it("answers the keyboard: space plays, ? shows the shortcuts", async () => {
    const log = mockApp({ player_queue: restored, player_toggle: () => null });
    renderApp("/store/orders");
    await screen.findByText("晴天");
    fireEvent.keyDown(window, { key: " " });
    await waitFor(() => expect(log.count("player_toggle")).toBe(1));
    fireEvent.keyDown(window, { key: "?" });
    expect(await screen.findByTestId("shortcuts-help")).toBeTruthy();
  });
});

describe("shortcuts", () => {
  const key = (k: string, extra: Partial<KeyboardEvent> = {}) =>
    shortcutFor({
      key: k,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      altKey: false,
      target: document.body,
      ...extra,
    });

  it("map keys to actions and leave typing alone", () => {
    expect(key(" ")).toBe("toggle");
    expect(key("ArrowRight")).toBe("seekForward");
    expect(key("ArrowLeft", { shiftKey: true })).toBe("previous");
    expect(key("ArrowUp", { ctrlKey: true })).toBe("volumeUp");
    expect(key("f", { ctrlKey: true })).toBe("focusSearch");
    expect(key("/")).toBe("focusSearch");
    const input = document.createElement("input");
    expect(key(" ", { target: input })).toBeNull();
    expect(key("f", { ctrlKey: true, target: input })).toBe("focusSearch");
    expect(key("ArrowUp")).toBeNull();
  });
});
