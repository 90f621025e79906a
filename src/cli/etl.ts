/** npm run etl -- [--exports DIR] [--db FILE] [--profile FILE] */
import path from "node:path";
import { runEtl } from "../etl/runEtl.ts";
import { loadProfile } from "../etl/profile.ts";
import { DEFAULT_DB_PATH, DEFAULT_EXPORTS_DIR } from "../paths.ts";
import { parseCli, runMain } from "./args.ts";

const USAGE = "Usage : npm run etl -- [--exports DOSSIER] [--db FICHIER] [--profile FICHIER.json]";

runMain(async () => {
  const { values } = parseCli(
    { exports: { type: "string" }, db: { type: "string" }, profile: { type: "string" } },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const { run, lignesQuarantaine } = await runEtl({
    exportsDir: path.resolve(values.exports ?? DEFAULT_EXPORTS_DIR),
    dbPath: path.resolve(values.db ?? DEFAULT_DB_PATH),
    profile: loadProfile(values.profile),
  });
  const loaded = run.fichiers.filter((f) => f.statut !== "déjà chargé").length;
  console.log(
    `Chargement ${run.run_id} réussi : ${loaded} fichier(s) nouveau(x), ${run.fichiers.length - loaded} déjà chargé(s), ${lignesQuarantaine.toLocaleString("fr-FR")} ligne(s) en quarantaine.`,
  );
});
