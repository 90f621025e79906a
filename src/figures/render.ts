/**
 * Figures as a person reads them (a French table) and as French Excel opens them (CSV).
 * One column per scope (the whole landlord or a sector), one row per figure.
 */
import { figuresCsv } from "../../reports/components/excelCsv.ts";
import type { FiguresRecord } from "../warehouse/figures.ts";
import { COHORT_FIGURES, FIGURES, WINDOW_FLAG, windowFlagText, type FigureDefinition } from "./definitions.ts";
import { formatDate, formatValue } from "../../reports/components/format.ts";

interface Line {
  def: FigureDefinition;
  value: (r: FiguresRecord) => number | null;
}

const LINES: Line[] = [
  ...FIGURES.map((def) => ({ def, value: (r: FiguresRecord) => r[def.cle] as number | null })),
  ...COHORT_FIGURES.map((def) => ({ def, value: (r: FiguresRecord) => r.cohorte_commandements[def.cle] ?? null })),
];

const CSV_DEFINITIONS = [
  ...FIGURES.map((def) => ({ ...def, groupe: "figures" })),
  ...COHORT_FIGURES.map((def) => ({ ...def, groupe: "cohorte_commandements" })),
];

const scopeName = (r: FiguresRecord) => (r.secteur === null ? "Ensemble" : `Secteur ${r.secteur}`);

export function renderTable(records: FiguresRecord[]): string {
  const first = records[0];
  if (!first) return "";
  const header = ["Indicateur", ...records.map(scopeName)];
  const body = [
    [WINDOW_FLAG.libelle, ...records.map((r) => windowFlagText(r.fenetre_complete as boolean | undefined))],
    ...LINES.map((l) => [l.def.libelle, ...records.map((r) => formatValue(l.value(r), l.def.unite))]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  // The flag is the same for every scope of one date (etl/models/metrics/FIGURES.md: the earliest entry loaded, any lease).
  const incomplete = records.some((r) => r.fenetre_complete === false);
  return [
    `Chiffres de l'année ${first.annee}, arrêtés au ${formatDate(first.date_arrete)} (${formatValue(first.lignes_quarantaine, "nombre")} ligne(s) d'export en quarantaine)`,
    ...(incomplete
      ? [
          `Attention, ${WINDOW_FLAG.mention_incomplete} avant le ${formatDate(first.date_arrete)} : ces chiffres ne sont pas comparables à ceux d'une année complète.`,
        ]
      : []),
    "",
    fmt(header),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...body.map(fmt),
    "",
  ].join("\n");
}

/** The figures as French Excel opens them: the site's download, written by the same module. */
export function renderCsv(records: FiguresRecord[]): string {
  return figuresCsv(records, CSV_DEFINITIONS, WINDOW_FLAG);
}
