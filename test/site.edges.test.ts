/**
 * Honest edges on the site (issue 14, etl/models/metrics/FIGURES.md "Complete windows"): the fixture office's
 * ledger starts on 01/01/2023, so every month end of 2023 before 31/12 has a twelve-month
 * window that starts before the data. The overview says so in its text and marks those months
 * on the chart (shaded, labelled, drawn apart from the comparable trend); 31/12/2023 onwards
 * are comparable.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { monthlyFigures } from "../src/site/loaders.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { siteUnderTest } from "./util/siteUnderTest.ts";

const web = siteUnderTest({ name: "edges" });

describe("incomplete windows on the site", () => {
  it("publishes fenetre_complete with each month: false up to 30/11/2023, true from 31/12/2023", async () => {
    web.ready();
    const wh = await openWarehouse(web.db);
    try {
      const table = await monthlyFigures.load(wh);
      const at = table.colonnes.indexOf("fenetre_complete");
      const date = table.colonnes.indexOf("date_arrete");
      const landlord = table.lignes.filter((l) => l[table.colonnes.indexOf("secteur")] === null);
      const incomplete = landlord.filter((l) => l[at] === false).map((l) => l[date]);
      expect(incomplete).toEqual([
        "2023-01-31",
        "2023-02-28",
        "2023-03-31",
        "2023-04-30",
        "2023-05-31",
        "2023-06-30",
        "2023-07-31",
        "2023-08-31",
        "2023-09-30",
        "2023-10-31",
        "2023-11-30",
      ]);
      expect(landlord.filter((l) => l[at] === true)).toHaveLength(13);
    } finally {
      wh.close();
    }
  });

  it("says on the overview which months are not comparable and marks them on the chart", async () => {
    web.ready();
    await web.withPage("index.html", async (page) => {
      await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0);
      const note = (await page.locator(".fenetre-incomplete-note").innerText()).replace(/\s+/g, " ");
      expect(note).toContain("Jusqu'au 30/11/2023, les douze mois de chaque point commencent avant les premières écritures chargées");
      expect(note).toContain("fenêtre incomplète : moins de douze mois de données");
      // The main trend chart: the label in the top margin, above the frame, and a dashed line apart.
      const chart = page.locator('svg[aria-label="Taux d\'impayés au dernier jour de chaque mois"]').first();
      const label = chart.locator("text", { hasText: "fenêtre incomplète" }).first();
      await expect.poll(() => label.count()).toBe(1);
      const frameTop = await chart.evaluate((svg) =>
        Math.min(...[...svg.querySelectorAll("rect")].map((r) => r.getBoundingClientRect().top)),
      );
      expect((await label.boundingBox())!.y + (await label.boundingBox())!.height).toBeLessThanOrEqual(frameTop + 1);
      expect(await chart.locator('g[stroke-dasharray="4,3"] path').count()).toBe(1);
    });
  });

  it("lays out every chart of every page at 1440, 1280 and 390 px: no text over or touching another or past the image, notes above the frame, no line touching it", async () => {
    web.ready();
    const report: string[] = [];
    // The period notes of reports/components/palette.js.
    const notes = ["fenêtre incomplète : moins de douze mois de données", "Hausse des prix de l'énergie (2022–2023)"];
    for (const width of [1440, 1280, 390]) {
      for (const pagePath of web.pages.filter((p) => p !== "404.html")) {
        await web.withPage(
          pagePath,
          async (page) => report.push(...(await chartLayoutProblems(page, notes)).map((p) => `${pagePath} à ${width} px : ${p}`)),
          {
            width,
          },
        );
      }
    }
    expect(report).toEqual([]);
  });

  it("puts each « fin AAAA » tick of the overview on that year's value", async () => {
    web.ready();
    await web.withPage("index.html", async (page) => {
      await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0);
      const chart = page.locator('svg[aria-label="Taux d\'impayés au dernier jour de chaque mois"]').first();
      const { ticks, dots } = await chart.evaluate((svg) => {
        const centre = (e: Element) => {
          const r = e.getBoundingClientRect();
          return Math.round(r.left + r.width / 2);
        };
        const ticks = [...svg.querySelectorAll("text")]
          .filter((t) => /^fin \d{4}$/.test(t.textContent!))
          .map((t) => [t.textContent, centre(t)]);
        // The year-end dots, filled: a year over a complete window.
        const dots = [...svg.querySelectorAll('g[fill="#0072B2"] circle')].map(centre);
        return { ticks, dots };
      });
      // The fixture's ledger starts on 01/01/2023: 31/12/2023 and 31/12/2024 have complete windows.
      expect(ticks.map(([t]) => t)).toEqual(["fin 2023", "fin 2024"]);
      expect(dots).toHaveLength(2);
      expect(Math.abs((ticks[0]![1] as number) - dots[0]!)).toBeLessThanOrEqual(1);
      expect(Math.abs((ticks[1]![1] as number) - dots[1]!)).toBeLessThanOrEqual(1);
    });
  });
});

/**
 * What a person would see go wrong in the charts of a page: two texts over each other (titles,
 * tick labels, values, notes), a text cut by the image's edge, a period's note not above the
 * frame, or a line reaching the frame's top (through the notes above it).
 */
async function chartLayoutProblems(page: Page, notes: string[]): Promise<string[]> {
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading, .observablehq--loading").length === 0);
  return page.evaluate((notes) => {
    const out: string[] = [];
    document.querySelectorAll(".graphique-exportable svg[role=img]").forEach((svg, k) => {
      const name = `graphique ${k + 1} (${svg.getAttribute("aria-label")})`;
      const box = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll("text")]
        .filter((t) => t.textContent!.trim() && !t.closest("[aria-hidden]"))
        .map((t) => ({ text: t.textContent!.trim(), r: t.getBoundingClientRect() }));
      for (const t of texts)
        if (t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.top < box.top - 1 || t.r.bottom > box.bottom + 1)
          out.push(`${name} : « ${t.text} » dépasse de l'image`);
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i]!.r;
          const b = texts[j]!.r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // side by side on one line, two texts need a gap a reader sees (4 px), not just no overlap
          if (w > -4 && h > 1) out.push(`${name} : « ${texts[i]!.text} » chevauche ou touche « ${texts[j]!.text} »`);
        }
      // A chart with shaded periods (trendChart.js): the rectangles span the frame's height.
      const shaded = [...svg.querySelectorAll('g[fill-opacity="0.6"] rect')];
      if (shaded.length === 0) return;
      const frameTop = Math.min(...shaded.map((r) => r.getBoundingClientRect().top));
      for (const t of texts.filter((t) => notes.includes(t.text)))
        if (t.r.bottom > frameTop + 1) out.push(`${name} : la note « ${t.text} » descend dans le cadre`);
      for (const line of svg.querySelectorAll('g[fill="none"][stroke-linejoin="round"] path'))
        if (line.getBoundingClientRect().top < frameTop + 1) out.push(`${name} : une courbe touche le haut du cadre`);
    });
    return out;
  }, notes);
}
