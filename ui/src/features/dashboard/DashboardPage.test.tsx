import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Dashboard } from "../../ipc";
import { CommandFailure, emitEvent } from "../../ipc/testing";
import { backendReady, dashboard, rainShop, release, shopMoney, track } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";
import { statementFileName } from "./MoneyPanel";

const asMusician = {
  backend_status: () => backendReady("musician"),
  shop_page: () => ({ shop: rainShop, releases: [release()], tracks: [track()] }),
  shop_money: () => shopMoney(),
};

function sale(orderId: string, amount: number, trackId = "trk_1") {
  return {
    type: "sale_recorded" as const,
    seq: 1,
    sale: {
      order_id: orderId,
      track_id: trackId,
      track_title: "Spring Rain 春雨",
      amount,
      at_ms: Date.now(),
    },
  };
}

/** The shop's money with this month's projection outside any chart window (a long-past
 * month), so every share drawn is a settled one, whatever today's date. */
const settledOnly = () => shopMoney({ share: { ...shopMoney().share, month: "2020-01" } });

describe("the seller dashboard", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ ...asMusician, dashboard: () => forever() });
    renderApp("/dashboard");
    expect(await screen.findByRole("status")).toBeTruthy();
  });

  it("explains a failure and retries", async () => {
    let failing = true;
    mockApp({
      ...asMusician,
      dashboard: () => {
        if (failing) throw new CommandFailure({ code: "internal", message: "boom" });
        return dashboard();
      },
    });
    renderApp("/dashboard");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Something went wrong inside Shrimp");
    failing = false;
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("income-today")).toBeTruthy();
  });

  it("shows the ticker, chart, feed and per-track table, and watches live income", async () => {
    const log = mockApp({ ...asMusician, dashboard: () => dashboard() });
    renderApp("/dashboard");
    expect((await screen.findByTestId("income-today")).textContent).toBe("¥2.40");
    expect(screen.getByTestId("income-this-month").textContent).toBe("¥45.60");
    expect(screen.getByTestId("income-all-time").textContent).toBe("¥1,234.50");
    expect(screen.getByTestId("income-balance").textContent).toBe("¥987.00");
    expect(screen.getByRole("heading", { level: 1, name: rainShop.name })).toBeTruthy();
    expect(log.count("watch_income")).toBe(1);

    expect(screen.getByTestId("sales-feed").children).toHaveLength(0);
    expect(screen.getByText(/Waiting for the next sale/)).toBeTruthy();

    const table = screen.getByTestId("track-income");
    const rows = within(table).getAllByRole("row");
    expect(rows[0]?.textContent).toBe("TrackSalesIncomeDownloadsSubscriber downloads");
    expect(rows[1]?.textContent).toBe("Spring Rain 春雨50¥60.00619");
    expect(rows[2]?.textContent).toBe("Free Morning0¥0.0012070");
  });

  it("moves the ticker and the feed the moment a sale arrives, then refetches", async () => {
    let answer: () => Dashboard | Promise<Dashboard> = () => dashboard();
    const log = mockApp({ ...asMusician, dashboard: () => answer() });
    renderApp("/dashboard");
    await screen.findByTestId("income-today");
    await waitFor(() => expect(log.count("dashboard")).toBe(1));

    // Rust is slow to answer the refetch: the local addition alone moves the figures.
    let land: (exact: Dashboard) => void = () => {};
    answer = () =>
      new Promise<Dashboard>((resolve) => {
        land = resolve;
      });
    await emitEvent("income-event-received", sale("ord_a", 80));
    await waitFor(() => expect(screen.getByTestId("income-today").textContent).toBe("¥3.20"));
    expect(screen.getByTestId("income-all-time").dataset.fen).toBe("123530");
    expect(screen.getByTestId("income-balance").textContent).toBe("¥987.80");
    const rows = within(screen.getByTestId("sales-feed")).getAllByTestId("sale-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain("Spring Rain 春雨");
    expect(rows[0]?.textContent).toContain("+¥0.80");
    expect(log.count("dashboard")).toBe(2);

    // The refetch lands Rust's exact figures.
    const exact = dashboard();
    await act(async () => land({ ...exact, summary: { ...exact.summary, today: 330 } }));
    await waitFor(() => expect(screen.getByTestId("income-today").textContent).toBe("¥3.30"));

    // A second sale goes on top of the feed.
    answer = () => ({ ...exact, summary: { ...exact.summary, today: 480 } });
    await emitEvent("income-event-received", sale("ord_b", 150));
    await waitFor(() => expect(screen.getByTestId("income-today").textContent).toBe("¥4.80"));
    const feed = within(screen.getByTestId("sales-feed")).getAllByTestId("sale-row");
    expect(feed.map((row) => row.dataset.orderId)).toEqual(["ord_b", "ord_a"]);

    // The same sale replayed (after a reconnect) is not counted again.
    const loads = log.count("dashboard");
    await emitEvent("income-event-received", sale("ord_b", 150));
    expect(within(screen.getByTestId("sales-feed")).getAllByTestId("sale-row")).toHaveLength(2);
    expect(screen.getByTestId("income-today").textContent).toBe("¥4.80");
    expect(log.count("dashboard")).toBe(loads);
  });

  it("switches the chart between days, weeks and months, with readable labels", async () => {
    mockApp({ ...asMusician, dashboard: () => dashboard() });
    renderApp("/dashboard");
    const chart = await screen.findByTestId("income-chart");
    const bars = () => chart.querySelectorAll("rect.chart-bar:not(.share)");
    expect(bars()).toHaveLength(30);
    expect(within(chart).getByRole("img").getAttribute("aria-labelledby")).toBeTruthy();
    expect(chart.querySelector("rect title")?.textContent).toMatch(/: ¥\d+\.\d\d, \d+ sales$/);

    await userEvent.click(screen.getByTestId("chart-week"));
    expect(chart.dataset.period).toBe("week");
    expect(bars()).toHaveLength(13);
    await userEvent.click(screen.getByTestId("chart-month"));
    expect(bars().length).toBeGreaterThanOrEqual(3);
    expect(screen.getByTestId("chart-month").getAttribute("aria-pressed")).toBe("true");
  });

  it("separates sales from the subscription share by day and by week, with a legend", async () => {
    mockApp({ ...asMusician, dashboard: () => dashboard(), shop_money: settledOnly });
    renderApp("/dashboard");
    const chart = await screen.findByTestId("income-chart");
    const shares = () => [...chart.querySelectorAll("rect.chart-bar.share")];
    // Every third of the 90 days carries 25 fen of share; 10 of the last 30 do.
    expect(shares()).toHaveLength(10);
    expect(shares()[0]?.querySelector("title")?.textContent).toMatch(
      /: ¥0\.25 subscription share$/,
    );
    expect(screen.getByTestId("chart-legend").textContent).toBe("SalesSubscription share");
    // The screen-reader table keeps the two apart too.
    const rows = within(chart.querySelector("table") as HTMLElement).getAllByRole("row");
    expect(rows.slice(1).filter((row) => row.textContent?.endsWith("¥0.25¥0.00"))).toHaveLength(10);

    await userEvent.click(screen.getByTestId("chart-week"));
    // 13 weeks of 7 days (the first one shorter) each hold two or three share days.
    const weekly = shares().map((rect) => rect.querySelector("title")?.textContent ?? "");
    expect(weekly).toHaveLength(13);
    expect(weekly.every((title) => /: ¥0\.(50|75) subscription share$/.test(title))).toBe(true);
    expect(screen.getByTestId("chart-legend")).toBeTruthy();
  });

  it("has no legend when no day earned a share", async () => {
    const plain = dashboard();
    mockApp({
      ...asMusician,
      dashboard: () => ({
        ...plain,
        daily: plain.daily.map((day) => ({ ...day, subscription_share: 0 })),
      }),
      shop_money: () =>
        shopMoney({ settled: [], share: { ...shopMoney().share, projected_share: 0 } }),
    });
    renderApp("/dashboard");
    const chart = await screen.findByTestId("income-chart");
    expect(chart.querySelectorAll("rect.chart-bar.share")).toHaveLength(0);
    expect(screen.queryByTestId("chart-legend")).toBeNull();
  });

  it("draws this month's share lighter, as a projection, and does not count it", async () => {
    // 30 days from 12 October to 10 November; every third one earned share. October is
    // settled, November (this month) is projected.
    const first = Date.UTC(2026, 9, 12);
    const daily = Array.from({ length: 30 }, (_, index) => ({
      day_start_ms: first + index * 86_400_000,
      sales: 100,
      count: 1,
      subscription_share: index % 3 === 0 ? 25 : 0,
    }));
    mockApp({ ...asMusician, dashboard: () => dashboard({ daily }) });
    renderApp("/dashboard");
    const chart = await screen.findByTestId("income-chart");
    const settled = chart.querySelectorAll("rect.chart-bar.share:not(.projected)");
    const projected = [...chart.querySelectorAll("rect.chart-bar.share.projected")];
    expect([settled.length, projected.length]).toEqual([7, 3]);
    expect(projected[0]?.querySelector("title")?.textContent).toMatch(
      /: ¥0\.25 subscription share, projected \(this month is not settled yet\)$/,
    );
    expect(screen.getByTestId("chart-legend").textContent).toBe(
      "SalesSubscription shareThis month's share (projected)",
    );
    // ¥30.00 of sales and 7 × ¥0.25 settled; the ¥0.75 projected is drawn, not counted.
    expect(chart.textContent).toContain("¥31.75 over the last 30 days");

    // By month: October's settled share from its statement, November's projection.
    await userEvent.click(screen.getByTestId("chart-month"));
    const monthly = [...chart.querySelectorAll("rect.chart-bar.share")];
    expect(monthly.map((rect) => rect.getAttribute("class"))).toEqual([
      "chart-bar share",
      "chart-bar share projected",
    ]);
    expect(monthly[1]?.querySelector("title")?.textContent).toContain("¥12.34");
  });

  it("labels the share and its legend in Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ ...asMusician, dashboard: () => dashboard(), shop_money: settledOnly });
    renderApp("/dashboard");
    const chart = await screen.findByTestId("income-chart");
    expect(screen.getByTestId("chart-legend").textContent).toBe("销售包月分成");
    const title = chart.querySelector("rect.chart-bar.share title")?.textContent ?? "";
    expect(title).toMatch(/：包月分成 ¥0\.25$/);
    await userEvent.click(screen.getByTestId("chart-week"));
    expect(chart.querySelectorAll("rect.chart-bar.share").length).toBe(13);
  });

  it("keeps an empty shop readable", async () => {
    mockApp({
      ...asMusician,
      dashboard: () =>
        dashboard({
          summary: { today: 0, this_month: 0, all_time: 0, balance: 0, sales_count: 0 },
          daily: [],
          tracks: [],
        }),
    });
    renderApp("/dashboard");
    expect((await screen.findByTestId("income-all-time")).textContent).toBe("¥0.00");
    expect(screen.getByText("Your shop has no tracks yet.")).toBeTruthy();
  });

  it("says when live updates could not start, and retries", async () => {
    let failing = true;
    const log = mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      watch_income: () => {
        if (failing) throw new CommandFailure({ code: "unavailable", message: "stream" });
        return null;
      },
    });
    renderApp("/dashboard");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Live income updates are paused");
    failing = false;
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(log.count("watch_income")).toBe(2);
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ ...asMusician, dashboard: () => dashboard() });
    renderApp("/dashboard");
    await screen.findByTestId("income-today");
    expect(screen.getByText("今日")).toBeTruthy();
    expect(screen.getByText("余额")).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "包月下载" })).toBeTruthy();
    expect(screen.getByTestId("income-balance").textContent).toBe("¥987.00");
  });
});

describe("the dashboard's money panel", () => {
  it("shows a placeholder while the share and payouts load", async () => {
    mockApp({ ...asMusician, dashboard: () => dashboard(), shop_money: () => forever() });
    renderApp("/dashboard");
    await screen.findByTestId("income-today");
    expect(screen.getAllByRole("status", { name: "Loading…" }).length).toBeGreaterThan(0);
  });

  it("explains a failure to load them", async () => {
    mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      shop_money: () => {
        throw new CommandFailure({ code: "forbidden", message: "no" });
      },
    });
    renderApp("/dashboard");
    expect((await screen.findByRole("alert")).textContent).toContain("not allowed");
  });

  it("says when nothing is settled or paid out yet", async () => {
    mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      shop_money: () => shopMoney({ settled: [], payouts: [], paid_out: 0 }),
    });
    renderApp("/dashboard");
    expect(await screen.findByText("No month has been settled yet.")).toBeTruthy();
    expect(screen.getByText("No payouts yet.")).toBeTruthy();
  });

  it("shows this month's projected share, settled months and payouts", async () => {
    mockApp({ ...asMusician, dashboard: () => dashboard() });
    renderApp("/dashboard");
    const share = await screen.findByTestId("share-projection");
    expect(share.textContent).toContain("Projected for 2026-11");
    expect(share.textContent).toContain("¥12.34");
    expect(share.textContent).toContain("25 of 100 subscriber downloads");
    const settled = within(screen.getByTestId("settled-months")).getAllByRole("row");
    expect(settled[1]?.textContent).toBe("2026-1030 / 120¥1,000.00¥250.00");
    const payouts = screen.getByTestId("payouts");
    expect(payouts.textContent).toContain("¥987.00");
    expect(payouts.textContent).toContain("alipay:rain@example.com");
    expect(screen.getByText("Sent")).toBeTruthy();
  });

  it("exports the CSV statement to a file", async () => {
    const log = mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      export_statement: ({ path }) => ({ path: String(path), rows: 321 }),
    });
    renderApp("/dashboard");
    await userEvent.type(await screen.findByTestId("statement-path"), "/tmp/rain.csv");
    await userEvent.click(screen.getByTestId("export-statement"));
    expect(log.argsOf("export_statement")).toEqual([{ path: "/tmp/rain.csv" }]);
    expect((await screen.findByTestId("statement-exported")).textContent).toBe(
      "321 lines written to /tmp/rain.csv.",
    );
  });

  it("saves the CSV statement where the save dialog says, with today's name offered", async () => {
    const log = mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      "plugin:dialog|save": () => "/home/lin/Documents/rain.csv",
      export_statement: ({ path }) => ({ path: String(path), rows: 12 }),
    });
    renderApp("/dashboard");
    await userEvent.click(await screen.findByTestId("save-statement"));
    expect((await screen.findByTestId("statement-exported")).textContent).toBe(
      "12 lines written to /home/lin/Documents/rain.csv.",
    );
    expect(log.argsOf("export_statement")).toEqual([{ path: "/home/lin/Documents/rain.csv" }]);
    const [options] = log.argsOf("plugin:dialog|save");
    expect(options).toMatchObject({
      options: {
        defaultPath: statementFileName(),
        filters: [{ name: "CSV spreadsheet", extensions: ["csv"] }],
      },
    });
  });

  it("writes nothing when the save dialog is cancelled", async () => {
    const log = mockApp({
      ...asMusician,
      dashboard: () => dashboard(),
      "plugin:dialog|save": () => null,
      export_statement: ({ path }) => ({ path: String(path), rows: 12 }),
    });
    renderApp("/dashboard");
    await userEvent.click(await screen.findByTestId("save-statement"));
    await waitFor(() => expect(log.count("plugin:dialog|save")).toBe(1));
    await waitFor(() =>
      expect((screen.getByTestId("save-statement") as HTMLButtonElement).disabled).toBe(false),
    );
    expect(log.count("export_statement")).toBe(0);
    expect(screen.queryByTestId("statement-exported")).toBeNull();
  });

  it("names the statement file after the day", () => {
    expect(statementFileName(new Date(2026, 0, 5))).toBe("shrimp-statement-2026-01-05.csv");
  });
});

describe("the dashboard without a shop", () => {
  it("invites a listener to open a shop", async () => {
    const log = mockApp();
    renderApp("/dashboard");
    expect(await screen.findByText("You have no shop yet")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Open a shop" }).getAttribute("href")).toBe(
      "/shop/open",
    );
    expect(log.count("dashboard")).toBe(0);
    expect(log.count("watch_income")).toBe(0);
  });

  it("sends a reviewer to the inbox", async () => {
    mockApp({ backend_status: () => backendReady("reviewer"), review_inbox: () => [] });
    renderApp("/dashboard");
    await userEvent.click(await screen.findByRole("link", { name: "Open the review inbox" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Review inbox" })).toBeTruthy();
  });
});
