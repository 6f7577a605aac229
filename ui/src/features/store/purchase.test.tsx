import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure } from "../../ipc/testing";
import { order, storeHome } from "../../test/fixtures";
import { mockApp, renderApp } from "../../test/render";

async function openSheet() {
  const [first] = await screen.findAllByTestId("track-row");
  await userEvent.click(within(first as HTMLElement).getByTestId("buy-button"));
  return screen.getByRole("dialog");
}

describe("buying a track", () => {
  it("confirms with the cover, shop and price, pays, and shows it owned", async () => {
    let owned = false;
    const log = mockApp({
      store_home: () => storeHome,
      my_orders: () => (owned ? [order()] : []),
      buy_track: () => {
        owned = true;
        return order();
      },
    });
    renderApp("/store");
    const sheet = await openSheet();
    expect(within(sheet).getByRole("heading", { name: "Buy this track" })).toBeTruthy();
    expect(sheet.textContent).toContain("Spring Rain 春雨");
    expect(sheet.textContent).toContain("Sold by Rain Studio 雨声工作室");
    expect(sheet.textContent).toContain("¥1.20");
    expect(sheet.textContent).toContain("100% of what you pay goes to Rain Studio 雨声工作室");
    expect(sheet.querySelector("img")?.getAttribute("src")).toBe("cover://localhost/track/trk_1");
    const confirm = within(sheet).getByTestId("confirm-purchase");
    expect(document.activeElement).toBe(confirm);
    expect(confirm.textContent).toBe("Pay ¥1.20");

    await userEvent.click(confirm);
    const success = await screen.findByTestId("purchase-success");
    expect(within(sheet).getByRole("heading", { name: "Yours now" })).toBeTruthy();
    expect(success.textContent).toContain("Owned");
    const [call] = log.argsOf("buy_track");
    expect(call?.trackId).toBe("trk_1");
    expect(String(call?.attempt)).toMatch(/\S{8,}/);

    await userEvent.click(within(success).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    const [first] = screen.getAllByTestId("track-row");
    await waitFor(() => expect(first?.textContent).toContain("Owned"));
  });

  it("says so when the track is already yours", async () => {
    mockApp({
      store_home: () => storeHome,
      buy_track: () => {
        throw new CommandFailure({ code: "conflict", message: "already entitled" });
      },
    });
    renderApp("/store");
    const sheet = await openSheet();
    await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
    const done = await screen.findByTestId("purchase-success");
    expect(done.textContent).toContain("You already own this track, so nothing was charged.");
  });

  it("explains a failed payment and retries with the same attempt id", async () => {
    let failing = true;
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => {
        if (failing) throw new CommandFailure({ code: "unavailable", message: "timeout" });
        return order();
      },
    });
    renderApp("/store");
    const sheet = await openSheet();
    await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
    const error = await within(sheet).findByTestId("purchase-error");
    expect(error.textContent).toContain("The Shrimp service cannot be reached");
    const retry = within(sheet).getByTestId("confirm-purchase");
    expect(retry.textContent).toBe("Try again");

    failing = false;
    await userEvent.click(retry);
    expect(await screen.findByTestId("purchase-success")).toBeTruthy();
    const attempts = log.argsOf("buy_track").map((args) => args.attempt);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toBe(attempts[0]);
  });

  it("uses a new attempt id for a new purchase, and closes on Escape", async () => {
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => {
        throw new CommandFailure({ code: "internal", message: "boom" });
      },
    });
    renderApp("/store");
    let sheet = await openSheet();
    await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
    await within(sheet).findByTestId("purchase-error");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();

    sheet = await openSheet();
    await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
    await within(sheet).findByTestId("purchase-error");
    const [first, second] = log.argsOf("buy_track").map((args) => args.attempt);
    expect(second).not.toBe(first);
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ store_home: () => storeHome, buy_track: () => order() });
    renderApp("/store");
    const sheet = await openSheet();
    expect(sheet.textContent).toContain("你支付的每一分钱 100% 归 Rain Studio 雨声工作室");
    await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
    expect((await screen.findByTestId("purchase-success")).textContent).toContain("已拥有");
  });
});
