import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockCommands } from "../../ipc/testing";
import { readyStatus } from "../../test/fixtures";
import { renderApp } from "../../test/render";

afterEach(() => clearMocks());

describe("settings", () => {
  it("shows where the data lives", async () => {
    mockCommands({ app_status: () => readyStatus });
    renderApp("/settings");
    expect((await screen.findByTestId("data-dir")).textContent).toBe(readyStatus.dataDir);
    expect(screen.getByText("Writable")).toBeTruthy();
  });

  it("switches the whole app to Simplified Chinese and remembers it", async () => {
    mockCommands({ app_status: () => readyStatus });
    renderApp("/settings");
    await userEvent.click(screen.getByTestId("language-zh-CN"));
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
  });
});
