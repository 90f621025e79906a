/**
 * npm start: the main job on the embedded demo office.
 * Generates the demo exports when data/exports is empty, runs the ETL and prints
 * the figures of 2024 (the year the demo office published).
 */
import fs from "node:fs";
import { generateDemo } from "../demo/generate.ts";
import { runEtl } from "../etl/runEtl.ts";
import { renderTable } from "../figures/render.ts";
import { DEFAULT_DB_PATH, DEFAULT_EXPORTS_DIR } from "../paths.ts";
import { getFigures } from "../warehouse/figures.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { runMain } from "./args.ts";

const PUBLISHED_YEAR = 2024;

runMain(async () => {
  const exportsDir = process.env.EXPORTS_DIR ?? DEFAULT_EXPORTS_DIR;
  const dbPath = process.env.WAREHOUSE_DB ?? DEFAULT_DB_PATH;
  const empty = !fs.existsSync(exportsDir) || !fs.readdirSync(exportsDir).some((f) => f.endsWith(".csv"));
  if (empty) {
    process.stderr.write(`[start] ${exportsDir} est vide : génération de l'office de démonstration…\n`);
    await generateDemo({ out: exportsDir });
  }
  await runEtl({ exportsDir, dbPath });
  const wh = await openWarehouse(dbPath);
  try {
    process.stdout.write(renderTable([await getFigures(wh, { annee: PUBLISHED_YEAR })]));
  } finally {
    wh.close();
  }
});
