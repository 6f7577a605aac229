import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CommandFailure, emitEvent } from "../../ipc/testing";
import { application, backendReady } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";

const asReviewer = { backend_status: () => backendReady("reviewer") };

describe("the reviewer inbox", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ ...asReviewer, review_inbox: () => forever() });
    renderApp("/review");
    expect(await screen.findByRole("status", { name: "Loading…" })).toBeTruthy();
  });

  it("says when nothing waits", async () => {
    mockApp({ ...asReviewer, review_inbox: () => [] });
    renderApp("/review");
    expect(await screen.findByText("No applications waiting")).toBeTruthy();
  });

  it("explains a failure", async () => {
    mockApp({
      ...asReviewer,
      review_inbox: () => {
        throw new CommandFailure({ code: "forbidden", message: "no" });
      },
    });
    renderApp("/review");
    expect((await screen.findByRole("alert")).textContent).toContain("not allowed");
  });

  it("is for reviewers only", async () => {
    const log = mockApp();
    renderApp("/review");
    expect(await screen.findByText("Only reviewers see applications")).toBeTruthy();
    expect(log.count("review_inbox")).toBe(0);
  });

  it("shows everything a reviewer checks", async () => {
    mockApp({ ...asReviewer, review_inbox: () => [application()] });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    const text = item?.textContent ?? "";
    expect(
      within(item as HTMLElement).getByRole("heading", { name: "Echo Valley 回声山谷" }),
    ).toBeTruthy();
    expect(text).toContain("Independent");
    expect(text).toContain("Zhang Wei");
    expect(text).toContain("echo@example.com");
    expect(text).toContain("alipay:echo@example.com");
    expect(text).toContain("no cover versions");
    expect(text).toContain("Uploaded");
  });

  it("approves an application", async () => {
    let pending = [application()];
    const log = mockApp({
      ...asReviewer,
      review_inbox: () => pending,
      approve_application: ({ id }) => {
        pending = [];
        return application({ id: String(id), state: "approved", shop_id: "shp_echo" });
      },
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    await userEvent.click(within(item as HTMLElement).getByRole("button", { name: "Approve" }));
    expect(log.argsOf("approve_application")).toEqual([{ id: "app_1" }]);
    expect(await screen.findByText("No applications waiting")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("Approved Echo Valley 回声山谷");
  });

  it("rejects only with a reason", async () => {
    let pending = [application()];
    const log = mockApp({
      ...asReviewer,
      review_inbox: () => pending,
      reject_application: ({ id, reason }) => {
        pending = [];
        return application({ id: String(id), state: "rejected", rejection_reason: String(reason) });
      },
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    await userEvent.click(within(item as HTMLElement).getByRole("button", { name: "Reject…" }));
    const dialog = screen.getByRole("dialog", { name: "Reject Echo Valley 回声山谷" });
    const reason = within(dialog).getByRole("textbox");
    expect(document.activeElement).toBe(reason);

    await userEvent.click(within(dialog).getByTestId("confirm-reject"));
    expect(log.count("reject_application")).toBe(0);
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(dialog.textContent).toContain("Give a reason");

    await userEvent.type(reason, "The sample is a cover of a famous song.");
    await userEvent.click(within(dialog).getByTestId("confirm-reject"));
    expect(log.argsOf("reject_application")).toEqual([
      { id: "app_1", reason: "The sample is a cover of a famous song." },
    ]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(await screen.findByText("No applications waiting")).toBeTruthy();
  });

  it("keeps the dialog open with the reason when rejecting fails", async () => {
    mockApp({
      ...asReviewer,
      review_inbox: () => [application()],
      reject_application: () => {
        throw new CommandFailure({ code: "conflict", message: "already decided" });
      },
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    await userEvent.click(within(item as HTMLElement).getByRole("button", { name: "Reject…" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.type(within(dialog).getByRole("textbox"), "No sample");
    await userEvent.click(within(dialog).getByTestId("confirm-reject"));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("conflicts");
    expect((within(dialog).getByRole("textbox") as HTMLTextAreaElement).value).toBe("No sample");
  });

  it("plays the sample through the engine and shows it playing", async () => {
    const log = mockApp({
      ...asReviewer,
      review_inbox: () => [application()],
      play_review_sample: () => null,
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    await userEvent.click(
      within(item as HTMLElement).getByRole("button", { name: "Play the sample" }),
    );
    expect(log.argsOf("play_review_sample")).toEqual([{ id: "app_1" }]);
    await emitEvent("player-event-received", { type: "stateChanged", state: "playing" });
    expect((await screen.findByText("Playing the sample")).getAttribute("role")).toBe("status");
    expect(within(item as HTMLElement).getByRole("button", { name: "Pause" })).toBeTruthy();
  });

  it("says why a sample cannot play", async () => {
    mockApp({
      ...asReviewer,
      review_inbox: () => [application()],
      play_review_sample: () => {
        throw new CommandFailure({ code: "unavailable", message: "no audio device" });
      },
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    await userEvent.click(
      within(item as HTMLElement).getByRole("button", { name: "Play the sample" }),
    );
    expect((await within(item as HTMLElement).findByRole("alert")).textContent).toContain(
      "cannot be reached",
    );
  });

  it("shows the application's history", async () => {
    mockApp({
      ...asReviewer,
      review_inbox: () => [
        application({
          history: [
            {
              actor_id: "usr_demo_applicant",
              action: "submit",
              from_state: "draft",
              to_state: "submitted",
              reason: null,
              at_ms: 1_780_000_000_000,
            },
            {
              actor_id: "usr_demo_reviewer",
              action: "reject",
              from_state: "submitted",
              to_state: "rejected",
              reason: "Send a sample you wrote.",
              at_ms: 1_780_000_100_000,
            },
          ],
        }),
      ],
    });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    const text = item?.textContent ?? "";
    expect(text).toContain("Sent for review");
    expect(text).toContain("Sent back · Send a sample you wrote.");
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ ...asReviewer, review_inbox: () => [application()] });
    renderApp("/review");
    const [item] = await screen.findAllByTestId("inbox-item");
    expect(item?.textContent).toContain("收款账户");
    expect(item?.textContent).toContain("版权声明");
    expect(within(item as HTMLElement).getByRole("button", { name: "通过" })).toBeTruthy();
    expect(within(item as HTMLElement).getByRole("button", { name: "驳回…" })).toBeTruthy();
  });
});
