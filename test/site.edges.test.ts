/**
 * Honest edges on the site (issue 14, etl/models/metrics/FIGURES.md "Complete windows"): the fixture office's
 * ledger starts on 01/01/2023, so every month end of 2023 before 31/12 has a twelve-month
 * window that starts before the data. The overview says so in its text and marks those months
 * on the chart (shaded, labelled, drawn apart from the comparable trend); 31/12/2023 onwards
 * are comparable.
 */
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
});
