// Writing CSV exports the way the landlord's ERP does: Windows-1252, `;`, CRLF, French
// numbers. Rows are buffered as strings and encoded chunk by chunk with iconv-lite, so
// memory stays bounded whatever the size of the file.

import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import iconv from "iconv-lite";

import type { AmountStyle } from "./world.ts";

export const ENCODING = "windows-1252";
// Small chunks: pending strings die young, which keeps the garbage collector cheap.
const FLUSH_CHARS = 1 << 13;

/** `1234567` cents -> `12 345,67` (grouping with `style.group`); zero -> `style.zero`. */
export function formatAmount(cents: number, style: AmountStyle): string {
  if (cents === 0) return style.zero;
  const negative = cents < 0;
  const abs = negative ? -cents : cents;
  const euros = Math.floor(abs / 100);
  const rest = abs - euros * 100;
  let text = String(euros);
  if (euros >= 1000) {
    let grouped = "";
    while (text.length > 3) {
      grouped = style.group + text.slice(-3) + grouped;
      text = text.slice(0, -3);
    }
    text += grouped;
  }
  return `${negative ? "-" : ""}${text},${rest < 10 ? "0" : ""}${rest}`;
}

const NEEDS_QUOTES = /[;"\r\n]/;

/** Quotes a field that holds `;`, `"` or a line break, doubling inner quotes. */
export function csvField(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/** One export file: written to `<path>.tmp`, renamed to `<path>` when closed. */
export class CsvFileWriter {
  readonly path: string;
  rows = 0;
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;

  constructor(path: string, header: readonly string[]) {
    this.path = path;
    this.fd = openSync(`${path}.tmp`, "w");
    this.parts.push(`${header.join(";")}\r\n`);
  }

  /** Appends one complete line (fields already formatted, ending with CRLF). */
  line(text: string): void {
    this.parts.push(text);
    this.rows++;
    this.pending += text.length;
    if (this.pending >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buffer = iconv.encode(this.parts.join(""), ENCODING);
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.path}.tmp`, this.path);
  }
}
