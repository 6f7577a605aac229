import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { CommandFailure, clearMocks, mockCommands } from "../ipc/testing";
import { readyStatus } from "../test/fixtures";
import { renderApp } from "../test/render";

afterEach(() => clearMocks());

function navLabels() {
  return within(screen.getByTestId("nav"))
    .getAllByRole("link")
    .map((link) => link.textContent);
}

describe("the shell", () => {
  it("shows the four sections and the status from Rust", async () => {
    mockCommands({ app_status: () => readyStatus });
    renderApp();
    expect(navLabels()).toEqual(["Store", "Library", "Dashboard", "Settings"]);
    const line = screen.getByTestId("status-line");
    expect(line.dataset.state).toBe("loading");
    await waitFor(() => expect(line.dataset.state).toBe("ready"));
    expect(line.textContent).toContain("Rust core 0.1.0 · linux x86_64 · up 1 min");
  });

  it("warns when the data folder cannot be written", async () => {
    mockCommands({ app_status: () => ({ ...readyStatus, dataDirWritable: false }) });
    renderApp();
    await waitFor(() => expect(screen.getByTestId("status-line").dataset.state).toBe("ready"));
    expect(screen.getByTestId("status-line").textContent).toContain("data folder not writable");
  });

  it("explains a failed core by its code and retries", async () => {
    let failing = true;
    mockCommands({
      app_status: () => {
        if (failing) throw new CommandFailure({ code: "storage", message: "read-only" });
        return readyStatus;
      },
    });
    renderApp();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Shrimp cannot use its data folder");
    failing = false;
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getByTestId("status-line").dataset.state).toBe("ready"));
  });

  it("navigates between sections", async () => {
    mockCommands({ app_status: () => readyStatus });
    renderApp("/store");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Store");
    await userEvent.click(screen.getByRole("link", { name: "Library" }));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Library");
    expect(screen.getByText("Your library is empty")).toBeTruthy();
  });
});
