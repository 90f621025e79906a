/** npm run etl -- [--exports DIR] [--db FILE] [--profile FILE] [--complet] [--export-parquet DIR] */
import path from "node:path";
import { loadEtlConfig } from "../etl/config.ts";
import { exportParquet } from "../etl/exportParquet.ts";
import { runEtl } from "../etl/runEtl.ts";
import { loadProfile } from "../etl/profile.ts";
import { tightenInstallation } from "../ownerOnly.ts";
import { DEFAULT_DB_PATH, DEFAULT_EXPORTS_DIR, projectPath } from "../paths.ts";
import { cliOptions, runMain } from "./args.ts";

const USAGE =
  "Usage : npm run etl -- [--exports DOSSIER] [--db FICHIER] [--profile FICHIER.json] [--complet] [--export-parquet DOSSIER]\n" +
  "  --complet                 recalcule tous les modèles depuis la couche brute (sinon, seulement ce que changent les nouveaux fichiers)\n" +
  "  --export-parquet DOSSIER  écrit ensuite l'entrepôt publié en Parquet partitionné (Hive) dans DOSSIER";

runMain(async () => {
  const values = cliOptions({ strings: ["exports", "db", "profile", "export-parquet"], booleans: ["complet"] }, USAGE);
  if (!values) return;
  // The environment (ETL_MEMORY_LIMIT, ETL_PARTIE_LIGNES, …) is checked before anything is touched.
  const config = loadEtlConfig();
  const dbPath = path.resolve(values.db ?? DEFAULT_DB_PATH);
  // Owner-only umask, and what an older version left readable by others under data/ (ownerOnly.ts).
  tightenInstallation({ dataDir: projectPath("data"), dbPath, log: (l) => process.stderr.write(l + "\n") });
  const { run, lignesQuarantaine } = await runEtl({
    exportsDir: path.resolve(values.exports ?? DEFAULT_EXPORTS_DIR),
    dbPath,
    profile: loadProfile(values.profile),
    fullRebuild: values.complet ?? false,
    config,
  });
  const count = (...s: string[]) => run.fichiers.filter((f) => s.includes(f.statut)).length;
  const aside = run.fichiers.filter((f) => f.statut === "ignoré" || f.statut === "en attente");
  console.log(
    `Chargement ${run.run_id} réussi : ${count("chargé", "rechargé")} fichier(s) nouveau(x), ${count("déjà chargé")} déjà chargé(s), ` +
      `${count("en attente")} en attente, ${count("ignoré")} ignoré(s), ${lignesQuarantaine.toLocaleString("fr-FR")} ligne(s) en quarantaine.`,
  );
  // Files left aside do not fail the run, but someone should look at them.
  for (const f of aside) process.stderr.write(`Attention : ${f.fichier} ${f.statut} : ${f.motif}\n`);
  const parquetDir = values["export-parquet"];
  if (parquetDir) {
    const out = await exportParquet(dbPath, parquetDir, (line) => process.stderr.write(line + "\n"));
    console.log(`Export Parquet : ${out.tables.length} table(s) dans ${out.dossier} (voir _manifest.json).`);
  }
});
