/**
 * The product's server (site + API on one port, nightly run controller) in a process of
 * its own, for the load and soak checks: the same pieces as src/server/main.ts, on a given
 * warehouse, with one account per role (password from RELIABILITY_PASSWORD). Talks to its
 * parent over IPC: sends {type: "listening", port}; on {type: "run"} starts a nightly run and
 * sends {type: "published"} at the swap and {type: "run-done", ok, ms, message}; on
 * {type: "rss"} answers {type: "rss", rss, heapUsed} after a garbage collection (run with
 * --expose-gc). Loopback only.
 *
 *   node --expose-gc --import tsx test/reliability/serverChild.ts --exports DIR --db FILE --sites DIR [--fake-site]
 */
import fs from "node:fs";
import { UserStore } from "../../src/api/users.ts";
import { createProductApp } from "../../src/server/productApp.ts";
import { RunController } from "../../src/server/runController.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildSite } from "../../src/site/build.ts";
import { ownerOnlyUmask } from "../../src/ownerOnly.ts";
import { buildFakeSite } from "./fakeSite.ts";
import { listenOnLoopback } from "../util/productServer.ts";
import { cliOptions } from "../../src/cli/args.ts";

ownerOnlyUmask(); // as the server does (src/server/main.ts)

const USAGE = "Usage : node --import tsx test/reliability/serverChild.ts --exports DOSSIER --db FICHIER --sites DOSSIER [--fake-site]";
const values = cliOptions({ strings: ["exports", "db", "sites"], booleans: ["fake-site"] }, USAGE) ?? process.exit(0);
const send = (m: unknown) => process.send?.(m);
const password = process.env.RELIABILITY_PASSWORD ?? "mot-de-passe-charge";
fs.mkdirSync(values.sites!, { recursive: true });
const warehouse = new WarehouseProvider(values.db!);
const runs = new RunController({
  exportsDir: values.exports!,
  dbPath: values.db!,
  sitesDir: values.sites!,
  warehouse,
  buildSite: values["fake-site"]
    ? (wh, out) => buildFakeSite(wh, out)
    : async (wh, out) => void (await buildSite({ warehouse: wh, output: out, log: () => undefined })),
  log: (l) => {
    if (l.includes("nouvelles données publiées")) send({ type: "published", at: Date.now() });
    if (l.includes("[serveur]")) process.stderr.write(l + "\n");
  },
});
const app = createProductApp({ warehouse, runs, users: UserStore.onePerRole(password), log: (l) => process.stderr.write(l + "\n") });
const { server, port } = await listenOnLoopback(app);
send({ type: "listening", port });
process.on("message", async (m: { type: string }) => {
  if (m.type === "run") {
    const t0 = performance.now();
    try {
      await runs.runNow("planification");
      const last = runs.status().derniers[0];
      send({ type: "run-done", ok: last?.statut === "succès", message: last?.message ?? null, ms: performance.now() - t0 });
    } catch (e) {
      send({ type: "run-done", ok: false, message: (e as Error).message, ms: performance.now() - t0 });
    }
  } else if (m.type === "rss") {
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    send({ type: "rss", rss: mem.rss, heapUsed: mem.heapUsed });
  } else if (m.type === "stop") {
    server.close();
    warehouse.close();
    process.exit(0);
  }
});
