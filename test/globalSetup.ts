/**
 * Runs once before the test workers: resolves the Chromium the browser tests drive
 * (test/util/browser.ts) and hands its path to them.
 */
import type { TestProject } from "vitest/node";
import { resolveChromium } from "./util/browser.ts";

export default async function setup(project: TestProject): Promise<void> {
  project.provide("chromiumPath", await resolveChromium());
}
