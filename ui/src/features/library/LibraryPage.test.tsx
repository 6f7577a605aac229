import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../../ipc/testing";
import { forever, mockApp, renderApp } from "../../test/render";
import { libraryTrack, windowOf } from "./fixtures";

const storage = () => {
  throw new CommandFailure({ code: "storage", message: "disk" });
};

describe("the library's track list", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ library_tracks: () => forever() });
    renderApp("/library");
    expect(await screen.findByRole("status", { name: "Loading…" })).toBeTruthy();
  });

  it("says how music gets in when empty", async () => {
    mockApp({ library_tracks: windowOf(0) });
    renderApp("/library");
    expect(await screen.findByText("Your library is empty")).toBeTruthy();
  });

  it("explains a failure from its code", async () => {
    mockApp({ library_tracks: storage });
    renderApp("/library");
    expect((await screen.findByRole("alert")).textContent).toContain("data folder");
  });

  it("renders only the rows in view of 100,000 and asks only for their page", async () => {
    const log = mockApp({ library_tracks: windowOf(100_000) });
    renderApp("/library");
    expect((await screen.findByTestId("library-count")).textContent).toBe("100000 tracks");
    const list = screen.getByRole("list", { name: "Tracks" });
    expect(list.querySelector("li")?.getAttribute("aria-setsize")).toBe("100000");
    const rows = await screen.findAllByTestId("library-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(
      log.argsOf("library_tracks").every((a) => (a.query as { offset: number }).offset === 0),
    ).toBe(true);
  });

  it("keeps its length and place after a jump far down, while the rows there load", async () => {
    const all = windowOf(100_000);
    mockApp({
      library_tracks: (args) =>
        (args.query as { offset: number }).offset === 0 ? all(args) : forever(),
    });
    renderApp("/library");
    await screen.findAllByTestId("library-row");
    const scroller = screen.getByTestId("library-tracks");
    act(() => {
      scroller.scrollTop = 50_000 * 48;
      scroller.dispatchEvent(new Event("scroll"));
    });
    // Still the list (not the loading placeholder), drawn where it was sent, rows pending.
    await waitFor(() =>
      expect(
        screen
          .getByRole("list", { name: "Tracks" })
          .querySelector("li")
          ?.getAttribute("aria-posinset"),
      ).toBe(String(50_000 - 8 + 1)),
    );
    expect(screen.getByTestId("library-tracks")).toBe(scroller);
    expect(screen.queryByRole("status", { name: "Loading…" })).toBeNull();
  });

  it("keeps every key typed into the search, however soon the next one comes", async () => {
    const log = mockApp({ library_tracks: windowOf(3) });
    const { router } = renderApp("/library");
    await screen.findAllByTestId("library-row");
    const field = screen.getByTestId("library-search") as HTMLInputElement;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
    // Keys as a browser delivers them, each before the address has caught up with the last
    // (the router changes it in a transition, later).
    for (const key of "gam") {
      setValue?.call(field, field.value + key);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    expect(field.value).toBe("gam");
    await waitFor(() => expect(router.state.location.search).toContain("q=gam"));
    expect(field.value).toBe("gam");
    await waitFor(() =>
      expect(log.argsOf("library_tracks").map((a) => (a.query as { text: string }).text)).toContain(
        "gam",
      ),
    );
    // The address still leads: going elsewhere in history changes the field.
    await act(() => router.navigate("/library?view=tracks&q=ga"));
    await waitFor(() => expect(field.value).toBe("ga"));
  });

  it("searches and sorts in Rust, and marks purchases with their shop", async () => {
    const user = userEvent.setup();
    const log = mockApp({
      library_tracks: (args) => {
        const query = args.query as { text: string; offset: number };
        const tracks = query.text
          ? [libraryTrack(7, { title: "晴天", shopId: "shop_1" })]
          : [libraryTrack(1), libraryTrack(2)];
        return { total: tracks.length, offset: query.offset, tracks };
      },
    });
    renderApp("/library");
    await screen.findAllByTestId("library-row");
    await user.type(screen.getByTestId("library-search"), "晴");
    await waitFor(() => expect(screen.getAllByTestId("library-row")).toHaveLength(1));
    expect(screen.getByTestId("library-bought").textContent).toBe("Bought");
    expect(screen.getByTestId("library-bought").getAttribute("href")).toContain("shop_1");
    await user.selectOptions(screen.getByTestId("library-sort"), "title");
    await waitFor(() =>
      expect(
        log.argsOf("library_tracks").some((a) => (a.query as { sort: string }).sort === "title"),
      ).toBe(true),
    );
  });

  it("plays from the chosen row through the engine", async () => {
    const user = userEvent.setup();
    const log = mockApp({ library_tracks: windowOf(3), player_play_tracks: () => null });
    renderApp("/library");
    const [, second] = await screen.findAllByTestId("library-play");
    await user.click(second as HTMLElement);
    await waitFor(() => expect(log.count("player_play_tracks")).toBe(1));
    expect(log.argsOf("player_play_tracks")[0]).toEqual({ trackIds: ["t_2", "t_3"], start: 0 });
  });
});

describe("albums, artists, playlists and folders", () => {
  it("shows the album grid, and an album opens its tracks", async () => {
    const user = userEvent.setup();
    const log = mockApp({
      library_albums: () => [
        { title: "First Light", albumArtist: "Ann", year: 2024, cover: "ab12", tracks: 9 },
      ],
      library_tracks: windowOf(2),
    });
    renderApp("/library?view=albums");
    const tile = await screen.findByTestId("album-tile");
    expect(tile.textContent).toContain("9 tracks");
    expect(tile.querySelector("img")?.getAttribute("src")).toContain("library");
    await user.click(tile);
    await screen.findAllByTestId("library-row");
    const query = log.argsOf("library_tracks").at(-1)?.query as { album: unknown };
    expect(query.album).toEqual({ title: "First Light", albumArtist: "Ann" });
  });

  it("covers the albums' and artists' empty and error states", async () => {
    mockApp({ library_albums: () => [], library_artists: storage });
    const { router } = renderApp("/library?view=albums");
    expect(await screen.findByText("Your library is empty")).toBeTruthy();
    await router.navigate("/library?view=artists");
    expect((await screen.findByRole("alert")).textContent).toContain("data folder");
  });

  it("lists artists", async () => {
    mockApp({ library_artists: () => [{ name: "Ann", tracks: 3, albums: 1 }] });
    renderApp("/library?view=artists");
    expect((await screen.findByTestId("artist-item")).textContent).toContain("3 tracks · 1 album");
  });

  it("creates a playlist and reorders it from the keyboard", async () => {
    const user = userEvent.setup();
    let lists = [{ id: "p_1", name: "Road trip", length: 2 }];
    let entries = [libraryTrack(1), libraryTrack(2)];
    const log = mockApp({
      playlists: () => lists,
      playlist_tracks: () => entries,
      playlist_create: (args) => {
        lists = [...lists, { id: "p_2", name: String(args.name), length: 0 }];
        return "p_2";
      },
      playlist_move: () => {
        entries = [...entries].reverse();
        return null;
      },
    });
    renderApp("/library?view=playlists");
    await screen.findAllByTestId("playlist-entry");
    const [firstDown] = screen.getAllByRole("button", { name: "Move down" });
    await user.click(firstDown as HTMLElement);
    await waitFor(() =>
      expect(screen.getAllByTestId("playlist-entry-title").map((e) => e.textContent)).toEqual([
        "Song 2",
        "Song 1",
      ]),
    );
    expect(log.argsOf("playlist_move")[0]).toEqual({ playlistId: "p_1", from: 0, to: 1 });
    await user.type(screen.getByTestId("playlist-name"), "夜");
    await user.click(screen.getByTestId("playlist-create"));
    await waitFor(() => expect(screen.getAllByTestId("playlist-item")).toHaveLength(2));
  });

  it("says when there are no playlists", async () => {
    mockApp({ playlists: () => [] });
    renderApp("/library?view=playlists");
    expect(await screen.findByText(/No playlists yet/)).toBeTruthy();
  });

  it("adds a folder and lists unreadable files with their reasons", async () => {
    const user = userEvent.setup();
    let folders: string[] = [];
    mockApp({
      library_folders: () => folders,
      library_unreadable: () => [{ path: "/m/bad.flac", reason: "not audio: no FLAC frames" }],
      library_add_folder: (args) => {
        folders = [String(args.path)];
        return { added: 3, updated: 0, missing: 0, unreadable: 1 };
      },
    });
    renderApp("/library?view=folders");
    const row = await screen.findByTestId("unreadable-row");
    expect(within(row).getByText("not audio: no FLAC frames")).toBeTruthy();
    await user.type(screen.getByTestId("folder-path"), "/m");
    await user.click(screen.getByTestId("folder-add"));
    expect((await screen.findByTestId("scan-done")).textContent).toContain("3 added");
    expect((await screen.findByTestId("folder-list")).textContent).toContain("/m");
  });

  it("explains a folder that cannot be added", async () => {
    const user = userEvent.setup();
    mockApp({
      library_folders: () => [],
      library_unreadable: () => [],
      library_add_folder: () => {
        throw new CommandFailure({ code: "invalid_input", message: "/x is not a folder" });
      },
    });
    renderApp("/library?view=folders");
    await user.type(await screen.findByTestId("folder-path"), "/x");
    await user.click(screen.getByTestId("folder-add"));
    expect(await screen.findByRole("alert")).toBeTruthy();
  });
});
