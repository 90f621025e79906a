/**
 * A nightly run in a process of its own, as the server runs it (RunController: ETL, site
 * build before publication, swap), so the reliability checks can SIGKILL it at a fault
 * point (ETL_KILL_AT) or run it inside a mount namespace. Prints one JSON line on stdout:
 * {ok, name, message, avant, apres} (with --verifier, the warehouse's SHA-256 and figures
 * before and after the run, and what the run left beside it).
 *
 *   node --import tsx test/reliability/nightlyChild.ts --exports DIR --db FILE --sites DIR
 *        [--pause-ms N] [--verifier] [--sans-site]
 */
import fs from "node:fs";
import { runEtl } from "../../src/etl/runEtl.ts";
import { RunController } from "../../src/server/runController.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildFakeSite } from "./fakeSite.ts";
import { ownerOnlyUmask } from "../../src/ownerOnly.ts";
import { figuresSnapshot, leftovers, sha256 } from "./office.ts";
import { cliOptions } from "../../src/cli/args.ts";

ownerOnlyUmask(); // as the server does (src/server/main.ts)

const USAGE =
  "Usage : node --import tsx test/reliability/nightlyChild.ts --exports DOSSIER --db FICHIER --sites DOSSIER [--pause-ms N] [--verifier] [--sans-site]";
const values =
  cliOptions({ strings: ["exports", "db", "sites", "pause-ms"], booleans: ["verifier", "sans-site"] }, USAGE) ?? process.exit(0);
const db = values.db!;
const state = async () =>
  fs.existsSync(db) ? { sha256: sha256(db), figures: await figuresSnapshot(db) } : { sha256: null, figures: null };

const avant = values.verifier ? await state() : null;
let result: { ok: boolean; name?: string; message?: string };
try {
  if (values["sans-site"]) {
    await runEtl({ exportsDir: values.exports!, dbPath: db, log: () => undefined });
  } else {
    fs.mkdirSync(values.sites!, { recursive: true });
    const warehouse = new WarehouseProvider(db);
    const runs = new RunController({
      exportsDir: values.exports!,
      dbPath: db,
      sitesDir: values.sites!,
      warehouse,
      buildSite: (wh, out) => buildFakeSite(wh, out, Number(values["pause-ms"] ?? 0)),
      log: (l) => process.stderr.write(l + "\n"),
    });
    let failure: Error | null = null;
    // runNow resolves even when the run fails after taking the lock: read the journal's verdict.
    await runs.runNow("planification").catch((e: Error) => (failure = e));
    const last = runs.status().derniers[0];
    if (failure) throw failure;
    if (!last || last.statut !== "succès") throw Object.assign(new Error(last?.message ?? "échec sans message"), { name: "EtlRunError" });
    warehouse.close();
  }
  result = { ok: true };
} catch (e) {
  result = { ok: false, name: (e as Error).name, message: (e as Error).message };
}
const apres = values.verifier ? { ...(await state()), restes: leftovers(db) } : null;
process.stdout.write(JSON.stringify({ ...result, avant, apres }) + "\n");
process.exit(0);
