/**
 * A stand-in for the site build in the reliability checks: it reads the warehouse it is
 * given (the new one, before publication, as the real build does) and writes every figure
 * it publishes into index.html, so "the site changed wholly or not at all" can be checked
 * byte for byte. The real Observable build takes tens of seconds; it is exercised by
 * test/site.e2e.test.ts and by the load check's nightly run.
 */
import fs from "node:fs";
import path from "node:path";
import { figuresSnapshot } from "./office.ts";

export async function buildFakeSite(warehouse: string, output: string, pauseMs = 0): Promise<void> {
  const snapshot = await figuresSnapshot(warehouse);
  if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  fs.mkdirSync(output, { recursive: true });
  fs.writeFileSync(path.join(output, "index.html"), `<pre>${snapshot}</pre>`);
}
