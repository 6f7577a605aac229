// Test support: answers commands in component tests without a Rust process, through Tauri's
// own IPC mock, so the real bindings and error handling are exercised.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { ApiError } from "./bindings";

type Handler = (args: Record<string, unknown>) => unknown;

/** Thrown by a handler to make a command fail with `{code, message}`. */
export class CommandFailure {
  constructor(readonly error: ApiError) {}
}

/** Routes each command name (snake_case, as Rust names it) to a handler. */
export function mockCommands(handlers: Record<string, Handler>): void {
  mockIPC((command, args) => {
    const handler = handlers[command];
    if (!handler) throw `command ${command} not mocked`;
    try {
      return handler((args ?? {}) as Record<string, unknown>);
    } catch (failure) {
      if (failure instanceof CommandFailure) throw failure.error;
      throw failure;
    }
  });
}

export { clearMocks };
