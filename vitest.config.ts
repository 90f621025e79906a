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
    // A browser test polls what a page shows until it holds. Vitest's default of 1 s is shorter
    // than a page's first render on this machine when the other worker runs DuckDB (a run of the
    // suite with the system Chromium hidden failed so); a poll that never holds still fails.
    expect: { poll: { timeout: 15_000 } },
    // Finds (or unpacks) the Chromium of the browser tests once: test/util/browser.ts.
    globalSetup: ["test/globalSetup.ts"],
  },
});
