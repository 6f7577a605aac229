import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { BackendStatus } from "../ipc";
import { CommandFailure, emitEvent } from "../ipc/testing";
import { backendReady, backendStarting, storeHome } from "../test/fixtures";
import { forever, mockApp, renderApp } from "../test/render";
import { seedPercent } from "./StartupGate";

const composing = backendStarting({
  phase: "starting",
  seed: { step: "music", done: 23, total: 62 },
});

describe("the startup gate", () => {
  it("waits on a friendly screen while the status is unknown", async () => {
    mockApp({ backend_status: () => forever() });
    renderApp();
    const progress = screen.getByTestId("startup-progress");
    expect(progress.dataset.state).toBe("indeterminate");
    expect(screen.queryByTestId("nav")).toBeNull();
  });

  it("shows the seed's real progress, then opens the app when ready", async () => {
    mockApp({ backend_status: () => composing, store_home: () => storeHome });
    renderApp();
    const progress = await screen.findByRole("progressbar");
    await waitFor(() => expect(progress.dataset.state).toBe("determinate"));
    expect(progress.getAttribute("aria-valuenow")).toBe(String(Math.round((70 * 23) / 62)));
    expect(progress.getAttribute("aria-valuetext")).toBe("Composing music 23/62");
    expect(screen.getByText("Composing music 23/62")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Setting up your demo store" })).toBeTruthy();

    await emitEvent(
      "backend-status-changed",
      backendStarting({
        phase: "starting",
        seed: { step: "shops", done: 3, total: 8 },
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId("startup-progress").getAttribute("aria-valuetext")).toBe(
        "Opening shops",
      ),
    );

    await emitEvent("backend-status-changed", backendReady("listener"));
    expect(await screen.findByTestId("store-home")).toBeTruthy();
    expect(screen.queryByTestId("startup-progress")).toBeNull();
  });

  it("explains a failure and retries", async () => {
    const log = mockApp({
      backend_status: () =>
        backendStarting({
          phase: "failed",
          error: { kind: "network", message: "address in use" },
          message: "cannot open a local port for the demo store: address in use",
        }),
      retry_backend: () => backendReady("listener"),
      store_home: () => storeHome,
    });
    renderApp();
    const failure = await screen.findByTestId("startup-failure");
    expect(within(failure).getByRole("heading").textContent).toBe("The store could not start");
    expect(failure.textContent).toContain("could not open a local port");
    expect(screen.getByText(/address in use/)).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(log.count("retry_backend")).toBe(1);
    expect(await screen.findByTestId("store-home")).toBeTruthy();
  });

  it("opens on the library when the signed-in server is away, and gets back when it answers", async () => {
    const offline: BackendStatus = {
      mode: "connected",
      phase: {
        phase: "offline",
        backend_url: "https://shop.example.com",
        email: "mei@example.com",
        message: "cannot reach https://shop.example.com: connection refused",
      },
      persona: null,
      user: null,
      personas: [],
    };
    let reachable = false;
    const log = mockApp({
      backend_status: () => offline,
      retry_backend: () =>
        reachable ? { ...backendReady("listener"), mode: "connected" } : offline,
      store_home: () => {
        if (!reachable) throw new CommandFailure({ code: "unavailable", message: "offline" });
        return storeHome;
      },
    });
    renderApp("/");
    expect(await screen.findByTestId("library-page")).toBeTruthy();
    const banner = screen.getByTestId("offline-banner");
    expect(banner.textContent).toContain("Offline.");
    expect(banner.textContent).toContain("Cannot reach shop.example.com. Your library still plays");
    expect(screen.queryByTestId("startup-failure")).toBeNull();
    expect(screen.getByTestId("now-playing")).toBeTruthy();

    // The store says it cannot reach the service; its Retry tries the server, not the page.
    await userEvent.click(screen.getByRole("link", { name: "Store" }));
    const notice = await screen.findByRole("alert");
    expect(notice.textContent).toContain("cannot be reached");
    await userEvent.click(within(notice).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(log.count("retry_backend")).toBe(1));
    expect(screen.getByTestId("offline-banner")).toBeTruthy();

    reachable = true;
    await userEvent.click(within(banner).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(log.count("retry_backend")).toBe(2));
    await waitFor(() => expect(screen.queryByTestId("offline-banner")).toBeNull());
    expect(await screen.findByTestId("store-home")).toBeTruthy();
  });

  it("offers to reset damaged demo data", async () => {
    const log = mockApp({
      backend_status: () =>
        backendStarting({
          phase: "failed",
          error: { kind: "database", message: "file is not a database" },
          message: "the demo database cannot be opened: file is not a database",
        }),
      reset_demo: () => backendReady("listener"),
      store_home: () => storeHome,
    });
    renderApp();
    expect((await screen.findByTestId("startup-failure")).textContent).toContain(
      "The demo database is damaged",
    );
    await userEvent.click(screen.getByRole("button", { name: "Reset demo data" }));
    expect(log.count("reset_demo")).toBe(1);
    expect(await screen.findByTestId("store-home")).toBeTruthy();
  });

  it("says why when the core itself cannot answer", async () => {
    let failing = true;
    mockApp({
      backend_status: () => {
        if (failing) throw new CommandFailure({ code: "storage", message: "read-only" });
        return backendReady("listener");
      },
      store_home: () => storeHome,
    });
    renderApp();
    expect((await screen.findByTestId("startup-failure")).textContent).toContain(
      "Shrimp cannot use its data folder",
    );
    expect(screen.queryByRole("button", { name: "Reset demo data" })).toBeNull();
    failing = false;
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("store-home")).toBeTruthy();
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ backend_status: () => composing });
    renderApp();
    expect(await screen.findByText("正在创作音乐 23/62")).toBeTruthy();
  });
});

describe("seedPercent", () => {
  it("weights the steps and reaches 100 when done", () => {
    expect(seedPercent({ step: "music", done: 0, total: 62 })).toBe(0);
    expect(seedPercent({ step: "music", done: 62, total: 62 })).toBe(70);
    expect(seedPercent({ step: "accounts", done: 0, total: 0 })).toBe(70);
    expect(seedPercent({ step: "history", done: 1, total: 2 })).toBe(93);
    expect(seedPercent({ step: "done", done: 0, total: 0 })).toBe(100);
  });
});
