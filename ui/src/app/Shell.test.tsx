import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../ipc/testing";
import { backendReady, readyStatus, storeHome, users } from "../test/fixtures";
import { mockApp, renderApp } from "../test/render";

function navLabels() {
  return within(screen.getByTestId("nav"))
    .getAllByRole("link")
    .map((link) => link.textContent);
}

describe("the shell", () => {
  it("shows the four sections and the status from Rust", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp();
    await screen.findByTestId("nav");
    expect(navLabels()).toEqual(["Store", "Library", "Dashboard", "Settings"]);
    const line = screen.getByTestId("status-line");
    await waitFor(() => expect(line.dataset.state).toBe("ready"));
    expect(line.textContent).toContain("Rust core 0.1.0 · linux x86_64 · up 1 min");
  });

  it("warns when the data folder cannot be written", async () => {
    mockApp({
      app_status: () => ({ ...readyStatus, dataDirWritable: false }),
      store_home: () => storeHome,
    });
    renderApp();
    await waitFor(() => expect(screen.getByTestId("status-line").dataset.state).toBe("ready"));
    expect(screen.getByTestId("status-line").textContent).toContain("data folder not writable");
  });

  it("explains a failed core by its code and retries", async () => {
    let failing = true;
    mockApp({
      app_status: () => {
        if (failing) throw new CommandFailure({ code: "storage", message: "read-only" });
        return readyStatus;
      },
      store_home: () => storeHome,
    });
    renderApp();
    const line = await screen.findByTestId("status-line");
    await waitFor(() => expect(line.dataset.state).toBe("error"));
    expect(line.textContent).toContain("Shrimp cannot use its data folder");
    failing = false;
    await userEvent.click(within(line).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getByTestId("status-line").dataset.state).toBe("ready"));
  });

  it("navigates between sections", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp("/store");
    expect(await screen.findByRole("heading", { level: 1, name: "Store" })).toBeTruthy();
    await userEvent.click(screen.getByRole("link", { name: "Library" }));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Library");
    expect(screen.getByText("Your library is empty")).toBeTruthy();
  });

  it("adds the review inbox to the navigation for a reviewer", async () => {
    mockApp({ backend_status: () => backendReady("reviewer"), review_inbox: () => [] });
    renderApp("/settings");
    await screen.findByTestId("nav");
    expect(navLabels()).toEqual(["Store", "Library", "Dashboard", "Review", "Settings"]);
  });
});

describe("the persona switcher", () => {
  it("shows who you are, with a Demo badge", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp();
    const switcher = await screen.findByTestId("persona-switcher");
    expect(switcher.textContent).toContain("Mei 小美");
    expect(switcher.textContent).toContain("Listener");
    expect(screen.getByText("Demo")).toBeTruthy();
  });

  it("calls a listener whose shop was approved its owner, not a listener", async () => {
    const approved = backendReady("listener");
    mockApp({
      backend_status: () => ({ ...approved, user: { ...users.listener, shop_id: "shp_tide" } }),
      store_home: () => storeHome,
    });
    renderApp();
    const switcher = await screen.findByTestId("persona-switcher");
    expect(switcher.querySelector(".persona-role")?.textContent).toBe("Shop owner");
  });

  it("switches to another person from the keyboard and refetches everything", async () => {
    let persona: "listener" | "musician" = "listener";
    const log = mockApp({
      backend_status: () => backendReady(persona),
      store_home: () => storeHome,
      switch_persona: ({ key }) => {
        persona = key as typeof persona;
        return backendReady(persona);
      },
    });
    renderApp();
    await screen.findByTestId("store-home");
    const homeLoads = log.count("store_home");

    const switcher = screen.getByTestId("persona-switcher");
    switcher.focus();
    await userEvent.keyboard("{ArrowDown}");
    const menu = screen.getByRole("menu");
    const current = within(menu).getByRole("menuitemradio", { checked: true });
    expect(document.activeElement).toBe(current);
    expect(within(menu).getAllByRole("menuitemradio")).toHaveLength(5);

    await userEvent.keyboard("{ArrowDown}{Enter}");
    expect(log.argsOf("switch_persona")).toEqual([{ key: "musician" }]);
    await waitFor(() =>
      expect(screen.getByTestId("persona-switcher").textContent).toContain("Lin Xiaoyu"),
    );
    expect(screen.getByTestId("persona-switcher").textContent).toContain("Independent musician");
    expect(screen.queryByRole("menu")).toBeNull();
    await waitFor(() => expect(log.count("store_home")).toBeGreaterThan(homeLoads));
  });

  it("offers every persona by its test id and closes on Escape", async () => {
    mockApp({ store_home: () => storeHome });
    renderApp();
    await userEvent.click(await screen.findByTestId("persona-switcher"));
    for (const key of ["listener", "musician", "label", "reviewer", "applicant"]) {
      expect(screen.getByTestId(`persona-option-${key}`)).toBeTruthy();
    }
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("persona-switcher"));
  });
});
