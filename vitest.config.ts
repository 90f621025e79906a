import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Only *.test.ts files are tests: test/reliability/ and test/bench/ also hold the tools
    // (npm run check:reliability, npm run bench) beside them, which are never collected.
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB work is CPU-bound and the machine has 2 cores.
    maxWorkers: 2,
    // Finds (or unpacks) the Chromium of the browser tests once: test/util/browser.ts.
    globalSetup: ["test/globalSetup.ts"],
  },
});
