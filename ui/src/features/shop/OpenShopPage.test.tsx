import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ApplicationDraft, ApplicationView } from "../../ipc";
import { CommandFailure } from "../../ipc/testing";
import { application } from "../../test/fixtures";
import { forever, mockApp, renderApp } from "../../test/render";

const filled: ApplicationDraft = {
  kind: "label",
  shop_name: "Tide Records 潮汐唱片",
  legal_name: "Tide Records Ltd",
  contact: "hello@tide.example",
  payout_account: "alipay:tide@example.com",
  declares_own_copyright_no_covers: true,
};

function draftApplication(overrides: Partial<ApplicationView> = {}): ApplicationView {
  return application({
    id: "app_new",
    applicant_id: "usr_demo_listener",
    state: "draft",
    draft: filled,
    has_sample: false,
    history: [],
    ...overrides,
  });
}

async function fillDetails() {
  await userEvent.type(screen.getByTestId("field-shop_name"), filled.shop_name);
  await userEvent.type(screen.getByTestId("field-legal_name"), filled.legal_name);
  await userEvent.type(screen.getByTestId("field-contact"), filled.contact);
  await userEvent.type(screen.getByTestId("field-payout_account"), filled.payout_account);
}

const next = () => userEvent.click(screen.getByTestId("wizard-next"));

describe("opening a shop", () => {
  it("shows a placeholder while loading", async () => {
    mockApp({ my_application: () => forever() });
    renderApp("/shop/open");
    expect(await screen.findByRole("status", { name: "Loading…" })).toBeTruthy();
  });

  it("explains a failure to load", async () => {
    mockApp({
      my_application: () => {
        throw new CommandFailure({ code: "unavailable", message: "down" });
      },
    });
    renderApp("/shop/open");
    expect((await screen.findByRole("alert")).textContent).toContain("cannot be reached");
  });

  it("is reached from the dashboard of someone without a shop", async () => {
    mockApp({ my_application: () => null });
    const { router } = renderApp("/dashboard");
    await userEvent.click(await screen.findByTestId("open-shop"));
    expect(router.state.location.pathname).toBe("/shop/open");
    expect(await screen.findByTestId("shop-wizard")).toBeTruthy();
  });

  it("walks through kind, details, declaration, sample and submit", async () => {
    let current: ApplicationView | null = null;
    const log = mockApp({
      my_application: () => current,
      save_application: ({ draft }) => {
        current = draftApplication({ draft: draft as ApplicationDraft });
        return current;
      },
      upload_application_sample: () => {
        current = draftApplication({ has_sample: true });
        return { application: current, refusal: null };
      },
      submit_application: ({ id }) => {
        current = draftApplication({ id: String(id), state: "submitted" });
        return current;
      },
    });
    renderApp("/shop/open");
    const wizard = await screen.findByTestId("shop-wizard");
    expect(wizard.dataset.step).toBe("kind");
    expect(screen.getByRole("list", { name: "Steps to open a shop" })).toBeTruthy();
    await userEvent.click(screen.getByRole("radio", { name: /Label/ }));
    await next();

    // Details: nothing goes to Rust until every field is filled.
    await next();
    expect(wizard.dataset.step).toBe("details");
    expect(screen.getAllByText("Fill this in.")).toHaveLength(4);
    expect(screen.getByTestId("field-shop_name").getAttribute("aria-invalid")).toBe("true");
    await fillDetails();
    await next();

    // The declaration spells out "no covers" and is required.
    expect(wizard.dataset.step).toBe("declaration");
    expect(wizard.textContent).toContain("No cover versions");
    await next();
    expect(wizard.textContent).toContain("A shop can only open with this declaration.");
    expect(log.count("save_application")).toBe(0);
    await userEvent.click(screen.getByRole("checkbox"));
    await next();
    expect(log.argsOf("save_application")).toEqual([{ id: null, draft: filled }]);

    // The sample: the path goes to Rust, which streams the file.
    await waitFor(() => expect(wizard.dataset.step).toBe("sample"));
    expect((screen.getByTestId("wizard-next") as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(screen.getByTestId("sample-path"), "/music/tide.flac");
    await userEvent.click(screen.getByTestId("sample-upload"));
    expect(log.argsOf("upload_application_sample")).toEqual([
      { id: "app_new", path: "/music/tide.flac" },
    ]);
    expect((await screen.findByTestId("sample-accepted")).textContent).toContain("tide.flac");
    await next();

    expect(wizard.dataset.step).toBe("submit");
    expect(screen.getByTestId("application-summary").textContent).toContain("Tide Records Ltd");
    await next();
    expect(log.argsOf("submit_application")).toEqual([{ id: "app_new" }]);
    const status = await screen.findByTestId("application-status");
    expect(status.dataset.state).toBe("submitted");
    expect(status.textContent).toContain("Tide Records 潮汐唱片 is waiting for a reviewer");
  });

  it("explains a refused sample and keeps what was there", async () => {
    mockApp({
      my_application: () => draftApplication(),
      upload_application_sample: () => ({
        application: draftApplication(),
        refusal: { kind: "not_audio", detail: "this is not an audio file Shrimp can read" },
      }),
      save_application: () => draftApplication(),
    });
    renderApp("/shop/open");
    await screen.findByTestId("shop-wizard");
    await next(); // details, filled from the draft
    await next(); // declaration, already given
    await next(); // saved
    await screen.findByTestId("sample-path");
    await userEvent.type(screen.getByTestId("sample-path"), "/home/me/notes.pdf");
    await userEvent.click(screen.getByTestId("sample-upload"));
    const refused = await screen.findByTestId("sample-refused");
    expect(refused.getAttribute("role")).toBe("alert");
    expect(refused.textContent).toContain("notes.pdf is not audio Shrimp can read.");
    expect(refused.textContent).toContain("Nothing was kept from this file.");
    expect((screen.getByTestId("wizard-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("uploads the sample chosen in the system's file dialog, through the same command", async () => {
    const log = mockApp({
      my_application: () => draftApplication(),
      "plugin:dialog|open": () => "/home/me/Music/tide.flac",
      upload_application_sample: () => ({
        application: draftApplication({ has_sample: true }),
        refusal: null,
      }),
      save_application: () => draftApplication(),
    });
    renderApp("/shop/open");
    await screen.findByTestId("shop-wizard");
    await next();
    await next();
    await next();
    await userEvent.click(await screen.findByTestId("pick-sample"));
    expect((await screen.findByTestId("sample-accepted")).textContent).toContain("tide.flac");
    expect(log.argsOf("upload_application_sample")).toEqual([
      { id: draftApplication().id, path: "/home/me/Music/tide.flac" },
    ]);
    expect(log.argsOf("plugin:dialog|open")[0]).toMatchObject({
      options: { multiple: false, title: "Choose a sample of your music" },
    });
    expect((screen.getByTestId("sample-path") as HTMLInputElement).value).toBe(
      "/home/me/Music/tide.flac",
    );
  });

  it("shows the reviewer's reason and lets the applicant fix and resubmit", async () => {
    let current = draftApplication({
      state: "rejected",
      has_sample: true,
      rejection_reason: "The sample sounds like a cover of a famous song.",
      history: [
        {
          actor_id: "usr_demo_listener",
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
          reason: "The sample sounds like a cover of a famous song.",
          at_ms: 1_780_000_100_000,
        },
      ],
    });
    const log = mockApp({
      my_application: () => current,
      save_application: ({ id, draft }) => {
        current = { ...current, id: String(id), draft: draft as ApplicationDraft };
        return current;
      },
      submit_application: () => {
        current = { ...current, state: "submitted", rejection_reason: null };
        return current;
      },
    });
    renderApp("/shop/open");
    const status = await screen.findByTestId("application-status");
    expect(status.dataset.state).toBe("rejected");
    expect(screen.getByTestId("rejection-reason").textContent).toContain("cover of a famous song");
    expect(screen.getByTestId("application-history").textContent).toContain("Sent back");

    await userEvent.click(screen.getByTestId("fix-application"));
    expect(screen.getByTestId("fixing-notice").textContent).toContain("cover of a famous song");
    const name = screen.getByTestId("field-shop_name");
    await userEvent.clear(name);
    await userEvent.type(name, "Tide Originals");
    await next();
    await next();
    await waitFor(() => expect(screen.getByTestId("shop-wizard").dataset.step).toBe("sample"));
    expect(log.argsOf("save_application")[0]).toMatchObject({
      id: "app_new",
      draft: { shop_name: "Tide Originals" },
    });
    expect(screen.getByTestId("sample-present")).toBeTruthy();
    await next();
    expect(screen.getByTestId("wizard-next").textContent).toBe("Send again for review");
    await next();
    expect((await screen.findByTestId("application-status")).dataset.state).toBe("submitted");
  });

  it("celebrates an approved shop with the way to the dashboard", async () => {
    mockApp({
      my_application: () => draftApplication({ state: "approved", shop_id: "shp_tide" }),
    });
    renderApp("/shop/open");
    const status = await screen.findByTestId("application-status");
    expect(status.textContent).toContain("Tide Records 潮汐唱片 is open");
    expect(within(status).getByRole("link", { name: "Go to your dashboard" })).toBeTruthy();
  });

  it("speaks Chinese", async () => {
    localStorage.setItem("shrimp.language", "zh-CN");
    mockApp({ my_application: () => null });
    renderApp("/shop/open");
    await screen.findByTestId("shop-wizard");
    expect(screen.getByRole("heading", { level: 1, name: "开店" })).toBeTruthy();
    expect(screen.getByRole("radio", { name: /唱片公司/ })).toBeTruthy();
  });
});
