import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { clearMocks } from "./src/ipc/testing";

afterEach(() => {
  // Unmount first, so the app stops listening while the IPC mock is still there.
  cleanup();
  clearMocks();
  localStorage.clear();
});
