// Tables that download and print whole (issue 14, items 2 and 3).
// - Every table gets a « Télécharger le tableau (CSV pour Excel) » button: the cells as the
//   page shows them, numbers made numbers for French Excel (excelCsv.js: `;`, BOM, CRLF).
// - An Inputs.table draws its rows in a scrolling box, a screenful at a time: printed, it would
//   stop at the rows drawn. ExportableTable adds, beside it, the same rows as a plain table that
//   only print shows (every row, in the table's order), and print hides the box.
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {accessibleTable} from "./a11y.js";
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
const shown = (v) => (v instanceof Node ? v.textContent : v == null ? "" : String(v));

/** The rows in the order Inputs.table shows them first (its `sort` and `reverse` options). */
function sortedRows(data, {sort, reverse = false} = {}) {
  const rows = Array.from(data);
  if (sort) {
    rows.sort((a, b) => (a[sort] == null) - (b[sort] == null) || (a[sort] < b[sort] ? -1 : a[sort] > b[sort] ? 1 : 0));
    if (reverse) rows.reverse();
  } else if (reverse) rows.reverse();
  return rows;
}

/** Header and cells of an Inputs.table's data, formatted as the table formats them. */
function tableCells(data, {columns, header = {}, format = {}, sort, reverse} = {}) {
  const rows = sortedRows(data, {sort, reverse});
  const keys = columns ?? Object.keys(rows[0] ?? {});
  return {
    head: keys.map((k) => header[k] ?? k),
    body: rows.map((row, i) => keys.map((k) => shown(format[k] ? format[k](row[k], i, rows) : row[k])))
  };
}

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

/** withCsv(table, {filename}): a plain HTML table with its CSV button under it. */
export function withCsv(table, {filename, label}) {
  return html`<div class="tableau-exportable">${table}<div class="tableau-outils no-print">${TableCsvButton(() => domTableCells(table), {filename, label})}</div></div>`;
}

/**
 * ExportableTable(data, options, {label, filename, printWith}): Inputs.table(data, options) made
 * accessible (accessibleTable, named `label`), its CSV button, and its every row for print.
 * printWith {column: other}: on paper, `other` is written under `column` in the same cell (a
 * table too wide for an A4 sheet, e.g. each figure and its change over a year).
 */
export function ExportableTable(data, options, {label, filename, printWith = {}}) {
  const screen = accessibleTable(Inputs.table(data, options), label);
  const {head, body} = tableCells(data, options);
  const keys = options.columns ?? Object.keys(data[0] ?? {});
  const under = new Map(Object.entries(printWith).map(([k, other]) => [keys.indexOf(k), keys.indexOf(other)]));
  const merged = new Set(under.values());
  const kept = keys.map((_, i) => i).filter((i) => !merged.has(i));
  const cell = (r, i) => (under.has(i) ? html`${r[i]}<br><small>${r[under.get(i)]}</small>` : r[i]);
  const printed = html`<table class="tableau-impression" aria-hidden="true">
    <thead><tr>${kept.map((i) => html`<th>${under.has(i) ? html`${head[i]}<br><small>${head[under.get(i)]}</small>` : head[i]}</th>`)}</tr></thead>
    <tbody>${body.map((r) => html`<tr>${kept.map((i) => html`<td>${cell(r, i)}</td>`)}</tr>`)}</tbody>
  </table>`;
  return html`<div class="tableau-exportable">${screen}${printed}<div class="tableau-outils no-print">${TableCsvButton(() => tableCells(data, options), {filename})}</div></div>`;
}
