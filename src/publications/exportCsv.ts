/**
 * A publication as CSV for French Excel (reports/components/excelCsv.ts): a provenance block (what, when,
 * who, as-of date, ETL run, every export file with its SHA-256), then one row per figure with
 * one column per scope, its unit and its definition as it was published.
 */
import { excelCsv, numberCell, textCell, type Cell } from "../../reports/components/excelCsv.ts";
import type { FigureUnit } from "../figures/definitions.ts";
import { excelNumber, formatDate } from "../../reports/components/format.ts";
import type { FiguresRecord } from "../warehouse/figures.ts";
import type { PublicationState } from "./revisions.ts";
import type { StoredPublication } from "./store.ts";

const frDateTime = (iso: string) =>
  new Date(iso).toLocaleString("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });

/** The states of a publication, as a person reads them. */
export const STATE_LABELS: Record<PublicationState, string> = { inchangee: "inchangée", revisee: "révisée", retiree: "retirée" };

export function publicationCsv(p: StoredPublication, etat: PublicationState): string {
  const scopes: FiguresRecord[] = [p.chiffres.ensemble, ...p.chiffres.secteurs];
  const t = textCell;
  const rows: Cell[][] = [
    [t("Publication"), t(p.id)],
    [t("Titre"), t(p.titre)],
    [t("Note"), t(p.note ?? "")],
    [t("État"), t(STATE_LABELS[etat])],
    [t("Publiée le"), t(frDateTime(p.publie_le))],
    [t("Publiée par"), t(`${p.publie_par.identifiant} (${p.publie_par.role})`)],
    ...(p.retrait
      ? [
          [t("Retirée le"), t(frDateTime(p.retrait.retire_le))],
          [t("Motif du retrait"), t(p.retrait.motif)],
        ]
      : []),
    [t("Date d'arrêté"), t(formatDate(p.date_arrete))],
    [t("Données jusqu'au"), t(formatDate(p.donnees_jusqu_au))],
    [t("Chargement"), t(p.chargement ? `${p.chargement.run_id} (fin ${p.chargement.fin ? frDateTime(p.chargement.fin) : "—"})` : "—")],
    [],
    [t("Fichier d'export"), t("Type"), t("Date d'export"), t("Lignes"), t("SHA-256")],
    ...p.fichiers.map((f) => [
      t(f.fichier),
      t(f.type_fichier),
      t(formatDate(f.date_export)),
      numberCell(String(f.lignes_lues)),
      t(f.sha256),
    ]),
    [],
    [
      t("Clé"),
      t("Indicateur"),
      ...scopes.map((r) => t(r.secteur === null ? "Ensemble" : `Secteur ${r.secteur}`)),
      t("Unité"),
      t("Définition publiée"),
    ],
    ...p.definitions.map((d) => {
      const unit = d.unite as FigureUnit;
      const value = (r: FiguresRecord) => {
        const v = d.groupe === "figures" ? r[d.cle] : r.cohorte_commandements?.[d.cle];
        return typeof v === "number" ? v : null;
      };
      return [
        t(d.groupe === "figures" ? d.cle : `cohorte_${d.cle}`),
        t(d.libelle),
        ...scopes.map((r) => numberCell(excelNumber(value(r), unit))),
        t(unit === "euros" ? "€" : unit === "taux" ? "%" : unit),
        t(d.definition),
      ];
    }),
  ];
  return excelCsv(rows);
}
