/**
 * npm run figures -- [--db FILE] --annee YYYY [--au yyyy-mm-dd] [--secteur CODE | --par-secteur]
 *                    [--format json|csv|table]
 * npm run figures -- [--db FILE] --publication ID [--verifier] [--format json|csv|table]
 *   the figures of a publication as published (src/publications/); with --verifier, rebuilt from
 *   the export files it lists (found by SHA-256 in the raw layer) and compared, figure by figure.
 * Results on stdout (so `--format json | jq` works); errors on stderr, one line, exit 1.
 */
import path from "node:path";
import { PublicationError, QueryError } from "../errors.ts";
import { renderCsv, renderTable } from "../figures/render.ts";
import { DEFAULT_DB_PATH } from "../paths.ts";
import { getFigures, getFiguresBySector, type FiguresRecord } from "../warehouse/figures.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { cliOptions, runMain } from "./args.ts";
import { formatDate } from "../../reports/components/format.ts";
import { findPublication, PUBLICATION_ID } from "../publications/store.ts";
import { verifyPublication } from "../publications/verify.ts";

const USAGE_YEAR =
  "Usage : npm run figures -- --annee AAAA [--au aaaa-mm-jj] [--secteur CODE | --par-secteur] [--format json|csv|table] [--db FICHIER]";
const USAGE = `${USAGE_YEAR}\n        npm run figures -- --publication ID [--verifier] [--format json|csv|table] [--db FICHIER]`;

runMain(async () => {
  ownerOnlyUmask(); // reads only, but one rule for every entry point (ownerOnly.ts)
  const values = cliOptions(
    { strings: ["db", "annee", "au", "secteur", "format", "publication"], booleans: ["par-secteur", "verifier"] },
    USAGE,
  );
  if (!values) return;
  if (values.publication !== undefined || values.verifier) {
    if (values.annee || values.au || values.secteur || values["par-secteur"]) {
      throw new QueryError("--publication donne les chiffres tels que publiés : sans --annee, --au, --secteur ni --par-secteur.");
    }
    if (values.publication === undefined) throw new QueryError("--verifier demande --publication ID.");
    return publicationFigures(
      path.resolve(values.db ?? DEFAULT_DB_PATH),
      values.publication,
      values.verifier === true,
      values.format ?? "table",
    );
  }
  if (!values.annee) throw new QueryError(`--annee est obligatoire (ou --publication ID). ${USAGE_YEAR}`);
  if (!/^\d{4}$/.test(values.annee))
    throw new QueryError(`--annee « ${values.annee} » invalide : une année sur quatre chiffres est attendue.`);
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

/** A publication's figures as published, or (--verifier) rebuilt from its files and compared. */
async function publicationFigures(dbPath: string, id: string, verify: boolean, format: string): Promise<void> {
  if (!PUBLICATION_ID.test(id))
    throw new QueryError(`--publication « ${id} » invalide : un identifiant de publication est attendu, par exemple 2024-3f9a1c.`);
  if (!["json", "csv", "table"].includes(format)) throw new QueryError(`--format « ${format} » inconnu : json, csv ou table.`);
  const p = findPublication(dbPath, id);
  if (!verify) {
    const records = [p.chiffres.ensemble, ...p.chiffres.secteurs];
    if (format === "json") process.stdout.write(JSON.stringify(p.chiffres, null, 2) + "\n");
    else
      process.stdout.write(
        format === "csv" ? renderCsv(records) : `« ${p.titre} », publiée le ${parisDate(p.publie_le)}\n${renderTable(records)}`,
      );
    return;
  }
  const v = await verifyPublication(dbPath, p);
  if (format === "json") process.stdout.write(JSON.stringify(v, null, 2) + "\n");
  const scope = (s: string | null) => (s === null ? "ensemble" : `secteur ${s}`);
  if (v.identique) {
    if (format !== "json") {
      process.stdout.write(
        `Publication ${p.id} reproduite depuis ses ${v.fichiers} fichier(s) d'export : tous les chiffres sont identiques à ceux publiés le ${parisDate(p.publie_le)}.\n`,
      );
    }
    return;
  }
  if (format !== "json") {
    for (const g of v.ecarts)
      process.stdout.write(
        `${g.libelle} (${scope(g.secteur)}) : publié ${g.publie_texte}, recalculé ${g.actuel_texte} (${g.ecart_texte})\n`,
      );
  }
  throw new PublicationError(
    `publication ${p.id} non reproduite : ${v.ecarts.length} chiffre(s) diffèrent de ceux publiés` +
      (v.modeles_changes
        ? " ; les modèles SQL ont changé depuis la publication, ce qui peut l'expliquer."
        : " ; vérifiez la couche brute et les modèles SQL."),
  );
}

const parisDate = (iso: string) => new Date(iso).toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" });
