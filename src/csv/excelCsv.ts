/**
 * CSV for French Excel: `;` separator, CRLF, UTF-8 with a BOM (so accents survive),
 * and text cells that a spreadsheet would run as a formula (=, +, -, @ first, or a
 * tab or carriage return) neutralised with a leading apostrophe.
 */

export type Cell = { text: string } | { number: string };

const FORMULA_START = /^[=+\-@\t\r]/;

export function textCell(value: string | null | undefined): Cell {
  return { text: value ?? "" };
}

/** A value already formatted as a French number (excelNumber); never neutralised. */
export function numberCell(value: string): Cell {
  return { number: value };
}

function encodeCell(cell: Cell): string {
  let v = "text" in cell ? cell.text : cell.number;
  if ("text" in cell && FORMULA_START.test(v)) v = `'${v}`;
  return /[;"\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function excelCsv(rows: Cell[][]): string {
  return "\uFEFF" + rows.map((r) => r.map(encodeCell).join(";")).join("\r\n") + "\r\n";
}
