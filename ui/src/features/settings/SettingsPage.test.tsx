import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../../ipc/testing";
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

describe("sale notifications", () => {
  it("are off by default, and turning them on is saved in Rust", async () => {
    let saved = { saleNotifications: false, language: "en" };
    const log = mockApp({
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      preferences: () => saved,
      set_preferences: ({ preferences }) => {
        saved = preferences as typeof saved;
        return saved;
      },
    });
    renderApp("/settings");
    const box = (await screen.findByTestId("sale-notifications")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    expect(screen.getByText("Notify me of each sale")).toBeTruthy();
    await userEvent.click(box);
    await waitFor(() =>
      expect(log.argsOf("set_preferences")).toEqual([
        { preferences: { saleNotifications: true, language: "en" } },
      ]),
    );
    expect(box.checked).toBe(true);
    await userEvent.click(box);
    await waitFor(() => expect(log.count("set_preferences")).toBe(2));
    expect(saved.saleNotifications).toBe(false);
    expect(box.checked).toBe(false);
  });

  it("are worded in the window's language: Rust is told when it changes", async () => {
    let saved = { saleNotifications: true, language: "en" };
    const log = mockApp({
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      preferences: () => saved,
      set_preferences: ({ preferences }) => {
        saved = preferences as typeof saved;
        return saved;
      },
    });
    renderApp("/settings");
    await screen.findByTestId("sale-notifications");
    expect(log.count("set_preferences")).toBe(0);
    await userEvent.click(screen.getByTestId("language-zh-CN"));
    await waitFor(() =>
      expect(log.argsOf("set_preferences")).toEqual([
        { preferences: { saleNotifications: true, language: "zh-CN" } },
      ]),
    );
    expect(screen.getByText("每卖出一首都通知我")).toBeTruthy();
  });

  it("catch up with a language chosen before Rust knew it", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    const log = mockApp({ preferences: () => ({ saleNotifications: false, language: "en" }) });
    renderApp("/store");
    await waitFor(() =>
      expect(log.argsOf("set_preferences")).toEqual([
        { preferences: { saleNotifications: false, language: "zh-CN" } },
      ]),
    );
  });

  it("say when the choice cannot be saved", async () => {
    mockApp({
      simulator_settings: () => ({ paused: false, meanIntervalMs: 4000 }),
      set_preferences: () => {
        throw new CommandFailure({ code: "internal", message: "disk full" });
      },
    });
    renderApp("/settings");
    const box = (await screen.findByTestId("sale-notifications")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    await userEvent.click(box);
    expect((await screen.findByRole("alert")).textContent).toContain("went wrong");
    await waitFor(() => expect(box.checked).toBe(false));
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
