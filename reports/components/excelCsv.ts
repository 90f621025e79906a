// CSV for French Excel: `;` separator, CRLF, UTF-8 with a BOM (so accents survive), and
// text cells a spreadsheet would run as a formula (=, +, -, @ first, or a tab or carriage
// return) neutralised with a leading apostrophe. The one copy, for the pages' downloads and
// for the server's CSV (the API, the CLI's `figures --format csv`, the publications).
import {excelNumber, formatDate, type FigureUnit} from "./format.js";

export type Cell = {text: string} | {number: string};

const FORMULA_START = /^[=+\-@\t\r]/;

export const textCell = (value: string | null | undefined): Cell => ({text: value ?? ""});
/** A value already formatted as a French number (excelNumber); never neutralised. */
export const numberCell = (value: string): Cell => ({number: value});

function encodeCell(cell: Cell): string {
  let v = "text" in cell ? cell.text : cell.number;
  if ("text" in cell && FORMULA_START.test(v)) v = `'${v}`;
  return /[;"\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function excelCsv(rows: Cell[][]): string {
  return "\uFEFF" + rows.map((r) => r.map(encodeCell).join(";")).join("\r\n") + "\r\n";
}

/** What the figures CSV needs of a figure's definition (a row of definitions.json's `figures`). */
export interface CsvDefinition {
  cle: string;
  /** "cohorte_commandements" for the cohort's figures, read in the record's cohort. */
  groupe?: string;
  libelle: string;
  unite: FigureUnit;
  definition: string;
}

/** What the figures CSV needs of a set of figures (a FiguresRecord, a row of figures-annuelles.json). */
export interface CsvRecord {
  date_arrete: string;
  secteur: string | null;
  fenetre_complete?: boolean;
  cohorte_commandements: Record<string, number | null | undefined>;
}

const scopeName = (r: CsvRecord) => (r.secteur === null ? "Ensemble" : `Secteur ${r.secteur}`);
const unitLabel = (unit: FigureUnit) => (unit === "euros" ? "€" : unit === "taux" ? "%" : unit);

/**
 * The figures of one or more scopes, one column per scope, as `npm run figures -- --format csv`
 * writes them. `definitions` in the CSV's order; `windowFlag` the label of fenetre_complete
 * (definitions.json's `fenetre`); without it the flag's row is left out.
 */
export function figuresCsv(
  records: CsvRecord[],
  definitions: readonly CsvDefinition[],
  windowFlag: {cle: string; libelle: string; definition: string} | null = null
): string {
  const first = records[0];
  if (!first) return excelCsv([]);
  const value = (def: CsvDefinition, r: CsvRecord): number | null =>
    def.groupe === "cohorte_commandements"
      ? (r.cohorte_commandements[def.cle] ?? null)
      : ((r as unknown as Record<string, number | null | undefined>)[def.cle] ?? null);
  const rows: Cell[][] = [
    [textCell("Clé"), textCell("Indicateur"), ...records.map((r) => textCell(scopeName(r))), textCell("Unité"), textCell("Définition")],
    [
      textCell("date_arrete"),
      textCell("Date d'arrêté"),
      ...records.map((r) => textCell(formatDate(r.date_arrete))),
      textCell(""),
      textCell("")
    ],
    ...(windowFlag
      ? [
          [
            textCell(windowFlag.cle),
            textCell(windowFlag.libelle),
            ...records.map((r) => textCell(r.fenetre_complete === undefined ? "" : r.fenetre_complete ? "oui" : "non")),
            textCell(""),
            textCell(windowFlag.definition)
          ]
        ]
      : []),
    ...definitions.map((def) => [
      textCell(def.cle),
      textCell(def.libelle),
      ...records.map((r) => numberCell(excelNumber(value(def, r), def.unite))),
      textCell(unitLabel(def.unite)),
      textCell(def.definition)
    ])
  ];
  return excelCsv(rows);
}
