/**
 * npm start: the main job on the embedded demo office. Generates the demo exports when
 * data/exports is empty and the demo accounts when there is no users file, then runs the
 * server: first load and site build, site and API on PORT (3000), nightly schedule.
 */
import fs from "node:fs";
import { generateDemo } from "../demo/generate.ts";
import { loadServerConfig } from "../server/config.ts";
import { ensureDemoAccounts } from "../server/demoAccounts.ts";
import { startServer } from "../server/main.ts";
import { renderTable } from "../figures/render.ts";
import { getFigures } from "../warehouse/figures.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { runMain } from "./args.ts";

const PUBLISHED_YEAR = 2024;

runMain(async () => {
  // First: the demo's exports, the accounts and everything after are owner-only (ownerOnly.ts).
  ownerOnlyUmask();
  const config = loadServerConfig();
  const empty = !fs.existsSync(config.EXPORTS_DIR) || !fs.readdirSync(config.EXPORTS_DIR).some((f) => f.endsWith(".csv"));
  if (empty) {
    process.stderr.write(`[start] ${config.EXPORTS_DIR} est vide : génération de l'office de démonstration…\n`);
    await generateDemo({ out: config.EXPORTS_DIR });
  }
  const accounts = ensureDemoAccounts(config.USERS_FILE);
  const { warehouse } = await startServer({ demoAccounts: accounts });
  // The demo office published its 2024 figures: show them as the CLI does.
  await warehouse
    .use(async (wh) => process.stdout.write("\n" + renderTable([await getFigures(wh, { annee: PUBLISHED_YEAR })])))
    .catch((e: Error) => process.stderr.write(`[start] chiffres ${PUBLISHED_YEAR} indisponibles : ${e.message}\n`));
});
