// Test support: answers commands in component tests without a Rust process, through Tauri's
// own IPC mock, so the real bindings, events and error handling are exercised.
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import { act } from "@testing-library/react";
import type {
  ApiError,
  BackendStatus_Serialize as BackendStatus,
  IncomeEvent,
  PlayerEvent_Serialize as PlayerEvent,
  UploadProgress,
} from "./bindings";

type Handler = (args: Record<string, unknown>) => unknown;

/** Thrown by a handler to make a command fail with `{code, message}`. */
export class CommandFailure {
  constructor(readonly error: ApiError) {}
}

/**
 * Routes each command name (snake_case, as Rust names it) to a handler. Events are mocked
 * too: {@link emitEvent} delivers one to the app's listeners.
 */
export function mockCommands(handlers: Record<string, Handler>): void {
  mockIPC(
    (command, args) => {
      const handler = handlers[command];
      if (!handler) throw `command ${command} not mocked`;
      try {
        return handler((args ?? {}) as Record<string, unknown>);
      } catch (failure) {
        if (failure instanceof CommandFailure) throw failure.error;
        throw failure;
      }
    },
    { shouldMockEvents: true },
  );
  mockConvertFileSrc("linux");
}

/** The events Rust sends, by their wire names. */
interface EventPayloads {
  "backend-status-changed": BackendStatus;
  "income-event-received": IncomeEvent;
  "track-upload-progressed": UploadProgress;
  "player-event-received": PlayerEvent;
}

/** Sends an event as the Rust shell would, and lets React settle. */
export async function emitEvent<K extends keyof EventPayloads>(
  name: K,
  payload: EventPayloads[K],
): Promise<void> {
  await act(async () => {
    await emit(name, payload);
  });
}

/** The engine starting entry `index` of the queue, `path`, as it announces it. */
export async function emitTrackStarted(
  index: number,
  path: string,
  durationMs: number,
): Promise<void> {
  await emitEvent("player-event-received", { type: "trackChanged", index, path, durationMs });
  await emitEvent("player-event-received", { type: "stateChanged", state: "playing" });
}

export { clearMocks };
