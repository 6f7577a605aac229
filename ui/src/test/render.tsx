import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { routes } from "../app/routes";
import { I18nProvider } from "../i18n";
import { mockCommands } from "../ipc/testing";
import { backendReady, readyStatus } from "./fixtures";

/** Renders the whole app at `path` with fresh query and router state. */
export function renderApp(path = "/store") {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchInterval: false } },
  });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <RouterProvider router={router} />
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { ...view, router, queryClient };
}

type Handler = (args: Record<string, unknown>) => unknown;

/** Records every command the app sends, with its arguments. */
export interface CallLog {
  calls: { command: string; args: Record<string, unknown> }[];
  count: (command: string) => number;
  argsOf: (command: string) => Record<string, unknown>[];
}

/**
 * Mocks a ready demo backend signed in as the listener (the app's first screen), with no
 * orders; `handlers` add or replace commands.
 */
export function mockApp(handlers: Record<string, Handler> = {}): CallLog {
  const log: CallLog = {
    calls: [],
    count: (command) => log.calls.filter((call) => call.command === command).length,
    argsOf: (command) =>
      log.calls.filter((call) => call.command === command).map((call) => call.args),
  };
  const all: Record<string, Handler> = {
    app_status: () => readyStatus,
    backend_status: () => backendReady("listener"),
    my_orders: () => [],
    downloaded_tracks: () => [],
    watch_income: () => null,
    connection: () => ({ remembered: null, persistence: { mode: "persistent" } }),
    player_queue: () => ({ tracks: [], index: null, positionMs: 0 }),
    player_status: () => ({
      state: "stopped",
      index: null,
      path: null,
      durationMs: null,
      positionMs: 0,
      device: null,
    }),
    library_tracks: () => ({ total: 0, offset: 0, tracks: [] }),
    preferences: () => ({ saleNotifications: false, language: "en" }),
    set_preferences: ({ preferences }) => preferences,
    ...handlers,
  };
  mockCommands(
    Object.fromEntries(
      Object.entries(all).map(([command, handler]) => [
        command,
        (args: Record<string, unknown>) => {
          log.calls.push({ command, args });
          return handler(args);
        },
      ]),
    ),
  );
  return log;
}

/** A promise that never settles: a command still loading. */
export function forever(): Promise<never> {
  return new Promise(() => {});
}
