import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { backendReady, readyStatus } from "../../test/fixtures";
import { mockApp, renderApp } from "../../test/render";

describe("settings", () => {
  it("shows where the data lives", async () => {
    mockApp({ simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }) });
    renderApp("/settings");
    expect((await screen.findByTestId("data-dir")).textContent).toBe(readyStatus.dataDir);
    expect(screen.getByText("Writable")).toBeTruthy();
  });

  it("switches the whole app to Simplified Chinese and remembers it", async () => {
    mockApp({ simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }) });
    renderApp("/settings");
    await userEvent.click(await screen.findByTestId("language-zh-CN"));
    const nav = screen.getByTestId("nav");
    expect(
      within(nav)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual(["商店", "音乐库", "店铺后台", "设置"]);
    expect(screen.getByTestId("language-zh-CN").getAttribute("aria-pressed")).toBe("true");
    expect(document.documentElement.lang).toBe("zh-CN");
    expect(localStorage.getItem("shrimp.language")).toBe("zh-CN");
    await waitFor(() =>
      expect(screen.getByTestId("status-line").textContent).toContain("Rust 核心"),
    );
    expect(screen.getByTestId("persona-switcher").textContent).toContain("听众");
  });
});

describe("the demo settings", () => {
  it("pauses and paces the simulated market", async () => {
    let settings = { paused: false, meanIntervalMs: 4000 };
    const log = mockApp({
      simulator_settings: () => settings,
      set_simulator: (args) => {
        settings = args.settings as typeof settings;
        return null;
      },
    });
    renderApp("/settings");
    const toggle = await screen.findByTestId("simulator-toggle");
    expect(screen.getByTestId("simulator-state").textContent).toBe("Running");
    await userEvent.click(toggle);
    expect(log.argsOf("set_simulator")).toEqual([
      { settings: { paused: true, meanIntervalMs: 4000 } },
    ]);
    await waitFor(() => expect(screen.getByTestId("simulator-state").textContent).toBe("Paused"));
    expect(screen.getByTestId("simulator-toggle").textContent).toBe("Resume");

    await userEvent.selectOptions(screen.getByTestId("simulator-pace"), "15");
    expect(log.argsOf("set_simulator")[1]).toEqual({
      settings: { paused: true, meanIntervalMs: 15_000 },
    });
    expect(screen.getByLabelText(/A sale about every/)).toBeTruthy();
  });

  it("resets the demo data only after a confirmation", async () => {
    let status = backendReady("listener");
    const log = mockApp({
      backend_status: () => status,
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      reset_demo: () => {
        status = backendReady("listener");
        return status;
      },
    });
    renderApp("/settings");
    await userEvent.click(await screen.findByTestId("reset-demo"));
    const dialog = screen.getByRole("dialog", { name: "Reset the demo store?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(log.count("reset_demo")).toBe(0);

    await userEvent.click(screen.getByTestId("reset-demo"));
    await userEvent.click(screen.getByTestId("confirm-reset"));
    expect(log.count("reset_demo")).toBe(1);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("is not shown when connected to a real backend", async () => {
    mockApp({
      backend_status: () => ({ ...backendReady("listener"), mode: "connected", personas: [] }),
    });
    renderApp("/settings");
    await screen.findByTestId("data-dir");
    expect(screen.queryByTestId("demo-settings")).toBeNull();
  });
});

describe("connected mode", () => {
  it("signs in to a remote backend without ever handling a token", async () => {
    const log = mockApp({
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      connection: () => ({
        remembered: { backendUrl: "https://shop.example.com", email: "mei@example.com" },
        persistence: { mode: "persistent" },
      }),
      connect: () => ({
        account: { backendUrl: "https://shop.example.com", user: backendReady("listener").user },
        persistence: { mode: "persistent" },
      }),
    });
    renderApp("/settings");
    const url = (await screen.findByTestId("backend-url")) as HTMLInputElement;
    await waitFor(() => expect(url.value).toBe("https://shop.example.com"));
    await userEvent.type(screen.getByLabelText("Password"), "secret-password");
    await userEvent.click(screen.getByTestId("connect"));
    await waitFor(() =>
      expect(log.argsOf("connect")).toEqual([
        { url: "https://shop.example.com", email: "mei@example.com", password: "secret-password" },
      ]),
    );
  });

  it("says why a sign-in will not outlive the app when the keyring is unavailable", async () => {
    mockApp({
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      connection: () => ({
        remembered: null,
        persistence: {
          mode: "untilQuit",
          reason: { kind: "no_service", message: "No keyring service is running" },
        },
      }),
    });
    renderApp("/settings");
    expect((await screen.findByTestId("keyring-unavailable")).textContent).toContain(
      "No keyring service is running",
    );
  });

  it("shows who is signed in and signs out back to the demo", async () => {
    const log = mockApp({
      backend_status: () => ({ ...backendReady("listener"), mode: "connected", persona: null }),
      connection: () => ({
        remembered: { backendUrl: "https://shop.example.com", email: "mei@example.com" },
        persistence: { mode: "persistent" },
      }),
      sign_out: () => backendReady("listener"),
    });
    renderApp("/settings");
    const signedInAs = await screen.findByTestId("connected-as");
    await waitFor(() => expect(signedInAs.textContent).toContain("https://shop.example.com"));
    await userEvent.click(screen.getByTestId("sign-out"));
    await waitFor(() => expect(log.count("sign_out")).toBe(1));
  });
});
