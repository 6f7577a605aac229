import { afterEach, describe, expect, it } from "vitest";
import { commands } from "./bindings";
import { errorCode, IpcError, unwrap } from "./index";
import { CommandFailure, clearMocks, mockCommands } from "./testing";

afterEach(() => clearMocks());

describe("unwrap", () => {
  it("returns the data of a successful command", async () => {
    mockCommands({ app_status: () => ({ version: "9.9.9" }) });
    const status = await unwrap(commands.appStatus());
    expect(status.version).toBe("9.9.9");
  });

  it("throws the shared error code of a failed command", async () => {
    mockCommands({
      app_status: () => {
        throw new CommandFailure({ code: "storage", message: "disk gone" });
      },
    });
    const error = await unwrap(commands.appStatus()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect(errorCode(error)).toBe("storage");
    expect((error as IpcError).message).toBe("disk gone");
  });

  it("maps a refusal from Tauri itself to internal", async () => {
    mockCommands({});
    const error = await unwrap(commands.appStatus()).catch((e: unknown) => e);
    expect(errorCode(error)).toBe("internal");
    expect(String((error as Error).message)).toContain("app_status");
  });

  it("treats anything that is not an IpcError as internal", () => {
    expect(errorCode(new Error("boom"))).toBe("internal");
    expect(errorCode("text")).toBe("internal");
  });
});
