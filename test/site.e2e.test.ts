/**
 * The dashboard end to end: build the site from a fixture warehouse into a temporary
 * folder, serve it with the API on 127.0.0.1 (the product's one server), open every page in headless Chromium (Debian's, driven by
 * playwright-core): no console error, no failed request, nothing requested outside the
 * local server, and the headline figures equal `npm run figures` for the same year. A
 * screenshot per page goes to test/.artifacts/site/ (git-ignored).
 *
 * Chromium: Debian's when installed, else the build an npm package ships (test/util/browser.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatValue } from "../reports/components/format.ts";
import { renderCsv } from "../src/figures/render.ts";
import { projectPath } from "../src/paths.ts";
import { openDatabase } from "../src/duckdb/db.ts";
import { MAX_PAGE_DATA_BYTES, buildSite } from "../src/site/build.ts";
import type { FiguresRecord } from "../src/warehouse/figures.ts";
import { tempDir } from "./util/exports.ts";
import { keyFiguresOverOneSheet } from "./util/keyFiguresPrint.ts";
import { PAGE_FIGURES, figurePhrase, siteUnderTest, spaces } from "./util/siteUnderTest.ts";

const web = siteUnderTest({ name: "site" });

const figuresCli = (annee: number, secteur?: string) => web.figuresCli(annee, secteur);

/** Open a page at 1280×900, record every problem, wait for every cell to settle. */
const visit = (pagePath: string) => web.visit(pagePath, { context: { acceptDownloads: true } });

/** A screenshot named after the page. */
const screenshot = (page: Page, pagePath: string) => web.screenshot(page, pagePath.replace(/\.html$/, "").replace(/[\/]/g, "_"));

describe("the built site", () => {
  it("has every page of the dashboard, one per sector, in French, with the footer", () => {
    web.ready();
    expect(web.site.pages.map((p) => p.page)).toEqual([
      "404.html",
      "accessibilite.html",
      "chiffres-cles.html",
      "dossiers.html",
      "entonnoir-contentieux.html",
      "index.html",
      "locataires-partis.html",
      "plans-et-accompagnement.html",
      "publications.html",
      "qualite-des-donnees.html",
      "revue-mensuelle.html",
      "secteurs.html",
      path.join("secteurs", "N.html"),
      path.join("secteurs", "S.html"),
    ]);
    for (const p of web.site.pages) {
      const html = fs.readFileSync(path.join(web.site.output, p.page), "utf8");
      expect(html, p.page).toContain('<html lang="fr">');
      expect(html, p.page).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|registry\.npmjs/);
      if (p.page !== "404.html") expect(html, p.page).toMatch(/<a href="[./]*accessibilite(\.html)?">Accessibilité : non conforme<\/a>/);
      if (p.page !== "404.html") expect(html, p.page).toMatch(/Données arrêtées au <strong data-pied="date-arrete">02\/01\/2025<\/strong>/);
      expect(p.dataBytes, p.page).toBeLessThanOrEqual(MAX_PAGE_DATA_BYTES);
    }
  });

  it("opens every page without an error, a failed request or a request outside the local server", async () => {
    web.ready();
    const report: string[] = [];
    for (const { page: pagePath } of web.site.pages) {
      const urlPath = pagePath.split(path.sep).join("/");
      const { page, problems, external } = await visit(urlPath);
      await screenshot(page, urlPath);
      for (const p of problems) report.push(`${urlPath} : ${p}`);
      for (const u of external) report.push(`${urlPath} : requête hors du serveur local : ${u}`);
      expect(await page.evaluate(() => document.documentElement.lang), urlPath).toBe("fr");
      // Scripts by hash only: an inline script injected at run time would not run.
      const policy = (await fetch(`${web.server.url}/${urlPath}`)).headers.get("content-security-policy") ?? "";
      expect(/script-src ([^;]+)/.exec(policy)?.[1], urlPath).toMatch(/^'self'( '(report-sample|unsafe-hashes|sha256-[A-Za-z0-9+/=]+)')+$/);
      await page.context().close();
    }
    expect(report).toEqual([]);
  });
});

describe("Vue d'ensemble", () => {
  it("shows the taux d'impayés of the last complete year and of the latest data as `npm run figures` gives them", async () => {
    web.ready();
    const f2024 = figuresCli(2024);
    // The site gives the year in progress at its latest month end (issue 10): the data end on
    // 02/01/2025, so no month of 2025 has ended and the latest figures are those of 31/12/2024.
    const f2025 = figuresCli(2024);
    const { page, problems } = await visit("index.html");
    const text = async (selector: string) => spaces(await page.locator(selector).first().textContent());
    expect(await text('[data-figure="taux_impayes"][data-annee="2024"]')).toBe(spaces(formatValue(f2024.taux_impayes as number, "taux")));
    expect(await text('[data-figure="taux_impayes_dernieres_donnees"]')).toBe(spaces(formatValue(f2025.taux_impayes as number, "taux")));
    for (const key of ["taux_impayes_global", "taux_recouvrement"]) {
      expect(await text(`[data-figure="variante-${key}"]`), key).toBe(spaces(formatValue(f2024[key] as number, "taux")));
    }
    for (const key of ["menages_en_dette", "menages_dette_3_mois"]) {
      expect(await text(`[data-figure="${key}"][data-annee="2024"]`), key).toBe(spaces(formatValue(f2024[key] as number, "nombre")));
    }
    for (const key of ["dette_moins_3_mois", "dette_3_12_mois", "dette_plus_12_mois", "dette_presents"]) {
      expect(await text(`td[data-figure="${key}"][data-annee="2024"]`), key).toBe(spaces(formatValue(f2024[key] as number, "euros")));
    }
    // Every figure shows its definition.
    expect(await page.locator('[data-figure="taux_impayes"][data-annee="2024"]').getAttribute("title")).toMatch(
      /^Dette des locataires présents/,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("Chiffres clés", () => {
  it("lists every figure of etl/models/metrics/FIGURES.md as `npm run figures` gives it, for the year and the sector chosen", async () => {
    web.ready();
    const { page, problems } = await visit("chiffres-cles.html");
    const check = async (record: FiguresRecord) => {
      for (const [def, cohort] of PAGE_FIGURES) {
        const cell = page.locator(`td.phrase[data-figure="${def.cle}"]`);
        expect(spaces(await cell.textContent()), `${record.annee} ${record.secteur} ${def.cle}`).toBe(
          spaces(figurePhrase(record, def, cohort)),
        );
      }
      expect(spaces(await page.locator("[data-date-arrete]").textContent())).toBe(record.date_arrete.split("-").reverse().join("/"));
    };
    await check(figuresCli(2024));
    await page.locator("form", { hasText: "Secteur" }).locator("select").selectOption({ label: "Colmar Sud" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.startsWith("Colmar Sud"));
    await check(figuresCli(2024, "S"));
    await page.locator("form", { hasText: "Année" }).locator("select").selectOption({ label: "2023" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.includes("2023"));
    await check(figuresCli(2023, "S"));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("downloads the table as CSV for French Excel, the same bytes as `figures --format csv`", async () => {
    web.ready();
    const { page } = await visit("chiffres-cles.html");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /Télécharger le tableau/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("chiffres-cles-2024-ensemble.csv");
    const bytes = fs.readFileSync(await download.path());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const cli = spawnSync(projectPath("node_modules", ".bin", "tsx"), [
      projectPath("src", "cli", "figures.ts"),
      "--db",
      web.db,
      "--annee",
      "2024",
      "--format",
      "csv",
    ]);
    expect(bytes.toString("utf8")).toBe(cli.stdout.toString("utf8"));
    expect(bytes.toString("utf8")).toBe(renderCsv([figuresCli(2024)]));
    await page.context().close();
  });

  it("copies a figure's phrase and prints on one A4 sheet, for every year and scope", async () => {
    web.ready();
    const { page } = await visit("chiffres-cles.html");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: web.server.url });
    await page.locator('tr[data-cle="relances"] button').click();
    await expect.poll(() => page.locator('tr[data-cle="relances"] button').textContent()).toBe("Copié ✓");
    expect(spaces(await page.evaluate(() => navigator.clipboard.readText()))).toBe(
      spaces(await page.locator('td.phrase[data-figure="relances"]').textContent()),
    );
    // Every year and scope the page offers (the year in progress has the longest lead).
    const { printed, overflows } = await keyFiguresOverOneSheet(page);
    expect(printed).toBeGreaterThan(2);
    expect(overflows).toEqual([]);
    await page.context().close();
  });

  it("is one card per figure on a phone: no sideways scroll, the name, then the phrase beside its copy button, then the definition", async () => {
    web.ready();
    const { page, context } = await web.visit("chiffres-cles.html", { width: 390, height: 800 });
    try {
      const box = page.locator(".tableau-defilant", { has: page.locator("table.key-figures") });
      const { scrollWidth, clientWidth } = await box.evaluate((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const row = page.locator('tr[data-cle="taux_impayes"]');
      const [name, phrase, definition, copy] = await Promise.all(
        ["th", "td.phrase", "td.definition", "button"].map(async (s) => (await row.locator(s).boundingBox())!),
      );
      expect(spaces(await row.locator("td.phrase").textContent())).toBe(
        spaces(figurePhrase(figuresCli(2024), PAGE_FIGURES.find(([f]) => f.cle === "taux_impayes")![0], false)),
      );
      expect(name!.y + name!.height).toBeLessThanOrEqual(phrase!.y + 1);
      expect(copy!.x).toBeGreaterThanOrEqual(phrase!.x + phrase!.width - 1);
      expect(copy!.y).toBeLessThan(phrase!.y + phrase!.height);
      expect(phrase!.y + phrase!.height).toBeLessThanOrEqual(definition!.y + 1);
      // A card, not a tall row of a four-column table: about six lines at most.
      expect((await row.boundingBox())!.height).toBeLessThan(200);
    } finally {
      await context.close();
    }
  });
});

describe("Revue mensuelle", () => {
  it("shows a sign-in link, never an error or a case, without a session", async () => {
    web.ready();
    const { page, problems } = await visit("revue-mensuelle.html");
    await expect.poll(() => page.getByRole("link", { name: "Se connecter" }).count()).toBe(1);
    expect(await page.locator("table").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("signs in as recouvrement, lists the cases and opens one as the warehouse has it", async () => {
    web.ready();
    const { page, problems } = await visit("revue-mensuelle.html");
    await page.getByRole("link", { name: "Se connecter" }).click();
    await page.getByLabel("Identifiant").fill("recouvrement");
    await page.getByLabel("Mot de passe").fill(web.server.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/revue-mensuelle/);
    const firstRow = page.locator("table tbody tr").first();
    await firstRow.waitFor();
    const contrat = (await firstRow.locator("td").nth(1).textContent())!.trim();
    await firstRow.locator("input").check();
    const card = page.locator(`[data-dossier="${contrat}"]`);
    await card.waitFor({ timeout: 15_000 });
    const wh = await openDatabase(web.db, { readOnly: true });
    const reader = await wh.conn.runAndReadAll(`select cast(solde as double) as solde from review_cases where num_contrat = $n`, {
      n: contrat,
    });
    const [expected] = reader.getRowObjectsJson() as Array<{ solde: number }>;
    wh.close();
    expect(spaces(await card.locator('[data-champ="solde"]').textContent())).toBe(spaces(formatValue(expected!.solde, "euros")));
    expect(await card.locator("svg").count()).toBeGreaterThan(0);
    await screenshot(page, "revue-mensuelle-dossier");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("buildSite", () => {
  it("fails, naming the mart, when a data loader cannot read it", async () => {
    web.ready();
    const broken = path.join(tempDir("oph-site-broken-"), "warehouse.duckdb");
    fs.copyFileSync(web.db, broken);
    const wh = await openDatabase(broken);
    await wh.conn.run("drop table actions_per_month_and_role");
    wh.close();
    await expect(buildSite({ warehouse: broken, output: path.join(path.dirname(broken), "dist"), log: () => undefined })).rejects.toThrow(
      /ÉCHEC du chargeur actions-par-fonction\.json \(mart actions_per_month_and_role/,
    );
  });
});
