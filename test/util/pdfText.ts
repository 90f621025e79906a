/**
 * A printed PDF read back for the print tests: its page count, its page size and its text, with
 * Mozilla's PDF.js (pdfjs-dist, npm) so that `npm test` needs nothing installed on the machine
 * (no poppler). `text` has the lines as on paper (items of one baseline, left to right);
 * `raw` follows the content order, where a table cell's words stay together.
 */
import fs from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem } from "pdfjs-dist/types/src/display/api.js";

export interface PdfText {
  pages: number;
  /** « 595.28 x 841.89 pts (A4) » for an A4 page, as poppler's pdfinfo says it. */
  pageSize: string;
  text: string;
  raw: string;
  /** The lines of each page, as on paper. */
  pageTexts: string[];
}

/** A4 in points, within a point. */
const isA4 = (w: number, h: number) => Math.abs(w - 595.28) < 1 && Math.abs(h - 841.89) < 1;

/** The PDF in a file, or its bytes (page.pdf()'s answer). */
export async function readPdf(file: string | Buffer): Promise<PdfText> {
  const bytes = typeof file === "string" ? fs.readFileSync(file) : file;
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const pageTexts: string[] = [];
    const raw: string[] = [];
    let pageSize = "";
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      if (n === 1) {
        const { width, height } = page.getViewport({ scale: 1 });
        pageSize = `${width.toFixed(2)} x ${height.toFixed(2)} pts${isA4(width, height) ? " (A4)" : ""}`;
      }
      const items = (await page.getTextContent()).items.filter((i): i is TextItem => "str" in i);
      raw.push(items.map((i) => i.str + (i.hasEOL ? "\n" : "")).join(""));
      // why round: the items of one printed line share a baseline, give or take a fraction of a point
      const byLine = new Map<number, TextItem[]>();
      for (const i of items) {
        const y = Math.round(i.transform[5]!);
        byLine.set(y, [...(byLine.get(y) ?? []), i]);
      }
      const lines: string[] = [];
      for (const y of [...byLine.keys()].sort((a, b) => b - a)) {
        lines.push(
          byLine
            .get(y)!
            .sort((a, b) => a.transform[4]! - b.transform[4]!)
            .map((i) => i.str)
            .join(" "),
        );
      }
      pageTexts.push(lines.join("\n"));
      page.cleanup();
    }
    return { pages: doc.numPages, pageSize, text: pageTexts.join("\n"), raw: raw.join("\n"), pageTexts };
  } finally {
    await doc.destroy();
  }
}
