/**
 * One step of the benchmark, in its own process (see processes.ts):
 *   tsx test/bench/child.ts <step> '<json arguments>'
 * Progress goes to stderr; the last line on stdout is the step's JSON result, with the
 * seconds the step itself took (process start-up and imports excluded).
 */
import { createApp } from "../../src/api/app.ts";
import { SessionStore, SignInThrottle } from "../../src/api/sessions.ts";
import { UserStore, hashPassword } from "../../src/api/users.ts";
import { generateDemo } from "../../src/demo/generate.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { RunController } from "../../src/server/runController.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildSite } from "../../src/site/build.ts";
import { ownerOnlyUmask } from "../../src/ownerOnly.ts";
import { loadFloor } from "./floor.ts";
import { listenOnLoopback } from "../util/productServer.ts";

type Args = Record<string, unknown>;
const log = (line: string) => process.stderr.write(line + "\n");
const out = (result: unknown) => process.stdout.write(JSON.stringify(result) + "\n");

async function timed<T>(work: () => Promise<T>): Promise<T & { seconds: number }> {
  const t0 = performance.now();
  const r = await work();
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

const steps: Record<string, (a: Args) => Promise<void>> = {
  async demo(a) {
    const r = await timed(async () => {
      const g = await generateDemo({ logements: a.logements as number, annees: a.annees as number, out: a.out as string });
      return { files: g.files.length, rows: g.rows };
    });
    out(r);
  },

  async floor(a) {
    out(await loadFloor(a.exports as string, a.db as string));
  },

  async etl(a) {
    const r = await timed(async () => {
      const { run, lignesQuarantaine } = await runEtl({ exportsDir: a.exports as string, dbPath: a.db as string, log });
      return {
        fichiers_nouveaux: run.fichiers.filter((f) => f.statut === "chargé" || f.statut === "rechargé").length,
        fichiers_deja_charges: run.fichiers.filter((f) => f.statut === "déjà chargé").length,
        lignes_quarantaine: lignesQuarantaine,
      };
    });
    out(r);
  },

  async site(a) {
    const r = await timed(async () => {
      const b = await buildSite({ warehouse: a.warehouse as string, output: a.output as string, log });
      return { pages: b.pages.map((p) => ({ page: p.page, dataBytes: p.dataBytes })) };
    });
    out(r);
  },

  /** The product's server (site and API) on 127.0.0.1, a free port, one account of each role asked. */
  async server(a) {
    const db = a.db as string;
    const warehouse = new WarehouseProvider(db);
    await warehouse.reload();
    const runs = new RunController({
      exportsDir: a.exports as string,
      dbPath: db,
      sitesDir: a.sites as string,
      warehouse,
      buildSite: async () => undefined,
      log,
    });
    const password = a.password as string;
    const users = new UserStore([{ identifiant: "banc", role: "recouvrement", mot_de_passe_hache: hashPassword(password) }]);
    const app = createApp({ warehouse, runs, users, sessions: new SessionStore(), throttle: new SignInThrottle(), log });
    const { server, port } = await listenOnLoopback(app);
    out({ port });
    const stop = () => {
      server.close();
      warehouse.close();
      process.exit(0);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  },
};

ownerOnlyUmask(); // every step writes under data/bench (ownerOnly.ts)
const [name, json] = process.argv.slice(2);
const step = name ? steps[name] : undefined;
if (!step) {
  log(`étape inconnue : ${name} (${Object.keys(steps).join(", ")})`);
  process.exit(2);
}
step(JSON.parse(json ?? "{}") as Args).catch((e: unknown) => {
  log(`Erreur : ${(e as Error)?.stack ?? String(e)}`);
  process.exit(1);
});
