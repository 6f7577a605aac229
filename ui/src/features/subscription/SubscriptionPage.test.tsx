import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SubscriptionPage } from "../../ipc";
import { CommandFailure } from "../../ipc/testing";
import { forever, mockApp, renderApp } from "../../test/render";

function page(overrides: Partial<SubscriptionPage> = {}): SubscriptionPage {
  return {
    terms: {
      price: 1000,
      daily_download_cap: 30,
      rules: ["Each track counts once per subscriber per month.", "At most 30 new tracks a day."],
    },
    subscription: {
      active_month: null,
      auto_renew: false,
      downloads_today: 0,
      daily_download_cap: 30,
      periods: [],
    },
    statements: [],
    ...overrides,
  };
}

const subscribed = page({
  subscription: {
    active_month: "2026-11",
    auto_renew: true,
    downloads_today: 3,
    daily_download_cap: 30,
    periods: [{ id: "sub_1", month: "2026-11", amount: 1000, status: "paid", created_at_ms: 1 }],
  },
  statements: [
    {
      month: "2026-10",
      fee: 1000,
      pool: 250_000,
      total_downloads: 900,
      your_downloads: 4,
      lines: [
        {
          shop_id: "s1",
          shop_name: "Rain Studio",
          your_downloads: 3,
          shop_downloads: 300,
          amount: 334,
        },
        {
          shop_id: "s2",
          shop_name: "Harbour Records",
          your_downloads: 1,
          shop_downloads: 200,
          amount: 222,
        },
      ],
      other_shops: 444,
      carried_over: 0,
    },
  ],
});

describe("the subscription page", () => {
  it("shows loading", async () => {
    mockApp({ subscription_page: () => forever() });
    renderApp("/store/subscription");
    expect(await screen.findByTestId("subscription-page")).toBeTruthy();
    expect(screen.getByRole("status", { name: "Loading…" })).toBeTruthy();
  });

  it("explains a failure with a retry", async () => {
    let failing = true;
    mockApp({
      subscription_page: () => {
        if (failing) throw new CommandFailure({ code: "unavailable", message: "down" });
        return page();
      },
    });
    renderApp("/store/subscription");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("cannot be reached");
    failing = false;
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("plan")).toBeTruthy();
  });

  it("shows the plan, what it includes and the published limits, and subscribes once", async () => {
    let data = page();
    const log = mockApp({
      subscription_page: () => data,
      subscribe: () => {
        data = subscribed;
        return subscribed.subscription.periods[0];
      },
    });
    renderApp("/store/subscription");
    const plan = await screen.findByTestId("plan");
    expect(within(plan).getByTestId("plan-price").textContent).toBe("¥10.00 / month");
    expect(plan.textContent).toContain("without paying per track");
    expect(plan.textContent).toContain("You are not subscribed this month.");
    expect(screen.getByTestId("rules").textContent).toContain("Each track counts once");
    expect(screen.getByTestId("limits").textContent).toContain("Up to 30 new tracks a day");
    expect(screen.getByTestId("statements-empty")).toBeTruthy();

    await userEvent.click(screen.getByTestId("subscribe"));
    const sheet = screen.getByRole("dialog", { name: "Subscribe for this month" });
    await userEvent.click(within(sheet).getByRole("button", { name: "Pay ¥10.00" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(await screen.findByText(/renews next month/)).toBeTruthy();
    expect(String(log.argsOf("subscribe")[0]?.attempt)).toMatch(/\S{8,}/);
  });

  it("shows Alipay's code for a month that waits for payment, and the month once paid", async () => {
    const awaiting = page({
      subscription: {
        ...page().subscription,
        periods: [
          { id: "sub_9", month: "2026-12", amount: 1000, status: "pending", created_at_ms: 1 },
        ],
      },
    });
    let data = page();
    let paid = false;
    const log = mockApp({
      subscription_page: () => data,
      subscribe: () => {
        data = awaiting;
        return awaiting.subscription.periods[0];
      },
      payment_progress: () => ({
        id: "sub_9",
        provider: "alipay",
        amount: 1000,
        status: paid ? "paid" : "awaiting",
        qr: paid ? null : { width: 21, dark: Array.from({ length: 441 }, (_, i) => i % 2 === 0) },
      }),
    });
    renderApp("/store/subscription");
    await userEvent.click(await screen.findByTestId("subscribe"));
    const sheet = screen.getByRole("dialog", { name: "Subscribe for this month" });
    await userEvent.click(within(sheet).getByRole("button", { name: "Pay ¥10.00" }));
    const qr = await screen.findByRole("img", { name: "Alipay payment code for ¥10.00" });
    expect(qr).toBeTruthy();
    expect(screen.getByRole("dialog", { name: "Pay with Alipay" })).toBeTruthy();
    expect(log.argsOf("payment_progress")[0]?.id).toBe("sub_9");

    // Closed without paying: the page says the month waits and can show the code again.
    await userEvent.click(screen.getByTestId("cancel-payment"));
    expect((await screen.findByTestId("payment-stopped")).textContent).toContain(
      "your month starts by itself",
    );
    expect(screen.getByTestId("subscription-status").textContent).toContain(
      "The payment for 2026-12 is waiting for confirmation.",
    );
    await userEvent.click(screen.getByTestId("show-payment-code"));
    await screen.findByTestId("payment-qr");

    paid = true;
    data = subscribed;
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull(), { timeout: 6_000 });
    expect(await screen.findByText(/renews next month/)).toBeTruthy();
  }, 15_000);

  it("shows where last month's fee went, by shop, exact to the fen, and cancels", async () => {
    let data = subscribed;
    const log = mockApp({
      subscription_page: () => data,
      cancel_subscription: () => {
        data = page({
          ...subscribed,
          subscription: { ...subscribed.subscription, auto_renew: false },
        });
        return data.subscription;
      },
    });
    renderApp("/store/subscription");
    const statement = await screen.findByTestId("fee-statement");
    expect(statement.textContent).toContain("2026-10 · fee ¥10.00");
    const lines = within(statement).getAllByTestId("fee-line");
    expect(lines.map((line) => line.textContent)).toEqual([
      "Rain Studio · 3 yours of 300¥3.34",
      "Harbour Records · 1 yours of 200¥2.22",
      "Other shops¥4.44",
    ]);
    expect(screen.getByTestId("limits").textContent).toContain("3 of 30 used today");

    await userEvent.click(screen.getByRole("button", { name: "Cancel renewal" }));
    expect(await screen.findByText(/will not renew/)).toBeTruthy();
    expect(log.count("cancel_subscription")).toBe(1);
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ subscription_page: () => subscribed });
    renderApp("/store/subscription");
    expect((await screen.findByTestId("plan-price")).textContent).toBe("¥10.00 / 月");
    expect(screen.getByTestId("fee-statement").textContent).toContain("其他店铺");
  });
});
