/**
 * npm run rejouer-revue -- [--db FICHIER] [--de aaaa-mm] [--a aaaa-mm] [--horizon MOIS] [--detail] [--format table|json]
 *
 * The monthly review replayed at each month end of a range (default 01/2022 to 12/2025): the
 * cases the worklist proposed for discussion and those it set apart, and what became of them
 * within the horizon (default 6 months). See src/warehouse/reviewReplay.ts.
 */
import path from "node:path";
import { QueryError } from "../errors.ts";
import { formatDate, formatValue } from "../../reports/components/format.ts";
import { DEFAULT_DB_PATH } from "../paths.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { replayReview, type ReplayResult } from "../warehouse/reviewReplay.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { cliOptions, runMain } from "./args.ts";

const USAGE =
  "Usage : npm run rejouer-revue -- [--de aaaa-mm] [--a aaaa-mm] [--horizon MOIS] [--detail] [--format table|json] [--db FICHIER]";

runMain(async () => {
  ownerOnlyUmask();
  const values = cliOptions({ strings: ["db", "de", "a", "horizon", "format"], booleans: ["detail"] }, USAGE);
  if (!values) return;
  const format = values.format ?? "table";
  if (!["table", "json"].includes(format)) throw new QueryError(`--format « ${format} » inconnu : table ou json.`);
  const horizon = values.horizon ?? "6";
  if (!/^\d+$/.test(horizon)) throw new QueryError(`--horizon « ${horizon} » invalide : un nombre de mois est attendu, par exemple 6.`);
  const wh = await openWarehouse(path.resolve(values.db ?? DEFAULT_DB_PATH));
  try {
    const result = await replayReview(wh, { from: values.de ?? "2022-01", to: values.a ?? "2025-12", horizonMonths: Number(horizon) });
    if (format === "json") process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    else process.stdout.write(renderReplay(result, values.detail === true));
  } finally {
    wh.close();
  }
});

const n = (v: number) => formatValue(v, "nombre");
const pct = (v: number) => formatValue(v, "taux");

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)];
}

function renderReplay(result: ReplayResult, detail: boolean): string {
  const first = result.resultats[0]!;
  const last = result.resultats[result.resultats.length - 1]!;
  const h = result.horizon_mois;
  const out = [
    `Revue mensuelle rejouée à chaque fin de mois du ${formatDate(first.mois)} au ${formatDate(last.mois)}, ` +
      `issue lue ${h} mois après (données jusqu'au ${formatDate(result.donnees_jusqu_au)})`,
    "",
    ...table(
      [
        "Période",
        "Fins de mois",
        "Suivis",
        "À examiner",
        "Mis de côté",
        "Charge allégée",
        "Mis de côté aggravés",
        "dont étape contentieuse",
        "dont hausse ≥ 1 mois",
        "Proposés aggravés",
      ],
      result.synthese.map((s) => [
        s.annee === null ? "Ensemble" : String(s.annee),
        n(s.fins_de_mois),
        n(Math.round(s.suivis_moyen)),
        n(Math.round(s.a_examiner_moyen)),
        n(Math.round(s.mis_de_cote_moyen)),
        pct(s.part_mis_de_cote),
        pct(s.mis_de_cote_aggraves),
        pct(s.mis_de_cote_etape_contentieuse),
        pct(s.mis_de_cote_hausse_forte),
        pct(s.proposes_aggraves),
      ]),
    ),
    "",
    "Suivis, à examiner, mis de côté : moyennes par fin de mois. Charge allégée : part des dossiers suivis mis de côté (« Aucune action requise »).",
    `Aggravé : une étape contentieuse (commandement de payer à expulsion) après la fin de mois, ou une dette en hausse d'au moins ` +
      `un mois de loyer et charges (règle hausse_forte), dans les ${h} mois.`,
    "",
    "Par état du dossier (toutes fins de mois confondues) :",
    ...table(
      ["État", "Dossiers-mois", "Mis de côté", "Mis de côté aggravés", "Proposés aggravés"],
      result.par_etat.map((s) => [
        s.etat_libelle ?? s.etat,
        n(s.dossiers),
        pct(s.part_mis_de_cote),
        s.part_mis_de_cote === 0 ? "—" : pct(s.mis_de_cote_aggraves),
        s.part_mis_de_cote === 1 ? "—" : pct(s.proposes_aggraves),
      ]),
    ),
    "",
    "Histoires rencontrées (ménages) :",
    ...table(
      ["Histoire", "Ménages"],
      result.histoires.map((x) => [x.libelle, n(x.menages)]),
    ),
  ];
  if (detail) {
    out.push(
      "",
      ...table(
        ["Fin de mois", "Issue au", "À examiner", "aggravés", "Mis de côté", "aggravés", "dette en baisse"],
        [...new Set(result.resultats.map((r) => r.mois))].map((m) => {
          const side = (s: boolean) => result.resultats.find((r) => r.mois === m && r.a_examiner === s);
          const p = side(true);
          const a = side(false);
          return [
            formatDate(m),
            formatDate((p ?? a)!.horizon),
            n(p?.dossiers ?? 0),
            n(p?.aggraves ?? 0),
            n(a?.dossiers ?? 0),
            n(a?.aggraves ?? 0),
            n(a?.dette_en_baisse ?? 0),
          ];
        }),
      ),
    );
  }
  return out.join("\n") + "\n";
}
