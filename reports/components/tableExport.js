// Tables that download and print whole (issue 14, items 2 and 3).
// - Every table gets a « Télécharger le tableau (CSV pour Excel) » button: the cells as the
//   page shows them, numbers made numbers for French Excel (excelCsv.js: `;`, BOM, CRLF).
// - An Inputs.table draws its rows in a scrolling box, a screenful at a time: printed, it would
//   stop at the rows drawn. ExportableTable adds, beside it, the same rows as a plain table that
//   only print shows (every row, in the table's order), and print hides the box.
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {accessibleTable} from "./a11y.js";
import {shown, TableCsvButton} from "./tableCsv.js";

export {csvCell, domTableCells, TableCsvButton, withCsv} from "./tableCsv.js";

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
