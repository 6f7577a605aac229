import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { TrackView } from "../../ipc";
import { CommandFailure, emitEvent } from "../../ipc/testing";
import { backendReady, rainShop, release, track } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";

const asMusician = {
  backend_status: () => backendReady("musician"),
  shop_page: () => ({ shop: rainShop, releases: [release()], tracks: [track()] }),
};

describe("the back office", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ ...asMusician, my_tracks: () => forever() });
    renderApp("/shop/tracks");
    expect(await screen.findByRole("status", { name: "Loading…" })).toBeTruthy();
  });

  it("explains a failure", async () => {
    mockApp({
      ...asMusician,
      my_tracks: () => {
        throw new CommandFailure({ code: "unavailable", message: "down" });
      },
    });
    renderApp("/shop/tracks");
    expect((await screen.findByRole("alert")).textContent).toContain("cannot be reached");
  });

  it("says when the shop has no tracks", async () => {
    mockApp({ ...asMusician, my_tracks: () => [] });
    renderApp("/shop/tracks");
    expect(await screen.findByText("Your shop has no tracks yet.")).toBeTruthy();
  });

  it("uploads several files with a progress bar and a result each", async () => {
    let finish: (value: unknown) => void = () => {};
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [track()],
      upload_tracks: () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    });
    renderApp("/shop/tracks");
    await screen.findByTestId("my-tracks");
    await userEvent.type(screen.getByTestId("track-paths"), "/m/one.flac{enter}/m/notes.pdf");
    await userEvent.click(screen.getByTestId("upload-tracks"));
    expect(log.argsOf("upload_tracks")).toEqual([{ files: ["/m/one.flac", "/m/notes.pdf"] }]);
    const bars = await screen.findAllByRole("progressbar");
    expect(bars).toHaveLength(2);
    await emitEvent("track-upload-progressed", { file: "/m/one.flac", sent: 512, total: 1024 });
    await waitFor(() =>
      expect(
        screen
          .getByRole("progressbar", { name: "Uploading one.flac" })
          .getAttribute("aria-valuenow"),
      ).toBe("50"),
    );
    finish([
      { file: "/m/one.flac", track: track({ id: "trk_new", title: "one" }), refusal: null },
      {
        file: "/m/notes.pdf",
        track: null,
        refusal: { kind: "not_audio", detail: "this is not an audio file" },
      },
    ]);
    const refused = await screen.findByTestId("upload-refused");
    expect(refused.textContent).toContain("notes.pdf is not audio Shrimp can read.");
    const items = screen.getAllByTestId("upload-item");
    expect(items.map((item) => item.dataset.state)).toEqual(["done", "refused"]);
    expect(items[0]?.textContent).toContain("Added as “one”");
    // The finished file's bar is full, at once, though the last event said half.
    const done = screen.getByRole("progressbar", { name: "Uploading one.flac" });
    expect(done.getAttribute("aria-valuenow")).toBe("100");
    expect(done.dataset.state).toBe("done");
    expect((done.firstElementChild as HTMLElement).style.width).toBe("100%");
    // The refused file has no bar, only its reason.
    expect(screen.getAllByRole("progressbar")).toHaveLength(1);
  });

  it("fills a bar when its last byte is sent, and not one byte before", async () => {
    mockApp({ ...asMusician, my_tracks: () => [track()], upload_tracks: () => forever() });
    renderApp("/shop/tracks");
    await screen.findByTestId("my-tracks");
    await userEvent.type(screen.getByTestId("track-paths"), "/m/long.flac");
    await userEvent.click(screen.getByTestId("upload-tracks"));
    const bar = await screen.findByRole("progressbar", { name: "Uploading long.flac" });
    expect(bar.getAttribute("aria-valuenow")).toBe("0");
    await emitEvent("track-upload-progressed", { file: "/m/long.flac", sent: 999, total: 1000 });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("99"));
    expect(bar.dataset.state).toBe("sending");
    await emitEvent("track-upload-progressed", { file: "/m/long.flac", sent: 1000, total: 1000 });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("100"));
    expect(bar.dataset.state).toBe("done");
    expect((bar.firstElementChild as HTMLElement).style.width).toBe("100%");
  });

  it("uploads the files chosen in the system's file dialog, like typed ones", async () => {
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [track()],
      "plugin:dialog|open": () => ["/music/a.flac", "/music/b.wav"],
      upload_tracks: ({ files }) =>
        (files as string[]).map((file) => ({
          file,
          track: track({ id: `trk_${file}`, title: file }),
          refusal: null,
        })),
    });
    renderApp("/shop/tracks");
    await userEvent.click(await screen.findByTestId("pick-tracks"));
    await waitFor(() =>
      expect(log.argsOf("upload_tracks")).toEqual([{ files: ["/music/a.flac", "/music/b.wav"] }]),
    );
    const [options] = log.argsOf("plugin:dialog|open");
    expect(options).toMatchObject({
      options: { multiple: true, directory: false, title: "Choose recordings to upload" },
    });
    const { filters } = (options?.options ?? { filters: [] }) as {
      filters: { name: string; extensions: string[] }[];
    };
    expect(filters[0]?.name).toBe("Audio files");
    expect(filters[0]?.extensions ?? []).toContain("flac");
    expect((screen.getByTestId("track-paths") as HTMLTextAreaElement).value).toBe(
      "/music/a.flac\n/music/b.wav",
    );
    await waitFor(() =>
      expect(screen.getAllByTestId("upload-item").map((item) => item.dataset.state)).toEqual([
        "done",
        "done",
      ]),
    );
  });

  it("does nothing when the file dialog is cancelled, and says when it cannot open", async () => {
    let answer: () => unknown = () => null;
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [track()],
      "plugin:dialog|open": () => answer(),
    });
    renderApp("/shop/tracks");
    await userEvent.click(await screen.findByTestId("pick-tracks"));
    await waitFor(() => expect(log.count("plugin:dialog|open")).toBe(1));
    await waitFor(() =>
      expect(screen.getByTestId("pick-tracks").hasAttribute("disabled")).toBe(false),
    );
    expect(log.count("upload_tracks")).toBe(0);
    expect(screen.queryByRole("alert")).toBeNull();

    answer = () => {
      throw new Error("no portal");
    };
    await userEvent.click(screen.getByTestId("pick-tracks"));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "The file dialog could not open",
    );
    expect(log.count("upload_tracks")).toBe(0);
  });

  it("sets a cover from an image chosen in the file dialog", async () => {
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [track()],
      "plugin:dialog|open": () => "/pictures/cover.png",
      set_track_cover: ({ id }) => track({ id: String(id) }),
    });
    renderApp("/shop/tracks");
    await userEvent.click(await screen.findByTestId("edit-track"));
    await userEvent.click(within(screen.getByRole("dialog")).getByTestId("pick-cover"));
    await waitFor(() =>
      expect(log.argsOf("set_track_cover")).toEqual([{ id: "trk_1", path: "/pictures/cover.png" }]),
    );
    expect(log.argsOf("plugin:dialog|open")[0]).toMatchObject({
      options: { multiple: false, filters: [{ name: "PNG or JPEG images" }] },
    });
    expect(await screen.findByText("Cover updated.")).toBeTruthy();
  });

  it("sets an independent's price, exact to the fen, and refuses one above ¥50.00", async () => {
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [track()],
      edit_track: ({ id }) => track({ id: String(id), price: 150 }),
    });
    renderApp("/shop/tracks");
    await userEvent.click(await screen.findByTestId("edit-track"));
    const dialog = screen.getByRole("dialog");
    const price = within(dialog).getByTestId("track-price");
    expect((price as HTMLInputElement).value).toBe("1.20");
    await userEvent.clear(price);
    await userEvent.type(price, "50.01");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(price.getAttribute("aria-invalid")).toBe("true");
    expect(log.count("edit_track")).toBe(0);
    await userEvent.clear(price);
    await userEvent.type(price, "1.5");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(log.argsOf("edit_track")[0]).toMatchObject({ id: "trk_1", edit: { price: 150 } });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("shows a label why its price is fixed", async () => {
    const labelShop = { ...rainShop, kind: "label" as const };
    mockApp({
      ...asMusician,
      shop_page: () => ({ shop: labelShop, releases: [], tracks: [] }),
      my_tracks: () => [track({ price: 80, shop_kind: "label" })],
    });
    renderApp("/shop/tracks");
    expect((await screen.findByTestId("label-price-note")).textContent).toContain("agreement");
    await userEvent.click(await screen.findByTestId("edit-track"));
    expect(screen.getByTestId("track-price-fixed").textContent).toContain("¥0.80");
    expect(screen.queryByTestId("track-price")).toBeNull();
  });

  it("unpublishes a track", async () => {
    let current: TrackView = track();
    const log = mockApp({
      ...asMusician,
      my_tracks: () => [current],
      edit_track: ({ edit }) => {
        current = { ...current, published: (edit as { published: boolean }).published };
        return current;
      },
    });
    renderApp("/shop/tracks");
    const row = await screen.findByTestId("my-track");
    expect(row.textContent).toContain("On sale");
    await userEvent.click(within(row).getByRole("button", { name: "Unpublish" }));
    expect(log.argsOf("edit_track")[0]).toMatchObject({ edit: { published: false } });
    await waitFor(() =>
      expect(screen.getByTestId("my-track").textContent).toContain("Not on sale"),
    );
  });
});
