import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PaymentProgress, QrMatrix } from "../../ipc";
import { order, storeHome } from "../../test/fixtures";
import { mockApp, renderApp } from "../../test/render";
import { QrCode } from "./payment";

/** A small made-up code: a diagonal of dark modules. */
const matrix: QrMatrix = {
  width: 21,
  dark: Array.from({ length: 21 * 21 }, (_, index) => index % 22 === 0),
};

function progress(overrides: Partial<PaymentProgress> = {}): PaymentProgress {
  return {
    id: "ord_1",
    provider: "alipay",
    amount: 120,
    status: "awaiting",
    qr: matrix,
    ...overrides,
  };
}

/** The payment poll runs every two seconds: allow a few of them. */
const POLL = { timeout: 6_000 };

async function buyFirstTrack() {
  const [first] = await screen.findAllByTestId("track-row");
  await userEvent.click(within(first as HTMLElement).getByTestId("buy-button"));
  const sheet = screen.getByRole("dialog");
  await userEvent.click(within(sheet).getByTestId("confirm-purchase"));
  return sheet;
}

describe("paying with Alipay", () => {
  it("draws every dark module of the code inside a quiet zone", () => {
    render(<QrCode matrix={matrix} label="code" />);
    const svg = screen.getByRole("img", { name: "code" });
    expect(svg.getAttribute("viewBox")).toBe("0 0 29 29");
    const path = svg.querySelector("path")?.getAttribute("d") ?? "";
    expect(path.match(/M/g)).toHaveLength(21);
    expect(path.startsWith("M4 4h1v1h-1z")).toBe(true);
  });

  it("shows the QR code to scan, waits, and turns to 'Yours now' once paid", async () => {
    let paid = false;
    let asked = 0;
    mockApp({
      store_home: () => storeHome,
      my_orders: () => (paid ? [order()] : [order({ status: "pending" })]),
      buy_track: () => order({ status: "pending" }),
      payment_progress: () => {
        asked += 1;
        return paid ? progress({ status: "paid", qr: null }) : progress();
      },
    });
    renderApp("/store");
    const sheet = await buyFirstTrack();
    const qr = await within(sheet).findByRole("img", {
      name: "Alipay payment code for ¥1.20",
    });
    expect(qr.querySelector("path")?.getAttribute("d")).toContain("M4 4h1v1h-1z");
    expect(within(sheet).getByRole("heading", { name: "Pay with Alipay" })).toBeTruthy();
    expect(sheet.textContent).toContain("Scan the code with the Alipay app to pay ¥1.20");
    expect(sheet.textContent).toContain("Waiting for your payment…");
    expect(within(sheet).queryByTestId("purchase-success")).toBeNull();

    paid = true;
    const success = await within(sheet).findByTestId("purchase-success", {}, POLL);
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(success.textContent).toContain("Owned");
    expect(within(sheet).getByRole("heading", { name: "Yours now" })).toBeTruthy();
  }, 15_000);

  it("cancels the wait, says nothing was lost, and tries again as a new attempt", async () => {
    const log = mockApp({
      store_home: () => storeHome,
      buy_track: () => order({ status: "pending" }),
      payment_progress: () => progress(),
    });
    renderApp("/store");
    const sheet = await buyFirstTrack();
    await within(sheet).findByTestId("payment-qr");
    await userEvent.click(within(sheet).getByTestId("cancel-payment"));
    const stopped = await within(sheet).findByTestId("payment-stopped");
    expect(stopped.textContent).toContain("Payment cancelled");
    expect(stopped.textContent).toContain("still arrives in your purchases");
    const retry = within(sheet).getByTestId("confirm-purchase");
    expect(retry.textContent).toBe("Try again");

    await userEvent.click(retry);
    await within(sheet).findByTestId("payment-qr");
    const [first, second] = log.argsOf("buy_track").map((args) => args.attempt);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
  });

  it("says the payment timed out when it failed, and nothing was charged", async () => {
    let failed = false;
    mockApp({
      store_home: () => storeHome,
      buy_track: () => order({ status: "pending" }),
      payment_progress: () => (failed ? progress({ status: "failed", qr: null }) : progress()),
    });
    renderApp("/store");
    const sheet = await buyFirstTrack();
    await within(sheet).findByTestId("payment-qr");
    failed = true;
    const stopped = await within(sheet).findByTestId("payment-stopped", {}, POLL);
    expect(stopped.textContent).toBe(
      "The payment was not completed in time, and nothing was charged.",
    );
  }, 15_000);

  it("explains when the payment cannot be read", async () => {
    mockApp({
      store_home: () => storeHome,
      buy_track: () => order({ status: "pending" }),
    });
    renderApp("/store");
    const sheet = await buyFirstTrack();
    const error = await within(sheet).findByTestId("payment-error", {}, POLL);
    expect(error.textContent).not.toBe("");
    expect(within(sheet).getByTestId("cancel-payment")).toBeTruthy();
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({
      store_home: () => storeHome,
      buy_track: () => order({ status: "pending" }),
      payment_progress: () => progress(),
    });
    renderApp("/store");
    const sheet = await buyFirstTrack();
    await within(sheet).findByRole("img", { name: "支付宝付款码，金额 ¥1.20" });
    expect(sheet.textContent).toContain("请用支付宝扫码支付 ¥1.20");
    expect(within(sheet).getByTestId("cancel-payment").textContent).toBe("取消付款");
  });
});
