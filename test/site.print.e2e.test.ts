/**
 * Print and export (issue 14, items 2 and 3), in headless Chromium on the fixture office's site.
 *
 * Print: every page, as each role that sees it (the public pages signed out, the monthly review
 * signed in as recouvrement), printed to an A4 PDF (page.pdf, print media): the PDF is A4, its
 * page count is sane, and its text (read with PDF.js) holds the first and last cell of every row of every
 * table the page prints (an Inputs.table's every row, not the screenful its scrolling box drew),
 * and figures known from `npm run figures`. Definitions print at 8 pt or more.
 *
 * Export: on every page with charts, a chart's « PNG » and « SVG » buttons download an image
 * with its title, « arrêté au … » and the source line; the PNG is a PNG, twice the SVG's width,
 * and not blank. A table of each kind (Inputs.table, plain table) downloads as CSV for French
 * Excel (BOM, `;`). The PDFs, images and CSVs go to test/.artifacts/print/ (git-ignored).
 */
import fs from "node:fs";
import path from "node:path";
import type { Download, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatValue } from "../reports/components/format.ts";
import { projectPath } from "../src/paths.ts";
import { readPdf, type PdfText } from "./util/pdfText.ts";
import { siteUnderTest } from "./util/siteUnderTest.ts";

const ARTIFACTS = projectPath("test", ".artifacts", "print");
/** 1 pt = 4/3 CSS px. */
const PT = 4 / 3;

const sut = siteUnderTest({ name: "print" });
fs.mkdirSync(ARTIFACTS, { recursive: true });
const ready = () => sut.ready();

const figuresCli = (annee: number, secteur?: string) => sut.figuresCli(annee, secteur);

/** Text compared without its spaces: the PDF's text and Intl space numbers and wrapped cells differently. */
const squeeze = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, "");
const artifact = (name: string) => path.join(ARTIFACTS, name.replace(/[\/]/g, "_"));

/** Print the page to A4 PDF as a person would (print media), and read it back (test/util/pdfText.ts). */
async function printToPdf(page: Page, name: string): Promise<PdfText> {
  await page.emulateMedia({ media: "print" });
  const file = artifact(`${name}.pdf`);
  fs.writeFileSync(file, await page.pdf({ format: "A4", printBackground: true }));
  return readPdf(file);
}

/** The first and last cell of every row of every table that prints (print media on). */
async function printedTableCells(page: Page): Promise<{ tables: number; cells: string[] }> {
  return page.evaluate(() => {
    const shown = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) if (getComputedStyle(e).display === "none") return false;
      return true;
    };
    const tables = [...document.querySelectorAll("#observablehq-main table")].filter(shown) as HTMLTableElement[];
    const cells: string[] = [];
    for (const t of tables) {
      for (const row of [...t.rows]) {
        // A cell's lines (a block inside it is a line of its own on paper too).
        const texts = [...row.cells]
          .filter(shown)
          .map((c) => (c as HTMLElement).innerText.trim())
          .filter((s) => s !== "");
        if (texts.length) cells.push(...texts[0]!.split("\n"), ...texts.at(-1)!.split("\n"));
      }
    }
    return { tables: tables.length, cells };
  });
}

/** Who sees each page: the public pages signed out, the monthly review as recouvrement. */
function printRuns(): { pagePath: string; role: string | null }[] {
  return [
    ...sut.pages.map((p) => ({ pagePath: p, role: null as string | null })),
    { pagePath: "revue-mensuelle.html", role: "recouvrement" },
  ];
}

describe("printing every page on A4", () => {
  it("prints every page, as each role that sees it, on A4 with every row of every table", async () => {
    ready();
    const report: string[] = [];
    for (const { pagePath, role } of printRuns()) {
      const label = `${pagePath}${role ? ` (${role})` : ""}`;
      await sut.inContext(role, async (context) => {
        const page = await sut.openSettled(context, pagePath);
        if (role) await page.locator("table.revue-table tbody tr").first().waitFor();
        const printed = await printToPdf(page, `${pagePath}${role ? `-${role}` : ""}`);
        if (!/\(A4\)/.test(printed.pageSize)) report.push(`${label} : format ${printed.pageSize}, pas A4`);
        if (!(printed.pages >= 1 && printed.pages <= 12)) report.push(`${label} : ${printed.pages} pages`);
        const { cells } = await printedTableCells(page);
        const text = squeeze(printed.text);
        const raw = squeeze(printed.raw);
        // A long cell wraps over lines that may interleave with its neighbours' on paper: its
        // first two words and its last two are each found together.
        const found = (piece: string) => text.includes(squeeze(piece)) || raw.includes(squeeze(piece));
        for (const cell of new Set(cells.map((c) => c.trim()).filter(Boolean))) {
          const words = cell.split(/\s+/);
          if (!found(words.slice(0, 2).join(" ")) || !found(words.slice(-2).join(" ")))
            report.push(`${label} : « ${cell} » n'est pas dans le PDF`);
        }
        // Definitions legible on paper: 8 pt at least.
        const sizes = await page
          .locator(".definition, .definitions-list dd, .lecture, td.definition")
          .evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
        for (const px of sizes) if (px < 8 * PT - 0.01) report.push(`${label} : définition imprimée en ${(px / PT).toFixed(1)} pt`);
      });
    }
    expect(report).toEqual([]);
  });

  it("prints the tables that used to drop: every sector's row with its rate, every export file read, the review's cases", async () => {
    ready();
    await sut.inContext(null, async (context) => {
      // Secteurs: the Inputs.table, one row per sector, with the year's rate of `npm run figures`.
      const secteurs = await sut.openSettled(context, "secteurs.html");
      // On its row's first line, each sector's name (its first word) is followed by its rate (the
      // list of sector pages further down has no rate).
      const printedSecteurs = squeeze((await printToPdf(secteurs, "secteurs-connus")).text);
      for (const [code, name] of [
        ["N", "Mulhouse"],
        ["S", "Colmar"],
      ] as const) {
        const rate = squeeze(formatValue(figuresCli(2024, code).taux_impayes as number, "taux"));
        expect(printedSecteurs.includes(rate), `${code} ${rate}`).toBe(true);
        expect(
          new RegExp(`${name}.{0,12}${rate.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`).test(printedSecteurs),
          `${name} puis ${rate}`,
        ).toBe(true);
      }
      // Qualité des données: every export file of the fixture office is in the files' table.
      const qualite = await sut.openSettled(context, "qualite-des-donnees.html");
      const printedQualite = squeeze((await printToPdf(qualite, "qualite-connue")).raw);
      const files = fs.readdirSync(sut.exportsDir).filter((f) => f.endsWith(".csv"));
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) expect(printedQualite, f).toContain(f);
      // The screen shows 15 rows of that table in its box; the print copy has them all.
      const [drawn, printedRows] = await qualite.evaluate(() => {
        const box = [...document.querySelectorAll('form[aria-label="Fichiers lus par chaque chargement"] tbody tr')].length;
        const copy = document
          .querySelector('form[aria-label="Fichiers lus par chaque chargement"]')!
          .parentElement!.querySelectorAll("table.tableau-impression tbody tr").length;
        return [box, copy];
      });
      expect(printedRows).toBeGreaterThanOrEqual(drawn);
      expect(printedRows).toBeGreaterThanOrEqual(files.length);
      // Vue d'ensemble: the debt of present tenants at 31/12/2024.
      const index = await sut.openSettled(context, "index.html");
      expect(squeeze((await printToPdf(index, "index-connu")).raw)).toContain(
        squeeze(formatValue(figuresCli(2024).dette_presents as number, "euros")),
      );
    });
    // Revue mensuelle, signed in: the first case of the list is on paper.
    await sut.inContext("recouvrement", async (signedIn) => {
      const page = await sut.openSettled(signedIn, "revue-mensuelle.html");
      const firstRow = page.locator("table.revue-table tbody tr").first();
      await firstRow.waitFor();
      const contrat = (await firstRow.locator("td").nth(1).textContent())!.trim();
      expect(contrat).toMatch(/^B\d{4}$/);
      expect(squeeze((await printToPdf(page, "revue-connue")).raw)).toContain(contrat);
    });
  });
});

/** Click a button and return the file the browser downloads. */
async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent("download"), click()])) as [Download, void];
  const bytes = fs.readFileSync((await d.path())!);
  fs.writeFileSync(artifact(`telechargement-${d.suggestedFilename()}`), bytes);
  return { name: d.suggestedFilename(), bytes };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the page's own parser finds in an SVG file: its root, size and text, or the parse error. */
async function readSvg(
  page: Page,
  svg: string,
): Promise<{ root: string; width: number; height: number; text: string; error: string | null }> {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "image/svg+xml");
    const error = doc.querySelector("parsererror")?.textContent ?? null;
    const root = doc.documentElement;
    return {
      root: root.localName,
      width: Number(root.getAttribute("width")),
      height: Number(root.getAttribute("height")),
      text: root.textContent ?? "",
      error,
    };
  }, svg);
}

/** The PNG drawn back in the page: its size and how many of its pixels are not white. */
async function readPng(page: Page, png: Buffer): Promise<{ width: number; height: number; inked: number }> {
  return page.evaluate(async (base64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${base64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) inked++;
    return { width: img.naturalWidth, height: img.naturalHeight, inked };
  }, png.toString("base64"));
}

/** The pages with charts, the file name expected for their first chart, and its as-of date. */
const CHART_PAGES = [
  { pagePath: "index.html", file: "taux-impayes-2024", asOf: "31/12/2024" },
  { pagePath: "locataires-partis.html", file: "dette-des-locataires-partis-2024", asOf: "31/12/2024" },
  { pagePath: "plans-et-accompagnement.html", file: null, asOf: "31/12/2024" },
  { pagePath: "entonnoir-contentieux.html", file: "actions-phase-amiable-2024", asOf: "31/12/2024" },
  { pagePath: "secteurs.html", file: "taux-impayes-par-secteur-2024", asOf: "31/12/2024" },
  { pagePath: "secteurs/N.html", file: "taux-impayes-secteur-n-2024", asOf: "31/12/2024" },
  { pagePath: "secteurs/S.html", file: "taux-impayes-secteur-s-2024", asOf: "31/12/2024" },
  { pagePath: "qualite-des-donnees.html", file: "lignes-quarantaine-par-motif-2025", asOf: "02/01/2025" },
];

describe("chart export", () => {
  it("puts « PNG » and « SVG » buttons with French names under every chart of every page, reachable from the keyboard", async () => {
    ready();
    await sut.inContext(null, async (context) => {
      for (const pagePath of sut.pages) {
        const page = await sut.openSettled(context, pagePath);
        const charts = await page
          .locator("svg[role='img']")
          .evaluateAll((svgs) =>
            svgs
              .filter((s) => !s.closest(".graphique-exportable") && !s.closest("[class*='-swatches']"))
              .map((s) => s.getAttribute("aria-label")),
          );
        expect(charts, `${pagePath} : graphique sans boutons d'export`).toEqual([]);
        for (const box of await page.locator(".graphique-exportable").all()) {
          for (const format of ["PNG", "SVG"]) {
            const button = box.locator(`button[data-export="${format.toLowerCase()}"]`);
            expect(await button.textContent()).toBe(format);
            expect(await button.getAttribute("aria-label"), pagePath).toMatch(new RegExp(`^Télécharger le graphique « .+ » en ${format}$`));
            expect(await button.evaluate((b) => (b as HTMLButtonElement).tabIndex)).toBe(0);
          }
        }
        await page.close();
      }
    });
  });

  it("downloads a chart of every page with charts as an SVG and a 2x PNG with its title, its as-of date and the source", async () => {
    ready();
    await sut.inContext(null, async (context) => {
      for (const { pagePath, file, asOf } of CHART_PAGES) {
        const page = await sut.openSettled(context, pagePath);
        const chart = page.locator(".graphique-exportable").first();
        const title = (await chart.locator('button[data-export="svg"]').getAttribute("aria-label"))!.replace(
          /^Télécharger le graphique « (.+) » en SVG$/,
          "$1",
        );
        const svgFile = await download(page, () => chart.locator('button[data-export="svg"]').click());
        const pngFile = await download(page, () => chart.locator('button[data-export="png"]').click());
        if (file) {
          expect(svgFile.name, pagePath).toBe(`${file}.svg`);
          expect(pngFile.name, pagePath).toBe(`${file}.png`);
        } else {
          expect(svgFile.name, pagePath).toMatch(/^[a-z0-9-]+-2024\.svg$/);
          expect(pngFile.name, pagePath).toBe(svgFile.name.replace(/svg$/, "png"));
        }
        const svg = await readSvg(page, svgFile.bytes.toString("utf8"));
        expect(svg.error, pagePath).toBeNull();
        expect(svg.root).toBe("svg");
        expect(squeeze(svg.text), pagePath).toContain(squeeze(title));
        expect(svg.text, pagePath).toContain(`arrêté au ${asOf}`);
        expect(svg.text, pagePath).toContain("Source : Observatoire des impayés, données du 02/01/2025.");
        expect(pngFile.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        expect(pngFile.bytes.readUInt32BE(16), pagePath).toBe(2 * svg.width);
        expect(pngFile.bytes.readUInt32BE(20), pagePath).toBe(2 * svg.height);
        const drawn = await readPng(page, pngFile.bytes);
        expect(drawn.width).toBe(2 * svg.width);
        // Not blank: the title, axes and marks ink well over 1 % of the pixels.
        expect(drawn.inked / (drawn.width * drawn.height), pagePath).toBeGreaterThan(0.01);
        await page.close();
      }
    });
  });

  it("draws the legend of a chart with several series in the image, and downloads from the keyboard", async () => {
    ready();
    await sut.inContext(null, async (context) => {
      const page = await sut.openSettled(context, "secteurs/S.html");
      const button = page.locator(".graphique-exportable").first().locator('button[data-export="svg"]');
      const svgFile = await download(page, async () => {
        await button.focus();
        await page.keyboard.press("Enter");
      });
      const svg = await readSvg(page, svgFile.bytes.toString("utf8"));
      expect(svg.text).toContain("Colmar Sud");
      expect(svg.text).toContain("Ensemble du bailleur");
      expect(svg.text).toContain("Taux d'impayés : Colmar Sud et ensemble du bailleur");
    });
  });
});

describe("table export", () => {
  it("gives every table of every page, as each role that sees it, a CSV download (the chart's numbers included)", async () => {
    ready();
    const report: string[] = [];
    const counts = new Map<string, number>();
    const runs = [...printRuns(), { pagePath: "dossiers.html?figure=relances&annee=2024", role: "recouvrement" }];
    for (const { pagePath, role } of runs) {
      const label = `${pagePath}${role ? ` (${role})` : ""}`;
      const context = await sut.signedInContext(role);
      try {
        const page = await sut.openSettled(context, pagePath);
        if (role) await page.locator("#observablehq-main table").first().waitFor();
        // A table's CSV control (class tableau-csv): in its .tableau-exportable box, or elsewhere
        // on the page and named by the table's (or its box's) data-tableau-csv.
        const tables = await page.evaluate(() =>
          [...document.querySelectorAll("#observablehq-main table:not(.tableau-impression)")].map((t) => {
            const named = t.closest<HTMLElement>("[data-tableau-csv]")?.dataset.tableauCsv;
            const control =
              t.closest(".tableau-exportable")?.querySelector(".tableau-csv") ??
              (named ? document.getElementById(named)?.closest(".tableau-csv") : null);
            const name = (t.querySelector("caption")?.textContent ?? t.querySelector("th")?.textContent ?? "").trim();
            return { name, csv: !!control };
          }),
        );
        counts.set(label, tables.length);
        for (const t of tables) if (!t.csv) report.push(`${label} : le tableau « ${t.name} » n'a pas de téléchargement CSV`);
      } finally {
        await context.close();
      }
    }
    expect(report).toEqual([]);
    // The walk saw the tables: a chart's numbers on the overview, the review's cases, a figure's cases.
    expect(counts.get("index.html")).toBeGreaterThanOrEqual(5);
    expect(counts.get("revue-mensuelle.html (recouvrement)")).toBe(1);
    expect(counts.get("dossiers.html?figure=relances&annee=2024 (recouvrement)")).toBe(1);

    // A chart's numbers (« Voir les données du graphique ») download as its table: the overview's
    // rate at the end of 2024 is `npm run figures`'s, as a percentage French Excel reads.
    const context = await sut.signedInContext(null);
    try {
      const index = await sut.openSettled(context, "index.html");
      const details = index.locator("details.graphique-donnees").first();
      await details.locator("summary").click();
      const csv = await download(index, () => details.getByRole("button", { name: "Télécharger les données (CSV pour Excel)" }).click());
      expect(csv.name).toMatch(/^taux-impayes-\d{4}-donnees\.csv$/);
      expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = csv.bytes.toString("utf8").slice(1).split("\r\n");
      expect(lines[0]).toBe("Fin de mois;Taux d'impayés;Fenêtre de douze mois");
      const rate = `${((figuresCli(2024).taux_impayes as number) * 100).toFixed(2).replace(".", ",")} %`;
      expect(lines).toContain(`31/12/2024;${rate};complète`);
    } finally {
      await context.close();
    }
  });

  it("downloads the sectors' Inputs.table and the overview's debt table as CSV for French Excel", async () => {
    ready();
    await sut.inContext(null, async (context) => {
      const secteurs = await sut.openSettled(context, "secteurs.html");
      const sectorsCsv = await download(secteurs, () =>
        secteurs.getByRole("button", { name: "Télécharger le tableau (CSV pour Excel)" }).click(),
      );
      expect(sectorsCsv.name).toBe("secteurs-2024.csv");
      expect(sectorsCsv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const sectorLines = sectorsCsv.bytes.toString("utf8").slice(1).split("\r\n");
      expect(sectorLines[0]!.split(";")[0]).toBe("Secteur");
      const south = sectorLines.find((l) => l.startsWith("Colmar Sud;"))!.split(";");
      // A rate as French Excel reads a percentage, an amount with a decimal comma and no grouping.
      const s2024 = figuresCli(2024, "S");
      expect(south[1]).toBe(`${((s2024.taux_impayes as number) * 100).toFixed(2).replace(".", ",")} %`);
      expect(south[3]).toBe((s2024.dette_presents as number).toFixed(2).replace(".", ","));
      expect(sectorLines.filter((l) => /^(Colmar Sud|Mulhouse – Nord);/.test(l)).length).toBe(2);

      const index = await sut.openSettled(context, "index.html");
      const debtCsv = await download(index, () => index.getByRole("button", { name: "Télécharger le tableau (CSV pour Excel)" }).click());
      expect(debtCsv.name).toBe("dette-par-anciennete-2024.csv");
      expect(debtCsv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const debtLines = debtCsv.bytes.toString("utf8").slice(1).split("\r\n");
      expect(debtLines[0]).toBe(";au 31/12/2024");
      const total = debtLines.find((l) => l.endsWith(`;${(figuresCli(2024).dette_presents as number).toFixed(2).replace(".", ",")}`));
      expect(total, debtLines.join("\n")).toBeDefined();
    });
  });
});
