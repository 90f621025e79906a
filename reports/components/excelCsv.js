// CSV for French Excel: `;` separator, CRLF, UTF-8 with a BOM (so accents survive), and
// text cells a spreadsheet would run as a formula (=, +, -, @ first, or a tab or carriage
// return) neutralised with a leading apostrophe. A port of src/csv/excelCsv.ts and of the
// figures CSV of src/figures/render.ts (test/site.loaders.test.ts checks they agree).
import {excelNumber, formatDate} from "./format.js";

const FORMULA_START = /^[=+\-@\t\r]/;

export const textCell = (value) => ({text: value ?? ""});
/** A value already formatted as a French number (excelNumber); never neutralised. */
export const numberCell = (value) => ({number: value});

function encodeCell(cell) {
  let v = "text" in cell ? cell.text : cell.number;
  if ("text" in cell && FORMULA_START.test(v)) v = `'${v}`;
  return /[;"\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function excelCsv(rows) {
  return "\uFEFF" + rows.map((r) => r.map(encodeCell).join(";")).join("\r\n") + "\r\n";
}

const scopeName = (r) => (r.secteur === null ? "Ensemble" : `Secteur ${r.secteur}`);
const unitLabel = (unit) => (unit === "euros" ? "€" : unit === "taux" ? "%" : unit);

/**
 * The figures of one or more scopes, one column per scope, as `npm run figures -- --format csv`
 * writes them. `definitions` are the rows of definitions.json (figure_definitions), `windowFlag`
 * its `fenetre` (the label of fenetre_complete); without it the flag's row is left out.
 */
export function figuresCsv(records, definitions, windowFlag = null) {
  const first = records[0];
  if (!first) return excelCsv([]);
  const value = (def, r) => (def.groupe === "cohorte_commandements" ? r.cohorte_commandements[def.cle] ?? null : r[def.cle]);
  const rows = [
    [textCell("Clé"), textCell("Indicateur"), ...records.map((r) => textCell(scopeName(r))), textCell("Unité"), textCell("Définition")],
    [textCell("date_arrete"), textCell("Date d'arrêté"), ...records.map((r) => textCell(formatDate(r.date_arrete))), textCell(""), textCell("")],
    ...(windowFlag
      ? [[
          textCell(windowFlag.cle),
          textCell(windowFlag.libelle),
          ...records.map((r) => textCell(r.fenetre_complete === undefined ? "" : r.fenetre_complete ? "oui" : "non")),
          textCell(""),
          textCell(windowFlag.definition)
        ]]
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
