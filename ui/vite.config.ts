import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The desktop shell loads the built files; `make dev` points Tauri at the dev server instead.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./vitest.setup.ts"],
    css: false,
  },
});
