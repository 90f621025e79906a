/**
 * Light pages (issue 14, item 5), measured where they weigh the most: the demo office at its
 * default size (11 000 dwellings, 2018–2026), its site built and served by the product, every
 * page opened cold in Chromium. What a page transfers (compressed bodies and headers, every
 * request until the network is idle) is at most 300 KB; the d3 modules no chart uses are not
 * loaded. The weights are written to test/.artifacts/site/poids.txt.
 *
 * The demo office's figures are also the widest: Chiffres clés, printed on A4, keeps to one sheet
 * for every year of the whole landlord and for every scope of the last two years (the year in
 * progress has the longest lead).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemo } from "../src/demo/generate.ts";
import { projectPath } from "../src/paths.ts";
import { etl, tempDir } from "./util/exports.ts";
import { keyFiguresOverOneSheet } from "./util/keyFiguresPrint.ts";
import { settled, siteUnderTest } from "./util/siteUnderTest.ts";

const MAX_PAGE_BYTES = 300 * 1024;

const web = siteUnderTest({
  name: "weight",
  timeoutMs: 600_000,
  warehouse: async () => {
    const dir = tempDir("oph-weight-");
    await generateDemo({ out: path.join(dir, "exports"), onProgress: () => undefined });
    const db = path.join(dir, "w.duckdb");
    await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
    return db;
  },
});

interface Weight {
  page: string;
  bytes: number;
  requests: number;
  encodings: Set<string>;
  urls: string[];
}

/** Open a page in a fresh context (nothing cached) and add up what crossed the network. */
async function weigh(urlPath: string): Promise<Weight> {
  const context = await web.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const sizes: Promise<number>[] = [];
  const encodings = new Set<string>();
  const urls: string[] = [];
  page.on("requestfinished", (request) => {
    urls.push(request.url());
    sizes.push(
      (async () => {
        const s = await request.sizes();
        const encoding = (await request.response())?.headers()["content-encoding"];
        if (encoding) encodings.add(encoding);
        return s.responseBodySize + s.responseHeadersSize;
      })(),
    );
  });
  await page.goto(`${web.server.url}/${urlPath}`, { waitUntil: "networkidle" });
  await settled(page, 30_000);
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  await context.close();
  return { page: urlPath, bytes, requests: sizes.length, encodings, urls };
}

describe("the weight of the pages (demo office)", () => {
  it("transfers at most 300 KB per page on a cold load, compressed", async () => {
    web.ready();
    const weights: Weight[] = [];
    for (const { page } of web.site.pages)
      weights.push(
        await weigh(
          page
            .split(path.sep)
            .join("/")
            .replace(/\.html$/, "")
            .replace(/^index$/, ""),
        ),
      );
    const report = weights.map((w) => `${w.page || "/"}\t${(w.bytes / 1024).toFixed(1)} Ko\t${w.requests} requêtes`).join("\n");
    fs.mkdirSync(projectPath("test", ".artifacts", "site"), { recursive: true });
    fs.writeFileSync(projectPath("test", ".artifacts", "site", "poids.txt"), report + "\n");
    expect(weights.length).toBeGreaterThanOrEqual(16); // 10 pages, 6 sectors
    for (const w of weights) {
      expect(w.bytes, `${w.page || "/"} : ${(w.bytes / 1024).toFixed(1)} Ko\n${report}`).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    }
    // Chromium asks for Brotli: the site's text files come compressed with it.
    expect(weights.find((w) => w.page === "")!.encodings).toEqual(new Set(["br"]));
    // The charts draw with Plot, which needs neither forces nor zoom nor transitions.
    const loaded = weights.flatMap((w) => w.urls);
    for (const unused of ["d3-force", "d3-zoom", "d3-brush", "d3-transition", "d3-chord"]) {
      expect(
        loaded.some((u) => u.includes(`/_node/${unused}@`)),
        unused,
      ).toBe(false);
    }
    expect(loaded.some((u) => u.includes("/_node/d3-scale@"))).toBe(true);
  });
});

describe("Chiffres clés on paper (demo office)", () => {
  it("prints on one A4 sheet for every year of the landlord and every scope of the last two years", async () => {
    web.ready();
    const { page, context } = await web.visit("chiffres-cles.html");
    try {
      const { printed, overflows } = await keyFiguresOverOneSheet(page, ({ years, scopes }) => [
        ...years.map((y) => [y, scopes[0]!] as [string, string]),
        ...years.slice(0, 2).flatMap((y) => scopes.slice(1).map((s) => [y, s] as [string, string])),
      ]);
      expect(printed).toBeGreaterThanOrEqual(9 + 2 * 6);
      expect(overflows).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
