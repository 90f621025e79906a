import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB work is CPU-bound and the machine has 2 cores.
    maxWorkers: 2,
    // Finds (or unpacks) the Chromium of the browser tests once: test/util/browser.ts.
    globalSetup: ["test/globalSetup.ts"],
  },
});
