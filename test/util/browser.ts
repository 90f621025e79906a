/**
 * Which Chromium the browser tests drive, and how they start it.
 *
 * In order: CHROMIUM_PATH when set, Debian's /usr/bin/chromium when installed (what .ci/run
 * installs), otherwise the Chromium build that the npm package @sparticuz/chromium ships
 * inside itself (brotli-compressed in node_modules; unpacked to the temporary folder, nothing
 * downloaded). So `npm ci && npm test` passes on a fresh machine with no browser installed.
 *
 * The global setup (test/globalSetup.ts) resolves it once, before the test workers start, so
 * that two workers never unpack it at the same time; tests read the result with inject().
 */
import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { inject } from "vitest";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

declare module "vitest" {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

/** The executable to use; unpacks the packaged build when there is no other. Run once, in the global setup. */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CHROMIUM_PATH) {
    if (!fs.existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH désigne ${env.CHROMIUM_PATH}, qui n'existe pas.`);
    return env.CHROMIUM_PATH;
  }
  if (fs.existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  // why not Chromium.args: they turn web security off and force a single process, which would
  // hide the CSP violations the tests look for; the tests pass their own flags (below)
  const packaged = (await import("@sparticuz/chromium")).default;
  return packaged.executablePath();
}

/** Headless Chromium as the tests run it: no sandbox (root), no GPU, no background network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject("chromiumPath"),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
