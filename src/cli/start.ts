/**
 * npm start: the main job on the embedded demo office. Generates the demo exports when
 * data/exports is empty and the demo accounts when there is no users file, then runs the
 * server: first load and site build, site and API on PORT (3000), nightly schedule. Then the
 * demo's 2024 publication (src/demo/publishDemo.ts): 2024 is published when no publication of it
 * exists, the demo's correction is moved into the inbox and one more run loads it.
 */
import fs from "node:fs";
import path from "node:path";
import { generateDemo } from "../demo/generate.ts";
import { publishDemoYear } from "../demo/publishDemo.ts";
import { loadServerConfig } from "../server/config.ts";
import { ensureDemoAccounts } from "../server/demoAccounts.ts";
import { startServer } from "../server/main.ts";
import { renderTable } from "../figures/render.ts";
import { readPublications } from "../publications/store.ts";
import { getFigures } from "../warehouse/figures.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { runMain } from "./args.ts";
import { formatParisDay } from "../../reports/components/format.ts";

const PUBLISHED_YEAR = 2024;

runMain(async () => {
  // First: the demo's exports, the accounts and everything after are owner-only (ownerOnly.ts).
  ownerOnlyUmask();
  const config = loadServerConfig();
  const empty = !fs.existsSync(config.EXPORTS_DIR) || !fs.readdirSync(config.EXPORTS_DIR).some((f) => f.endsWith(".csv"));
  if (empty) {
    process.stderr.write(`[start] ${config.EXPORTS_DIR} est vide : génération de l'office de démonstration…\n`);
    // with the correction it receives once its 2024 figures are published (publishDemoYear below)
    await generateDemo({ out: config.EXPORTS_DIR, correction: true });
  }
  const accounts = ensureDemoAccounts(config.USERS_FILE);
  const { warehouse, runs } = await startServer({ demoAccounts: accounts });
  try {
    const demo = await publishDemoYear({ dbPath: config.WAREHOUSE_DB, exportsDir: config.EXPORTS_DIR, runOnce: () => runs.runNow("cli") });
    if (demo.publiee)
      process.stderr.write(`[start] chiffres ${PUBLISHED_YEAR} publiés : « ${demo.publication!.titre} » (${demo.publication!.id})\n`);
    if (demo.correction.length)
      process.stderr.write(
        `[start] correction de l'office de démonstration chargée : ${demo.correction.map((f) => path.basename(f)).join(", ")}\n`,
      );
  } catch (e) {
    process.stderr.write(`[start] publication ${PUBLISHED_YEAR} de démonstration impossible : ${(e as Error).message}\n`);
  }
  // The demo office published its 2024 figures: show them as published (the CLI's table), else today's.
  const published = readPublications(config.WAREHOUSE_DB)
    .publications.filter((p) => p.annee === PUBLISHED_YEAR && !p.retrait)
    .at(-1);
  if (published)
    process.stdout.write(
      `\n« ${published.titre} », publié le ${formatParisDay(published.publie_le)} :\n` + renderTable([published.chiffres.ensemble]),
    );
  else
    await warehouse
      .use(async (wh) => process.stdout.write("\n" + renderTable([await getFigures(wh, { annee: PUBLISHED_YEAR })])))
      .catch((e: Error) => process.stderr.write(`[start] chiffres ${PUBLISHED_YEAR} indisponibles : ${(e as Error).message}\n`));
});
