/**
 * The whole product in one process: load the exports, build the site, serve the site
 * and the API on one port, and run again every night. `npm start` runs it on the demo
 * office (generated when the inbox is empty); `npm run serve` on whatever is in place.
 */
import fs from "node:fs";
import path from "node:path";
import { serve } from "@hono/node-server";
import { UserStore } from "../api/users.ts";
import { loadProfile } from "../etl/profile.ts";
import { tightenInstallation } from "../ownerOnly.ts";
import { projectPath } from "../paths.ts";
import { buildSite } from "../site/build.ts";
import { loadServerConfig } from "./config.ts";
import type { DemoAccount } from "./demoAccounts.ts";
import { createProductApp } from "./productApp.ts";
import { RunController } from "./runController.ts";
import { WarehouseProvider } from "./warehouseProvider.ts";

export async function startServer(options: { demoAccounts?: DemoAccount[] | null } = {}) {
  const config = loadServerConfig();
  const log = (line: string) => process.stderr.write(line + "\n");
  // Owner-only umask, and what an older version created readable by others (ownerOnly.ts):
  // data/, the warehouse's files, the site builds and the users file wherever they live.
  tightenInstallation({
    dataDir: projectPath("data"),
    dbPath: config.WAREHOUSE_DB,
    paths: [config.SITES_DIR, config.USERS_FILE, path.join(path.dirname(config.USERS_FILE), "comptes-demo.txt")],
    log,
  });
  fs.mkdirSync(config.SITES_DIR, { recursive: true, mode: 0o700 });
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

  const app = createProductApp({
    warehouse,
    runs,
    users: UserStore.fromFile(config.USERS_FILE),
    secureCookies: config.SECURE_COOKIES,
    allowedHosts: config.ALLOWED_HOSTS,
    log,
  });
  runs.schedule(config.NIGHTLY_SCHEDULE, config.NIGHTLY_TIMEZONE);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  // On every interface (0.0.0.0, ::) the address to open is one of the configured names.
  const name = config.ALLOWED_HOSTS.includes(config.HOST) ? config.HOST : config.ALLOWED_HOSTS[0]!;
  const address = `http://${name.includes(":") ? `[${name}]` : name}:${config.PORT}/`;
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
