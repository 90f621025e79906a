/**
 * npm run publier -- --annee AAAA --titre "…" [--note "…"] [--au aaaa-mm-jj] [--par IDENTIFIANT] [--db FICHIER]
 * npm run publier -- --retirer ID --motif "…" [--par IDENTIFIANT] [--db FICHIER]
 *
 * Publishes ("arrête") the figures of a year or of an as-of date, or withdraws a publication
 * (src/publications/publish.ts, the same functions as POST /api/publications). The operator of
 * the server acts as an admin; `--par` names them (default: the system account).
 * Result on stdout, errors on stderr as one French line with exit 1.
 */
import os from "node:os";
import path from "node:path";
import { PublicationError } from "../errors.ts";
import { DEFAULT_DB_PATH } from "../paths.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { formatDate } from "../../reports/components/format.ts";
import { publish, withdraw } from "../publications/publish.ts";
import { PUBLICATION_ID } from "../publications/store.ts";
import { cliOptions, runMain } from "./args.ts";

const USAGE =
  'Usage : npm run publier -- --annee AAAA --titre "…" [--note "…"] [--au aaaa-mm-jj] [--par IDENTIFIANT] [--db FICHIER]\n' +
  '        npm run publier -- --retirer ID --motif "…" [--par IDENTIFIANT] [--db FICHIER]';

runMain(async () => {
  ownerOnlyUmask(); // the publications file is owner-only (ownerOnly.ts)
  const values = cliOptions({ strings: ["db", "annee", "au", "titre", "note", "par", "retirer", "motif"] }, USAGE);
  if (!values) return;
  const dbPath = path.resolve(values.db ?? DEFAULT_DB_PATH);
  const par = { identifiant: values.par ?? os.userInfo().username, role: "admin" };
  if (values.retirer !== undefined) {
    if (!PUBLICATION_ID.test(values.retirer))
      throw new PublicationError(
        `--retirer « ${values.retirer} » invalide : un identifiant de publication est attendu, par exemple 2024-3f9a1c.`,
      );
    if (!values.motif) throw new PublicationError(`--motif est obligatoire pour retirer une publication. ${USAGE}`);
    const w = withdraw({ dbPath, id: values.retirer, motif: values.motif, par });
    process.stdout.write(`Publication ${w.id} retirée : ${w.motif}\n`);
    return;
  }
  if (!values.annee) throw new PublicationError(`--annee est obligatoire. ${USAGE}`);
  if (!/^\d{4}$/.test(values.annee))
    throw new PublicationError(`--annee « ${values.annee} » invalide : une année sur quatre chiffres est attendue.`);
  if (!values.titre) throw new PublicationError(`--titre est obligatoire, par exemple --titre "Rapport d'activité ${values.annee}".`);
  const p = await publish({
    dbPath,
    annee: Number(values.annee),
    au: values.au ?? null,
    titre: values.titre,
    note: values.note ?? null,
    par,
  });
  process.stdout.write(
    `Publication ${p.id} enregistrée : « ${p.titre} », chiffres arrêtés au ${formatDate(p.date_arrete)}, ` +
      `${p.chiffres.secteurs.length} secteur(s), ${p.fichiers.length} fichier(s) d'export.\n`,
  );
});
