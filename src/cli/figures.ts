/**
 * npm run figures -- [--db FILE] --annee YYYY [--au yyyy-mm-dd] [--secteur CODE | --par-secteur]
 *                    [--format json|csv|table]
 * Results on stdout (so `--format json | jq` works); errors on stderr, one line, exit 1.
 */
import path from "node:path";
import { QueryError } from "../errors.ts";
import { renderCsv, renderTable } from "../figures/render.ts";
import { DEFAULT_DB_PATH } from "../paths.ts";
import { getFigures, getFiguresBySector, type FiguresRecord } from "../warehouse/figures.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { parseCli, runMain } from "./args.ts";

const USAGE =
  "Usage : npm run figures -- --annee AAAA [--au aaaa-mm-jj] [--secteur CODE | --par-secteur] [--format json|csv|table] [--db FICHIER]";

runMain(async () => {
  ownerOnlyUmask(); // reads only, but one rule for every entry point (ownerOnly.ts)
  const { values } = parseCli(
    {
      db: { type: "string" },
      annee: { type: "string" },
      au: { type: "string" },
      secteur: { type: "string" },
      "par-secteur": { type: "boolean" },
      format: { type: "string" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.annee) throw new QueryError(`--annee est obligatoire. ${USAGE}`);
  if (!/^\d{4}$/.test(values.annee)) throw new QueryError(`--annee « ${values.annee} » invalide : une année sur quatre chiffres est attendue.`);
  const format = values.format ?? "table";
  if (!["json", "csv", "table"].includes(format)) throw new QueryError(`--format « ${format} » inconnu : json, csv ou table.`);
  if (values.secteur && values["par-secteur"]) throw new QueryError("--secteur et --par-secteur s'excluent : choisissez l'un des deux.");

  const wh = await openWarehouse(path.resolve(values.db ?? DEFAULT_DB_PATH));
  try {
    const query = { annee: Number(values.annee), au: values.au ?? null };
    const records: FiguresRecord[] = values["par-secteur"]
      ? await getFiguresBySector(wh, query)
      : [await getFigures(wh, { ...query, secteur: values.secteur ?? null })];
    if (format === "json") {
      process.stdout.write(JSON.stringify(values["par-secteur"] ? records : records[0], null, 2) + "\n");
    } else if (format === "csv") {
      process.stdout.write(renderCsv(records));
    } else {
      process.stdout.write(renderTable(records));
    }
  } finally {
    wh.close();
  }
});
