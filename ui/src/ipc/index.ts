// The UI's one door to Rust. Features import typed hooks from here; nothing else in the UI
// may import Tauri or the generated bindings (Biome's noRestrictedImports enforces it).
import { useQuery } from "@tanstack/react-query";
import { type ApiError, type AppStatus, commands, type ErrorCode } from "./bindings";

export type { ApiError, AppStatus, ErrorCode };

/** A failed command, carrying the shared error code the UI branches on. */
export class IpcError extends Error {
  readonly code: ErrorCode;

  constructor(error: ApiError) {
    super(error.message);
    this.name = "IpcError";
    this.code = error.code;
  }
}

type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: ApiError };

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

/** Turns a command's result into a value or a thrown {@link IpcError}. */
export async function unwrap<T>(call: Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await call;
  } catch (thrown) {
    // Tauri itself refused (a missing permission, say): not one of our codes.
    throw new IpcError({ code: "internal", message: String(thrown) });
  }
  if (result.status === "ok") return result.data;
  if (isApiError(result.error)) throw new IpcError(result.error);
  throw new IpcError({ code: "internal", message: String(result.error) });
}

/** The code of any error, for messages: our own codes, or `internal` for anything else. */
export function errorCode(error: unknown): ErrorCode {
  return error instanceof IpcError ? error.code : "internal";
}

/** Query keys for data owned by Rust; events invalidate these in one place. */
export const queryKeys = {
  appStatus: ["app-status"] as const,
};

/** The core's health, refreshed every few seconds for the status line. */
export function useAppStatus() {
  return useQuery({
    queryKey: queryKeys.appStatus,
    queryFn: () => unwrap(commands.appStatus()),
    refetchInterval: 5_000,
    retry: false,
  });
}
