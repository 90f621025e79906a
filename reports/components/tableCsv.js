// A table's CSV download for French Excel (issue 14, item 3), without Inputs: chart pages load
// it for their « Voir les données » tables (chartExport.js) and would otherwise pull
// @observablehq/inputs into a page that has no Inputs.table (the 300 KB cold-load budget).
// - csvCell: a cell's text as the page shows it, French numbers made numbers (excelCsv.js).
// - TableCsvButton / withCsv: the « Télécharger … (CSV pour Excel) » button of a table; every
//   control that downloads a table's CSV carries the class `tableau-csv` (the browser test
//   checks that every table of every page has one: inside its `.tableau-exportable` box, or
//   named by the table's `data-tableau-csv`, the control's id).
import {html} from "htl";
import {DownloadButton} from "./download.js";
import {excelCsv, numberCell, textCell} from "./excelCsv.js";

/** A French number as the page shows it: « 1 234,56 € », « 5,08 % », « −0,35 pt », « 12 ». */
const FRENCH_NUMBER = /^([+\-−]?)(\d{1,3}(?:[\s\u00a0\u202f]\d{3})*|\d+)(,\d+)?[\s\u00a0\u202f]*(€|%|pt|j)?$/;

/**
 * One cell of the CSV from the text the page shows: a French number becomes a number French
 * Excel reads (no grouping, decimal comma; a rate keeps « % », which Excel reads as a percentage),
 * « — » (no value) an empty cell, anything else text.
 */
export function csvCell(text) {
  const t = String(text ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (t === "—" || t === "") return textCell("");
  const m = FRENCH_NUMBER.exec(t);
  if (!m) return textCell(t);
  const sign = m[1] === "-" || m[1] === "−" ? "-" : "";
  const number = `${sign}${m[2].replace(/[\s\u00a0\u202f]/g, "")}${m[3] ?? ""}`;
  return numberCell(m[4] === "%" ? `${number} %` : number);
}

/** The text a cell shows (a format may return a DOM node, e.g. a link). */
export const shown = (v) => (v instanceof Node ? v.textContent : v == null ? "" : String(v));

/** TableCsvButton(makeCells, {filename}): makeCells() -> {head, body} of texts, read when clicked. */
export function TableCsvButton(makeCells, {filename, label = "Télécharger le tableau (CSV pour Excel)"}) {
  const button = DownloadButton(
    () => {
      const {head, body} = makeCells();
      return excelCsv([head.map(textCell), ...body.map((r) => r.map(csvCell))]);
    },
    {label, filename}
  );
  button.classList.add("tableau-csv");
  return button;
}

/** The header and body texts of a plain HTML <table> (its first header row, then each body row). */
export function domTableCells(table) {
  const text = (cell) => cell.textContent.replace(/\s+/g, " ").trim();
  const headRow = table.tHead?.rows[0] ?? null;
  const bodyRows = [...table.tBodies].flatMap((b) => [...b.rows]);
  return {head: headRow ? [...headRow.cells].map(text) : [], body: bodyRows.map((r) => [...r.cells].map(text))};
}

/**
 * withCsv(table, {filename, label, box}): a plain HTML table with its CSV button under it; `box`,
 * when given, is what is shown in the table's place (the table inside a scrolling box).
 */
export function withCsv(table, {filename, label, box = table}) {
  return html`<div class="tableau-exportable">${box}<div class="tableau-outils no-print">${TableCsvButton(() => domTableCells(table), {filename, label})}</div></div>`;
}

/**
 * csvControl(control, id): a button or link placed apart from its table (a toolbar, a sentence)
 * marked as that table's CSV download; the table (or its box) names it with `data-tableau-csv=id`.
 */
export function csvControl(control, id) {
  control.id = id;
  control.classList.add("tableau-csv");
  return control;
}
