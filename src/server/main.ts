/**
 * The whole product in one process: load the exports, build the site, serve the site
 * and the API on one port, and run again every night. `npm start` runs it on the demo
 * office (generated when the inbox is empty); `npm run serve` on whatever is in place.
 */
import fs from "node:fs";
import { serve } from "@hono/node-server";
import { UserStore } from "../api/users.ts";
import { loadProfile } from "../etl/profile.ts";
import { buildSite } from "../site/build.ts";
import { loadServerConfig } from "./config.ts";
import type { DemoAccount } from "./demoAccounts.ts";
import { createProductApp } from "./productApp.ts";
import { RunController } from "./runController.ts";
import { WarehouseProvider } from "./warehouseProvider.ts";

export async function startServer(options: { demoAccounts?: DemoAccount[] | null } = {}) {
  const config = loadServerConfig();
  const log = (line: string) => process.stderr.write(line + "\n");
  fs.mkdirSync(config.SITES_DIR, { recursive: true });
  const warehouse = new WarehouseProvider(config.WAREHOUSE_DB);
  const runs = new RunController({
    exportsDir: config.EXPORTS_DIR,
    dbPath: config.WAREHOUSE_DB,
    profile: loadProfile(config.PROFILE),
    sitesDir: config.SITES_DIR,
    warehouse,
    buildSite: async (wh, output) => {
      await buildSite({ warehouse: wh, output, log });
    },
    log,
  });

  // A first run at start-up: new exports since the last run are loaded, and the site is built.
  try {
    await runs.runNow("cli");
  } catch (e) {
    log(`[serveur] premier chargement non lancé : ${(e as Error).message}`);
  }
  if (!fs.existsSync(config.WAREHOUSE_DB)) log("[serveur] aucun entrepôt publié : l'API répondra 503 jusqu'au premier chargement réussi.");

  const app = createProductApp({ warehouse, runs, users: UserStore.fromFile(config.USERS_FILE), secureCookies: config.SECURE_COOKIES, log });
  runs.schedule(config.NIGHTLY_SCHEDULE, config.NIGHTLY_TIMEZONE);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  const address = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}/`;
  process.stdout.write(`\nObservatoire des impayés : ${address}\n`);
  process.stdout.write(`  API : ${address}api/docs · santé : ${address}health · connexion : ${address}connexion\n`);
  process.stdout.write(`  Chargement planifié : « ${config.NIGHTLY_SCHEDULE} » (${config.NIGHTLY_TIMEZONE})\n`);
  if (options.demoAccounts?.length) {
    process.stdout.write(`  Comptes de démonstration (aussi dans data/comptes-demo.txt) :\n`);
    for (const a of options.demoAccounts) process.stdout.write(`    ${a.role.padEnd(14)} ${a.identifiant.padEnd(20)} ${a.mot_de_passe}\n`);
  }
  const stop = () => {
    runs.stopSchedule();
    server.close();
    warehouse.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return { app, server, runs, warehouse };
}
